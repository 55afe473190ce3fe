"""The filter sets on their own, and the reference list: every field, pagination, bad input."""

import pytest
from django.urls import reverse

from archive.filters import DocumentFilter, ExternalLinkFilter, ReferenceFilter
from archive.models import Document, ExternalLink, LinkKind, Reference, ReferenceRole
from tests.factories import list_reference, make_document, make_link, make_reference

pytestmark = pytest.mark.django_db

REFERENCES = reverse("archive:reference-list")


@pytest.fixture
def shelf():
    """Four references of different kinds, years and roles."""
    document = make_document()
    king = make_reference(
        catalogue_id="AR-R0001",
        title="The Moldovans",
        year=2000,
        original_line="King, Charles (2000). The Moldovans. Hoover Press.",
    )
    article = make_reference(
        catalogue_id="AR-R0002",
        kind="article",
        authors=[{"family": "Tudorica", "given": "Andreea"}],
        title="Giurgiulești, piedică în calea lui Stalin",
        year=2007,
        isbn="",
        publisher="",
        periodical="Jurnalul Național",
        original_line='Tudorica, Andreea (2007). "Giurgiulești". Jurnalul Național.',
    )
    report = make_reference(
        catalogue_id="AR-R0003",
        kind="report",
        authors=[{"family": "Ciorănescu", "given": "George"}],
        title="The Problem of Bessarabia",
        year=1981,
        isbn="",
        publisher="",
        original_line="Ciorănescu, George (1981). The Problem of Bessarabia. Radio Free Europe.",
    )
    undated = make_reference(
        catalogue_id="AR-R0004",
        authors=[{"family": "Meltyukhov", "given": "Mikhail"}],
        title="Stalin's Missed Chance",
        year=None,
        isbn="",
        original_line="Mikhail Meltyukhov, Stalin's Missed Chance",
    )
    list_reference(document, king)
    list_reference(document, article)
    list_reference(document, report)
    list_reference(document, undated, role=ReferenceRole.FURTHER_READING)
    return {"king": king, "article": article, "report": report, "undated": undated}


def ids(filterset):
    assert filterset.is_valid(), filterset.errors
    return sorted(reference.catalogue_id for reference in filterset.qs)


def reference_filter(**data):
    return ReferenceFilter(data=data, queryset=Reference.objects.all())


# ---------------------------------------------------------------------------------------------
# ReferenceFilter, field by field
# ---------------------------------------------------------------------------------------------


def test_no_filter_keeps_every_reference(shelf):
    assert ids(reference_filter()) == ["AR-R0001", "AR-R0002", "AR-R0003", "AR-R0004"]


def test_kind(shelf):
    assert ids(reference_filter(kind="article")) == ["AR-R0002"]
    assert ids(reference_filter(kind="book")) == ["AR-R0001", "AR-R0004"]


def test_year_range(shelf):
    assert ids(reference_filter(year_min="1990")) == ["AR-R0001", "AR-R0002"]
    assert ids(reference_filter(year_max="2000")) == ["AR-R0001", "AR-R0003"]
    assert ids(reference_filter(year_min="1981", year_max="2000")) == ["AR-R0001", "AR-R0003"]
    assert ids(reference_filter(year_min="2001", year_max="2000")) == []


def test_text_matches_author_title_or_publisher_in_the_original_line(shelf):
    assert ids(reference_filter(q="king")) == ["AR-R0001"]
    assert ids(reference_filter(q="giurgiulești")) == ["AR-R0002"]
    assert ids(reference_filter(q="Hoover")) == ["AR-R0001"]
    assert ids(reference_filter(q="Meltyukhov")) == ["AR-R0004"]
    assert ReferenceFilter.base_filters["q"].label == "Author, title or publisher"


def test_has_isbn(shelf):
    assert ids(reference_filter(has_isbn="true")) == ["AR-R0001"]
    assert ids(reference_filter(has_isbn="false")) == ["AR-R0002", "AR-R0003", "AR-R0004"]
    assert len(ids(reference_filter(has_isbn=""))) == 4


def test_role(shelf):
    assert ids(reference_filter(role="further_reading")) == ["AR-R0004"]
    assert ids(reference_filter(role="cited")) == ["AR-R0001", "AR-R0002", "AR-R0003"]


def test_role_lists_a_reference_once_when_two_documents_cite_it(shelf):
    list_reference(make_document(), shelf["king"])

    filterset = reference_filter(role="cited")

    assert ids(filterset) == ["AR-R0001", "AR-R0002", "AR-R0003"]


def test_fields_combine(shelf):
    assert ids(reference_filter(kind="book", year_min="1990", has_isbn="true", q="moldovans")) == [
        "AR-R0001"
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year_min": "abc"}, "year_min"),
        ({"year_max": "19.5"}, "year_max"),
        ({"year_min": "99999999999999999999"}, "year_min"),
        ({"year_min": "-5"}, "year_min"),
        ({"kind": "nonsense"}, "kind"),
        ({"role": "author"}, "role"),
    ],
)
def test_bad_values_are_form_errors(data, field):
    filterset = reference_filter(**data)

    assert not filterset.is_valid()
    assert field in filterset.errors


# ---------------------------------------------------------------------------------------------
# The other filter sets
# ---------------------------------------------------------------------------------------------


def test_document_filter_by_language():
    make_document(language="en")
    romanian = make_document(language="ro")

    filterset = DocumentFilter(data={"language": "ro"}, queryset=Document.objects.all())

    assert list(filterset.qs) == [romanian]
    assert not DocumentFilter(data={"language": "fr"}, queryset=Document.objects.all()).is_valid()


def test_link_filter_by_kind():
    make_link(kind=LinkKind.EXTERNAL)
    see_also = make_link(kind=LinkKind.SEE_ALSO)

    filterset = ExternalLinkFilter(data={"kind": "see_also"}, queryset=ExternalLink.objects.all())

    assert list(filterset.qs) == [see_also]


# ---------------------------------------------------------------------------------------------
# The reference list page
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "report"}, "The Problem of Bessarabia", "The Moldovans"),
        ({"year_min": "2001"}, "Giurgiulești", "The Moldovans"),
        ({"year_max": "1990"}, "The Problem of Bessarabia", "Giurgiulești"),
        ({"q": "hoover"}, "The Moldovans", "Giurgiulești"),
        ({"has_isbn": "true"}, "The Moldovans", "Stalin&#x27;s Missed Chance"),
        ({"has_isbn": "false"}, "Stalin&#x27;s Missed Chance", "The Moldovans"),
        ({"role": "further_reading"}, "Stalin&#x27;s Missed Chance", "The Moldovans"),
    ],
)
def test_reference_list_filters_each_field(client, shelf, query, shown, hidden):
    response = client.get(REFERENCES, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    assert hidden not in html
    assert "matching these filters" in html


def test_reference_list_form_keeps_the_values_and_has_filter_and_clear(client, shelf):
    html = client.get(
        REFERENCES, {"q": "King", "kind": "book", "year_min": "1990"}
    ).content.decode()

    assert '<label for="id_q">Author, title or publisher</label>' in html
    assert 'name="q" value="King"' in html
    assert '<option value="book" selected>Book</option>' in html
    assert 'name="year_min" value="1990"' in html
    assert '<button type="submit">Filter</button>' in html
    assert '<a href="/references/">Clear</a>' in html


@pytest.mark.parametrize(
    "query",
    [
        {"year_min": "abc"},
        {"year_max": "1990.5"},
        {"year_min": "99999999999999999999"},
        {"kind": "nonsense"},
        {"role": "nonsense"},
        {"has_isbn": "maybe"},
        {"q": "x" * 5000},
        {"q": "%_\\'\""},
    ],
)
def test_reference_list_bad_input_is_not_a_server_error(client, shelf, query):
    response = client.get(REFERENCES, query)

    assert response.status_code == 200


def test_reference_list_shows_the_form_error(client, shelf):
    html = client.get(REFERENCES, {"year_min": "abc", "kind": "nonsense"}).content.decode()

    assert (
        '<ul class="errorlist" id="id_year_min_error"><li>Enter a whole number.</li></ul>' in html
    )
    assert 'aria-invalid="true"' in html
    assert "Select a valid choice" in html
    assert 'value="abc"' in html  # shown back as typed
    assert "Some filter values could not be used" in html
    assert "No references match" not in html


@pytest.fixture
def many_books():
    for number in range(1, 46):
        make_reference(
            catalogue_id=f"AR-R{number:04d}",
            title=f"Book {number:02d}",
            year=1900 + number,
            isbn="" if number % 3 else "978-0-00-000000-0",
        )


def test_reference_list_is_paginated_by_twenty(client, many_books):
    html = client.get(REFERENCES).content.decode()

    assert "Book 20" in html
    assert "Book 21" not in html
    assert "45 references" in html
    assert "Page 1 of 3" in html
    assert 'href="?page=2" rel="next"' in html


def test_pagination_keeps_the_filters(client, many_books):
    response = client.get(REFERENCES, {"kind": "book", "year_min": "1901", "page": 2})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Book 21" in html
    assert "Book 20" not in html
    assert 'href="?kind=book&amp;year_min=1901&amp;page=1" rel="prev"' in html
    assert 'href="?kind=book&amp;year_min=1901&amp;page=3" rel="next"' in html
    assert 'href="?kind=book&amp;year_min=1901&amp;page=2" aria-current="page"' in html


def test_pagination_with_a_filter_counts_the_filtered_rows(client, many_books):
    html = client.get(REFERENCES, {"has_isbn": "true"}).content.decode()

    assert "15 references matching these filters" in html
    assert "Page 1 of" not in html  # 15 rows fit on one page


def test_bad_filter_with_a_page_number_is_404_not_500(client, shelf):
    """An invalid filter lists nothing, so page 2 of it does not exist."""
    assert client.get(REFERENCES, {"year_min": "abc", "page": "2"}).status_code == 404


@pytest.mark.parametrize("page", ["999", "x", "0", "-1"])
def test_reference_list_page_out_of_range_is_404(client, many_books, page):
    assert client.get(REFERENCES, {"page": page}).status_code == 404


def test_reference_list_last_page_by_name(client, many_books):
    response = client.get(REFERENCES, {"page": "last"})

    assert response.status_code == 200
    assert "Book 45" in response.content.decode()

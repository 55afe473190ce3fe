"""Fidelity of the bibliography: every ISBN of the received texts is findable from
``/references/?isbn=…``, and the book that the English text lists among its external links is
catalogued as a reference too."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from stdnum import isbn

from archive.importers.citations import ISBN
from archive.importers.manifest import load_manifest, manifest_path
from archive.models import DocumentLink, ExternalLink, Reference

ISBN_IN_TEXT = re.compile(r"\bISBN(?:-1[03])?:? ([0-9Xx][0-9Xx\- ]*[0-9Xx])")
SCURTU_LINE = (
    "Ioan Scurtu (2003). Istoria Basarabiei de la începuturi până în 2003. Editura Institutului "
    "Cultural Român. ISBN 9789735773779."
)


def received_isbns():
    """Every ISBN written in the received texts, as written."""
    folder = manifest_path().parent
    found = []
    for entry in load_manifest():
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        found += [match[1] for match in ISBN_IN_TEXT.finditer(text)]
    return found


def found(client, value):
    response = client.get(reverse("archive:reference-list"), {"isbn": value})
    assert response.status_code == 200
    return sorted(set(re.findall(r"AR-R\d{4}", response.content.decode())))


def test_every_isbn_in_the_received_texts_is_findable_as_written_and_in_its_other_forms(
    articles,
):
    client = Client()
    numbers = received_isbns()
    assert len(numbers) == 8
    for written in numbers:
        (reference,) = Reference.objects.filter(isbn=written)
        forms = {written, isbn.compact(written), isbn.format(written), isbn.to_isbn13(written)}
        if isbn.compact(isbn.to_isbn13(written)).startswith("978"):
            forms.add(isbn.to_isbn10(written))
        for form in forms:
            assert found(client, form) == [reference.catalogue_id], form


def test_the_isbn_pattern_of_the_parser_and_of_this_test_agree():
    assert ISBN.pattern.startswith("^ISBN(?:-1[03])?:? (?P<isbn>[0-9Xx][0-9Xx\\- ]*[0-9Xx])")


def test_an_isbn_filter_that_is_no_isbn_is_a_form_error(articles):
    response = Client().get(reverse("archive:reference-list"), {"isbn": "12-34"})
    assert response.status_code == 200
    assert "Enter an ISBN" in response.content.decode()
    assert found(Client(), "978-0-8179-9792-3") == []  # a wrong check digit finds nothing


def test_the_isbn_filter_works_for_the_exports_too(articles):
    response = Client().get(reverse("exports:references-csl"), {"isbn": "0-8179-9792-x"})
    assert [item["ISBN"] for item in response.json()] == ["978-0-8179-9792-2"]


@pytest.mark.django_db
def test_the_scurtu_book_is_a_book_reference_and_keeps_its_link_row(articles):
    reference = Reference.objects.get(original_line=SCURTU_LINE)
    assert (reference.kind, reference.isbn, reference.year) == ("book", "9789735773779", 2003)
    assert reference.authors == [{"family": "Scurtu", "given": "Ioan"}]
    assert reference.publisher == "Editura Institutului Cultural Român"
    assert not reference.document_links.exists()  # listed as a link, not as a reference
    link = ExternalLink.objects.get(original_line=SCURTU_LINE)
    assert link.kind == "external"
    listing = DocumentLink.objects.get(link=link)
    assert (listing.document, listing.order) == (articles["en"], 8)

    client = Client()
    page = client.get(reference.get_absolute_url()).content.decode()
    assert "External links, no. 8, as link" in page
    assert link.catalogue_id in page
    links = client.get(reverse("archive:link-list"), {"kind": "external"}).content.decode()
    assert "catalogued as reference" in links and reference.get_absolute_url() in links

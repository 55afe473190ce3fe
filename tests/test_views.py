"""The public, read-only pages: content, structure of the reading view, methods, query counts."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from archive.models import LinkKind, PassageKind, ReferenceKind, ReferenceRole, SectionKind
from tests.factories import (
    list_link,
    list_reference,
    make_document,
    make_link,
    make_note,
    make_passage,
    make_reference,
    make_section,
)

pytestmark = pytest.mark.django_db


def html_of(response):
    return response.content.decode()


def element(html, element_id):
    """The opening tag of the element with this id (enough to check its name and attributes)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element with id={element_id!r}"
    return match


def text_only(html):
    """The page with its tags removed: what is left is text, escaped as Django escapes it."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def occupation():
    """An English document with a translation, sections, notes, references and links."""
    document = make_document(
        title="Soviet occupation of Bessarabia",
        slug="soviet-occupation",
        catalogue_id="AR-D0001",
        source_url="https://en.wikipedia.org/wiki/Soviet_occupation_of_Bessarabia",
    )
    translation = make_document(
        title="Ocuparea sovietică a Basarabiei",
        slug="ocuparea-sovietica",
        catalogue_id="AR-D0002",
        language="ro",
        translation_of=document,
    )
    make_passage(translation, text="Ocuparea sovietică a Basarabiei a avut loc în 1940.")

    lead = make_passage(
        document, text="Between 28 June and 3 July 1940, the Soviet Union[a] acted."
    )
    make_note(lead, "a")
    background = make_section(document, heading="Background", anchor="background")
    make_passage(document, section=background, text="As a historical region, Bessarabia[b] …")
    make_note(document.passages.get(order=2), "b", text="A note that was received.")
    ultimatum = make_section(
        document, heading="Soviet ultimatum", anchor="soviet-ultimatum", level=3, parent=background
    )
    make_passage(
        document,
        section=ultimatum,
        kind=PassageKind.QUOTATION,
        text='"[...] centuries-old union of Bessarabia" & <more>',
    )
    make_passage(document, section=ultimatum, kind=PassageKind.LIST_ITEM, text="Reject: Iorga")
    make_passage(document, section=ultimatum, kind=PassageKind.LIST_ITEM, text="Accept: Andrei")
    make_passage(document, section=ultimatum, text="The same night, Carol II acted.")

    see_also = make_section(document, heading="See also", anchor="see-also", kind="see_also")
    notes = make_section(document, heading="Notes", anchor="notes", kind=SectionKind.NOTES)
    references = make_section(
        document, heading="References", anchor="references", kind=SectionKind.REFERENCES
    )
    further = make_section(
        document, heading="Further reading", anchor="further-reading", kind="further_reading"
    )
    external = make_section(
        document, heading="External links", anchor="external-links", kind="external_links"
    )

    king = make_reference(
        catalogue_id="AR-R0001",
        title="The Moldovans",
        original_line="King, Charles (2000). The Moldovans. Hoover Press. ISBN 978-0-8179-9792-2.",
    )
    article = make_reference(
        catalogue_id="AR-R0002",
        kind=ReferenceKind.ARTICLE,
        authors=[{"family": "Tudorica", "given": "Andreea"}],
        year=2007,
        title="Giurgiulești, piedică în calea lui Stalin",
        periodical="Jurnalul Național",
        publisher="",
        isbn="",
        language="ro",
        original_line='Tudorica, Andreea (26 June 2007). "Giurgiulești". Jurnalul Național.',
    )
    read = make_reference(
        catalogue_id="AR-R0003",
        authors=[],
        editors=[{"family": "Sontag", "given": "R. J."}, {"family": "Beddie", "given": "J. S."}],
        year=2003,
        title="Nazi Soviet Relations, 1939–1941",
        publisher="University Press of the Pacific",
        isbn="",
        original_line="Sontag, R. J., & Beddie, J. S. (Eds.). (2003). Nazi Soviet Relations.",
    )
    list_reference(document, king)
    list_reference(document, article)
    list_reference(document, read, role=ReferenceRole.FURTHER_READING)

    stalinism = make_link(
        catalogue_id="AR-L0001",
        kind=LinkKind.SEE_ALSO,
        title="Comparison of Nazism and Stalinism",
    )
    wikisource = make_link(
        catalogue_id="AR-L0002",
        title="Molotov–Ribbentrop pact",
        site="Wikisource",
        original_line='"Molotov–Ribbentrop pact", from Wikisource',
    )
    report = make_link(
        catalogue_id="AR-L0003",
        title="Final Report",
        archive_note="Archived 13 August 2021 at the Wayback Machine",
        remark="2004",
        language="ro",
        url="https://example.org/final-report",
    )
    list_link(document, stalinism)
    list_link(document, wikisource)
    list_link(document, report)

    return {
        "document": document,
        "translation": translation,
        "sections": {
            "background": background,
            "ultimatum": ultimatum,
            "see_also": see_also,
            "notes": notes,
            "references": references,
            "further": further,
            "external": external,
        },
        "references": [king, article, read],
        "links": [stalinism, wikisource, report],
    }


# ---------------------------------------------------------------------------------------------
# Pages and their content
# ---------------------------------------------------------------------------------------------


def test_home_describes_the_archive_and_lists_documents(client, occupation):
    response = client.get(reverse("archive:home"))

    assert response.status_code == 200
    html = html_of(response)
    assert "digital archive of source documents" in html
    assert "for historians" in html
    assert 'href="/documents/soviet-occupation/"' in html
    assert "English · 6 passages" in html
    assert "Romanian · 1 passage ·" in html
    assert "<strong>3</strong> bibliographic references" in html
    assert "<strong>2</strong> external links and <strong>1</strong> “See also” entry" in html
    for name in ("document-list", "reference-list", "link-list"):
        assert f'href="{reverse(f"archive:{name}")}"' in html


def test_base_layout_has_skip_link_landmarks_and_current_nav_item(client, occupation):
    html = html_of(client.get(reverse("archive:reference-list")))

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "Bessarabia 1940 Archive" in html
    assert '<a href="/references/" aria-current="page">References</a>' in html
    assert '<a href="/documents/">Documents</a>' in html
    assert "CC BY-SA 4.0" in html
    assert 'href="/static/css/site.css"' in html


def test_document_list_shows_each_document(client, occupation):
    response = client.get(reverse("archive:document-list"))

    assert response.status_code == 200
    html = html_of(response)
    assert '<a href="/documents/soviet-occupation/" lang="en">Soviet occupation' in html
    assert "<code>AR-D0002</code>" in html
    assert '<td data-label="Language">Romanian</td>' in html
    # The translation links to the document it translates.
    assert re.search(
        r'<td data-label="Translation of"><a href="/documents/soviet-occupation/" lang="en">'
        r'Soviet occupation of Bessarabia</a></td>\s*<td class="num" data-label="Passages">1</td>',
        html,
    )
    assert '<td class="num" data-label="Passages">6</td>' in html
    assert '<button type="submit">Filter</button>' in html
    assert '<a href="/documents/">Clear</a>' in html


def test_document_list_filters_by_language(client, occupation):
    html = html_of(client.get(reverse("archive:document-list"), {"language": "ro"}))

    assert "/documents/ocuparea-sovietica/" in html
    assert "<code>AR-D0001</code>" not in html
    assert "1 document<" in html


def test_document_list_rejects_unknown_language_without_error(client, occupation):
    response = client.get(reverse("archive:document-list"), {"language": "xx"})

    assert response.status_code == 200
    assert "Select a valid choice" in html_of(response)


# ---------------------------------------------------------------------------------------------
# The reading view
# ---------------------------------------------------------------------------------------------


def test_reading_view_has_language_title_and_metadata(client, occupation):
    document = occupation["document"]
    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    html = html_of(response)
    assert re.search(r'<article class="document[^"]*" lang="en"', html)
    assert '<h1 id="document-title">Soviet occupation of Bessarabia</h1>' in html
    assert "<dt>Catalogue ID</dt><dd><code>AR-D0001</code></dd>" in html
    assert "<dt>Creator</dt><dd>Wikipedia contributors</dd>" in html
    assert '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">' in html
    assert f'href="{document.source_url}"' in html
    assert f"{document.checksum[:12]}…" in html
    assert f'<code class="checksum__full">{document.checksum}</code>' in html
    assert "<dt>Translations</dt>" in html
    assert '<a href="/documents/ocuparea-sovietica/" lang="ro">' in html


def test_translation_names_its_original_and_carries_its_language(client, occupation):
    html = html_of(client.get(occupation["translation"].get_absolute_url()))

    assert re.search(r'<article class="document[^"]*" lang="ro"', html)
    assert "<dt>Translation of</dt>" in html
    assert '<a href="/documents/soviet-occupation/" lang="en">' in html
    # No headings: no table of contents.
    assert "Contents" not in html


def test_reading_view_table_of_contents_nests_by_level(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    assert '<nav class="toc" aria-labelledby="toc-heading">' in html
    toc = html[
        html.index('<nav class="toc"') : html.index("</nav>", html.index('<nav class="toc"'))
    ]
    assert re.search(
        r'<a href="#background">Background</a><ol class="toc__list">\s*'
        r'<li><a href="#soviet-ultimatum">Soviet ultimatum</a></li>',
        toc,
    )
    for anchor in ("see-also", "notes", "references", "further-reading", "external-links"):
        assert f'href="#{anchor}"' in toc


def test_reading_view_sections_are_labelled_and_headed_by_level(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    assert (
        '<section id="background" class="section section--body" '
        'aria-labelledby="background-heading">' in html
    )
    assert '<h2 id="background-heading">Background</h2>' in html
    assert '<h3 id="soviet-ultimatum-heading">Soviet ultimatum</h3>' in html
    # The subsection sits inside its parent section.
    background = html.index('<section id="background"')
    ultimatum = html.index('<section id="soviet-ultimatum"')
    see_also = html.index('<section id="see-also"')
    assert background < ultimatum < see_also
    assert html.count("</section>", background, see_also) == 2


def test_reading_view_passages_have_anchors_and_kinds(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    assert element(html, "p-1").group(1) == "p"
    assert element(html, "p-3").group(1) == "blockquote"
    assert element(html, "p-4").group(1) == "li"
    assert element(html, "p-6").group(1) == "p"
    # Consecutive list items share one list.
    assert re.search(r'<ul class="passage-list">\s*<li id="p-4"[^>]*>.*?</li>\s*<li id="p-5"', html)
    assert (
        '<a class="passage-anchor" href="#p-1" lang="en" aria-label="Link to passage 1">¶</a>'
        in html
    )


def test_reading_view_keeps_passage_text_exact_and_escaped(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    quotation = occupation["document"].passages.get(order=3).text
    assert escape(quotation) in html
    assert "&quot;[...] centuries-old union of Bessarabia&quot; &amp; &lt;more&gt;" in html
    for passage in occupation["document"].passages.all():
        assert escape(passage.text) in text_only(html)


def test_reading_view_links_footnote_markers_both_ways(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    assert (
        'the Soviet Union<sup class="note-ref"><a href="#note-a" id="ref-note-a">[a]</a></sup>'
        in html
    )
    assert element(html, "note-a").group(1) == "li"
    assert "The received text carries the marker [a] but not the note's text." in html
    assert 'href="#ref-note-a"' in html
    # A note whose text was received shows it, with no "missing" message.
    assert "A note that was received." in html
    assert "carries the marker [b]" not in html
    # The notes are listed in the Notes section, once.
    notes = html.index('<section id="notes"')
    assert notes < html.index('id="note-a"') < html.index('<section id="references"')
    assert html.count('id="note-a"') == 1


def test_reading_view_without_notes_section_lists_notes_after_the_text(client):
    document = make_document()
    passage = make_passage(document, text="A claim.[c]")
    make_note(passage, "c")

    html = html_of(client.get(document.get_absolute_url()))

    assert '<section id="notes"' in html
    assert "The received text carries the marker [c] but not the note's text." in html


def test_reading_view_marker_off_its_offset_is_still_found_and_text_unchanged(client):
    document = make_document()
    passage = make_passage(document, text="One[a] two.")
    make_note(passage, "a", offset=7)
    make_note(passage, "z", offset=0)  # not in the text at all

    html = html_of(client.get(document.get_absolute_url()))

    assert 'One<sup class="note-ref"><a href="#note-a" id="ref-note-a">[a]</a></sup> two.' in html
    assert 'id="ref-note-z"' not in html
    assert 'href="#ref-note-z"' not in html
    assert "The received text carries the marker [z] but not the note's text." in html


def test_reading_view_lists_references_with_citation_and_original_line(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))
    king, article, read = occupation["references"]

    section = html[html.index('<section id="references"') : html.index('<section id="further')]
    assert (
        'King, Charles (2000). <a href="/references/AR-R0001/"><cite>The Moldovans</cite></a>. '
        "Hoover Press. ISBN 978-0-8179-9792-2." in section
    )
    assert "“Giurgiulești, piedică în calea lui Stalin”</a>." in section
    assert "<cite>Jurnalul Național</cite>." in section
    assert "(In Romanian.)" in section
    assert '<summary lang="en">Line as received</summary>' in section
    assert escape(king.original_line) in section
    assert escape(article.original_line) in section
    assert section.index("AR-R0001") < section.index("AR-R0002")

    further = html[html.index('<section id="further-reading"') :]
    assert "Sontag, R. J.; Beddie, J. S. (eds.) (2003)." in further
    assert escape(read.original_line) in further


def test_reading_view_lists_links_and_says_when_url_is_missing(client, occupation):
    html = html_of(client.get(occupation["document"].get_absolute_url()))

    see_also = html[html.index('<section id="see-also"') : html.index('<section id="notes"')]
    assert "Comparison of Nazism and Stalinism" in see_also
    assert "URL not recorded in the received text" in see_also
    assert "Molotov–Ribbentrop pact" not in see_also

    external = html[html.index('<section id="external-links"') :]
    assert "Molotov–Ribbentrop pact" in external
    assert "Wikisource" in external
    assert '<a href="https://example.org/final-report" class="link-entry__title">' in external
    assert "Archived 13 August 2021 at the Wayback Machine" in external
    assert "(in Romanian)" in external
    assert external.count("URL not recorded in the received text") == 1


def test_reading_view_does_not_repeat_passages_that_are_listed_rows(client):
    document = make_document()
    section = make_section(document, heading="References", kind=SectionKind.REFERENCES)
    reference = make_reference(original_line="Deletant, Dennis (2006). Hitler's Forgotten Ally.")
    list_reference(document, reference)
    make_passage(document, section=section, text=reference.original_line)
    make_passage(document, section=section, text="A line the importer could not parse.")

    html = html_of(client.get(document.get_absolute_url()))

    assert html.count(escape(reference.original_line)) == 1
    assert "A line the importer could not parse." in html


def test_unknown_document_is_404(client):
    response = client.get(reverse("reading:document-detail", kwargs={"slug": "nothing-here"}))

    assert response.status_code == 404
    assert "Page not found" in html_of(response)


# ---------------------------------------------------------------------------------------------
# References and links
# ---------------------------------------------------------------------------------------------


def test_reference_list_shows_the_parsed_fields(client, occupation):
    response = client.get(reverse("archive:reference-list"))

    assert response.status_code == 200
    html = html_of(response)
    assert '<td data-label="Authors">King, Charles</td>' in html
    assert '<td class="num" data-label="Year">2000</td>' in html
    assert '<a href="/references/AR-R0001/">The Moldovans</a>' in html
    assert '<td data-label="Publisher or periodical">Hoover Press</td>' in html
    assert "<cite>Jurnalul Național</cite>" in html
    assert '<span class="isbn">978-0-8179-9792-2</span>' in html
    assert ">Sontag, R. J.; Beddie, J. S. (eds.)</td>" in html
    assert "3 references" in html


def test_reference_detail_shows_fields_original_line_and_citing_documents(client, occupation):
    king = occupation["references"][0]
    response = client.get(king.get_absolute_url())

    assert response.status_code == 200
    html = html_of(response)
    assert '<h1 id="reference-title">The Moldovans</h1>' in html
    assert "<dt>Kind</dt><dd>Book</dd>" in html
    assert "<li>King, Charles</li>" in html
    assert "<dt>Year</dt><dd>2000</dd>" in html
    assert "<dt>Publisher</dt><dd>Hoover Press</dd>" in html
    # Fields the line does not give are listed too, as not given.
    assert '<dt>Place</dt><dd><span class="muted">not given</span></dd>' in html
    assert '<dt>Retrieved</dt><dd><span class="muted">not given</span>' in html
    assert '<span class="isbn">978-0-8179-9792-2</span>' in html
    assert (
        '<blockquote class="original-line" aria-labelledby="original-line-heading">'
        f"<p>{escape(king.original_line)}</p></blockquote>" in html
    )
    assert (
        '<a href="/documents/soviet-occupation/" lang="en">Soviet occupation of Bessarabia</a>'
        in html
    )
    assert "Cited, no. 1" in html


def test_reference_detail_names_the_role_of_further_reading(client, occupation):
    html = html_of(client.get(occupation["references"][2].get_absolute_url()))

    assert "Further reading, no. 1" in html
    assert (
        '<dt>Editors</dt><dd><ul class="plain"><li>Sontag, R. J.</li><li>Beddie, J. S.</li>' in html
    )
    assert '<dt>Authors</dt><dd><span class="muted">not given</span></dd>' in html


def test_unknown_reference_is_404(client):
    response = client.get(reverse("archive:reference-detail", kwargs={"catalogue_id": "AR-R9999"}))

    assert response.status_code == 404


def test_link_list_shows_each_link_and_who_lists_it(client, occupation):
    response = client.get(reverse("archive:link-list"))

    assert response.status_code == 200
    html = html_of(response)
    assert '<li id="AR-L0002" class="link-record">' in html
    assert "Molotov–Ribbentrop pact" in html
    assert '<span class="link-entry__site">Wikisource</span>' in html
    assert "(in Romanian)" in html
    assert "Archived 13 August 2021 at the Wayback Machine" in html
    assert 'href="https://example.org/final-report"' in html
    assert html.count("URL not recorded in the received text") == 2
    assert "See also" in html
    assert 'listed by <a href="/documents/soviet-occupation/" lang="en">' in html


def test_link_list_filters_by_kind(client, occupation):
    html = html_of(client.get(reverse("archive:link-list"), {"kind": LinkKind.SEE_ALSO}))

    assert "Comparison of Nazism and Stalinism" in html
    assert "Molotov–Ribbentrop pact" not in html

    response = client.get(reverse("archive:link-list"), {"kind": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in html_of(response)


# ---------------------------------------------------------------------------------------------
# Methods and error pages
# ---------------------------------------------------------------------------------------------

PAGES = [
    ("archive:home", {}),
    ("archive:document-list", {}),
    ("reading:document-detail", {"slug": "soviet-occupation"}),
    ("archive:reference-list", {}),
    ("archive:reference-detail", {"catalogue_id": "AR-R0001"}),
    ("archive:link-list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_answers_get_and_head(client, occupation, name, kwargs):
    url = reverse(name, kwargs=kwargs)

    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_page_refuses_unsafe_methods(client, occupation, name, kwargs, method):
    response = getattr(client, method)(reverse(name, kwargs=kwargs))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_post_without_csrf_token_is_405_not_403(occupation, name, kwargs):
    client = Client(enforce_csrf_checks=True)

    assert client.post(reverse(name, kwargs=kwargs)).status_code == 405


def test_server_error_page_renders_without_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Bessarabia 1940 Archive" in html_of(response)


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the number of rows
# ---------------------------------------------------------------------------------------------


def make_large_document(passages=300, sections=30, notes=40, references=60, links=30):
    document = make_document(slug="large", title="Large")
    section_rows = []
    for number in range(1, sections + 1):
        parent = section_rows[-1] if number % 3 == 0 else None
        section_rows.append(
            make_section(
                document,
                order=number,
                level=3 if parent else 2,
                parent=parent,
                heading=f"Heading {number}",
                anchor=f"heading-{number}",
            )
        )
    section_rows.append(
        make_section(document, order=sections + 1, heading="References", kind="references")
    )
    section_rows.append(
        make_section(document, order=sections + 2, heading="External links", kind="external_links")
    )
    section_rows.append(make_section(document, order=sections + 3, heading="Notes", kind="notes"))
    from archive.models import Note, Passage

    kinds = [PassageKind.PARAGRAPH, PassageKind.QUOTATION, PassageKind.LIST_ITEM]
    Passage.objects.bulk_create(
        Passage(
            document=document,
            section=section_rows[order % sections] if order > 5 else None,
            order=order,
            anchor=f"p-{order}",
            kind=kinds[order % 3],
            text=f"Passage {order}[n{order}] text.",
            line_number=order,
        )
        for order in range(1, passages + 1)
    )
    Note.objects.bulk_create(
        Note(
            document=document,
            passage=passage,
            marker=f"n{passage.order}",
            offset=len(f"Passage {passage.order}"),
        )
        for passage in document.passages.all()[:notes]
    )
    for _ in range(references):
        list_reference(document, make_reference())
    for number in range(links):
        list_link(document, make_link(kind=LinkKind.EXTERNAL if number % 2 else LinkKind.SEE_ALSO))
    return document


#: Seven catalogue queries; five for scholarship: annotations, their tags, flags,
#: cross-references and the documents at their far ends.
READING_QUERIES = 12


def test_reading_view_query_count_is_constant(client, django_assert_max_num_queries):
    small = make_document(slug="small")
    make_passage(small)
    large = make_large_document()

    with django_assert_max_num_queries(READING_QUERIES):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(READING_QUERIES):
        response = client.get(large.get_absolute_url())
    html = html_of(response)
    assert 'id="p-300"' in html
    assert 'href="#ref-note-n40"' in html


def test_document_list_and_home_query_counts_are_constant(client, django_assert_max_num_queries):
    make_document()
    with django_assert_max_num_queries(1):
        client.get(reverse("archive:document-list"))
    with django_assert_max_num_queries(3):
        client.get(reverse("archive:home"))

    original = make_document()
    for _ in range(20):
        make_passage(make_document(translation_of=original))
    with django_assert_max_num_queries(1):
        client.get(reverse("archive:document-list"))
    with django_assert_max_num_queries(3):
        client.get(reverse("archive:home"))


def test_reference_pages_query_counts_are_constant(client, django_assert_max_num_queries):
    document = make_document()
    reference = make_reference()
    list_reference(document, reference)
    with django_assert_max_num_queries(2):
        client.get(reverse("archive:reference-list"))
    # The reference page: the reference, the documents listing it, and the links made from
    # the same line (an external-link line that reads as a citation).
    with django_assert_max_num_queries(3):
        client.get(reference.get_absolute_url())

    for number in range(60):
        other = make_reference()
        list_reference(make_document(), other)
        list_reference(document, other, role=ReferenceRole.FURTHER_READING)
        list_reference(make_document(), reference, order=number + 2)
    with django_assert_max_num_queries(2):
        client.get(reverse("archive:reference-list"), {"page": 2})
    with django_assert_max_num_queries(3):
        client.get(reference.get_absolute_url())


def test_link_list_query_count_is_constant(client, django_assert_max_num_queries):
    list_link(make_document(), make_link())
    with django_assert_max_num_queries(3):
        client.get(reverse("archive:link-list"))

    documents = [make_document() for _ in range(5)]
    for _ in range(40):
        link = make_link()
        for document in documents:
            list_link(document, link)
    with django_assert_max_num_queries(3):
        client.get(reverse("archive:link-list"))


# ---------------------------------------------------------------------------------------------
# The received articles
# ---------------------------------------------------------------------------------------------


def test_articles_reading_views_show_every_passage_and_heading(client, articles):
    """`articles` (tests/conftest.py) runs ``loaddata articles``."""
    headings = 0
    for document in articles.values():
        html = html_of(client.get(document.get_absolute_url()))
        text = text_only(html)
        for passage in document.passages.all():
            assert escape(passage.text) in text, passage.anchor
            assert f'id="{passage.anchor}"' in html
        for section in document.sections.all():
            assert f'<section id="{section.anchor}"' in html
            assert f'id="{section.anchor}-heading">{escape(section.heading)}</h' in html
            assert f'<a href="#{section.anchor}">{escape(section.heading)}</a>' in html
            headings += 1
    assert headings == 28

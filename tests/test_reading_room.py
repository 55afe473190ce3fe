"""The reading room: per-passage fragments keyed on each passage's change counter, the
passage page and panel, their filters, and what they answer to bad input."""

from unittest import mock

import pytest
from django.urls import reverse

from annotations import services
from annotations.services import TargetData
from archive.models import Passage
from reading import fragments

pytestmark = pytest.mark.django_db


def annotate(user, passage, body="A note", **target):
    return services.create_annotation(
        user=user,
        target=TargetData(passage=passage, **target),
        body=body,
        motivation="commenting",
        visibility="public",
    )


def counters(document):
    return {
        order: count or 0
        for order, count in document.passages.values_list("order", "change_counter__count")
    }


def fresh(client, document):
    """The reading page rendered (not from the anonymous page cache)."""
    response = client.get(document.get_absolute_url() + "?fresh")
    assert response.status_code == 200
    return response.content.decode()


def test_a_write_bumps_only_the_counters_of_the_passages_it_touches(
    articles, english, lead, scholar
):
    romanian = articles["ro"]
    before_en, before_ro = counters(english), counters(romanian)
    note = annotate(scholar, lead)
    after = counters(english)
    assert after[1] == before_en[1] + 1
    assert {n: c for n, c in after.items() if n != 1} == {
        n: c for n, c in before_en.items() if n != 1
    }
    assert counters(romanian) == before_ro
    services.create_crossref(
        user=scholar,
        target=TargetData(passage=romanian.passages.get(order=2)),
        relation="translation_of",
        to_target=TargetData(passage=english.passages.get(order=3)),
    )
    assert counters(romanian)[2] == before_ro[2] + 1
    assert counters(english)[3] == before_en[3] + 1
    assert counters(english)[1] == before_en[1] + 1
    services.delete_annotation(annotation=note, user=scholar)
    assert counters(english)[1] == before_en[1] + 2


def test_after_a_write_only_its_passage_is_rendered_again_and_shows_it(
    client, english, lead, scholar
):
    fresh(client, english)  # every passage's fragments cached
    with mock.patch.object(fragments, "render_fragment", wraps=fragments.render_fragment) as render:
        fresh(client, english)
        assert render.call_count == 0
        annotate(scholar, lead, body="Seen at once", exact="Soviet Union occupied Bessarabia")
        html = fresh(client, english)
        assert render.call_count == 1
        assert render.call_args.args[0].pk == lead.pk
    assert '<mark class="hl hl--annotation">Soviet Union occupied Bessarabia</mark>' in html
    assert "1 annotation" in html and "Seen at once" in html
    # The anonymous whole page (keyed on the document's counter) shows it too.
    assert "Seen at once" in client.get(english.get_absolute_url()).content.decode()


def test_a_catalogue_change_renders_every_passage_again(client, english, lead):
    fresh(client, english)
    lead.text = lead.text  # a moderator's correction in the admin saves the row
    lead.save()
    with mock.patch.object(fragments, "render_fragment", wraps=fragments.render_fragment) as render:
        fresh(client, english)
    assert render.call_count == english.passages.count()


def test_a_scholars_private_annotation_is_in_their_fragments_only(
    client, english, lead, scholar, other_scholar
):
    services.create_annotation(
        user=scholar,
        target=TargetData(passage=lead, exact="Soviet Union occupied Bessarabia"),
        body="Only for me",
        motivation="commenting",
        visibility="private",
    )
    assert "Only for me" not in fresh(client, english)
    client.force_login(other_scholar)
    assert "Only for me" not in fresh(client, english)
    client.force_login(scholar)
    html = fresh(client, english)
    assert "Only for me" in html and "hl--annotation" in html


def test_summary_counts_by_kind_and_links_to_the_passage_page(client, english, lead, scholar):
    annotate(scholar, lead, body="First words of a note")
    services.create_flag(
        user=scholar,
        target=TargetData(passage=lead, exact="3 July 1940"),
        category="date",
        statement="The Romanian text says 4 July.",
    )
    html = fresh(client, english)
    assert "1 annotation" in html and "1 disputed (open)" in html
    assert f'href="{lead.get_absolute_url()}"' in html
    assert reverse("reading:passage-panel", args=[english.slug, 1]) in html
    assert "“The Romanian text says 4 July.”" in html and "“First words of a note”" in html
    assert 'data-disputed><p id="p-1"' in html


def test_table_of_contents_counts_the_items_of_each_section(client, english, scholar):
    passage = english.passages.exclude(section=None).select_related("section").first()
    annotate(scholar, passage)
    annotate(scholar, passage, body="Another")
    html = fresh(client, english)
    section = passage.section
    assert (
        f'<a href="#{section.anchor}">{section.heading}</a> <span class="toc__count" lang="en">2'
        in html
    )


def test_passage_page_shows_the_text_with_marks_and_all_its_scholarship(
    client, english, lead, scholar
):
    note = annotate(scholar, lead, body="On the passage page", exact="3 July 1940")
    response = client.get(lead.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert lead.get_absolute_url() == f"/documents/{english.slug}/p-1/"
    assert '<mark class="hl hl--annotation">3 July 1940</mark>' in html
    assert "On the passage page" in html and note.get_absolute_url() in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    # The panel is the same scholarship, as a fragment.
    panel = client.get(reverse("reading:passage-panel", args=[english.slug, 1]))
    assert panel.status_code == 200 and b"<html" not in panel.content
    assert "On the passage page" in panel.content.decode()


def test_the_panel_offers_scholars_a_reply_to_each_top_level_annotation(
    client, english, lead, scholar, other_scholar
):
    note = annotate(scholar, lead, body="Worth a reply")
    reply = services.create_annotation(
        user=other_scholar,
        target=TargetData(passage=lead),
        body="A reply",
        motivation="commenting",
        visibility="public",
        parent=note,
    )
    panel_url = reverse("reading:passage-panel", args=[english.slug, 1])
    reply_url = reverse("annotations:annotation-reply", args=[note.pk])
    assert reply_url not in client.get(panel_url).content.decode()  # readers cannot reply
    client.force_login(other_scholar)
    html = client.get(panel_url).content.decode()
    assert f'href="{reply_url}"' in html
    # Replies are one level deep: a reply offers none.
    assert reverse("annotations:annotation-reply", args=[reply.pk]) not in html
    assert client.get(reply_url).status_code == 200


def test_panel_filters_narrow_each_kind(client, english, lead, scholar, other_scholar):
    annotate(scholar, lead, body="Ana's note")
    annotate(other_scholar, lead, body="Mihai's note")
    services.create_flag(
        user=scholar,
        target=TargetData(passage=lead),
        category="date",
        statement="A flag statement",
    )
    url = reverse("reading:passage-panel", args=[english.slug, 1])

    def panel(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return response.content.decode()

    everything = panel()
    assert "Ana's note" in everything and "Mihai's note" in everything
    assert "A flag statement" in everything
    flags = panel(kind="flags")
    assert "A flag statement" in flags and "Ana's note" not in flags
    by_author = panel(author="MIHAI")
    assert "Mihai's note" in by_author and "Ana's note" not in by_author
    assert "A flag statement" not in by_author
    client.force_login(scholar)
    mine = panel(mine="on")
    assert "Ana's note" in mine and "Mihai's note" not in mine and "A flag statement" in mine


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/documents/no-such-document/", 404),
        ("/documents/no-such-document/p-1/", 404),
        ("/documents/{slug}/p-0/", 404),
        ("/documents/{slug}/p-99999/", 404),
        ("/documents/{slug}/p-99999/panel/", 404),
        ("/documents/{slug}/p-x/", 404),
        ("/documents/{slug}/p-1/?kind=everything-else", 400),
        ("/documents/{slug}/p-1/panel/?status=lost", 400),
        ("/documents/{slug}/p-1/panel/?motivation=%00", 400),
        ("/documents/{slug}/p-1/panel/?author=" + "x" * 200, 400),
    ],
)
def test_bad_input_is_a_clear_4xx_never_an_error(client, english, path, status):
    assert client.get(path.format(slug=english.slug)).status_code == status


def test_passage_counter_is_not_versioned(lead, scholar):
    import reversion
    from reversion.models import Version

    from archive.models import PassageChanges

    annotate(scholar, lead)
    assert PassageChanges.objects.get(passage=lead).count == 1
    assert not reversion.is_registered(PassageChanges)
    assert not Version.objects.get_for_model(Passage).exists() or all(
        "change_token" not in version.field_dict
        for version in Version.objects.get_for_model(Passage)
    )

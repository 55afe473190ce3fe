"""The scholars' web UI: each write for each role, refused input, conflicts, history."""

import pytest
from django.urls import reverse
from reversion.models import Version

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim, FlagStatus
from annotations.services import TargetData

pytestmark = pytest.mark.django_db

PHRASE = "Soviet Union occupied Bessarabia"


@pytest.fixture
def passage(articles):
    return articles["en"].passages.get(order=1)


@pytest.fixture
def ro_passage(articles):
    return articles["ro"].passages.get(order=1)


def create_url(name, passage):
    return reverse(
        f"annotations:{name}", kwargs={"slug": passage.document.slug, "anchor": passage.anchor}
    )


def span_params(passage, phrase=PHRASE):
    start = passage.text.index(phrase)
    return {"start": start, "end": start + len(phrase), "exact": phrase}


def annotation_post(passage, **extra):
    data = {
        **span_params(passage),
        "body": "The *dates* differ in the Romanian text.",
        "motivation": "commenting",
        "tags": "dates, ultimatum",
        "visibility": "public",
    }
    data.update(extra)
    return data


def make_annotation(user, passage, **kw):
    defaults = {
        "target": TargetData(passage=passage, exact=PHRASE),
        "body": "Body v1",
        "motivation": "commenting",
        "visibility": "public",
    }
    defaults.update(kw)
    return services.create_annotation(user=user, **defaults)


# --- create ---------------------------------------------------------------------------


def test_anonymous_reader_is_sent_to_login_and_nothing_is_stored(client, passage):
    response = client.post(create_url("annotation-create", passage), annotation_post(passage))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Annotation.objects.count() == 0


def test_signed_in_user_without_scholar_role_is_forbidden(client, passage, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    response = client.post(create_url("annotation-create", passage), annotation_post(passage))
    assert response.status_code == 403
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize("role", ["scholar", "moderator"])
def test_scholar_or_moderator_annotates_a_span_in_one_revision(client, passage, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    form = client.get(create_url("annotation-create", passage), span_params(passage))
    assert form.status_code == 200
    assert f"<mark>{PHRASE}</mark>" in form.content.decode()  # the selection is shown
    response = client.post(create_url("annotation-create", passage), annotation_post(passage))
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert (annotation.author, annotation.exact) == (user, PHRASE)
    assert Version.objects.get_for_object(annotation).count() == 1


def test_mismatched_quote_is_refused_with_400_and_a_message(client, scholar, passage):
    client.force_login(scholar)
    data = annotation_post(passage, exact="Romania occupied")
    response = client.post(create_url("annotation-create", passage), data)
    assert response.status_code == 400
    assert "does not match the passage" in response.content.decode()
    assert Annotation.objects.count() == 0


def test_out_of_range_span_is_refused_with_400(client, scholar, passage):
    client.force_login(scholar)
    data = annotation_post(passage, start=5, end=99999, exact="")
    response = client.post(create_url("annotation-create", passage), data)
    assert response.status_code == 400
    assert "outside the passage" in response.content.decode()
    assert Annotation.objects.count() == 0


def test_typed_quote_without_positions_is_found_server_side(client, scholar, passage):
    client.force_login(scholar)
    data = annotation_post(passage, start="", end="")
    assert client.post(create_url("annotation-create", passage), data).status_code == 302
    annotation = Annotation.objects.get()
    assert annotation.start == passage.text.index(PHRASE)


def test_unknown_passage_is_404(client, scholar, passage):
    client.force_login(scholar)
    url = reverse(
        "annotations:annotation-create", kwargs={"slug": passage.document.slug, "anchor": "p-9999"}
    )
    assert client.get(url).status_code == 404


# --- read -----------------------------------------------------------------------------


def test_private_annotation_is_404_for_others_and_shown_to_its_author(
    client, scholar, other_scholar, moderator, passage
):
    annotation = make_annotation(scholar, passage, visibility="private")
    url = annotation.get_absolute_url()
    assert client.get(url).status_code == 404
    for user in (other_scholar, moderator):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("annotations:annotation-history", args=[annotation.pk])).status_code
            == 404
        )
    client.force_login(scholar)
    assert client.get(url).status_code == 200


def test_markdown_body_is_rendered_and_script_is_not(client, scholar, passage):
    annotation = make_annotation(
        scholar, passage, body="**Note** <script>alert('x')</script> [x](javascript:alert(1))"
    )
    html = client.get(annotation.get_absolute_url()).content.decode()
    assert "<strong>Note</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


# --- edit, conflict, delete, restore ------------------------------------------------------


def edit_post(annotation, body, base_version):
    return {
        "exact": annotation.exact,
        "start": annotation.start,
        "end": annotation.end,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "body": body,
        "motivation": annotation.motivation,
        "tags": "",
        "visibility": annotation.visibility,
        "base_version": base_version,
    }


def test_edit_by_author_moderator_allowed_other_scholar_forbidden_anonymous_redirected(
    client, scholar, other_scholar, moderator, passage
):
    annotation = make_annotation(scholar, passage)
    url = reverse("annotations:annotation-edit", args=[annotation.pk])
    assert client.post(url, edit_post(annotation, "anon", 1)).status_code == 302
    client.force_login(other_scholar)
    assert client.post(url, edit_post(annotation, "other", 1)).status_code == 403
    client.force_login(scholar)
    assert client.post(url, edit_post(annotation, "author", 1)).status_code == 302
    client.force_login(moderator)
    assert client.post(url, edit_post(annotation, "moderator", 2)).status_code == 302
    annotation.refresh_from_db()
    assert (annotation.body, annotation.version) == ("moderator", 3)


def test_stale_edit_is_refused_with_409_showing_the_newer_text(client, scholar, moderator, passage):
    annotation = make_annotation(scholar, passage)
    url = reverse("annotations:annotation-edit", args=[annotation.pk])
    client.force_login(moderator)
    assert client.post(url, edit_post(annotation, "Moderator's newer text", 1)).status_code == 302
    client.force_login(scholar)
    response = client.post(url, edit_post(annotation, "My late edit", 1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Moderator&#x27;s newer text" in html
    assert "My late edit" in html  # the user's text is kept in the form
    annotation.refresh_from_db()
    assert annotation.body == "Moderator's newer text"
    assert Version.objects.get_for_object(annotation).count() == 2


def test_delete_then_restore_by_author(client, scholar, passage):
    annotation = make_annotation(scholar, passage)
    client.force_login(scholar)
    assert (
        client.post(reverse("annotations:annotation-delete", args=[annotation.pk])).status_code
        == 302
    )
    client.logout()
    assert client.get(annotation.get_absolute_url()).status_code == 404
    client.force_login(scholar)
    assert (
        client.post(reverse("annotations:annotation-restore", args=[annotation.pk])).status_code
        == 302
    )
    annotation.refresh_from_db()
    assert not annotation.is_deleted


def test_other_scholar_cannot_delete(client, scholar, other_scholar, passage):
    annotation = make_annotation(scholar, passage)
    client.force_login(other_scholar)
    assert (
        client.post(reverse("annotations:annotation-delete", args=[annotation.pk])).status_code
        == 403
    )
    annotation.refresh_from_db()
    assert not annotation.is_deleted


# --- history, diff, revert ------------------------------------------------------------------


def test_history_diff_and_revert(client, scholar, passage):
    annotation = make_annotation(scholar, passage, body="The old wording here")
    services.update_annotation(
        annotation=annotation, user=scholar, data={"body": "The new wording here"}, base_version=1
    )
    client.force_login(scholar)
    history = client.get(reverse("annotations:annotation-history", args=[annotation.pk]))
    assert history.status_code == 200
    assert "Revert to this version" in history.content.decode()
    old, new = sorted(Version.objects.get_for_object(annotation), key=lambda v: v.pk)
    diff = client.get(
        reverse("annotations:annotation-diff", args=[annotation.pk]),
        {"from": old.pk, "to": new.pk},
    )
    html = diff.content.decode()
    assert "<del>old</del>" in html and "<ins>new</ins>" in html
    revert = reverse("annotations:annotation-revert", args=[annotation.pk, old.pk])
    assert client.post(revert).status_code == 302
    annotation.refresh_from_db()
    assert (annotation.body, annotation.version) == ("The old wording here", 3)


def test_diff_with_bad_version_ids_is_404(client, scholar, passage):
    annotation = make_annotation(scholar, passage)
    url = reverse("annotations:annotation-diff", args=[annotation.pk])
    assert client.get(url, {"from": "x", "to": "1"}).status_code == 404
    assert client.get(url, {"from": 999999, "to": 999998}).status_code == 404


def test_other_scholar_cannot_revert(client, scholar, other_scholar, passage):
    annotation = make_annotation(scholar, passage)
    version = Version.objects.get_for_object(annotation).get()
    client.force_login(other_scholar)
    url = reverse("annotations:annotation-revert", args=[annotation.pk, version.pk])
    assert client.post(url).status_code == 403
    assert Version.objects.get_for_object(annotation).count() == 1


# --- flags and cross-references ---------------------------------------------------------------


def test_scholar_flags_a_span_with_evidence(client, scholar, passage, articles):
    reference = articles["en"].listed_references.first().reference
    client.force_login(scholar)
    data = {
        **span_params(passage, "3 July 1940"),
        "category": "date",
        "statement": "The Romanian text gives 4 July.",
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
        "evidence-0-reference": reference.pk,
        "evidence-0-locator": "p. 12",
        "evidence-0-stance": "contradicts",
    }
    response = client.post(create_url("flag-create", passage), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = DisputedClaim.objects.get()
    assert claim.exact == "3 July 1940"
    assert [(e.reference, e.locator, e.stance) for e in claim.evidence.all()] == [
        (reference, "p. 12", "contradicts")
    ]


def test_flag_status_changes_only_for_moderators(client, scholar, moderator, passage):
    claim = services.create_flag(
        user=scholar, target=TargetData(passage=passage), category="other", statement="x"
    )
    url = reverse("annotations:flag-status", args=[claim.pk])
    client.force_login(scholar)
    assert client.post(url, {"status": "upheld", "note": "n"}).status_code == 403
    client.force_login(moderator)
    assert client.post(url, {"status": "upheld", "note": ""}).status_code == 400
    assert client.post(url, {"status": "upheld", "note": "Confirmed."}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == FlagStatus.UPHELD
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Confirmed." in page


def test_romanian_passage_cross_referenced_to_english_original(
    client, scholar, passage, ro_passage
):
    client.force_login(scholar)
    response = client.post(
        create_url("crossref-create", ro_passage),
        {"relation": "translation_of", "to_passage": passage.pk, "note": "Lead, first paragraph"},
    )
    assert response.status_code == 302
    crossref = CrossReference.objects.get()
    assert (crossref.passage, crossref.to_passage) == (ro_passage, passage)


def test_cross_reference_needs_exactly_one_destination(client, scholar, passage, articles):
    client.force_login(scholar)
    reference = articles["en"].listed_references.first().reference
    response = client.post(
        create_url("crossref-create", passage),
        {"relation": "cites", "to_passage": passage.pk, "to_reference": reference.pk},
    )
    assert response.status_code == 400
    assert CrossReference.objects.count() == 0


# --- lists -------------------------------------------------------------------------------------


def test_annotation_list_shows_public_only_and_filters(client, scholar, other_scholar, passage):
    make_annotation(scholar, passage, body="Public one", tags=["dates"])
    make_annotation(scholar, passage, body="Secret one", visibility="private")
    make_annotation(other_scholar, passage, body="Other public", motivation="questioning")
    html = client.get(reverse("annotations:annotation-list")).content.decode()
    assert "Public one" in html and "Other public" in html and "Secret one" not in html
    filtered = client.get(reverse("annotations:annotation-list"), {"tag": "dates"}).content.decode()
    assert "Public one" in filtered and "Other public" not in filtered
    by_motivation = client.get(
        reverse("annotations:annotation-list"), {"motivation": "questioning"}
    ).content.decode()
    assert "Other public" in by_motivation and "Public one" not in by_motivation


def test_my_annotations_lists_private_ones_for_the_author_only(
    client, scholar, other_scholar, passage
):
    make_annotation(scholar, passage, body="Secret one", visibility="private")
    client.force_login(scholar)
    assert "Secret one" in client.get(reverse("annotations:my-annotations")).content.decode()
    client.force_login(other_scholar)
    assert "Secret one" not in client.get(reverse("annotations:my-annotations")).content.decode()


def test_flag_list_filters_by_status(client, scholar, moderator, passage):
    open_claim = services.create_flag(
        user=scholar, target=TargetData(passage=passage), category="date", statement="Open one"
    )
    closed = services.create_flag(
        user=scholar, target=TargetData(passage=passage), category="figure", statement="Closed one"
    )
    services.set_flag_status(claim=closed, user=moderator, status="rejected", note="No.")
    html = client.get(reverse("annotations:flag-list"), {"status": "open"}).content.decode()
    assert open_claim.statement in html and "Closed one" not in html


@pytest.mark.parametrize("rows", [2, 40])
def test_list_pages_query_count_is_constant(
    client, scholar, passage, rows, django_assert_max_num_queries
):
    for number in range(rows):
        make_annotation(scholar, passage, body=f"note {number}", tags=["t"])
        services.create_flag(
            user=scholar, target=TargetData(passage=passage), category="date", statement="s"
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("annotations:annotation-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("annotations:flag-list")).status_code == 200


def test_word_diff_keeps_line_breaks_and_marks_only_changed_words():
    from django.template.loader import render_to_string

    from annotations.views import word_diff

    diff = word_diff("First line\n\n- here it is", "First line\n\n- there it is")
    html = render_to_string("annotations/_word_diff.html", {"diff": diff})
    assert html == "First line\n\n- <del>here</del><ins>there</ins> it is"
    # Escaped by the template, not by hand.
    diff = word_diff("a <b>", "a <i>")
    html = render_to_string("annotations/_word_diff.html", {"diff": diff})
    assert html == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"


def test_form_shows_the_selected_span_marked_in_its_passage(client, scholar, passage):
    client.force_login(scholar)
    html = client.get(create_url("annotation-create", passage), span_params(passage)).content
    assert f"<mark>{PHRASE}</mark>" in html.decode()
    bad = client.get(create_url("annotation-create", passage), {"start": 0, "end": 99999})
    assert bad.status_code == 200 and b"<mark>" not in bad.content

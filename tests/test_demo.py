"""The `demo` fixture: accounts, alignment of the Romanian text, flags, annotations, revisions."""

import json
import uuid
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape
from reversion.models import Version

from annotations.models import (
    Annotation,
    CrossReference,
    DisputedClaim,
    Evidence,
    Tag,
)
from annotations.services import update_annotation
from archive.models import Passage
from devdata.demo import NAMESPACE
from tests.conftest import ROOT

FIXTURE = ROOT / "fixtures" / "demo.json"
ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
#: The project's production hasher; the test settings use MD5 only, which cannot check the
#: demo accounts' PBKDF2 hashes or make the fixture's.
HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
COUNTS = {
    "users": 2,
    "tags": 5,
    "annotations": 5,
    "flags": 8,
    "evidence": 0,
    "crossrefs": 23,
    "annotation tags": 6,
}

#: Romanian anchor -> (English anchor, span it translates; "" for the whole passage).
ALIGNMENT = {
    "p-1": ("p-1", ""),
    "p-2": ("p-2", "The Soviet Union had planned"),
    "p-3": ("p-2", "The use of force had been made illegal"),
    "p-4": ("p-2", "As it was not mentioned in the ultimatum"),
    "p-5": ("p-2", "On 24 June, Nazi Germany"),
    "p-6": ("p-2", "On 22 June, France"),
    "p-7": ("p-2", "The Soviet invasion of Bukovina in 1940"),
    "p-8": ("p-3", "On 2 August 1940"),
    "p-9": ("p-3", "The Hertsa region"),
    "p-10": ("p-4", "In July 1941"),
    "p-11": ("p-4", "In August 1944"),
    "p-12": ("p-4", "The coup of 23 August 1944"),
    "p-13": ("p-4", "Soviet forces advanced"),
    "p-14": ("p-4", "The Armistice and the subsequent peace treaty"),
    "p-15": ("p-5", ""),
    "p-16": ("p-1", "On 26 October 1940"),
}
ISLANDS = (
    "On 26 October 1940, six Romanian islands on the Chilia branch of the Danube, with an area "
    "of 23.75 km2 (9.17 sq mi), were also occupied by the Soviet Army."
)
REPEATED = (
    "La 26 octombrie 1940, șase insule românești de pe brațul Chilia a Dunării, cu o suprafață "
    "de 23,75 km², erau și ele ocupate de armata sovietică."
)
ADDED_SENTENCE = (
    "Basarabia făcea parte din Regatul României încă din timpul Războiului Civil Rus și Bucovina "
    "de la dizolvarea Austro-Ungariei, iar Herța era un district al Vechiului Regat Român."
)
AXIS_DEFINITION = (
    "numită inițial Axa Roma-Berlin, a fost o coaliție militară care a inițiat al Doilea Război "
    "Mondial și a luptat împotriva Aliaților. Principalii săi membri au fost Germania nazistă, "
    "Regatul Italiei și Imperiul Japoniei."
)
#: Every flag, in creation order: (Romanian anchor, category, quoted span, an English quote
#: the statement cites, the English lead passage that quote is from, status).
FLAGS = [
    ("p-1", "date", "4 iulie 1940", "Between 28 June and 3 July 1940", "p-1", "under_review"),
    (
        "p-1",
        "unsourced",
        ADDED_SENTENCE,
        "the Hertsa region, part of the Romanian Old Kingdom",
        "p-35",
        "open",
    ),
    (
        "p-2",
        "translation",
        "a fost de acord să cedeze din teritorii",
        "agreed to withdraw from the territories",
        "p-2",
        "open",
    ),
    (
        "p-4",
        "other",
        "pentru ocuparea ulterioară",
        "the same is true of the subsequent Soviet occupation of the Danube islands.",
        "p-2",
        "open",
    ),
    (
        "p-5",
        "translation",
        "într-un protocol secret, Pactul Molotov-Ribbentrop din 1939",
        "in a secret protocol to the 1939 Molotov–Ribbentrop Pact",
        "p-2",
        "open",
    ),
    (
        "p-5",
        "translation",
        "era dispusă să ofere sprijin",
        "did not inform the Romanian authorities and was unwilling to provide support",
        "p-2",
        "open",
    ),
    ("p-7", "translation", AXIS_DEFINITION, "agreed with the Axis.", "p-2", "open"),
    ("p-16", "other", REPEATED, ISLANDS, "p-1", "open"),
]
#: The cross-references that support a flag: (from document, anchor, span) -> (to anchor, span).
SUPPORTS = {
    (ENGLISH, "p-1", "3 July 1940"): (
        "p-43",
        "On 3 July the border was closed completely from the Soviet side.",
    ),
    (
        ROMANIAN,
        "p-1",
        "Basarabia făcea parte din Regatul României încă din timpul Războiului Civil Rus",
    ): (
        "p-10",
        "On 27 March/9 April 1918, the Sfatul Țării voted for the Union of Bessarabia with Romania",
    ),
    (ROMANIAN, "p-1", "Bucovina de la dizolvarea Austro-Ungariei"): (
        "p-11",
        "on 28 November, a Congress of the Romanians, Germans, and Poles voted to unite with "
        "Romania",
    ),
    (ROMANIAN, "p-1", "Herța era un district al Vechiului Regat Român"): (
        "p-35",
        "Soviet forces also occupied the Hertsa region, part of the Romanian Old Kingdom, which "
        "was in neither Bessarabia nor Bukovina.",
    ),
    (ENGLISH, "p-2", "agreed to withdraw from the territories"): (
        "p-36",
        '"withdrawal" (avoiding the use of ceding)',
    ),
    (ENGLISH, "p-2", "in a secret protocol to the 1939 Molotov–Ribbentrop Pact"): (
        "p-18",
        "a non-aggression treaty that contained an additional secret protocol",
    ),
    (ENGLISH, "p-2", "was unwilling to provide support"): (
        "p-32",
        'Stating that it would be "in the name of peace" to accede to Soviet demands, the '
        "ambassadors urged the King to stand down.",
    ),
}


def load_demo():
    call_command("loaddata", "demo", verbosity=0)


def counts():
    return {
        "users": User.objects.count(),
        "tags": Tag.objects.count(),
        "annotations": Annotation.objects.count(),
        "flags": DisputedClaim.objects.count(),
        "evidence": Evidence.objects.count(),
        "crossrefs": CrossReference.objects.count(),
        "annotation tags": Annotation.tags.through.objects.count(),
    }


def assert_span(passage, exact, start, end):
    assert start is not None and end is not None
    assert passage.text[start:end] == exact


# -- alignment -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_romanian_passage_is_aligned_to_its_english_original(demo):
    romanian = list(Passage.objects.filter(document__slug=ROMANIAN).order_by("order"))
    assert [p.anchor for p in romanian] == list(ALIGNMENT)
    spans = {}
    for passage in romanian:
        (crossref,) = CrossReference.objects.filter(passage=passage, relation="translation_of")
        en_anchor, opening = ALIGNMENT[passage.anchor]
        assert crossref.author.username == "scholar"
        assert (crossref.start, crossref.end, crossref.exact) == (None, None, "")
        assert crossref.to_passage.document.slug == ENGLISH
        assert crossref.to_passage.section is None  # the English lead
        assert crossref.to_passage.anchor == en_anchor
        assert crossref.note
        if opening:
            assert crossref.to_exact.startswith(opening)
            assert_span(crossref.to_passage, crossref.to_exact, crossref.to_start, crossref.to_end)
            spans.setdefault(en_anchor, []).append(crossref.to_exact)
        else:
            assert (crossref.to_start, crossref.to_end, crossref.to_exact) == (None, None, "")
    assert CrossReference.objects.filter(relation="translation_of").count() == 16

    # RO p-2..p-7, p-8..p-9 and p-10..p-14 translate English p-2, p-3 and p-4 sentence by
    # sentence, in order and without a gap.
    english = {p.anchor: p.text for p in Passage.objects.filter(document__slug=ENGLISH)}
    for anchor in ("p-2", "p-3", "p-4"):
        assert " ".join(spans[anchor]) == english[anchor]
    # RO p-16 repeats the last sentence of RO p-1, and so translates the last English one.
    assert spans["p-1"] == [ISLANDS]
    assert english["p-1"].endswith(ISLANDS)


@pytest.mark.django_db
def test_translation_notes_count_the_paragraphs(demo):
    notes = dict(
        CrossReference.objects.filter(relation="translation_of").values_list(
            "passage__anchor", "note"
        )
    )
    assert notes["p-2"].startswith("First of six Romanian paragraphs")
    assert notes["p-7"].startswith("Last of six Romanian paragraphs")
    assert notes["p-9"].startswith("Second of two Romanian paragraphs")
    assert notes["p-14"].startswith("Last of five Romanian paragraphs")
    assert "last sentence of RO p-1" in notes["p-16"]


# -- flags -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_flags_quote_their_spans_and_both_texts(demo):
    english = {p.anchor: p.text for p in Passage.objects.filter(document__slug=ENGLISH)}
    claims = list(DisputedClaim.objects.select_related("passage__document", "author"))
    assert len(claims) == len(FLAGS)
    for claim, (anchor, category, exact, en_quote, en_anchor, status) in zip(
        claims, FLAGS, strict=True
    ):
        assert claim.passage.document.slug == ROMANIAN
        assert (claim.passage.anchor, claim.category, claim.exact) == (anchor, category, exact)
        assert_span(claim.passage, claim.exact, claim.start, claim.end)
        assert claim.prefix == claim.passage.text[max(0, claim.start - 32) : claim.start]
        assert claim.suffix == claim.passage.text[claim.end : claim.end + 32]
        assert claim.author.username == "scholar"
        assert claim.status == status
        assert exact in claim.statement
        assert en_quote in claim.statement
        assert en_quote in english[en_anchor]
        assert not claim.evidence.exists()


@pytest.mark.django_db
def test_only_the_date_flag_was_moved_by_the_moderator(demo):
    date_flag = DisputedClaim.objects.get(category="date")
    assert (date_flag.status, date_flag.version) == ("under_review", 2)
    assert date_flag.resolution_note.startswith("The English article agrees with itself on 3 July")
    assert date_flag.modified > date_flag.created
    others = DisputedClaim.objects.exclude(pk=date_flag.pk)
    assert set(others.values_list("status", "version", "resolution_note")) == {("open", 1, "")}


@pytest.mark.django_db
def test_the_duplicated_sentence_is_flagged_where_the_text_repeats(demo):
    romanian = {p.anchor: p.text for p in Passage.objects.filter(document__slug=ROMANIAN)}
    assert romanian["p-16"] == REPEATED
    assert romanian["p-1"].endswith(" " + REPEATED)
    flag = DisputedClaim.objects.get(passage__anchor="p-16")
    assert (flag.start, flag.end) == (0, len(REPEATED))


@pytest.mark.django_db
def test_supporting_cross_references_point_at_exact_spans(demo):
    supports = CrossReference.objects.filter(relation="supports").select_related(
        "passage__document", "to_passage__document"
    )
    found = {}
    for crossref in supports:
        assert_span(crossref.passage, crossref.exact, crossref.start, crossref.end)
        assert_span(crossref.to_passage, crossref.to_exact, crossref.to_start, crossref.to_end)
        assert crossref.to_passage.document.slug == ENGLISH
        assert crossref.note
        key = (crossref.passage.document.slug, crossref.passage.anchor, crossref.exact)
        found[key] = (crossref.to_passage.anchor, crossref.to_exact)
    assert found == SUPPORTS
    three_july = CrossReference.objects.get(relation="supports", exact="3 July 1940")
    assert three_july.to_passage.section.heading == (
        "Incorporation of annexed territories into the Soviet Union"
    )


# -- annotations -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_annotations_replies_tags_and_visibility(demo):
    annotations = list(Annotation.objects.order_by("created"))
    assert [(a.passage.document.slug, a.passage.anchor, a.exact) for a in annotations] == [
        (ENGLISH, "p-1", "50,762 km2"),
        (ROMANIAN, "p-4", "Hertsa"),
        (ROMANIAN, "p-3", "şi"),
        (ROMANIAN, "p-12", "să înceteze reziste la avansului sovietic"),
        (ROMANIAN, "p-4", ""),
    ]
    for annotation in annotations:
        if annotation.exact:
            assert_span(annotation.passage, annotation.exact, annotation.start, annotation.end)
    figures, spelling, cedilla, grammar, reply = annotations
    assert "50.762 km²" in figures.body and "23,75 km²" in figures.body
    romanian_text = " ".join(
        Passage.objects.filter(document__slug=ROMANIAN).values_list("text", flat=True)
    )
    assert "50.762 km²" in romanian_text and "3.776.309" in romanian_text
    assert "*Herța*" in spelling.body
    assert "U+015F" in cedilla.body
    assert [a.author.username for a in annotations] == ["scholar"] * 4 + ["moderator"]
    assert [sorted(a.tags.values_list("name", flat=True)) for a in annotations] == [
        ["figures", "translation"],
        ["orthography", "place-names"],
        ["orthography"],
        ["grammar"],
        [],
    ]
    assert [a.visibility for a in annotations] == ["public"] * 3 + ["private", "public"]
    assert reply.parent == spelling
    assert reply.passage == spelling.passage
    assert set(Annotation.objects.public()) == {figures, spelling, cedilla, reply}
    scholar = User.objects.get(username="scholar")
    assert grammar in Annotation.objects.visible_to(scholar)
    assert grammar not in Annotation.objects.visible_to(User.objects.get(username="moderator"))


# -- accounts --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_accounts(demo, settings):
    settings.PASSWORD_HASHERS = HASHERS
    scholar = authenticate(username="scholar", password="archive-demo")
    moderator = authenticate(username="moderator", password="archive-demo")
    assert scholar is not None and moderator is not None
    assert authenticate(username="scholar", password="archive-test") is None
    assert list(scholar.groups.values_list("name", flat=True)) == ["Scholars"]
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    assert (scholar.is_staff, scholar.is_superuser) == (False, False)
    assert (moderator.is_staff, moderator.is_superuser) == (True, False)
    assert scholar.has_perm("annotations.add_annotation")
    assert not scholar.has_perm("annotations.moderate_disputedclaim")
    assert moderator.has_perm("annotations.moderate_disputedclaim")
    assert User.objects.count() == 2


# -- loading, revisions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_twice_changes_nothing(demo):
    assert counts() == COUNTS
    before = {
        "annotations": set(Annotation.objects.values_list("pk", "version", "modified")),
        "flags": set(DisputedClaim.objects.values_list("pk", "status", "version")),
        "crossrefs": set(CrossReference.objects.values_list("pk", "to_start", "to_end")),
    }
    load_demo()
    assert counts() == COUNTS
    assert before == {
        "annotations": set(Annotation.objects.values_list("pk", "version", "modified")),
        "flags": set(DisputedClaim.objects.values_list("pk", "status", "version")),
        "crossrefs": set(CrossReference.objects.values_list("pk", "to_start", "to_end")),
    }


@pytest.mark.django_db
def test_initial_revisions_then_an_edit(demo):
    call_command("record_initial_versions", comment="Loaded from the demo fixture", verbosity=0)
    for model in (Annotation, DisputedClaim, CrossReference):
        for record in model.objects.all():
            versions = Version.objects.get_for_object(record)
            assert versions.count() == 1
            assert versions.get().revision.comment == "Loaded from the demo fixture"
    assert Version.objects.filter(content_type__app_label="annotations").count() == 5 + 8 + 23
    # …and the 184 catalogue records of the articles fixture (with two source revisions).
    assert Version.objects.filter(content_type__app_label="archive").count() == 184

    figures = Annotation.objects.get(exact="50,762 km2")
    scholar = User.objects.get(username="scholar")
    edited = update_annotation(
        annotation=figures,
        user=scholar,
        data={"body": figures.body + "\n\nChecked again.", "tags": ["figures"]},
        base_version=figures.version,
    )
    assert edited.version == 2
    assert list(edited.tags.values_list("name", flat=True)) == ["figures"]
    versions = Version.objects.get_for_object(edited)
    assert [v.revision.comment for v in versions] == ["Edited", "Loaded from the demo fixture"]
    assert versions.first().revision.user == scholar


@pytest.mark.django_db
def test_initial_versions_run_twice_add_nothing(demo):
    # django-reversion's createinitialrevisions matches a UUID key as text, which on SQLite
    # misses the existing versions; record_initial_versions compares in Python on both.
    for _ in range(2):
        call_command("record_initial_versions", comment="Loaded", verbosity=0)
    assert Version.objects.filter(content_type__app_label="annotations").count() == 5 + 8 + 23
    # …and the 184 catalogue records of the articles fixture (with two source revisions).
    assert Version.objects.filter(content_type__app_label="archive").count() == 184


# -- the fixture is what the build writes ------------------------------------------------------


def test_fixture_file_is_stable_text():
    raw = FIXTURE.read_bytes()
    text = raw.decode("utf-8")
    assert raw.endswith(b"\n]\n")
    assert "\\u" not in text
    records = json.loads(text)
    models = [record["model"] for record in records]
    assert models == sorted(
        models,
        key=[
            "auth.user",
            "annotations.tag",
            "annotations.annotation",
            "annotations.disputedclaim",
            "annotations.crossreference",
        ].index,
    )
    assert "reversion" not in text
    for name, n in (("annotation", 5), ("disputedclaim", 8), ("crossreference", 23)):
        pks = [r["pk"] for r in records if r["model"] == f"annotations.{name}"]
        assert pks == [str(uuid.uuid5(NAMESPACE, f"{name}:{i}")) for i in range(1, n + 1)]
    stamps = sorted(
        r["fields"]["created"]
        for r in records
        if r["model"].startswith("annotations.") and "created" in r["fields"]
    )
    assert stamps[0] == "2026-11-22T12:01:00Z"
    assert [r["fields"]["username"] for r in records if r["model"] == "auth.user"] == [
        "scholar",
        "moderator",
    ]
    assert text.count("pbkdf2_sha256$1000000$demo-only-salt$") == 2


@pytest.mark.django_db
def test_committed_fixture_is_what_the_build_writes(articles, settings, tmp_path):
    settings.PASSWORD_HASHERS = HASHERS
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("build_demo_fixture", "--output", str(first), stdout=StringIO())
    # The build rolls back: the database is as it was, so it can run again.
    assert counts() == dict.fromkeys(COUNTS, 0)
    call_command("build_demo_fixture", "--output", str(second), stdout=StringIO())
    assert first.read_bytes() == second.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.django_db
def test_build_refuses_a_database_with_the_demo_users(demo):
    with pytest.raises(CommandError, match="scratch database"):
        call_command("build_demo_fixture", "--output", "/dev/null", stdout=StringIO())
    assert counts() == COUNTS


# -- the demo renders ------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_records_render(demo, client):
    for claim in DisputedClaim.objects.all():
        response = client.get(claim.get_absolute_url())
        assert response.status_code == 200
        assert escape(claim.statement) in response.content.decode()
    for crossref in CrossReference.objects.all()[:3]:
        assert client.get(crossref.get_absolute_url()).status_code == 200
    for annotation in Annotation.objects.public():
        assert client.get(annotation.get_absolute_url()).status_code == 200

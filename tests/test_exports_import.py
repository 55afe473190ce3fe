"""manage.py import_annotations: W3C JSON-LD in, re-anchored by quote, versioned, once only."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from reversion.models import Version

from annotations.models import Annotation
from exports.models import ImportedAnnotation

EN = "soviet-occupation-of-bessarabia-and-northern-bukovina"
RO = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def hypothesis_item(number, exact, prefix="", suffix="", start=0, text="A note", tags=()):
    """An annotation as Hypothesis-style tools write them: a quote, a (maybe stale) position
    in their own copy of the page, and a RangeSelector we cannot use."""
    body = [{"type": "TextualBody", "value": text, "format": "text/markdown"}]
    body += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags]
    return {
        "@context": CONTEXT,
        "id": f"https://hypothes.is/a/item{number}",
        "type": "Annotation",
        "motivation": "commenting",
        "created": "2024-05-01T10:00:00.000000+00:00",
        "creator": "acct:reader@hypothes.is",
        "body": body,
        "target": [
            {
                "source": "https://en.wikipedia.org/wiki/Soviet_occupation_of_Bessarabia",
                "selector": [
                    {"type": "RangeSelector", "startContainer": "/div[1]/p[2]", "startOffset": 0},
                    {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix,
                     "suffix": suffix},
                ],
            }
        ],
    }  # fmt: skip


def write(tmp_path, data, name="annotations.jsonld"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(path, document=EN, user="ana", *extra):
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_annotations", path, "--document", document, "--user", user, *extra,
            stdout=out, stderr=err,
        )  # fmt: skip
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def en(articles):
    document = articles["en"]
    return {p.order: p for p in document.passages.all()}


def find(passages, text):
    """(passage, start) of the only occurrence of ``text``."""
    hits = [(p, p.text.find(text)) for p in passages.values() if text in p.text]
    assert len(hits) == 1, (text, len(hits))
    return hits[0]


def test_imports_a_hypothesis_style_page_once(tmp_path, en, scholar):
    page = {
        "@context": CONTEXT,
        "type": "AnnotationPage",
        "items": [
            hypothesis_item(1, "50,762 km2", start=999, text="**50.762 km²** in Romanian.",
                            tags=["Figures"]),
        ],
    }  # fmt: skip
    path = write(tmp_path, page)
    ok, out, err = run(path)
    assert ok, err
    record = ImportedAnnotation.objects.get()
    annotation = record.annotation
    assert record.source_id == "https://hypothes.is/a/item1"
    assert record.source_creator == "acct:reader@hypothes.is"
    assert record.imported_by == scholar and record.source_file == "annotations.jsonld"
    assert annotation.author == scholar
    passage, start = find(en, "50,762 km2")
    assert annotation.body == "**50.762 km²** in Romanian."
    assert (annotation.passage, annotation.start, annotation.exact) == (
        passage,
        start,
        "50,762 km2",
    )
    assert annotation.end == start + len("50,762 km2")
    assert [t.name for t in annotation.tags.all()] == ["figures"]
    versions = Version.objects.get_for_object(annotation)
    assert versions.count() == 1
    assert versions[0].revision.comment == "Imported from https://hypothes.is/a/item1"
    assert "1 imported, 0 skipped, 0 not imported" in out

    ok, out, err = run(path)
    assert ok, err
    assert "0 imported, 1 skipped" in out and "already imported" in out
    assert Annotation.objects.count() == 1 and ImportedAnnotation.objects.count() == 1


def test_context_and_position_choose_among_repeats(tmp_path, en, scholar):
    word = "Bessarabia"
    occurrences = [
        (p, i) for p in en.values() for i in range(len(p.text)) if p.text.startswith(word, i)
    ]
    assert len(occurrences) > 3
    passage, start = occurrences[2]
    # Prefix and suffix taken across the passage boundary, as a browser tool sees the page.
    stream = "\n".join(p.text for p in sorted(en.values(), key=lambda p: p.order))
    offset = sum(len(p.text) + 1 for p in en.values() if p.order < passage.order) + start
    prefix = stream[max(0, offset - 40) : offset].replace("\n", "\n\n  ")
    suffix = stream[offset + len(word) : offset + len(word) + 40]
    items = [
        hypothesis_item(1, word, prefix=prefix, suffix=suffix),
        hypothesis_item(2, word, start=99999),  # no context, no usable position: ambiguous
        hypothesis_item(3, word, start=start),  # no context: the position decides
    ]
    items[2]["target"][0]["source"] = f"http://elsewhere/documents/{EN}/#{passage.anchor}"
    ok, out, err = run(write(tmp_path, items))
    assert not ok
    assert "#2 (https://hypothes.is/a/item2): not imported: the quote “Bessarabia” occurs" in err
    assert "1 of 3 annotation(s) could not be imported" in err
    imported = {r.source_id: r.annotation for r in ImportedAnnotation.objects.all()}
    assert set(imported) == {"https://hypothes.is/a/item1", "https://hypothes.is/a/item3"}
    for annotation in imported.values():
        assert (annotation.passage_id, annotation.start) == (passage.pk, start)


@pytest.mark.parametrize(
    "item, reason",
    [
        (hypothesis_item(1, "words that are not in the article at all"), "is not in AR-D0001"),
        ({"type": "Annotation", "id": "x:1", "body": {"type": "TextualBody", "value": "n"}},
         "it has no target"),
        ({"type": "Note", "id": "x:2"}, "not a W3C Annotation"),
        ("just a string", "not a W3C Annotation"),
        ({**hypothesis_item(3, "Bessarabia"), "motivation": "moderating"},
         "motivation moderating is not one"),
        ({**hypothesis_item(4, "Bessarabia"), "body": []}, "no textual body"),
        ({**hypothesis_item(5, "Bessarabia"), "target": "https://example.org/page"},
         "is neither a quote nor a passage"),
        ({**hypothesis_item(6, "Bessarabia"),
          "target": [{"source": "https://example.org/a"}, {"source": "https://example.org/b"}]},
         "2 targets"),
    ],
)  # fmt: skip
def test_unusable_items_are_reported_and_not_stored(tmp_path, articles, scholar, item, reason):
    good = hypothesis_item(99, "threatened the use of force", text="Stored.")
    ok, out, err = run(write(tmp_path, [item, good]))
    assert not ok
    assert reason in err, err
    assert "1 of 2 annotation(s) could not be imported" in err
    # The bad item stored nothing; the good one was imported (items are atomic, the file not).
    assert ImportedAnnotation.objects.count() == 1
    assert Annotation.objects.get().body == "Stored."


def test_quote_across_passages(tmp_path, en, scholar):
    first, second = en[1], en[2]
    exact = first.text[-10:] + "\n" + second.text[:10]
    ok, _, err = run(write(tmp_path, hypothesis_item(1, exact)))
    assert not ok and "runs across passages" in err
    assert not Annotation.objects.exists()


def test_whole_file_errors_are_one_line(tmp_path, articles, scholar, other_scholar):
    from django.contrib.auth.models import User

    User.objects.create_user("reader", password="x")
    good = write(tmp_path, hypothesis_item(1, "50,762 km2"), "good.jsonld")
    cases = [
        (str(tmp_path / "bad.json"), EN, "ana", "not JSON: Expecting property name"),
        (write(tmp_path, {"type": "Person"}, "person.json"), EN, "ana",
         "not W3C Web Annotation JSON-LD"),
        (write(tmp_path, 42, "number.json"), EN, "ana", "expected an object or an array"),
        (str(tmp_path / "missing.json"), EN, "ana", "no such file"),
        (good, "no-such-document", "ana", "No document with the slug 'no-such-document'."),
        (good, EN, "nobody", "No user 'nobody'."),
        (good, EN, "reader", "reader may not annotate"),
        (write(tmp_path, {"type": "AnnotationCollection", "total": 3,
                          "first": "https://example.org/page1"}, "linked.json"), EN, "ana",
         "is not embedded"),
    ]  # fmt: skip
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "latin1.json").write_bytes('{"a": "Herţa"}'.encode("utf-16"))
    cases.append((str(tmp_path / "latin1.json"), EN, "ana", "not UTF-8"))
    for path, document, user, message in cases:
        with pytest.raises(CommandError) as raised:
            call_command(
                "import_annotations", path, "--document", document, "--user", user,
                stdout=StringIO(), stderr=StringIO(),
            )  # fmt: skip
        assert message in str(raised.value), (path, str(raised.value))
        assert "\n" not in str(raised.value)
    assert not Annotation.objects.exists()


def test_item_is_atomic(tmp_path, articles, scholar, monkeypatch):
    """If recording the source fails, the annotation made for it is rolled back too."""
    items = [hypothesis_item(1, "50,762 km2"), hypothesis_item(2, "threatened the use of force")]
    create = ImportedAnnotation.objects.create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["source_id"])
        if len(calls) == 2:
            raise IntegrityError("simulated")
        return create(**kwargs)

    monkeypatch.setattr(ImportedAnnotation.objects, "create", flaky)
    ok, out, err = run(write(tmp_path, items))
    assert ok, err
    assert Annotation.objects.count() == 1 == ImportedAnnotation.objects.count()
    assert "imported meanwhile" in out
    assert Version.objects.get_for_model(Annotation).count() == 1


def test_dry_run_stores_nothing(tmp_path, articles, scholar):
    ok, out, _ = run(write(tmp_path, [hypothesis_item(1, "50,762 km2")]), EN, "ana", "--dry-run")
    assert ok and "1 would import" in out
    assert not Annotation.objects.exists() and not ImportedAnnotation.objects.exists()
    assert not Version.objects.exists()


def test_round_trip_of_this_archives_export(demo, tmp_path, scholar, other_scholar):
    """Export a document's collection, import it into the same document as if it came from
    another archive: each annotation lands on the same span."""
    response = Client().get(f"/documents/{RO}/annotations.jsonld")
    collection = json.loads(response.content)
    # As exported, the archive's own annotations are recognised and skipped.
    ok, out, err = run(write(tmp_path, collection, "own.jsonld"), RO, "mihai")
    annotations = [i for i in collection["first"]["items"] if "/annotations/" in i["id"]]
    assert ok, err
    assert f"0 imported, {collection['total']} skipped, 0 not imported" in out
    before = Annotation.objects.count()

    originals = {}
    for item in annotations:
        if item["motivation"] == "replying":
            continue
        original = Annotation.objects.get(pk=item["id"].rsplit("/", 1)[1].removesuffix(".jsonld"))
        item["id"] = f"https://other.example/anno/{len(originals) + 1}"
        originals[item["id"]] = original
    items = [i for i in annotations if i["id"] in originals]
    assert items
    page = {**collection["first"], "items": items}
    ok, out, err = run(write(tmp_path, {**collection, "first": page}), RO, "mihai")
    assert ok, err
    assert Annotation.objects.count() == before + len(items)
    for record in ImportedAnnotation.objects.select_related("annotation"):
        copy, original = record.annotation, originals[record.source_id]
        assert (copy.passage_id, copy.start, copy.end, copy.exact) == (
            original.passage_id,
            original.start,
            original.end,
            original.exact,
        )
        assert copy.body == original.body and copy.motivation == original.motivation
        assert {t.name for t in copy.tags.all()} == {t.name for t in original.tags.all()}


def test_bodies_of_other_tools(tmp_path, articles, scholar):
    """A Choice of formats (Markdown preferred), HTML alone (as text), bodyValue, and a
    linking annotation's destination kept as a link."""
    choice = hypothesis_item(1, "50,762 km2")
    choice["body"] = {
        "type": "Choice",
        "items": [
            {"type": "TextualBody", "value": "<p>In <b>km²</b></p>", "format": "text/html"},
            {"type": "TextualBody", "value": "In **km²**", "format": "text/markdown"},
        ],
    }
    html = hypothesis_item(2, "threatened the use of force")
    html["body"] = [{"type": "TextualBody", "value": "<p>A &amp; <i>B</i></p>",
                     "format": "text/html", "language": "en"}]  # fmt: skip
    value = hypothesis_item(3, "50,762 km2")
    del value["body"]
    value["bodyValue"] = "Plain note"
    linking = hypothesis_item(4, "threatened the use of force")
    linking["motivation"] = "oa:linking"
    linking["body"] = [
        {"type": "SpecificResource", "source": "https://example.org/ultimatum"},
        "https://example.org/second",
        {"type": "TextualBody", "value": "See the text of the ultimatum."},
    ]
    ok, _, err = run(write(tmp_path, [choice, html, value, linking]))
    assert ok, err
    bodies = {
        r.source_id.rsplit("item", 1)[1]: r.annotation
        for r in ImportedAnnotation.objects.select_related("annotation")
    }
    assert bodies["1"].body == "In **km²**"
    assert bodies["2"].body == "A & B"
    assert bodies["3"].body == "Plain note"
    assert bodies["4"].motivation == "linking"
    assert bodies["4"].body == (
        "See the text of the ultimatum.\n\n<https://example.org/ultimatum>\n\n"
        "<https://example.org/second>"
    )


def test_annotation_without_id_is_imported_once(tmp_path, articles, scholar):
    item = hypothesis_item(1, "50,762 km2")
    del item["id"]
    path = write(tmp_path, [item])
    assert run(path)[0] and run(path)[0]
    record = ImportedAnnotation.objects.get()
    assert record.source_id.startswith("urn:sha256:")
    assert Annotation.objects.count() == 1

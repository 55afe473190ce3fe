"""What the benchmark asks for, picked from the data and the same on every run (bench/run.py
runs this with the benchmark's settings and reads the JSON it prints last).

The English article and the stress article; the English passage of median weight (the one
"changed" between requests) and the passage nearest 100 records; the annotation histories of
typical and greatest length; the sizes of the data.
"""

import json
import os
from collections import Counter
from statistics import median_low

import django

django.setup()

from django.db.models import Count  # noqa: E402
from reversion.models import Version  # noqa: E402

from annotations.models import Annotation, CrossReference, DisputedClaim  # noqa: E402
from archive.models import Document  # noqa: E402

PASSAGE_URL = "/documents/{}/p-{}/"


def items(document):
    """{(passage id, number): annotations + flags + cross-references on it}"""
    counts = Counter()
    for model in (Annotation, DisputedClaim, CrossReference):
        rows = (
            model.objects.filter(passage__document=document)
            .values_list("passage_id", "passage__order")
            .annotate(n=Count("pk"))
        )
        for pk, order, n in rows:
            counts[pk, order] += n
    return counts


def passages(english, stress):
    english_items, stress_items = items(english), items(stress)
    typical = median_low(english_items.values())
    changed, typical_number = next(key for key, n in sorted(english_items.items()) if n == typical)
    hundred = min(
        [(english, key, n) for key, n in english_items.items()]
        + [(stress, key, n) for key, n in stress_items.items()],
        key=lambda row: (abs(row[2] - 100), row[1]),
    )
    return {
        "changed": changed,
        "typical_passage": [PASSAGE_URL.format(english.slug, typical_number), typical],
        "hundred": [PASSAGE_URL.format(hundred[0].slug, hundred[1][1]), hundred[2]],
    }


def histories():
    versions = Version.objects.get_for_model(Annotation).values("object_id").annotate(n=Count("pk"))
    public = Annotation.objects.public()
    most = max(
        (
            row
            for row in versions.order_by("-n")[:50]
            if public.filter(pk=row["object_id"]).exists()
        ),
        key=lambda row: row["n"],
    )
    typical = next(
        row
        for row in versions.filter(n=4).order_by("object_id")[:50]
        if public.filter(pk=row["object_id"]).exists()
    )
    return {
        "history_most": [f"/annotations/{most['object_id']}/history/", most["n"]],
        "history_typical": [f"/annotations/{typical['object_id']}/history/", typical["n"]],
    }


def main():
    english = Document.objects.get(slug=os.environ["BENCH_ENGLISH"])
    stress = Document.objects.get(slug=os.environ["BENCH_STRESS"])
    found = {
        "reading": english.get_absolute_url(),
        "stress": stress.get_absolute_url(),
        **passages(english, stress),
        **histories(),
        "annotations": Annotation.objects.count(),
        "versions": Version.objects.count(),
        "passages": english.passages.model.objects.count(),
    }
    print(json.dumps(found))


if __name__ == "__main__":
    main()

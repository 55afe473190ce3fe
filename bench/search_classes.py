"""Search latency by class of query, each next to its floor, and the capped ranking checked
against full ranking (docs/search.md, "Figures").

    DATABASE_URL=postgres://…/archive_perf .venv/bin/python bench/search_classes.py \\
        [--repeat 20] [--sample 100] [--json FILE]

Four classes of 1 to 3 terms, each searched as an anonymous reader for its ranked top 20:

- **common**: words in a large share of the records ("soviet", "romania", "1940", "the army");
- **rare**: words of the archive found in 1 to 20 records (picked at random, seeded);
- **misspelt**: words of the archive with one or two edits, which the search corrects;
- **place names**: other names of places the texts name (Kishinev, Czernowitz, Basarabia …).

For each query: the whole search page through the test client (the benchmark's settings:
every middleware and the template), and the backend alone (the search, and the first page of
20 hits loaded with their snippets). The floor, measured in the same run: the search page
with no query (middleware, form and template, no search). Then, over ``--sample`` queries
made of one or two words of random passages, how often ranking only the first
``MAX_CANDIDATES_PER_KIND`` matches of each kind changes the top 20 against ranking every
match. Read-only: it never writes a row.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMON = ["soviet", "romania", "1940", "the army", "red army", "soviet union romania"]
#: For each misspelt query word, the word of the archive it was made from.
MISSPELT_FROM = {}

PLACE_NAMES = [
    "Kishinev",
    "Czernowitz",
    "Chernovtsy",
    "Basarabia",
    "Bucovina",
    "Hertsa",
    "Jassy",
    "Akkerman",
    "Kishinev ultimatum",
    "Czernowitz university",
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(times):
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def timed(function, repeat):
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def archive_words(rng, count, min_length=4):
    """``count`` distinct words of random passages, as written (folded later by the search)."""
    from archive.models import Passage
    from search.text import WORD, fold

    ids = list(Passage.objects.values_list("pk", flat=True))
    words = []
    for text in Passage.objects.filter(pk__in=rng.sample(ids, min(len(ids), 400))).values_list(
        "text", flat=True
    ):
        words += [word for word in WORD.findall(fold(text)) if len(word) >= min_length]
    rng.shuffle(words)
    return list(dict.fromkeys(words))[: count * 4]


def rare_words(rng, count, search):
    """Words of the archive that a search finds in 1 to 20 records."""
    from search.models import Word

    vocabulary = sorted(Word.objects.values_list("word", flat=True).distinct())
    rng.shuffle(vocabulary)
    found = []
    for word in vocabulary:
        if word.isdigit() or len(word) < 5:
            continue
        if 1 <= len(search(word, exact=True).refs) <= 20:
            found.append(word)
        if len(found) == count:
            break
    return found


def misspell(word, rng, known):
    """``word`` with one edit (two for words of seven letters or more) that is no word of the
    archive: a letter changed, dropped or two swapped, never the first."""
    edits = 2 if len(word) >= 7 else 1
    for _ in range(50):
        letters = list(word)
        for _ in range(edits):
            position = rng.randrange(1, len(letters) - 1)
            kind = rng.choice(["change", "drop", "swap"])
            if kind == "change":
                letters[position] = rng.choice("aeioukrst".replace(letters[position], ""))
            elif kind == "drop":
                del letters[position]
            else:
                letters[position], letters[position + 1] = letters[position + 1], letters[position]
        typo = "".join(letters)
        if typo != word and typo not in known:
            return typo
    return None


def classes(rng, search, count):
    from search.models import Word

    common = archive_words(rng, count, min_length=6)
    known = set(Word.objects.filter(word__in=common).values_list("word", flat=True))
    misspelt = []
    for word in common:
        typo = misspell(word, rng, set())
        if typo and not Word.objects.filter(word=typo).exists() and word in known:
            misspelt.append(typo)
            MISSPELT_FROM[typo] = word
        if len(misspelt) == count - 2:
            break
    # Two of two words, one of them misspelt.
    misspelt += [f"{misspelt[0]} {COMMON[0]}", f"{misspelt[1]} {COMMON[1]}"]
    rare = rare_words(rng, count, search)
    return {
        "common": COMMON,
        "rare": rare[: count - 2] + [f"{rare[0]} {rare[1]}", f"{rare[1]} soviet"],
        "misspelt": misspelt,
        "place names": PLACE_NAMES,
    }


def capped_against_full(rng, search, sample):
    """(queries whose top 20 differ as lists, as sets, out of ``sample``) between ranking the
    first MAX_CANDIDATES_PER_KIND matches and ranking every match."""
    from search.backends import base

    words = archive_words(rng, sample * 2)
    queries = [" ".join(rng.sample(words, rng.choice([1, 1, 2]))) for _ in range(sample)]
    cap = base.MAX_CANDIDATES_PER_KIND
    differ_list = differ_set = 0
    full_times, capped_times = [], []
    for query in queries:
        start = time.perf_counter()
        capped = [(ref.kind, ref.pk) for ref in search(query).refs[:20]]
        capped_times.append((time.perf_counter() - start) * 1000)
        base.MAX_CANDIDATES_PER_KIND = None
        try:
            start = time.perf_counter()
            full = [(ref.kind, ref.pk) for ref in search(query).refs[:20]]
            full_times.append((time.perf_counter() - start) * 1000)
        finally:
            base.MAX_CANDIDATES_PER_KIND = cap
        differ_list += capped != full
        differ_set += set(capped) != set(full)
    return {
        "queries": len(queries),
        "top20_order_differs": differ_list,
        "top20_set_differs": differ_set,
        "capped": summary(capped_times),
        "full": summary(full_times),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--count", type=int, default=8, help="queries per class")
    parser.add_argument("--sample", type=int, default=100, help="queries for capped vs full")
    parser.add_argument("--json", help="write the figures to this file too")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.perf_settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from annotations.models import Annotation
    from archive.models import Passage
    from search.backends import get_backend
    from search.text import parse_query

    backend = get_backend()

    def search(q, **options):
        return backend.search(parse_query(q), user=AnonymousUser(), **options)

    rng = random.Random(1940)
    client = Client(HTTP_HOST="127.0.0.1")
    records = Passage.objects.count() + Annotation.objects.count()
    load = os.getloadavg()
    report = {
        "records": records,
        "load_before": [round(value, 2) for value in load],
        "floor": summary(timed(lambda: client.get("/search/"), options.repeat * 4)),
        "classes": {},
    }
    print(f"{records:,} passages and annotations; load average {load[0]:.2f}")
    print(f"floor (the search page without a query): {report['floor']}")
    for name, queries in classes(rng, search, options.count).items():
        page, alone, rows = [], [], []
        for q in queries:
            found = search(q)
            page_times = timed(lambda q=q: client.get("/search/", {"q": q}), options.repeat)
            alone_times = timed(lambda q=q: search(q)[:20], options.repeat)
            page += page_times
            alone += alone_times
            rows.append(
                {
                    "query": q,
                    "results": len(found),
                    "corrections": found.reading.corrections,
                    "misspelt_from": [MISSPELT_FROM[w] for w in q.split() if w in MISSPELT_FROM],
                    "places": [place.name for _, place in found.reading.variants],
                    "page": summary(page_times),
                    "backend": summary(alone_times),
                }
            )
            print(f"  {name:<12} {q:<32} {len(found):>4} {rows[-1]['page']} {rows[-1]['backend']}")
        report["classes"][name] = {
            "page": summary(page),
            "backend": summary(alone),
            "queries": rows,
        }
        print(f"{name}: page {summary(page)}, backend {summary(alone)}")
    report["capped_vs_full"] = capped_against_full(rng, search, options.sample)
    print(f"capped vs full ranking: {report['capped_vs_full']}")
    report["load_after"] = [round(value, 2) for value in os.getloadavg()]
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Query counts of every page the benchmark measures (bench/run.py), whatever the data size.

The reading view is guarded in tests/test_reading_scholarship.py (rendered) and
tests/test_cache.py (served from the cache); the rest here.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve

from annotations import services
from annotations.services import TargetData
from archive.models import PassageChanges

pytestmark = pytest.mark.django_db

#: The history page: the annotation (with passage, document, author), its tags, its versions
#: with their revisions and users; a reader signed in adds the session and user.
HISTORY_QUERIES = 10
#: A search: the candidates of each of the four kinds, then the records of the page shown
#: (one query per kind present); on PostgreSQL in a transaction with its settings, and which
#: of its words the archive has (the words table, for corrections).
SEARCH_QUERIES = 11 if connection.vendor == "postgresql" else 10

BENCH = {
    "ROOT_URLCONF": "bench.perf_app",
    "MIDDLEWARE": [
        "bench.perf_app.QueryCountMiddleware",
        "bench.perf_app.CacheHooksMiddleware",
        *settings.MIDDLEWARE,
    ],
}


@pytest.fixture
def lead(articles):
    return articles["en"].passages.get(order=1)


def annotate(user, passage, body):
    return services.create_annotation(
        user=user,
        target=TargetData(passage=passage),
        body=body,
        motivation="commenting",
        visibility="public",
        tags=["dates"],
    )


@pytest.mark.parametrize("signed_in", [False, True])
def test_history_page_queries_do_not_grow_with_its_versions(
    client, lead, scholar, signed_in, django_assert_max_num_queries
):
    annotation = annotate(scholar, lead, "Version 1")
    url = f"/annotations/{annotation.pk}/history/"
    if signed_in:
        client.force_login(scholar)
    with django_assert_max_num_queries(HISTORY_QUERIES):
        assert client.get(url).status_code == 200
    for number in range(2, 61):
        annotation = services.update_annotation(
            annotation=annotation,
            user=scholar,
            data={"body": f"Version {number}", "tags": [f"tag{number % 5}"]},
            base_version=annotation.version,
        )
    with django_assert_max_num_queries(HISTORY_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('name="to"') == 60


def test_search_page_queries_do_not_grow_with_its_hits(
    client, lead, scholar, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SEARCH_QUERIES):
        assert client.get("/search/", {"q": "ultimatum"}).status_code == 200
    for number in range(60):
        annotate(scholar, lead, f"The ultimatum, note {number}")
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get("/search/", {"q": "ultimatum"})
    assert response.status_code == 200 and response.context["paginator"].count > 60


def test_minimal_view_exists_only_in_the_benchmark_settings(client):
    with pytest.raises(Resolver404):
        resolve("/bench/minimal/")
    assert client.get("/bench/minimal/").status_code == 404


@override_settings(**BENCH)
def test_minimal_view_makes_no_query_and_the_counter_says_so(
    client, articles, lead, scholar, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/bench/minimal/")
    assert response.status_code == 200 and response["X-Bench-Queries"] == "0"
    annotate(scholar, lead, "A note")
    url = articles["en"].get_absolute_url()
    assert client.get(url + "?uncached=1")["X-Bench-Queries"] == "12"
    client.get(url)
    assert client.get(url)["X-Bench-Queries"] == "1"  # from the cache


@override_settings(**BENCH)
def test_cache_hooks_render_every_passage_or_only_the_one_changed(client, articles, lead, scholar):
    """``?cold=1`` empties the fragment cache before each request; ``?changed=<id>`` bumps one
    passage's counter first (as a write does), so only that passage is rendered again."""
    annotate(scholar, lead, "A note")
    url = articles["en"].get_absolute_url()
    queries = [int(client.get(url + "?cold=1")["X-Bench-Queries"]) for _ in range(2)]
    assert queries == [12, 12]  # every fragment rendered, each time
    assert client.get(url + "?uncached=1")["X-Bench-Queries"] == "7"  # every fragment cached
    before = PassageChanges.objects.get(passage=lead).count
    changed = client.get(url + f"?changed={lead.pk}")
    assert PassageChanges.objects.get(passage=lead).count == before + 1
    # The passage looked up, its counter and the document's bumped (3, plus the savepoint and
    # its release inside the test's transaction: 2); the catalogue (7); the scholarship of the
    # one passage rendered again (5).
    assert changed["X-Bench-Queries"] == str(3 + 2 + 7 + 5)

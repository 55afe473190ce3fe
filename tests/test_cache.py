"""The anonymous reading view's cache: keyed on a per-document change counter that every
service write bumps in its transaction, so that what was written shows on the next request."""

import gzip
import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from annotations import services
from annotations.services import TargetData
from archive import changes
from archive.models import DocumentChanges, Passage
from config.settings.base import cache_settings

pytestmark = pytest.mark.django_db

#: A page served from the cache: the document with its change counter, nothing else.
CACHED_QUERIES = 1
#: Rendering it (tests/test_reading_scholarship.py): the counter comes in the first query.
READING_QUERIES = 12
#: Rendering it with every passage's fragments in their cache: the catalogue only.
WARM_READING_QUERIES = 7


def count(document):
    counter = DocumentChanges.objects.filter(document=document).first()
    return counter.count if counter else 0


def annotate(user, passage, body="A first note", **kw):
    return services.create_annotation(
        user=user,
        target=TargetData(passage=passage),
        body=body,
        motivation="commenting",
        visibility="public",
        **kw,
    )


def get(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def panel(client, document, number=1):
    response = client.get(reverse("reading:passage-panel", args=[document.slug, number]))
    assert response.status_code == 200
    return response.content.decode()


def test_second_anonymous_request_is_served_from_the_cache_with_one_query(
    client, english, lead, scholar, django_assert_num_queries
):
    annotate(scholar, lead)
    with django_assert_num_queries(READING_QUERIES):
        first = get(client, english)
    with django_assert_num_queries(CACHED_QUERIES):
        second = get(client, english)
    assert second == first and "A first note" in second


def test_a_document_never_touched_is_not_cached(client, english):
    assert count(english) == 0
    get(client, english)
    with CaptureQueriesContext(connection) as queries:
        get(client, english)
    assert len(queries) > CACHED_QUERIES


def test_cached_page_keeps_the_headers_of_a_rendered_one(client, english, lead, scholar):
    annotate(scholar, lead)
    rendered, cached = (
        client.get(english.get_absolute_url()),
        client.get(english.get_absolute_url()),
    )
    for name in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Vary"):
        assert cached.get(name) == rendered.get(name), name
    assert "csrftoken" not in cached.cookies and "csrftoken" not in rendered.cookies


def test_signed_in_readers_query_strings_and_messages_are_not_served_from_the_cache(
    client, english, lead, scholar, django_assert_num_queries
):
    annotate(scholar, lead)
    get(client, english)  # cached now
    with django_assert_num_queries(WARM_READING_QUERIES):
        assert client.get(english.get_absolute_url() + "?x=1").status_code == 200
    client.cookies["messages"] = "anything"
    with django_assert_num_queries(WARM_READING_QUERIES):
        get(client, english)
    del client.cookies["messages"]
    client.force_login(scholar)
    html = get(client, english)
    assert "Annotate selection" in html  # the scholar's own page, not the cached one


def test_every_service_write_shows_on_the_next_anonymous_request(
    client, articles, english, lead, scholar, moderator
):
    romanian = articles["ro"]
    seen = []

    def after(write, expect=None, absent=None, document=english):
        before, page_before = count(document), get(client, document)
        result = write()
        assert count(document) == before + 1, (expect, absent)
        page = get(client, document)
        assert page != page_before  # the margin summary (or the marks) show the write
        # The passage's scholarship in full: its panel, loaded on demand.
        html = page + panel(client, document)
        assert expect is None or expect in html, expect
        assert absent is None or absent not in html, absent
        assert get(client, document) == page  # and that is what is cached now
        seen.append(write)
        return result

    get(client, english)
    note = after(lambda: annotate(scholar, lead, tags=["first-tag"]), "A first note")
    note = after(
        lambda: services.update_annotation(
            annotation=note, user=scholar, data={"body": "An edited note"}, base_version=1
        ),
        "An edited note",
        absent="A first note",
    )
    after(
        lambda: services.delete_annotation(annotation=note, user=scholar),
        absent="An edited note",
    )
    after(lambda: services.restore_annotation(annotation=note, user=scholar), "An edited note")
    first = Version.objects.get_for_object(note).order_by("pk").first()
    after(
        lambda: services.revert_annotation(annotation=note, user=scholar, version=first),
        "A first note",
        absent="An edited note",
    )
    after(
        lambda: services.moderate_annotation(
            annotation=note, user=moderator, status="hidden", note="Off topic."
        ),
        absent="A first note",
    )
    flag = after(
        lambda: services.create_flag(
            user=scholar,
            target=TargetData(passage=lead, exact="3 July 1940"),
            category="date",
            statement="The Romanian text says 4 July.",
        ),
        "The Romanian text says 4 July.",
    )
    after(
        lambda: services.set_flag_status(
            claim=flag, user=moderator, status="upheld", note="Checked against the sources."
        ),
        "[dispute upheld]",
    )
    # A cross-reference touches both documents: both pages show it on the next request.
    get(client, romanian)
    crossref = after(
        lambda: services.create_crossref(
            user=scholar,
            target=TargetData(passage=romanian.passages.get(order=1)),
            relation="translation_of",
            to_target=TargetData(passage=lead),
        ),
        "Translation of",
    )
    assert count(romanian) == 1 and crossref.get_absolute_url() in panel(client, romanian)
    after(
        lambda: services.delete_crossref(crossref=crossref, user=scholar),
        absent=crossref.get_absolute_url(),
    )
    assert count(romanian) == 2 and crossref.get_absolute_url() not in panel(client, romanian)
    assert len(seen) == 10


def test_a_refused_write_changes_no_counter(english, lead, scholar, other_scholar):
    note = annotate(scholar, lead)
    before = count(english)
    with pytest.raises(services.StaleEdit):
        services.update_annotation(
            annotation=note, user=scholar, data={"body": "x"}, base_version=9
        )
    with pytest.raises(services.PermissionDenied):
        services.delete_annotation(annotation=note, user=other_scholar)
    assert count(english) == before


def test_each_touch_draws_a_new_token(english, lead, scholar):
    annotate(scholar, lead)
    first = DocumentChanges.objects.get(document=english)
    annotate(scholar, lead)
    second = DocumentChanges.objects.get(document=english)
    assert second.count == first.count + 1 and second.token != first.token


def test_a_catalogue_change_touches_every_document_once_per_atomic_block(articles):
    english, romanian = articles["en"], articles["ro"]
    for _ in range(2):
        with transaction.atomic():  # as the admin saves a form with its inlines
            for row in Passage.objects.filter(document=english)[:5]:
                row.save()
    assert (count(english), count(romanian)) == (2, 2)
    with transaction.atomic():
        try:
            with transaction.atomic():
                english.passages.first().save()
                raise RuntimeError
        except RuntimeError:
            pass  # the savepoint rolled back, with its touch
        english.passages.first().save()
    assert (count(english), count(romanian)) == (3, 3)


def test_a_catalogue_change_shows_on_the_next_anonymous_request(client, english, lead, scholar):
    annotate(scholar, lead)
    get(client, english)
    english.title = "A corrected title"
    english.save()
    assert "A corrected title" in get(client, english)


def test_touch_all_and_cache_key(articles):
    english = articles["en"]
    changes.touch_all()
    changes.touch_all()
    english.refresh_from_db()
    counter = DocumentChanges.objects.get(document=english)
    assert counter.count == 2
    assert changes.cache_key(english) == f"reading:{english.pk}:2:{counter.token.hex}"
    # Every passage's counter too, in one statement each time, all with that time's token.
    passages = english.passages.select_related("change_counter")
    assert {passage.change_counter.count for passage in passages} == {2}
    assert len({passage.change_counter.token for passage in passages}) == 1
    assert passages[0].fragment_version.endswith(f".2.{passages[0].change_counter.token.hex}")


def test_cache_settings_from_a_url():
    assert cache_settings("", "default")["BACKEND"].endswith("LocMemCache")
    assert cache_settings("locmem://", "pages")["BACKEND"].endswith("LocMemCache")
    redis = cache_settings("redis://127.0.0.1:6379/3", "pages")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert redis["KEY_PREFIX"].endswith(":pages")
    with pytest.raises(ImproperlyConfigured):
        cache_settings("memcached://127.0.0.1", "pages")


def redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_is_up(), reason="no Redis server at 127.0.0.1:6379")
def test_pages_cached_in_redis_are_shared_and_follow_the_counter(
    client, english, lead, scholar, django_assert_num_queries
):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    prefix = f"archive-test-{uuid.uuid4().hex}"
    pages = {**cache_settings(url, "pages"), "KEY_PREFIX": prefix}
    try:
        with override_settings(CACHES={"default": pages, "pages": pages, "fragments": pages}):
            annotate(scholar, lead)
            get(client, english)
            with django_assert_num_queries(CACHED_QUERIES):
                get(client, english)
            english = type(english).objects.select_related("change_counter").get(pk=english.pk)
            assert caches["pages"].get(changes.cache_key(english)) is not None
            annotate(scholar, lead, body="Seen at once")
            assert "Seen at once" in get(client, english)
    finally:
        server = redis.Redis.from_url(url)
        keys = list(server.scan_iter(f"{prefix}*"))
        if keys:
            server.delete(*keys)


def test_cached_page_is_sent_compressed_to_clients_that_accept_gzip(client, english, lead, scholar):
    annotate(scholar, lead)
    url = english.get_absolute_url()
    plain = client.get(url)  # rendered (a miss), not compressed for this client
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")  # from the cache
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    for response in (plain, packed, client.get(url)):
        assert "Accept-Encoding" in response["Vary"] and "Cookie" in response["Vary"]
    # The first request after a write misses: it gets the page as rendered (compressed into
    # the cache only once it has been sent), the next one the compressed copy.
    annotate(scholar, lead, body="Fresh")
    fresh = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in fresh and b"Fresh" in fresh.content
    assert "Accept-Encoding" in fresh["Vary"] and "Cookie" in fresh["Vary"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == fresh.content


def test_a_page_the_cache_cannot_store_is_still_served(client, english, lead, scholar, caplog):
    from unittest import mock

    annotate(scholar, lead)
    url = english.get_absolute_url()
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.set", side_effect=OSError):
        response = client.get(url)
    assert response.status_code == 200 and b'class="summary"' in response.content
    assert "Could not store page" in caplog.text
    assert client.get(url).status_code == 200


def test_an_unknown_document_is_a_404_not_an_error(client):
    assert client.get("/documents/no-such-document/").status_code == 404

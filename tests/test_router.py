"""Public reads from a read replica (config/routers.py), tested with two connections to one
database: the test settings' ``replica`` alias mirrors ``default``."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext as capture

from annotations import services
from annotations.models import Annotation
from annotations.services import TargetData
from archive.models import Document
from config import routers
from config.routers import PUBLIC, REPLICA, ReplicaRouter, _Read, _read

ROUTED = {
    "DATABASE_ROUTERS": ["config.routers.ReplicaRouter"],
    "MIDDLEWARE": ["config.routers.ReplicaMiddleware", *settings.MIDDLEWARE],
}


def test_the_test_settings_mirror_default():
    assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == DEFAULT_DB_ALIAS


def test_router_sends_only_public_reads_to_the_replica(monkeypatch):
    monkeypatch.setattr(routers, "reachable", lambda alias: True)  # no connection opened
    router = ReplicaRouter()
    assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
    token = _read.set(_Read(PUBLIC))
    try:
        assert router.db_for_read(Document) == REPLICA
        assert router.db_for_write(Document) == DEFAULT_DB_ALIAS
    finally:
        _read.reset(token)
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "archive")
    assert not router.allow_migrate(REPLICA, "archive")
    assert router.allow_relation(Document(), Annotation())


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary():
    router = ReplicaRouter()
    token = _read.set(_Read(PUBLIC))
    try:
        with transaction.atomic():
            assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
    finally:
        _read.reset(token)


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.commits("the replica alias is a second connection: it sees committed rows only")
def test_anonymous_reads_use_the_replica_and_everything_else_the_primary(client, scholar):
    call_command("loaddata", "articles", verbosity=0)
    english = Document.objects.get(language="en")
    lead = english.passages.get(order=1)
    services.create_annotation(
        user=scholar,
        target=TargetData(passage=lead),
        body="Read from the replica",
        motivation="commenting",
        visibility="public",
    )
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    with override_settings(**ROUTED):
        with capture(primary) as on_primary, capture(replica) as on_replica:
            response = client.get(english.get_absolute_url())
        assert "Read from the replica" in response.content.decode()
        assert len(on_replica) >= 10 and len(on_primary) == 0

        # A signed-in scholar reads from the primary (what they wrote is there at once)...
        client.force_login(scholar)
        with capture(primary) as on_primary, capture(replica) as on_replica:
            assert client.get(english.get_absolute_url()).status_code == 200
        assert len(on_replica) == 0 and len(on_primary) > 0

        # ...and writes there.
        url = f"{english.get_absolute_url()}{lead.anchor}/annotate/"
        with capture(primary) as on_primary, capture(replica) as on_replica:
            response = client.post(
                url,
                {"body": "Written to the primary", "motivation": "commenting"}
                | {"visibility": "public", "tags": ""},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert len(on_replica) == 0
        assert any("INSERT" in query["sql"] for query in on_primary.captured_queries)
    assert Annotation.objects.filter(body="Written to the primary").exists()

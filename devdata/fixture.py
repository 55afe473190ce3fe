"""The demo as a fixture: what ``devdata.demo.build_demo`` wrote, with deterministic keys and
times (UUIDs from ``uuid5``, a minute between writes, tag and evidence keys in a reserved
block), as ``dumpdata`` writes it."""

import datetime as dt
import json
import uuid

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from annotations.models import Annotation, CrossReference, DisputedClaim, Evidence, Tag

from .demo import EPOCH, NAMESPACE, RESERVED_PK_BASE


def stamp(minutes):
    return EPOCH + dt.timedelta(minutes=minutes)


def _in_order(model, pks):
    by_pk = model.objects.in_bulk(pks)
    return [by_pk[pk] for pk in pks]


def _python(records):
    return serializers.serialize(
        "python", records, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


def fixture_records(build):
    """Return the demo's records as ``dumpdata`` dicts with deterministic keys and times."""
    created, modified, order = {}, {}, {}
    for minute, key in enumerate(build.writes, start=1):
        created.setdefault(key, stamp(minute))
        modified[key] = stamp(minute)
        order.setdefault(key[0], [])
        if key[1] not in order[key[0]]:
            order[key[0]].append(key[1])

    new_pk = {}
    for model in (Annotation, DisputedClaim, CrossReference):
        for number, pk in enumerate(order.get(model, []), start=1):
            new_pk[(model, pk)] = str(uuid.uuid5(NAMESPACE, f"{model._meta.model_name}:{number}"))
    annotations = _in_order(Annotation, order.get(Annotation, []))
    claims = _in_order(DisputedClaim, order.get(DisputedClaim, []))
    crossrefs = _in_order(CrossReference, order.get(CrossReference, []))
    tags = list(Tag.objects.filter(annotations__in=annotations).distinct().order_by("name"))
    evidence = list(Evidence.objects.filter(claim__in=claims).order_by("pk"))
    evidence_pk = {row.pk: RESERVED_PK_BASE + n for n, row in enumerate(evidence, start=1)}

    def versioned(data, model):
        key = (model, uuid.UUID(str(data["pk"])))
        data["pk"] = new_pk[key]
        data["fields"]["created"] = created[key]
        data["fields"]["modified"] = modified[key]
        return data

    records = []
    for data in _python(build.users):
        data["fields"]["last_login"] = None
        data["fields"]["date_joined"] = EPOCH
        records.append(data)
    records.extend(_python(tags))
    for data in _python(annotations):
        versioned(data, Annotation)
        parent = data["fields"]["parent"]
        if parent is not None:
            data["fields"]["parent"] = new_pk[(Annotation, uuid.UUID(parent))]
        data["fields"]["tags"] = sorted(data["fields"]["tags"])
        records.append(data)
    for data in _python(claims):
        records.append(versioned(data, DisputedClaim))
    for data in _python(evidence):
        data["pk"] = evidence_pk[data["pk"]]
        data["fields"]["claim"] = new_pk[(DisputedClaim, uuid.UUID(data["fields"]["claim"]))]
        records.append(data)
    for data in _python(crossrefs):
        records.append(versioned(data, CrossReference))
    return records


def fixture_text(build):
    """The records as ``dumpdata --natural-foreign --natural-primary --indent 2`` writes them."""
    options = {
        "indent": 2,
        "separators": (",", ": "),
        "cls": DjangoJSONEncoder,
        "ensure_ascii": False,
    }
    objects = ",\n".join(json.dumps(data, **options) for data in fixture_records(build))
    return f"[\n{objects}\n]\n"

"""Every URL × role × method: who may see and do what, and nothing reachable by guessing.

``ROWS`` names a concrete URL for every URL pattern the project has (``test_every_url_pattern_
is_in_the_table`` fails when a new pattern is not in it) and ``EXPECTED`` gives, for each row,
the outcome of a GET and of an empty POST for each role, in ROLES order:

- a status code (``200``, ``403``, ``404``, ``405``, ``400``…),
- ``L``: a redirect to a login page (the site's or the admin's),
- ``R``: any other redirect.

Each request runs in a transaction that is rolled back, so every row sees the same records.
Rows whose URL name is not (or no longer) defined are skipped, so apps being built can add
their URLs to the table before they land. To print the observed table (to review a change,
never to paste blindly): ``AUTHZ_PRINT=1 pytest tests/test_authorization.py -s``.
"""

import os
import re
from http.cookies import SimpleCookie

import pytest
import reversion
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from reversion.models import Version

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from annotations.services import TargetData
from archive.models import Document, ExternalLink, Note, Passage, Reference, Section
from people import services as people_services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "scholar", "other", "moderator", "superuser")
PRIVATE_MARK = "Private-note-7f3a: only its author may read this"


# --- the records every row is tried against ----------------------------------------------


@pytest.fixture
def world(articles, scholar, other_scholar, moderator, superuser):
    english, romanian = articles["en"], articles["ro"]
    passage = english.passages.get(order=1)
    span = TargetData(passage=passage, exact="Bessarabia")

    def annotate(user, visibility="public", **kw):
        return services.create_annotation(
            user=user,
            target=kw.pop("target", span),
            body=kw.pop("body", "Body"),
            motivation="commenting",
            visibility=visibility,
            **kw,
        )

    call_command("record_initial_versions", verbosity=0)
    public = annotate(scholar)
    public = services.update_annotation(
        annotation=public, user=scholar, data={"body": "Body, edited"}, base_version=1
    )
    private = annotate(scholar, "private")
    deleted = services.delete_annotation(annotation=annotate(scholar), user=scholar)
    reply = annotate(other_scholar, parent=public)
    flag = services.create_flag(
        user=scholar, target=span, category="date", statement="Another date"
    )
    crossref = services.create_crossref(
        user=scholar,
        target=TargetData(passage=passage),
        relation="translation_of",
        to_target=TargetData(passage=romanian.passages.get(order=1)),
    )
    gone_crossref = services.delete_crossref(
        crossref=services.create_crossref(
            user=scholar,
            target=TargetData(passage=passage),
            relation="see_also",
            to_link=ExternalLink.objects.first(),
        ),
        user=scholar,
    )
    invitation, token = people_services.create_invitation(inviter=moderator, email="x@example.org")
    used, used_token = people_services.create_invitation(inviter=moderator)
    people_services.accept_invitation(token=used_token, username="invited", password="pass-w0rd-x")
    people_services.update_profile(
        user=scholar, display_name="Ana", orcid="0000-0002-1825-0097", affiliation=""
    )
    return {
        "invitation": invitation,
        "token": token,
        "used_token": used_token,
        "users": {
            "scholar": scholar,
            "other": other_scholar,
            "moderator": moderator,
            "superuser": superuser,
        },
        "document": english,
        "passage": passage,
        "public": public,
        "private": private,
        "deleted": deleted,
        "reply": reply,
        "flag": flag,
        "crossref": crossref,
        "gone_crossref": gone_crossref,
        "version": Version.objects.get_for_object(public).first(),
        "private_version": Version.objects.get_for_object(private).first(),
        "reference": Reference.objects.order_by("pk").first(),
    }


# --- the table ---------------------------------------------------------------------------


def _passage_kwargs(w):
    return {"slug": w["document"].slug, "anchor": w["passage"].anchor}


def _diff_url(annotation):
    versions = list(Version.objects.get_for_object(annotation).order_by("pk"))
    url = reverse("annotations:annotation-diff", kwargs={"pk": annotation.pk})
    return f"{url}?from={versions[0].pk}&to={versions[-1].pk}"


def _passage_number(w):
    return {"slug": w["passage"].document.slug, "number": w["passage"].order}


def _document(w):
    return {"slug": w["document"].slug}


def _translation(w):
    return {"slug": Document.objects.filter(translation_of__isnull=False).first().slug}


def _reference(w):
    return {"catalogue_id": w["reference"].catalogue_id}


#: (label, URL name, function of the records → reverse() kwargs or a literal URL)
SITE_ROWS = [
    ("home", "archive:home", lambda w: {}),
    ("document list", "archive:document-list", lambda w: {}),
    ("document", "reading:document-detail", lambda w: {"slug": w["document"].slug}),
    ("passage", "reading:passage-detail", lambda w: _passage_number(w)),
    ("passage panel", "reading:passage-panel", lambda w: _passage_number(w)),
    ("reference list", "archive:reference-list", lambda w: {}),
    (
        "reference",
        "archive:reference-detail",
        lambda w: {"catalogue_id": w["reference"].catalogue_id},
    ),
    ("link list", "archive:link-list", lambda w: {}),
    ("search", "search:search", lambda w: {}),
    ("login", "login", lambda w: {}),
    ("logout", "logout", lambda w: {}),
    ("password change", "password_change", lambda w: {}),
    ("password change done", "password_change_done", lambda w: {}),
    ("password reset", "password_reset", lambda w: {}),
    ("password reset done", "password_reset_done", lambda w: {}),
    (
        "password reset confirm (bad token)",
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    ("password reset complete", "password_reset_complete", lambda w: {}),
    ("profile", "people:profile", lambda w: {}),
    ("invitation accept", "people:invitation-accept", lambda w: {"token": w["token"]}),
    ("used invitation accept", "people:invitation-accept", lambda w: {"token": w["used_token"]}),
    ("unknown invitation accept", "people:invitation-accept", lambda w: {"token": "x" * 43}),
    ("people", "people:account-list", lambda w: {}),
    ("invitations", "people:invitation-list", lambda w: {}),
    ("invite", "people:invitation-create", lambda w: {}),
    ("invitation revoke", "people:invitation-revoke", lambda w: {"pk": w["invitation"].pk}),
    (
        "deactivate a scholar",
        "people:account-deactivate",
        lambda w: {"username": w["users"]["other"].username},
    ),
    (
        "deactivate a moderator",
        "people:account-deactivate",
        lambda w: {"username": w["users"]["moderator"].username},
    ),
    ("annotate passage", "annotations:annotation-create", _passage_kwargs),
    ("flag passage", "annotations:flag-create", _passage_kwargs),
    ("cross-reference passage", "annotations:crossref-create", _passage_kwargs),
    ("annotation list", "annotations:annotation-list", lambda w: {}),
    ("my annotations", "annotations:my-annotations", lambda w: {}),
]
for _label, _record in (
    ("public annotation", "public"),
    ("private annotation", "private"),
    ("deleted annotation", "deleted"),
    ("reply", "reply"),
):
    SITE_ROWS.append(
        (f"{_label} diff", "annotations:annotation-diff", lambda w, r=_record: _diff_url(w[r]))
    )
    SITE_ROWS.append(
        (f"{_label} W3C", "exports:annotation-jsonld", lambda w, r=_record: {"pk": w[r].pk})
    )
    for _view in ("detail", "edit", "delete", "restore", "reply", "history"):
        SITE_ROWS.append(
            (
                f"{_label} {_view}",
                f"annotations:annotation-{_view}",
                lambda w, r=_record: {"pk": w[r].pk},
            )
        )
SITE_ROWS += [
    (
        "public annotation revert",
        "annotations:annotation-revert",
        lambda w: {"pk": w["public"].pk, "version_id": w["version"].pk},
    ),
    (
        "private annotation revert",
        "annotations:annotation-revert",
        lambda w: {"pk": w["private"].pk, "version_id": w["private_version"].pk},
    ),
    (
        "revert to another record's version",
        "annotations:annotation-revert",
        lambda w: {"pk": w["public"].pk, "version_id": w["private_version"].pk},
    ),
    ("flag list", "annotations:flag-list", lambda w: {}),
    ("flag", "annotations:flag-detail", lambda w: {"pk": w["flag"].pk}),
    ("flag status", "annotations:flag-status", lambda w: {"pk": w["flag"].pk}),
    ("cross-reference", "annotations:crossref-detail", lambda w: {"pk": w["crossref"].pk}),
    (
        "cross-reference delete",
        "annotations:crossref-delete",
        lambda w: {"pk": w["crossref"].pk},
    ),
    (
        "deleted cross-reference",
        "annotations:crossref-detail",
        lambda w: {"pk": w["gone_crossref"].pk},
    ),
    (
        "deleted cross-reference delete",
        "annotations:crossref-delete",
        lambda w: {"pk": w["gone_crossref"].pk},
    ),
    ("compare", "alignment:compare", _translation),
    ("compare: run suggester", "alignment:suggest", _translation),
    ("compare: alignment decision", "alignment:decide-alignment", _translation),
    ("compare: discrepancy decision", "alignment:decide-discrepancy", _translation),
    ("flag W3C", "exports:flag-jsonld", lambda w: {"pk": w["flag"].pk}),
    ("cross-reference W3C", "exports:crossref-jsonld", lambda w: {"pk": w["crossref"].pk}),
    (
        "deleted cross-reference W3C",
        "exports:crossref-jsonld",
        lambda w: {"pk": w["gone_crossref"].pk},
    ),
    ("document annotations W3C", "exports:document-annotations", _document),
    ("document annotations page", "exports:document-scholarship", _document),
    ("document TEI", "exports:document-tei", _document),
    ("references CSL", "exports:references-csl", lambda w: {}),
    ("references BibTeX", "exports:references-bibtex", lambda w: {}),
    ("reference CSL", "exports:reference-csl", _reference),
    ("reference BibTeX", "exports:reference-bibtex", _reference),
    ("document references CSL", "exports:document-references-csl", _document),
    ("document references BibTeX", "exports:document-references-bibtex", _document),
    ("document citation CSL", "exports:document-cite-csl", _document),
    ("document citation BibTeX", "exports:document-cite-bibtex", _document),
    ("OAI-PMH", "exports:oai", lambda w: {}),
    ("API page", "exports:api", lambda w: {}),
    ("API documents", "exports:api-documents", lambda w: {}),
    ("API document", "exports:api-document", _document),
    ("API links", "exports:api-links", lambda w: {}),
    (
        "API link",
        "exports:api-link",
        lambda w: {"catalogue_id": ExternalLink.objects.order_by("pk").first().catalogue_id},
    ),
    (
        "unknown annotation",
        "annotations:annotation-detail",
        lambda w: {"pk": "00000000-0000-4000-8000-000000000000"},
    ),
]

#: The models registered in the admin, with the record whose pages are tried.
ADMIN_MODELS = {
    "auth.group": lambda w: Group.objects.get(name="Scholars"),
    "auth.user": lambda w: w["users"]["scholar"],
    "archive.document": lambda w: w["document"],
    "archive.section": lambda w: Section.objects.order_by("pk").first(),
    "archive.passage": lambda w: w["passage"],
    "archive.note": lambda w: Note.objects.order_by("pk").first(),
    "archive.reference": lambda w: w["reference"],
    "archive.externallink": lambda w: ExternalLink.objects.order_by("pk").first(),
    "annotations.annotation": lambda w: w["public"],
    "annotations.disputedclaim": lambda w: w["flag"],
    "annotations.crossreference": lambda w: w["crossref"],
    "annotations.moderationlogentry": lambda w: _log_entry(w),
    "annotations.tag": lambda w: w["public"].tags.model.objects.get_or_create(name="dates")[0],
    "people.invitation": lambda w: w["invitation"],
    "people.profile": lambda w: w["users"]["scholar"].profile,
    "alignment.alignmentsuggestion": lambda w: _first("alignment.AlignmentSuggestion"),
    "alignment.discrepancysuggestion": lambda w: _first("alignment.DiscrepancySuggestion"),
    "alignment.nocounterpart": lambda w: _first("alignment.NoCounterpart"),
}


class _Missing:
    """Stands for a record of a model with no rows: its pages are tried with id 0."""

    pk = 0


def _first(label):
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model.objects.order_by("pk").first() or _Missing()


VERSIONED_VIEWS = {"compare", "recoverlist", "recover", "revision"}
ADMIN_VIEWS = (
    "changelist",
    "add",
    "change",
    "delete",
    "history",
    "compare",
    "recoverlist",
    "recover",
    "revision",
    "bare",
)


def _log_entry(w):
    from annotations.models import ModerationLogEntry

    services.set_flag_status(
        claim=w["flag"], user=w["users"]["moderator"], status="under_review", note="Looking"
    )
    return ModerationLogEntry.objects.latest("pk")


def _admin_url(model, view):
    app_label, model_name = model.split(".")

    def build(w):
        obj = ADMIN_MODELS[model](w)
        if obj is None:
            return None  # the app is not installed
        if isinstance(obj, _Missing):
            from django.apps import apps

            if view == "compare":
                # with both version ids reversion-compare answers 500 for a missing record
                # (reported, not yet fixed);
                # the route is still covered through the models that have rows.
                return f"/admin/{app_label}/{model_name}/0/history/compare/?version_id1=1"

            versioned = reversion.is_registered(apps.get_model(model))
        else:
            versioned = reversion.is_registered(type(obj))
        if view in VERSIONED_VIEWS and not versioned:
            return None  # the page exists only for models under django-reversion
        prefix = f"admin:{app_label}_{model_name}"
        if view in ("changelist", "add", "recoverlist"):
            return reverse(f"{prefix}_{view}")
        if view in ("change", "delete", "history"):
            return reverse(f"{prefix}_{view}", args=[obj.pk])
        version = (
            versioned
            and not isinstance(obj, _Missing)
            and Version.objects.get_for_object(obj).order_by("pk").first()
        )
        version_id = version.pk if version else 999999
        if view == "compare":
            url = reverse(f"{prefix}_compare", args=[obj.pk])
            return f"{url}?version_id1={version_id}&version_id2={version_id}"
        if view == "bare":  # the old-style address, redirected to the change page
            return f"/admin/{app_label}/{model_name}/{obj.pk}/"
        if view == "recover":
            return reverse(f"{prefix}_recover", args=[version_id])
        return reverse(f"{prefix}_revision", args=[obj.pk, version_id])

    return build


ADMIN_ROWS = [
    ("admin index", "admin:index", lambda w: {}),
    ("admin review queue", "admin:review", lambda w: {}),
    ("admin orphan queue", "admin:orphans", lambda w: {}),
    (
        "admin document new revision",
        "admin:archive_document_revision",
        lambda w: {"object_id": w["document"].pk},
    ),
    ("admin login", "admin:login", lambda w: {}),
    ("admin logout", "admin:logout", lambda w: {}),
    ("admin password change", "admin:password_change", lambda w: {}),
    ("admin password change done", "admin:password_change_done", lambda w: {}),
    ("admin autocomplete", "admin:autocomplete", lambda w: {}),
    ("admin jsi18n", "admin:jsi18n", lambda w: {}),
    (
        "admin view on site",
        "admin:view_on_site",
        lambda w: {
            "content_type_id": ContentType.objects.get_for_model(Annotation).pk,
            "object_id": w["public"].pk,
        },
    ),
    ("admin app list (annotations)", "admin:app_list", lambda w: {"app_label": "annotations"}),
    ("admin unknown address", None, lambda w: "/admin/no/such/page/"),
    (
        "admin user password",
        "admin:auth_user_password_change",
        lambda w: {"id": w["users"]["other"].pk},
    ),
]
for _model in ADMIN_MODELS:
    for _view in ADMIN_VIEWS:
        ADMIN_ROWS.append((f"admin {_model} {_view}", None, _admin_url(_model, _view)))

ROWS = SITE_ROWS + ADMIN_ROWS


# Expected outcomes, GET then empty POST, for: anonymous scholar other moderator superuser.
EXPECTED = {
    "compare": ("200 200 200 200 200", "405 405 405 405 405"),
    "compare: run suggester": ("L 405 405 405 405", "L 403 403 R R"),
    "compare: alignment decision": ("L 405 405 405 405", "L 400 400 400 400"),
    "compare: discrepancy decision": ("L 405 405 405 405", "L 403 403 400 400"),
    "admin alignment.alignmentsuggestion changelist": ("L L L 200 200", "L L L 200 200"),
    "admin alignment.alignmentsuggestion add": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.alignmentsuggestion change": ("L L L R R", "L L L 403 403"),
    "admin alignment.alignmentsuggestion delete": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.alignmentsuggestion history": ("L L L R R", "L L L R R"),
    "admin alignment.alignmentsuggestion compare": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.alignmentsuggestion recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.alignmentsuggestion recover": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.alignmentsuggestion revision": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.alignmentsuggestion bare": ("L L L R R", "L L L R R"),
    "admin alignment.discrepancysuggestion changelist": ("L L L 200 200", "L L L 200 200"),
    "admin alignment.discrepancysuggestion add": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.discrepancysuggestion change": ("L L L R R", "L L L 403 403"),
    "admin alignment.discrepancysuggestion delete": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.discrepancysuggestion history": ("L L L R R", "L L L R R"),
    "admin alignment.discrepancysuggestion compare": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.discrepancysuggestion recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.discrepancysuggestion recover": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.discrepancysuggestion revision": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.discrepancysuggestion bare": ("L L L R R", "L L L R R"),
    "admin alignment.nocounterpart changelist": ("L L L 200 200", "L L L 200 200"),
    "admin alignment.nocounterpart add": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.nocounterpart change": ("L L L R R", "L L L 403 403"),
    "admin alignment.nocounterpart delete": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.nocounterpart history": ("L L L R R", "L L L R R"),
    "admin alignment.nocounterpart compare": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.nocounterpart recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.nocounterpart recover": ("L L L 403 403", "L L L 403 403"),
    "admin alignment.nocounterpart revision": ("L L L 404 404", "L L L 404 404"),
    "admin alignment.nocounterpart bare": ("L L L R R", "L L L R R"),
    "home": ("200 200 200 200 200", "405 405 405 405 405"),
    "document list": ("200 200 200 200 200", "405 405 405 405 405"),
    "document": ("200 200 200 200 200", "405 405 405 405 405"),
    "passage": ("200 200 200 200 200", "405 405 405 405 405"),
    "passage panel": ("200 200 200 200 200", "405 405 405 405 405"),
    "reference list": ("200 200 200 200 200", "405 405 405 405 405"),
    "reference": ("200 200 200 200 200", "405 405 405 405 405"),
    "link list": ("200 200 200 200 200", "405 405 405 405 405"),
    "login": ("200 200 200 200 200", "200 200 200 200 200"),
    "logout": ("405 405 405 405 405", "R R R R R"),
    "password change": ("L 200 200 200 200", "L 200 200 200 200"),
    "password change done": ("L 200 200 200 200", "L 405 405 405 405"),
    "password reset": ("200 200 200 200 200", "200 200 200 200 200"),
    "password reset done": ("200 200 200 200 200", "405 405 405 405 405"),
    "password reset confirm (bad token)": ("200 200 200 200 200", "200 200 200 200 200"),
    "password reset complete": ("200 200 200 200 200", "405 405 405 405 405"),
    "annotate passage": ("L 200 200 200 200", "L 400 400 400 400"),
    "flag passage": ("L 200 200 200 200", "L 400 400 400 400"),
    "cross-reference passage": ("L 200 200 200 200", "L 400 400 400 400"),
    "annotation list": ("200 200 200 200 200", "405 405 405 405 405"),
    "my annotations": ("L 200 200 200 200", "L 405 405 405 405"),
    "public annotation diff": ("200 200 200 200 200", "405 405 405 405 405"),
    "public annotation detail": ("200 200 200 200 200", "405 405 405 405 405"),
    "public annotation edit": ("L 200 403 200 200", "L 400 403 400 400"),
    "public annotation delete": ("L 200 403 200 200", "L R 403 R R"),
    "public annotation restore": ("L 200 403 200 200", "L R 403 R R"),
    "public annotation reply": ("L 200 200 200 200", "L 400 400 400 400"),
    "public annotation history": ("200 200 200 200 200", "405 405 405 405 405"),
    "private annotation diff": ("404 200 404 404 404", "405 405 405 405 405"),
    "private annotation detail": ("404 200 404 404 404", "405 405 405 405 405"),
    "private annotation edit": ("L 200 404 404 404", "L 400 404 404 404"),
    "private annotation delete": ("L 200 404 404 404", "L R 404 404 404"),
    "private annotation restore": ("L 200 404 404 404", "L R 404 404 404"),
    "private annotation reply": ("L 200 404 404 404", "L 400 404 404 404"),
    "private annotation history": ("404 200 404 404 404", "405 405 405 405 405"),
    "deleted annotation diff": ("404 200 404 200 200", "405 405 405 405 405"),
    "deleted annotation detail": ("404 200 404 200 200", "405 405 405 405 405"),
    "deleted annotation edit": ("L 200 404 200 200", "L 400 404 400 400"),
    "deleted annotation delete": ("L 200 404 200 200", "L R 404 R R"),
    "deleted annotation restore": ("L 200 404 200 200", "L R 404 R R"),
    "deleted annotation reply": ("L 200 404 200 200", "L 400 404 400 400"),
    "deleted annotation history": ("404 200 404 200 200", "405 405 405 405 405"),
    "reply diff": ("200 200 200 200 200", "405 405 405 405 405"),
    "reply detail": ("200 200 200 200 200", "405 405 405 405 405"),
    "reply edit": ("L 403 200 200 200", "L 403 400 400 400"),
    "reply delete": ("L 403 200 200 200", "L 403 R R R"),
    "reply restore": ("L 403 200 200 200", "L 403 R R R"),
    "reply reply": ("L 200 200 200 200", "L 400 400 400 400"),
    "reply history": ("200 200 200 200 200", "405 405 405 405 405"),
    "public annotation revert": ("L 405 405 405 405", "L R 403 R R"),
    "private annotation revert": ("L 405 405 405 405", "L R 404 404 404"),
    "revert to another record's version": ("L 405 405 405 405", "L 404 403 404 404"),
    "flag list": ("200 200 200 200 200", "405 405 405 405 405"),
    "flag": ("200 200 200 200 200", "405 405 405 405 405"),
    "flag status": ("L 405 405 405 405", "L 403 403 400 400"),
    "cross-reference": ("200 200 200 200 200", "405 405 405 405 405"),
    "cross-reference delete": ("L 200 403 200 200", "L R 403 R R"),
    "deleted cross-reference": ("404 200 404 404 404", "405 405 405 405 405"),
    "deleted cross-reference delete": ("L 404 404 404 404", "L 404 404 404 404"),
    "unknown annotation": ("404 404 404 404 404", "405 405 405 405 405"),
    "admin index": ("L L L 200 200", "L L L 200 200"),
    "admin review queue": ("L L L 200 200", "L L L 200 200"),
    # An empty decision is refused with a message and a redirect; an empty upload, a form error.
    "admin orphan queue": ("L L L 200 200", "L L L R R"),
    "admin document new revision": ("L L L 200 200", "L L L 200 200"),
    "admin login": ("200 200 200 R R", "200 200 200 200 200"),
    "admin logout": ("R R R 405 405", "R R R R R"),
    "admin password change": ("L L L 200 200", "L L L 200 200"),
    "admin password change done": ("L L L 200 200", "L L L 405 405"),
    "admin autocomplete": ("L L L 403 403", "L L L 405 405"),
    "admin jsi18n": ("L L L 200 200", "L L L 405 405"),
    "admin view on site": ("L L L R R", "L L L R R"),
    "admin app list (annotations)": ("L L L 200 200", "L L L 200 200"),
    "admin unknown address": ("L L L 404 404", "L L L 404 404"),
    "admin user password": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group changelist": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group add": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group change": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group delete": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group history": ("L L L 403 200", "L L L 403 200"),
    "admin auth.group bare": ("L L L R R", "L L L R R"),
    "admin auth.user changelist": ("L L L 403 200", "L L L 403 200"),
    "admin auth.user add": ("L L L 403 200", "L L L 403 200"),
    "admin auth.user change": ("L L L 403 200", "L L L 403 200"),
    "admin auth.user delete": ("L L L 403 200", "L L L 403 200"),
    "admin auth.user history": ("L L L 403 200", "L L L 403 200"),
    "admin auth.user bare": ("L L L R R", "L L L R R"),
    "admin archive.document changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.document add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.document change": ("L L L 200 200", "L L L 200 200"),
    "admin archive.document delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.document history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.document compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.document recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.document recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.document revision": ("L L L 200 200", "L L L 200 200"),
    "admin archive.document bare": ("L L L R R", "L L L R R"),
    "admin archive.section changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.section add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.section change": ("L L L 200 200", "L L L 403 200"),
    "admin archive.section delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.section history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.section compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.section recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.section recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.section revision": ("L L L 200 200", "L L L 403 200"),
    "admin archive.section bare": ("L L L R R", "L L L R R"),
    "admin archive.passage changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.passage add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.passage change": ("L L L 200 200", "L L L 403 200"),
    "admin archive.passage delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.passage history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.passage compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.passage recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.passage recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.passage revision": ("L L L 200 200", "L L L 403 200"),
    "admin archive.passage bare": ("L L L R R", "L L L R R"),
    "admin archive.note changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.note add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.note change": ("L L L 200 200", "L L L R R"),
    "admin archive.note delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.note history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.note compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.note recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.note recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.note revision": ("L L L 200 200", "L L L R R"),
    "admin archive.note bare": ("L L L R R", "L L L R R"),
    "admin archive.reference changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.reference add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.reference change": ("L L L 200 200", "L L L 200 200"),
    "admin archive.reference delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.reference history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.reference compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.reference recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.reference recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.reference revision": ("L L L 200 200", "L L L 200 200"),
    "admin archive.reference bare": ("L L L R R", "L L L R R"),
    "admin archive.externallink changelist": ("L L L 200 200", "L L L 200 200"),
    "admin archive.externallink add": ("L L L 403 403", "L L L 403 403"),
    "admin archive.externallink change": ("L L L 200 200", "L L L 200 200"),
    "admin archive.externallink delete": ("L L L 403 403", "L L L 403 403"),
    "admin archive.externallink history": ("L L L 200 200", "L L L 200 200"),
    "admin archive.externallink compare": ("L L L 200 200", "L L L 200 200"),
    "admin archive.externallink recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin archive.externallink recover": ("L L L 403 403", "L L L 403 403"),
    "admin archive.externallink revision": ("L L L 200 200", "L L L 200 200"),
    "admin archive.externallink bare": ("L L L R R", "L L L R R"),
    "admin annotations.annotation changelist": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.annotation add": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.annotation change": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.annotation delete": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.annotation history": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.annotation compare": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.annotation recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.annotation recover": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.annotation revision": ("L L L 200 200", "L L L R R"),
    "admin annotations.annotation bare": ("L L L R R", "L L L R R"),
    "admin annotations.disputedclaim changelist": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.disputedclaim add": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.disputedclaim change": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.disputedclaim delete": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.disputedclaim history": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.disputedclaim compare": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.disputedclaim recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.disputedclaim recover": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.disputedclaim revision": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.disputedclaim bare": ("L L L R R", "L L L R R"),
    "admin annotations.crossreference changelist": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.crossreference add": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.crossreference change": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.crossreference delete": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.crossreference history": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.crossreference compare": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.crossreference recoverlist": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.crossreference recover": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.crossreference revision": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.crossreference bare": ("L L L R R", "L L L R R"),
    "admin annotations.moderationlogentry changelist": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.moderationlogentry add": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.moderationlogentry change": ("L L L 200 200", "L L L 403 403"),
    "admin annotations.moderationlogentry delete": ("L L L 403 403", "L L L 403 403"),
    "admin annotations.moderationlogentry history": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.moderationlogentry bare": ("L L L R R", "L L L R R"),
    "admin annotations.tag changelist": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.tag add": ("L L L 403 200", "L L L 403 200"),
    "admin annotations.tag change": ("L L L 200 200", "L L L 403 200"),
    "admin annotations.tag delete": ("L L L 403 200", "L L L 403 200"),
    "admin annotations.tag history": ("L L L 200 200", "L L L 200 200"),
    "admin annotations.tag bare": ("L L L R R", "L L L R R"),
    "profile": ("L 200 200 200 200", "L R R R R"),
    "invitation accept": ("200 200 200 200 200", "400 400 400 400 400"),
    "used invitation accept": ("410 410 410 410 410", "410 410 410 410 410"),
    "unknown invitation accept": ("404 404 404 404 404", "404 404 404 404 404"),
    "people": ("L 403 403 200 200", "L 403 403 405 405"),
    "invitations": ("L 403 403 200 200", "L 403 403 405 405"),
    "invite": ("L 403 403 200 200", "L 403 403 400 400"),
    "invitation revoke": ("L 403 403 405 405", "L 403 403 R R"),
    "deactivate a scholar": ("L 403 403 200 200", "L 403 403 400 400"),
    "deactivate a moderator": ("L 403 403 403 200", "L 403 403 403 400"),
    "admin people.invitation changelist": ("L L L 200 200", "L L L 200 200"),
    "admin people.invitation add": ("L L L 200 200", "L L L 200 200"),
    "admin people.invitation change": ("L L L 200 200", "L L L 403 403"),
    "admin people.invitation delete": ("L L L 403 403", "L L L 403 403"),
    "admin people.invitation history": ("L L L 200 200", "L L L 200 200"),
    "admin people.invitation bare": ("L L L R R", "L L L R R"),
    "admin people.profile changelist": ("L L L 200 200", "L L L 200 200"),
    "admin people.profile add": ("L L L 403 403", "L L L 403 403"),
    "admin people.profile change": ("L L L 200 200", "L L L 403 200"),
    "admin people.profile delete": ("L L L 403 403", "L L L 403 403"),
    "admin people.profile history": ("L L L 200 200", "L L L 200 200"),
    "admin people.profile bare": ("L L L R R", "L L L R R"),
    "search": ("200 200 200 200 200", "405 405 405 405 405"),
    "public annotation W3C": ("200 200 200 200 200", "405 405 405 405 405"),
    "private annotation W3C": ("404 200 404 404 404", "405 405 405 405 405"),
    "deleted annotation W3C": ("404 404 404 404 404", "405 405 405 405 405"),
    "reply W3C": ("200 200 200 200 200", "405 405 405 405 405"),
    "flag W3C": ("200 200 200 200 200", "405 405 405 405 405"),
    "cross-reference W3C": ("200 200 200 200 200", "405 405 405 405 405"),
    "deleted cross-reference W3C": ("404 404 404 404 404", "405 405 405 405 405"),
    "document annotations W3C": ("200 200 200 200 200", "405 405 405 405 405"),
    "document annotations page": ("200 200 200 200 200", "405 405 405 405 405"),
    "document TEI": ("200 200 200 200 200", "405 405 405 405 405"),
    "references CSL": ("200 200 200 200 200", "405 405 405 405 405"),
    "references BibTeX": ("200 200 200 200 200", "405 405 405 405 405"),
    "reference CSL": ("200 200 200 200 200", "405 405 405 405 405"),
    "reference BibTeX": ("200 200 200 200 200", "405 405 405 405 405"),
    "document references CSL": ("200 200 200 200 200", "405 405 405 405 405"),
    "document references BibTeX": ("200 200 200 200 200", "405 405 405 405 405"),
    "document citation CSL": ("200 200 200 200 200", "405 405 405 405 405"),
    "document citation BibTeX": ("200 200 200 200 200", "405 405 405 405 405"),
    "OAI-PMH": ("200 200 200 200 200", "200 200 200 200 200"),  # OAI-PMH allows POST
    "API page": ("200 200 200 200 200", "405 405 405 405 405"),
    "API documents": ("200 200 200 200 200", "405 405 405 405 405"),
    "API document": ("200 200 200 200 200", "405 405 405 405 405"),
    "API links": ("200 200 200 200 200", "405 405 405 405 405"),
    "API link": ("200 200 200 200 200", "405 405 405 405 405"),
}


# --- running it ----------------------------------------------------------------------------


def _url(row, world):
    label, name, build = row
    value = build(world)
    if value is None:
        raise NoReverseMatch(label)
    if isinstance(value, str):
        return value
    return reverse(name, kwargs=value)


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if re.match(r"^(/accounts/login/|/admin/login/)", location):
            return "L"
        return "R"
    return str(response.status_code)


def _client(role, world):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def observe(world, method):
    """{label: outcomes by role} for every row that exists."""
    observed = {}
    clients = {role: _client(role, world) for role in ROLES}
    sessions = {
        role: client.cookies["sessionid"].value
        for role, client in clients.items()
        if "sessionid" in client.cookies
    }
    for row in ROWS:
        try:
            url = _url(row, world)
        except NoReverseMatch:
            continue
        results = []
        for role in ROLES:
            # Logging out (or in) changes the client's cookie; the session row itself is
            # rolled back, so put the cookie back before each request.
            clients[role].cookies = SimpleCookie()
            if role in sessions:
                clients[role].cookies["sessionid"] = sessions[role]
            with transaction.atomic():
                response = getattr(clients[role], method)(url)
                transaction.set_rollback(True)
            results.append(outcome(response))
        observed[row[0]] = " ".join(results)
    return observed


@pytest.mark.slow
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_for_every_role(world, method):
    observed = observe(world, method)
    if os.environ.get("AUTHZ_PRINT"):
        for label, value in observed.items():
            print(f"{method.upper()} {label!r}: {value!r}")
    index = 0 if method == "get" else 1
    mismatches = [
        (label, EXPECTED.get(label, ("?", "?"))[index], value)
        for label, value in observed.items()
        if EXPECTED.get(label, ("?", "?"))[index] != value
    ]
    assert mismatches == [], "\n".join(
        f"{m[0]}: expected {m[1]!r}, got {m[2]!r}" for m in mismatches
    )


@pytest.mark.parametrize("role", ["anonymous", "other", "moderator", "superuser"])
def test_a_private_annotation_appears_on_no_page_but_its_authors(world, role):
    """Lists, searches, exports, feeds, the admin: the private body is nowhere but the author's."""
    client = _client(role, world)
    leaks = []
    for row in ROWS:
        try:
            url = _url(row, world)
        except NoReverseMatch:
            continue
        response = client.get(url)
        content = b"".join(response) if response.streaming else response.content
        if PRIVATE_MARK.encode() in content:
            leaks.append((row[0], url))
        # Its id may be echoed only where the address itself names it (the login link).
        if str(world["private"].pk) not in url and str(world["private"].pk).encode() in content:
            leaks.append((row[0], url))
    assert leaks == []


# --- coverage: a new URL pattern must be added to the table --------------------------------


def _patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def _route_of(url):
    from django.urls import resolve

    return _normal(resolve(url.split("?")[0]).route)


def _normal(route):
    # Regular-expression patterns (re_path) report their routes with or without anchors.
    return route.replace("^", "").replace("$", "")


def test_every_url_pattern_is_in_the_table(world):
    covered = set()
    for row in ROWS:
        try:
            covered.add(_route_of(_url(row, world)))
        except NoReverseMatch:
            continue
    missing = sorted(route for route, _ in _patterns() if _normal(route) not in covered)
    assert missing == [], f"URL patterns without a row in tests/test_authorization.py: {missing}"


# --- nothing reachable by guessing ---------------------------------------------------------


def test_scholarly_records_have_unguessable_ids(world):
    import uuid

    for model in (Annotation, DisputedClaim, CrossReference):
        assert model._meta.pk.get_internal_type() == "UUIDField", model
        for pk in model._base_manager.values_list("pk", flat=True):
            assert isinstance(pk, uuid.UUID) and pk.version == 4


def test_sequential_ids_only_reach_public_catalogue_records(client, world):
    """Catalogue ids (AR-R0001) and integer admin ids are guessable: only public data."""
    for reference in Reference.objects.all():
        assert client.get(reference.get_absolute_url()).status_code == 200
    for document in Document.objects.all():
        assert client.get(document.get_absolute_url()).status_code == 200
    # Every public URL with a sequential part names catalogue records; the scholarly ones
    # take UUIDs only.
    for route, _name in _patterns():
        if route.startswith("admin/"):
            continue
        if "<int:" in route:
            # revert/<int:version_id> under a UUID record; or a passage's position in a
            # public document (the passage page shows what that reader may see, as the
            # reading page does).
            assert "<uuid:pk>" in route or route.startswith("documents/<slug:slug>/p-<int:"), route


def test_guessing_integer_admin_ids_needs_staff(client, world):
    for pk in range(1, 6):
        response = client.get(f"/admin/annotations/moderationlogentry/{pk}/change/")
        assert outcome(response) == "L"
    passage_id = Passage.objects.order_by("pk").first().pk
    assert outcome(client.get(f"/admin/archive/passage/{passage_id}/change/")) == "L"

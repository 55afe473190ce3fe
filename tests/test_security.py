"""Deployment settings, the Content Security Policy, abuse limits, error pages, security log."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

from annotations import services
from annotations.models import Annotation
from annotations.services import TargetData
from config.logging import JsonFormatter
from config.ratelimit import Rate, parse_rate
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

REQUIRED_CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
}


# --- deployment check ---------------------------------------------------------------


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy_at_warning_level():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="archive.example.org",
        # Without mail the check says so (people.I001, information only).
        EMAIL_URL="smtp://archive:secret@mail.example.org:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_debug():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="archive.example.org",
        DJANGO_DEBUG="1",
    )
    assert result.returncode != 0
    assert "must not run with DJANGO_DEBUG" in result.stderr


def test_production_values():
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.CSRF_TRUSTED_ORIGINS]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="archive.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        31536000,
        True,
        True,
        "DENY",
        "same-origin",
        ["https://archive.example.org"],
    ]


# --- Content Security Policy on every response ----------------------------------------


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_policy(response):
    header = response.get("Content-Security-Policy")
    assert header, (response.status_code, response.get("Content-Type"))
    directives = parse_csp(header)
    for name, value in REQUIRED_CSP.items():
        assert directives.get(name) == value, (name, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def annotation(articles, scholar):
    passage = articles["en"].passages.get(order=1)
    return services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="A note",
        motivation="commenting",
        visibility="public",
    )


def test_csp_on_html_pages(client, annotation):
    for url in (
        "/",
        "/documents/",
        annotation.passage.document.get_absolute_url(),
        annotation.get_absolute_url(),
        "/references/",
        reverse("login"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policy(response)


def test_csp_on_error_pages_admin_static_and_redirects(client, moderator, annotation):
    assert_policy(client.get("/no-such-page/"))
    assert_policy(client.get("/annotations/00000000-0000-0000-0000-000000000000/"))
    assert_policy(client.get("/admin/"))  # redirect to the admin login
    assert_policy(client.get("/admin/login/"))
    assert_policy(client.post("/documents/"))  # 405
    assert_policy(client.get("/static/css/site.css"))
    client.force_login(moderator)
    assert_policy(client.get("/admin/"))
    assert_policy(client.get(reverse("admin:annotations_annotation_changelist")))


def test_csp_on_a_script_served_by_a_view(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    assert_policy(response)


def _json_view(request):
    from django.http import JsonResponse

    return JsonResponse({"ok": True})


def _database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("json/", _json_view),
    path("boom/", lambda request: 1 / 0),
    path("db-down/", _database_down),
]


@pytest.mark.urls("tests.test_security")
def test_csp_on_a_json_view_and_a_server_error(client):
    response = client.get("/json/")
    assert response.json() == {"ok": True}
    assert_policy(response)
    boom = Client(raise_request_exception=False).get("/boom/")
    assert boom.status_code == 500
    assert_policy(boom)


# --- error pages ------------------------------------------------------------------------


def test_error_pages_render_in_the_site_style_without_internals(client, scholar, annotation):
    not_found = client.get("/annotations/00000000-0000-0000-0000-000000000000/")
    assert not_found.status_code == 404
    assert b"Page not found" in not_found.content and b"site.css" in not_found.content

    client.force_login(scholar)
    other_passage = annotation.passage
    forbidden = Client()
    from django.contrib.auth.models import User

    forbidden.force_login(User.objects.create_user("reader", password="x"))
    denied = forbidden.get(reverse("annotations:annotation-list"))
    assert denied.status_code == 200
    denied = forbidden.post(
        reverse(
            "annotations:annotation-create",
            kwargs={"slug": other_passage.document.slug, "anchor": other_passage.anchor},
        ),
        {"body": "x"},
    )
    assert denied.status_code == 403
    text = denied.content.decode()
    assert "Not allowed" in text and "site.css" in text
    assert "Traceback" not in text and "PermissionDenied" not in text


def test_csrf_failure_page_is_the_sites(scholar, annotation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scholar)
    response = client.post(reverse("annotations:annotation-delete", args=[annotation.pk]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "This form has expired" in text and "/static/css/site.css" in text
    assert "<style" not in text and "CSRF_FAILURE_VIEW" not in text
    assert_policy(response)


def test_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"Bad request" in response.content and b"evil.example" not in response.content


@pytest.mark.urls("tests.test_security")
def test_500_page_renders_without_request_context_and_without_internals():
    from django.template import loader

    text = loader.get_template("500.html").render()
    assert "Something went wrong" in text and "/static/css/site.css" in text
    assert "<style" not in text and "style=" not in text and "<script" not in text
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"ZeroDivisionError" not in response.content


@pytest.mark.urls("tests.test_security")
def test_database_outage_answers_503_quickly_with_retry_after(caplog):
    with caplog.at_level(logging.WARNING, logger="archive.security"):
        response = Client(raise_request_exception=False).get("/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Temporarily unavailable" in response.content
    assert_policy(response)
    events = [r for r in caplog.records if r.name == "archive.security"]
    assert [e.event for e in events] == ["server.unavailable"]


def test_no_template_has_inline_script_or_style():
    offenders = []
    for folder in ("templates", "archive/templates", "annotations/templates"):
        for file in (ROOT / folder).rglob("*.html"):
            text = file.read_text()
            if "<style" in text or " style=" in text or "<script>" in text:
                offenders.append(str(file.relative_to(ROOT)))
            if " on" in text and any(f" on{ev}=" in text for ev in ("click", "load", "submit")):
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []


# --- abuse limits -----------------------------------------------------------------------


def test_parse_rate():
    assert parse_rate("10/5m") == Rate(10, 300)
    assert parse_rate("3/60") == Rate(3, 60)
    assert parse_rate("1/h") == Rate(1, 3600)
    with pytest.raises(ValueError):
        parse_rate("ten per minute")


@pytest.fixture
def limits(settings):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMITS = {
        "login": {"address": Rate(5, 300), "user": Rate(8, 900)},
        "write": {"address": Rate(50, 60), "user": Rate(4, 60)},
    }
    yield settings.RATELIMITS
    cache.clear()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_nth_plus_one_login_attempt_gets_429_and_other_addresses_do_not(
    client, limits, moderator, url
):
    for _ in range(5):
        response = client.post(
            url, {"username": "moderator1", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 200  # the form again, with an error
    refused = client.post(
        url, {"username": "moderator1", "password": "archive-test"}, REMOTE_ADDR="203.0.113.7"
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert b"Too many requests" in refused.content
    assert b"too many attempts to log in" in refused.content
    assert "_auth_user_id" not in client.session  # the right password was not even checked
    assert_policy(refused)
    # Another address logs in (the username's own limit, 8, is not reached).
    other = Client()
    response = other.post(
        url, {"username": "moderator1", "password": "archive-test"}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_one_username_tried_from_many_addresses_is_limited_too(client, limits, scholar):
    for n in range(8):
        client.post(
            "/accounts/login/", {"username": "ANA", "password": "x"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    response = client.post(
        "/accounts/login/", {"username": "ana", "password": "x"}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429


def test_reading_is_never_limited(client, limits, articles):
    for _ in range(12):
        assert client.get("/accounts/login/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_writes_are_limited_per_user(client, limits, scholar, other_scholar, annotation):
    client.force_login(scholar)
    url = reverse("annotations:annotation-reply", args=[annotation.pk])
    for n in range(4):
        assert client.post(url, {"body": f"reply {n}", "visibility": "public"}).status_code == 302
    refused = client.post(url, {"body": "one too many", "visibility": "public"})
    assert refused.status_code == 429
    assert b"This one was not saved" in refused.content
    assert Annotation.objects.filter(parent=annotation).count() == 4
    # Another scholar from the same address is not affected.
    other = Client()
    other.force_login(other_scholar)
    assert other.post(url, {"body": "mine", "visibility": "public"}).status_code == 302
    assert Annotation.objects.filter(parent=annotation).count() == 5


def test_writes_are_limited_per_address(client, limits, settings, scholar, annotation):
    settings.RATELIMITS["write"] = {"address": Rate(2, 60), "user": Rate(100, 60)}
    url = reverse("annotations:annotation-delete", args=[annotation.pk])
    client.force_login(scholar)
    assert client.post(url, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post(url, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post(url, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.post(url, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_limits_can_be_switched_off(client, limits, settings, scholar):
    settings.RATELIMIT_ENABLED = False
    for _ in range(7):
        response = client.post(
            "/accounts/login/", {"username": "ana", "password": "x"}, REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 200


def test_trusted_proxy_address(client, limits, settings, scholar):
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "x", "password": "x"},
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.50",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "y", "password": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert response.status_code == 429
    response = client.post(
        "/accounts/login/",
        {"username": "y", "password": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.50, 203.0.113.51",
    )
    assert response.status_code == 200


def test_rates_come_from_the_environment():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.RATELIMITS['login']['address'], s.RATELIMITS['write']['user'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",
        DJANGO_RATELIMIT_LOGIN_ADDRESS="3/1h",
        DJANGO_RATELIMIT_WRITE_USER="100/30s",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3/3600s", "100/30s"]


# --- structured security log ------------------------------------------------------------


def security_events(caplog):
    return [r for r in caplog.records if r.name == "archive.security"]


def test_forbidden_write_is_logged(client, caplog, annotation, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    passage = annotation.passage
    with caplog.at_level(logging.INFO, logger="archive.security"):
        client.post(
            reverse(
                "annotations:annotation-create",
                kwargs={"slug": passage.document.slug, "anchor": passage.anchor},
            ),
            {"body": "x"},
            REMOTE_ADDR="192.0.2.5",
        )
    [event] = security_events(caplog)
    assert (event.event, event.status, event.method) == ("authz.denied", 403, "POST")
    assert event.user == reader.pk and event.address == "192.0.2.5"
    assert event.view == "annotations:annotation-create"


def test_private_record_hidden_as_404_is_logged_but_a_missing_one_is_not(
    client, caplog, articles, scholar, other_scholar
):
    passage = articles["en"].passages.get(order=1)
    private = services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="Mine only",
        motivation="commenting",
        visibility="private",
    )
    client.force_login(other_scholar)
    with caplog.at_level(logging.INFO, logger="archive.security"):
        assert client.get(private.get_absolute_url()).status_code == 404
        assert client.get("/annotations/00000000-0000-0000-0000-000000000000/").status_code == 404
    [event] = security_events(caplog)
    assert (event.event, event.record, event.status) == (
        "authz.hidden",
        "annotations.Annotation",
        404,
    )
    assert event.user == other_scholar.pk
    assert event.path == private.get_absolute_url()


def test_rate_limit_refusal_is_logged(client, caplog, limits, scholar):
    with caplog.at_level(logging.INFO, logger="archive.security"):
        for _ in range(6):
            client.post(
                "/accounts/login/", {"username": "ana", "password": "x"}, REMOTE_ADDR="192.0.2.9"
            )
    [event] = security_events(caplog)
    assert (event.event, event.scope, event.limit, event.status) == (
        "ratelimit.refused",
        "login",
        "address",
        429,
    )


@pytest.mark.urls("tests.test_security")
def test_server_error_is_logged(caplog):
    with caplog.at_level(logging.INFO):
        Client(raise_request_exception=False).get("/boom/")
    [event] = security_events(caplog)
    assert (event.event, event.status, event.path) == ("server.error", 500, "/boom/")
    traceback_records = [r for r in caplog.records if r.name == "django.request"]
    assert traceback_records and traceback_records[0].exc_info


def test_json_formatter_writes_one_json_object_per_line():
    record = logging.LogRecord(
        "archive.security", logging.WARNING, __file__, 1, "authz.denied", (), None
    )
    record.event, record.status, record.path = "authz.denied", 403, '/x"\n<script>'
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["event"] == "authz.denied" and data["status"] == 403
    assert data["path"] == '/x"\n<script>' and data["level"] == "WARNING"


def test_only_an_unreachable_database_is_a_503():
    from django.db import InterfaceError

    from config.middleware import database_unreachable

    assert database_unreachable(OperationalError("server closed the connection unexpectedly"))
    assert database_unreachable(OperationalError("connection failed: Connection refused"))
    assert database_unreachable(InterfaceError("connection already closed"))
    assert database_unreachable(OperationalError("database is locked"))
    assert not database_unreachable(OperationalError("LIKE or GLOB pattern too complex"))
    assert not database_unreachable(ValueError("connection"))

"""Hostile input: the Big List of Naughty Strings through every field a user can write.

Each string is stored or refused cleanly (a redirect or a 400 form, never a 500), and every
page that shows it stays inert: compared with the same page showing a plain word, no element
appears beyond those the field may produce (Markdown's allow-list for bodies, line breaks for
plain text), no ``on*`` attribute, no ``javascript:`` URL, no inline or foreign script.

The list is vendored in ``tests/data/blns/`` (MIT); nothing is downloaded at test time.
Figures (strings tried, requests made, failures) are printed with ``-s`` and recorded in
``docs/reliability.md``.
"""

import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from annotations.rendering import ALLOWED_TAGS
from annotations.services import TargetData
from archive.models import ExternalLink

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DATA = Path(__file__).parent / "data" / "blns" / "blns.json"
EXTRA = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 1">',
    '"><svg onload="window.__xss = 1">',
    "[click me](javascript:window.__xss=1)",
    "[click me](JaVaScRiPt&#58;alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "{{ 7*7 }} {% debug %} {{ request.user.password }} ${7*7} #{7*7}",
    "\u202eevil right-to-left override\u202c",
    "zero\u200dwidth\u200bjoiners\ufeff",
    "x" * 100_000,
    "nul\x00byte",
    "line\r\nbreaks\rand\nmore",
    "' OR '1'='1' --; DROP TABLE annotations_annotation;",
    "../../../../etc/passwd%00",
    "\U0001f4a9" * 500,
]
STRINGS = json.loads(DATA.read_text(encoding="utf-8")) + EXTRA
BENIGN = "plainword"
#: Strings whose own pages are rendered and compared one by one (every string is stored and
#: shown together on the reading view and lists); HOSTILE_FULL=1 renders every one.
NASTY = re.compile(r"[<>{}%$\\\x00-\x1f\u200b-\u200f\u202a-\u202e\ufeff]|script|javascript:", re.I)
SAMPLE = [text for text in STRINGS if NASTY.search(text) or len(text) > 1000]
if os.environ.get("HOSTILE_FULL") == "1":
    SAMPLE = STRINGS
SAMPLED = set(SAMPLE)

MARKDOWN = set(ALLOWED_TAGS)
PLAIN = {"br", "p"}
#: What a page of results may add to an empty one (search hits, highlighted words, rows).
RESULTS = PLAIN | {
    "mark",
    "ol",
    "ul",
    "li",
    "span",
    "a",
    "div",
    "section",
    "article",
    "h2",
    "h3",
    "strong",
    "em",
    "small",
    "time",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "nav",
    "cite",
    "q",
    "blockquote",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
ALLOWED_SCRIPTS = re.compile(r"^/static/(js/(annotate|panels|reading)\.js|admin/js/[\w./-]+\.js)$")
REPORT = {}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.problems = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "script":
            src = dict(attrs).get("src")
            if not src or not ALLOWED_SCRIPTS.match(src):
                self.problems.append(f"<script src={src!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def elements(html):
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def check_combined(html, baseline, allowed):
    """Problems on a page showing many strings at once: no tag type the page lacks otherwise."""
    page, base = elements(html), elements(baseline)
    problems = list(page.problems)
    problems += [f"new <{tag}>" for tag in set(page.tags) - set(base.tags) if tag not in allowed]
    return problems


def content(response):
    return response.content.decode("utf-8", "replace")


class Tally:
    """Counts for the report: strings, requests, stored, refused, failures."""

    def __init__(self, name):
        self.name = name
        self.counts = Counter(strings=len(STRINGS))
        self.failures = []

    def request(self, response, label):
        self.counts["requests"] += 1
        if response.status_code >= 500:
            self.failures.append((label, response.status_code))
        return response

    def inert(self, html, baseline, allowed, label):
        self.counts["pages checked"] += 1
        # Pages grow as records are added (lists, histories), so what is compared is which
        # kinds of element appear, not how many: nothing new beyond the field's allow-list.
        problems = check_combined(html, baseline, allowed)
        if problems:
            self.failures.append((label, problems[:5]))

    def finish(self):
        REPORT[self.name] = dict(self.counts, failures=len(self.failures))
        print(f"\nhostile {self.name}: {REPORT[self.name]}")
        assert self.failures == [], self.failures[:20]


@pytest.fixture
def scene(articles, scholar, moderator):
    passage = articles["en"].passages.get(order=1)
    return {
        "passage": passage,
        "scholar": scholar,
        "moderator": moderator,
        "link": ExternalLink.objects.order_by("pk").first(),
    }


def passage_url(name, passage):
    return reverse(name, kwargs={"slug": passage.document.slug, "anchor": passage.anchor})


def label_of(text):
    return repr(text[:30])


def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- stored fields ------------------------------------------------------------------------


def combined_pages(tally, client, passage, baselines, allowed):
    """The reading view, the passage page and the lists, each showing every stored string at
    once (the reading view the opening words of the latest, in its margin)."""
    for label, url in (
        ("reading view", passage.document.get_absolute_url()),
        ("passage page", passage.get_absolute_url()),
        ("annotation list", reverse("annotations:annotation-list")),
        ("flag list", reverse("annotations:flag-list")),
    ):
        page = tally.request(client.get(url), label)
        tally.inert(content(page), baselines[label], allowed, label)


def baseline_pages(client, passage):
    return {
        "reading view": content(client.get(passage.document.get_absolute_url())),
        "passage page": content(client.get(passage.get_absolute_url())),
        "annotation list": content(client.get(reverse("annotations:annotation-list"))),
        "flag list": content(client.get(reverse("annotations:flag-list"))),
    }


@pytest.mark.parametrize("field", ["body", "tags"])
def test_annotation_body_and_tags(scene, field):
    tally = Tally(f"annotation {field}")
    client = logged_in(scene["scholar"])
    url = passage_url("annotations:annotation-create", scene["passage"])

    def post(value):
        data = {"body": "Body", "motivation": "commenting", "visibility": "public", "tags": "t"}
        data[field] = value
        return tally.request(client.post(url, data), label_of(value))

    post(BENIGN)
    baselines = baseline_pages(client, scene["passage"])
    baseline = content(client.get(Annotation.objects.latest("created").get_absolute_url()))
    allowed = MARKDOWN if field == "body" else {"a", "li"}  # a tag is a link in a list
    for text in STRINGS:
        before = Annotation.objects.count()
        response = post(text)
        if response.status_code == 302:
            tally.counts["stored"] += 1
            if text in SAMPLED:
                annotation = Annotation.objects.latest("created")
                page = tally.request(client.get(annotation.get_absolute_url()), label_of(text))
                tally.inert(content(page), baseline, allowed, label_of(text))
            if field == "tags":
                listing = client.get(reverse("annotations:annotation-list"), {"tag": text})
                tally.request(listing, label_of(text))
        else:
            assert response.status_code == 400, (label_of(text), response.status_code)
            assert Annotation.objects.count() == before
            tally.counts["refused"] += 1
    combined_pages(tally, client, scene["passage"], baselines, allowed)
    tally.finish()


MANAGEMENT = {
    "evidence-TOTAL_FORMS": "0",
    "evidence-INITIAL_FORMS": "0",
    "evidence-MIN_NUM_FORMS": "0",
    "evidence-MAX_NUM_FORMS": "10",
}


def test_flag_statement(scene):
    tally = Tally("flag statement")
    client = logged_in(scene["scholar"])
    url = passage_url("annotations:flag-create", scene["passage"])
    tally.request(client.post(url, {"category": "date", "statement": BENIGN, **MANAGEMENT}), "")
    baselines = baseline_pages(client, scene["passage"])
    baseline = content(client.get(DisputedClaim.objects.latest("created").get_absolute_url()))
    for text in STRINGS:
        response = tally.request(
            client.post(url, {"category": "date", "statement": text, **MANAGEMENT}),
            label_of(text),
        )
        if response.status_code == 302:
            tally.counts["stored"] += 1
            if text in SAMPLED:
                flag = DisputedClaim.objects.latest("created")
                page = tally.request(client.get(flag.get_absolute_url()), label_of(text))
                tally.inert(content(page), baseline, PLAIN, label_of(text))
        else:
            assert response.status_code == 400, (label_of(text), response.status_code)
            tally.counts["refused"] += 1
    combined_pages(tally, client, scene["passage"], baselines, PLAIN)
    tally.finish()


def test_flag_resolution_note(scene):
    tally = Tally("flag resolution note")
    moderator = logged_in(scene["moderator"])
    flag = services.create_flag(
        user=scene["scholar"],
        target=TargetData(passage=scene["passage"]),
        category="date",
        statement="Statement",
    )
    url = reverse("annotations:flag-status", args=[flag.pk])
    tally.request(moderator.post(url, {"status": "under_review", "note": BENIGN}), "")
    baseline = content(moderator.get(flag.get_absolute_url()))
    reading_baseline = content(moderator.get(scene["passage"].get_absolute_url()))
    for text in STRINGS:
        response = tally.request(
            moderator.post(url, {"status": "under_review", "note": text}), label_of(text)
        )
        if response.status_code == 302:
            tally.counts["stored"] += 1
            if text in SAMPLED:
                page = tally.request(moderator.get(flag.get_absolute_url()), label_of(text))
                tally.inert(content(page), baseline, PLAIN, label_of(text))
                reading = moderator.get(scene["passage"].get_absolute_url())
                tally.request(reading, label_of(text))
                tally.inert(content(reading), reading_baseline, PLAIN, label_of(text))
        else:
            assert response.status_code == 400, (label_of(text), response.status_code)
            tally.counts["refused"] += 1
    tally.finish()


def test_moderation_note_through_the_admin(scene):
    tally = Tally("moderation note")
    moderator = logged_in(scene["moderator"])
    author = logged_in(scene["scholar"])
    annotation = services.create_annotation(
        user=scene["scholar"],
        target=TargetData(passage=scene["passage"]),
        body="Body",
        motivation="commenting",
        visibility="public",
    )
    url = reverse("admin:annotations_annotation_changelist")
    log_url = reverse("admin:annotations_moderationlogentry_changelist")
    services.moderate_annotation(
        annotation=annotation, user=scene["moderator"], status="hidden", note=BENIGN
    )
    baseline = content(author.get(annotation.get_absolute_url()))
    log_baseline = content(moderator.get(log_url))
    for text in STRINGS:
        response = tally.request(
            moderator.post(
                url,
                {
                    "action": "hide",
                    "_selected_action": [str(annotation.pk)],
                    "apply": "1",
                    "note": text,
                },
            ),
            label_of(text),
        )
        annotation.refresh_from_db()
        assert response.status_code in (200, 302), (label_of(text), response.status_code)
        if response.status_code == 302:
            tally.counts["stored"] += 1
            if text in SAMPLED:
                page = tally.request(author.get(annotation.get_absolute_url()), label_of(text))
                tally.inert(content(page), baseline, PLAIN, label_of(text))
        else:  # the form again: a blank or invalid note
            tally.counts["refused"] += 1
    log = tally.request(moderator.get(log_url), "moderation log")
    tally.inert(content(log), log_baseline, set(), "moderation log")
    tally.finish()


def test_cross_reference_note(scene):
    tally = Tally("cross-reference note")
    client = logged_in(scene["scholar"])
    url = passage_url("annotations:crossref-create", scene["passage"])
    data = {"relation": "see_also", "to_link": scene["link"].pk}
    tally.request(client.post(url, {**data, "note": BENIGN}), "benign")
    baselines = baseline_pages(client, scene["passage"])
    baseline = content(client.get(CrossReference.objects.latest("created").get_absolute_url()))
    for text in STRINGS:
        response = tally.request(client.post(url, {**data, "note": text}), label_of(text))
        if response.status_code == 302:
            tally.counts["stored"] += 1
            if text in SAMPLED:
                crossref = CrossReference.objects.latest("created")
                page = tally.request(client.get(crossref.get_absolute_url()), label_of(text))
                tally.inert(content(page), baseline, PLAIN, label_of(text))
        else:
            assert response.status_code == 400, (label_of(text), response.status_code)
            tally.counts["refused"] += 1
    combined_pages(tally, client, scene["passage"], baselines, PLAIN)
    tally.finish()


# --- query strings and the login form -------------------------------------------------------

#: (URL name, free-text parameters tried one by one with every string, the other parameters
#: tried together with every string).
QUERY_PAGES = [
    ("archive:reference-list", ["q"], ["kind", "year_min", "year_max", "has_isbn", "role"]),
    ("archive:document-list", [], ["language"]),
    ("archive:link-list", [], ["kind"]),
    (
        "annotations:annotation-list",
        ["tag", "author"],
        ["document", "motivation", "created_after", "created_before"],
    ),
    ("annotations:flag-list", [], ["status", "category", "document"]),
    ("search:search", ["q"], []),
]


def test_search_and_filter_parameters(scene):
    tally = Tally("query parameters")
    client = Client(raise_request_exception=False)
    for name, free, others in QUERY_PAGES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            tally.counts[f"absent: {name}"] = 1
            continue
        tally.counts["pages"] += 1
        baseline = content(client.get(url, {p: BENIGN for p in free + others}))
        for text in STRINGS:
            # Free text reaches the database: every string, one parameter at a time. Choices,
            # numbers and dates are validated by the filter form first: the nastiest strings,
            # all parameters at once.
            queries = [{p: text} for p in free]
            if others and text in SAMPLED:
                queries.append({p: text for p in others})
            for query in queries:
                response = tally.request(client.get(url, query), f"{url}?{list(query)}")
                assert response.status_code in (200, 400, 404), (url, query.keys(), label_of(text))
                if text in SAMPLED:
                    tally.inert(content(response), baseline, RESULTS, f"{url} {label_of(text)}")
    tally.finish()


def test_login_form(scene):
    tally = Tally("login form")
    client = Client(raise_request_exception=False)
    url = reverse("login")
    baseline = content(client.post(url, {"username": BENIGN, "password": BENIGN}))
    for text in STRINGS:
        response = tally.request(
            client.post(url, {"username": text, "password": text}), label_of(text)
        )
        assert response.status_code == 200, (label_of(text), response.status_code)
        if text in SAMPLED:
            tally.inert(content(response), baseline, set(), label_of(text))
    tally.finish()

"""Selector validation and Markdown sanitising, without the database."""

from html.parser import HTMLParser

import pytest

from annotations.rendering import ALLOWED_TAGS, render_markdown
from annotations.selectors import SelectorError, resolve_span

TEXT = "În iulie 1941, trupele române și germane au ocupat Basarabia și Herța."


def test_whole_passage_has_no_span():
    assert resolve_span(TEXT) is None


def test_positions_count_code_points_and_fill_the_quote():
    start = TEXT.index("române")
    span = resolve_span(TEXT, start=start, end=start + 6)
    assert span.exact == "române"
    assert span.prefix == TEXT[:start][-32:]
    assert span.suffix == TEXT[start + 6 :][:32]


def test_quote_alone_is_found_and_repeats_need_context():
    assert resolve_span(TEXT, exact="Herța").start == TEXT.index("Herța")
    with pytest.raises(SelectorError, match="occurs 2 times"):
        resolve_span(TEXT, exact="și")
    span = resolve_span(TEXT, exact="și", prefix="Basarabia ")
    assert span.start == TEXT.rindex("și")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 0, "end": 500}, "outside the passage"),
        ({"start": 5, "end": 5}, "outside the passage"),
        ({"start": -1, "end": 3}, "outside the passage"),
        ({"start": 0, "end": 2, "exact": "xx"}, "does not match"),
        ({"start": "a", "end": 2}, "whole number"),
        ({"start": 1}, "both start and end"),
        ({"exact": "Chisinau"}, "is not in this passage"),
        ({"prefix": "x"}, "needs a quote"),
        ({"start": 0, "end": 2, "prefix": "zz"}, "prefix does not match"),
    ],
)
def test_bad_selectors_are_refused_with_a_message(kwargs, message):
    with pytest.raises(SelectorError, match=message):
        resolve_span(TEXT, **kwargs)


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "[x](JaVaScRiPt:alert(1))",
        '<svg onload="alert(1)">',
        "<iframe src='https://example.org'></iframe>",
    ],
)
def test_markdown_rendering_leaves_no_script_handler_or_javascript_url(body):
    elements = parse_elements(render_markdown(body))
    for tag, attributes in elements:
        assert tag in ALLOWED_TAGS
        for name, value in attributes:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def parse_elements(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


def test_markdown_keeps_emphasis_and_safe_links():
    html = render_markdown("**bold** and [a source](https://example.org/x)")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/x"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 2.5, "1e999"])
def test_non_integral_offsets_are_refused_not_raised(value):
    with pytest.raises(SelectorError, match="whole number"):
        resolve_span(TEXT, start=0, end=value)

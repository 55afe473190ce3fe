"""Property-based tests (Hypothesis): the importer's parser, selectors, search, W3C import.

Arbitrary text never makes these raise anything but their documented errors, and what they
return is consistent with their input.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.selectors import SelectorError, Span, resolve_span
from archive.importers.plaintext import is_blank, parse, split_lines
from exports import importer as w3c_import
from search.text import parse_query

# How many examples each property tries comes from the Hypothesis profile (tests/conftest.py).
PROFILE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the received files: headings, list items, quotations, references,
# notes markers, blank lines, CRLF, plus anything at all.
LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "   ",
            "== References ==",
            "== External links ==",
            "== See also ==",
            "== Notes ==",
            "== Further reading ==",
            "=== Sub ===",
            "==",
            "== ==",
            "* item",
            "# numbered",
            ": quoted",
            '"A quotation."',
            "Smith, John (1990). Title. Publisher. ISBN 978-0-00-000000-0.",
            "[a] A note.",
            "Text with a marker.[a]",
            "Site name (in Romanian)",
            "\r",
            "\u202e\u200d",
        ]
    ),
)
DOCUMENT = st.lists(LINE, max_size=40).map("\n".join)


@PROFILE
@given(DOCUMENT)
def test_parser_never_raises_and_accounts_for_every_non_blank_line(text):
    result = parse(text)
    lines = split_lines(text)
    seen = (
        {s.line_number for s in result.sections}
        | {p.line_number for p in result.passages}
        | {r.line_number for r in result.references}
        | {link.line_number for link in result.links}
    )
    # A line the parser did not keep is named in a warning (the import report).
    warned = {int(n) for w in result.warnings for n in re.findall(r"\bline (\d+)", w)}
    noted = {n.text for n in result.notes if n.text}
    for number, line in enumerate(lines, start=1):
        if is_blank(line):
            assert number not in {p.line_number for p in result.passages}
            continue
        assert number in seen | warned or _noted(line, noted), (number, line, result.warnings)
    for passage in result.passages:
        assert passage.text == lines[passage.line_number - 1]  # kept exactly
    orders = [p.order for p in result.passages]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def _noted(line, noted):
    return any(text in line for text in noted)


@PROFILE
@given(st.text(max_size=200))
def test_parser_on_any_text(text):
    result = parse(text)
    for passage in result.passages:
        assert passage.text.strip()


PASSAGE = st.text(min_size=0, max_size=120)
OFFSET = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=200),
    st.sampled_from(["", "3", " 4", "x", "1.5", "-1", "99999999999999999999"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@PROFILE
@given(
    text=PASSAGE,
    start=OFFSET,
    end=OFFSET,
    exact=st.text(max_size=20),
    prefix=st.text(max_size=10),
    suffix=st.text(max_size=10),
)
def test_resolve_span_returns_a_matching_span_or_refuses(text, start, end, exact, prefix, suffix):
    try:
        span = resolve_span(text, start=start, end=end, exact=exact, prefix=prefix, suffix=suffix)
    except SelectorError as error:
        assert str(error)  # a message for the user
        return
    if span is None:
        assert start in (None, "") and end in (None, "") and not exact
        return
    assert isinstance(span, Span)
    assert 0 <= span.start < span.end <= len(text)
    assert text[span.start : span.end] == span.exact
    assert text[: span.start].endswith(span.prefix)
    assert text[span.end :].startswith(span.suffix)
    if exact:
        assert span.exact == exact


@PROFILE
@given(text=PASSAGE.filter(bool), data=st.data())
def test_any_real_span_is_accepted_back(text, data):
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    span = resolve_span(text, start=start, end=end, exact=text[start:end])
    assert (span.start, span.end, span.exact) == (start, end, text[start:end])
    again = resolve_span(text, exact=span.exact, prefix=span.prefix, suffix=span.suffix)
    assert again.exact == span.exact


# --- the search app's query parsing and the W3C importer ---------------------------------


@PROFILE
@given(st.text(max_size=200))
def test_search_query_parsing_never_raises_and_explains_unsearchable_queries(query):
    parsed = parse_query(query)
    assert parsed.is_searchable or parsed.notes


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
ANNOTATION_LIKE = st.fixed_dictionaries(
    {"type": st.sampled_from(["Annotation", "AnnotationPage", "AnnotationCollection", "x"])},
    optional={
        "body": JSON_VALUES,
        "motivation": JSON_VALUES,
        "creator": JSON_VALUES,
        "items": st.lists(JSON_VALUES, max_size=3),
        "first": JSON_VALUES,
        "target": JSON_VALUES,
    },
)


@pytest.mark.django_db
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.one_of(JSON_VALUES, ANNOTATION_LIKE, st.lists(ANNOTATION_LIKE, max_size=3)))
def test_w3c_import_reads_any_json_or_refuses_it_with_a_reason(articles, scholar, document):
    try:
        items = w3c_import.parse(json.dumps(document))
    except w3c_import.FileProblem as problem:
        assert str(problem)
        return
    outcomes = w3c_import.import_annotations(
        items, document=articles["en"], user=scholar, visibility="public"
    )
    assert len(outcomes) == len(items)
    for outcome in outcomes:
        assert outcome.status in {"imported", "skipped", "failed"}
        if outcome.status == "failed":
            assert outcome.message

"""W3C Web Annotation selectors on a passage: validate them against the passage text.

Positions count Unicode code points (W3C TextPositionSelector), which is how Python indexes
``str``; browsers count UTF-16 code units, so the client converts before it sends.
"""

from dataclasses import dataclass

#: How many characters of context a TextQuoteSelector keeps on each side.
CONTEXT_LENGTH = 32
#: The longest quote a target may hold.
MAX_QUOTE_LENGTH = 5000


class SelectorError(ValueError):
    """A selector that does not fit its passage; the message is shown to the user."""


@dataclass(frozen=True)
class Span:
    """A validated span: both selectors, consistent with the passage text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def _as_offset(value, name):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise SelectorError(f"{name} must be a whole number of characters.")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise SelectorError(f"{name} must be a whole number of characters.") from None
    if isinstance(value, float) and value != number:
        raise SelectorError(f"{name} must be a whole number of characters.")
    return number


def span_at(text, start, end):
    """Build the span of ``text[start:end]`` with its quote context."""
    return Span(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


def resolve_span(text, *, start=None, end=None, exact="", prefix="", suffix=""):
    """Return the Span the selectors name in ``text``, or None for the whole passage.

    Positions, when given, are authoritative and the quote must match them; a quote without
    positions is found in the text, with prefix and suffix choosing among repeats.
    Raise SelectorError with a message for the user when they do not fit.
    """
    start = _as_offset(start, "Start")
    end = _as_offset(end, "End")
    exact = exact or ""
    prefix = prefix or ""
    suffix = suffix or ""
    if start is None and end is None and not exact:
        if prefix or suffix:
            raise SelectorError("A prefix or suffix needs a quote.")
        return None
    if len(exact) > MAX_QUOTE_LENGTH:
        raise SelectorError(f"The quote is longer than {MAX_QUOTE_LENGTH} characters.")
    if (start is None) != (end is None):
        raise SelectorError("Give both start and end, or neither.")
    if start is not None:
        return _span_from_positions(text, start, end, exact, prefix, suffix)
    return _span_from_quote(text, exact, prefix, suffix)


def _span_from_positions(text, start, end, exact, prefix, suffix):
    if start < 0 or end > len(text) or start >= end:
        raise SelectorError(
            f"The span {start}–{end} is outside the passage, which has {len(text)} characters."
        )
    span = span_at(text, start, end)
    if exact and exact != span.exact:
        raise SelectorError(
            f"The quote does not match the passage at {start}–{end}: "
            f"the passage has “{_clip(span.exact)}” there."
        )
    if prefix and not text[:start].endswith(prefix):
        raise SelectorError("The prefix does not match the text before the span.")
    if suffix and not text[end:].startswith(suffix):
        raise SelectorError("The suffix does not match the text after the span.")
    return span


def _span_from_quote(text, exact, prefix, suffix):
    starts = []
    position = text.find(exact)
    while position != -1:
        if text[:position].endswith(prefix) and text[position + len(exact) :].startswith(suffix):
            starts.append(position)
        position = text.find(exact, position + 1)
    if not starts:
        raise SelectorError(f"The quote “{_clip(exact)}” is not in this passage.")
    if len(starts) > 1:
        raise SelectorError(
            f"The quote “{_clip(exact)}” occurs {len(starts)} times in this passage; "
            "select it in the text or quote more of it."
        )
    return span_at(text, starts[0], starts[0] + len(exact))


def _clip(value, length=60):
    return value if len(value) <= length else value[: length - 1] + "…"

"""``fast_reverse()``: ``reverse()`` for the URLs a page links hundreds of times.

``reverse()`` walks the URL resolver on every call (about 20 µs); the reading view of an
article with 1,500 annotations, flags and cross-references called it some 6,000 times per page
(docs/performance.md, "Reading view"). Here each URL name is reversed once per URL
configuration and script prefix with placeholder arguments, and later calls put the real
values in place of the placeholders, quoted as ``reverse()`` quotes them.

Only the argument names in ``PLACEHOLDERS`` are filled in this way (each placeholder matches
its converter: a UUID for ``pk``, letters for slugs and catalogue ids); a URL with any other
argument, or whose placeholder does not reverse, falls back to ``reverse()``. Values are not
checked against their converter as ``reverse()`` checks them: use it for values read from the
database (primary keys, slugs), not for user input.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

PLACEHOLDERS = {
    "pk": "00000000-0000-4000-8000-00000000f00d",
    "slug": "zzzslugplaceholderzzz",
    "anchor": "zzzanchorplaceholderzzz",
    "catalogue_id": "zzzcatalogueplaceholderzzz",
}
#: What ``reverse()`` leaves unquoted (django.urls.resolvers: RFC 3986 sub-delimiters, /~:@).
SAFE = "!$&'()*+,;=/~:@"


@lru_cache(maxsize=256)
def _pattern(urlconf, prefix, viewname, names):
    """The reversed URL with placeholders, or None when it must be reversed every time."""
    if not all(name in PLACEHOLDERS for name in names):
        return None
    try:
        url = reverse(viewname, urlconf=urlconf, kwargs={n: PLACEHOLDERS[n] for n in names})
    except NoReverseMatch:
        return None
    if any(url.count(PLACEHOLDERS[name]) != 1 for name in names):
        return None
    return url


def url_maker(viewname, *names):
    """A function of the values of ``names`` (in that order) giving what
    ``reverse(viewname, kwargs=…)`` gives, for the current URL configuration and script prefix:
    for a page that links many records of one kind."""
    url = _pattern(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, names)
    if url is None:
        return lambda *values: reverse(viewname, kwargs=dict(zip(names, values, strict=True)))
    slots = [PLACEHOLDERS[name] for name in names]

    def make(*values):
        made = url
        for slot, value in zip(slots, values, strict=True):
            made = made.replace(slot, quote(str(value), safe=SAFE))
        return made

    return make


def fast_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)`` from a pattern reversed once."""
    return url_maker(viewname, *kwargs)(*kwargs.values())


def _clear(**kwargs):
    if kwargs.get("setting") == "ROOT_URLCONF":
        _pattern.cache_clear()


setting_changed.connect(_clear)

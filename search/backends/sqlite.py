"""SQLite: every term in the folded text (``fold(text) LIKE '%term%'``), ranked by how often
the terms occur; near spellings corrected against the words of the texts it reads."""

from collections import Counter
from functools import cached_property

from django.db.models import FloatField, Func, Q, Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Contains

from ..expressions import FoldedText
from ..results import KINDS
from ..spelling import closest
from ..text import MIN_FUZZY_LENGTH, WORD, fold
from .base import SearchBackend


class Sum(Func):
    """The sum of its arguments, written flat: ``(a + b + c)``."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = FloatField()


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def vocabulary(self, using, language, user):
        texts = [
            self.base_queryset(kind, user=user, language=language)
            .using(using)
            .annotate(searched=self.text(kind))
            .values_list("searched", flat=True)
            for kind in KINDS
        ]
        return TextVocabulary(texts)

    def matching(self, kind, queryset, query):
        folded = FoldedText(self.text(kind))
        condition = Q()
        for group in query.groups:
            required = Q()
            for term in group.include:
                required &= self._any(folded, term)
            for term in group.exclude:
                required &= ~self._any(folded, term)
            condition |= required
        forms = dict.fromkeys(
            form
            for group in query.groups
            for term in group.include
            for form in term.folded_alternatives
        )
        # Occurrences of each form: how much shorter the text gets without it; summed flat
        # (a + b + c), as a query of twelve place names has a hundred forms, and nested sums
        # that deep overflow SQLite's parser.
        counts = [
            (Length(folded) - Length(Replace(folded, Value(form)))) / len(form) for form in forms
        ]
        return queryset.filter(condition).annotate(score=Sum(*counts))

    @staticmethod
    def _any(folded, term):
        """The folded text contains one of the term's forms."""
        condition = Q()
        for form in term.folded_alternatives:
            condition |= Q(Contains(folded, form))
        return condition


class TextVocabulary:
    """The words of the texts a reader may search, counted; read only when first needed (a
    search whose words all occur somewhere reads them once, to know that)."""

    def __init__(self, texts):
        self.texts = texts

    @cached_property
    def counts(self):
        counts = Counter()
        for queryset in self.texts:
            for text in queryset.iterator():
                counts.update(
                    word for word in WORD.findall(fold(text or "")) if len(word) >= MIN_FUZZY_LENGTH
                )
        return counts

    def known(self, words):
        return {word for word in words if word in self.counts}

    def nearest(self, word):
        return closest(word, [candidate for candidate, _ in self.counts.most_common()])

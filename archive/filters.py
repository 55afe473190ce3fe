"""Filter sets for the public lists; every field is optional and validated by its form field."""

import re

import django_filters
from django import forms
from stdnum import isbn

from .models import (
    Document,
    ExternalLink,
    Language,
    LinkKind,
    Reference,
    ReferenceKind,
    ReferenceRole,
)

#: Years a reference can plausibly carry; larger numbers would overflow the database column.
YEAR_MIN, YEAR_MAX = 1, 9999


class YearFilter(django_filters.NumberFilter):
    """A whole-number year: ``1990.5`` or ``99999999999`` is a form error, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        # A text box, so that a value the server rejects is shown back as typed (a number
        # input would show it empty); the numeric keyboard still comes up on phones.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 6}))
        super().__init__(*args, **kwargs)


class IsbnField(forms.CharField):
    """An ISBN-10 or ISBN-13, hyphens and spaces allowed; cleaned to its compact form."""

    default_error_messages = {
        "invalid": "Enter an ISBN: 10 or 13 digits (the last of ten may be X), hyphens allowed."
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        compact = isbn.compact(value)
        if not re.fullmatch(r"\d{9}[\dX]|\d{13}", compact):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return compact


class IsbnFilter(django_filters.CharFilter):
    """References with this ISBN, whether written as ISBN-10 or ISBN-13, with or without
    hyphens: ``9975-939-36-8`` finds the record whose line says ``978-9975-939-36-2`` and the
    other way round. A number whose check digit is wrong is looked up as written."""

    field_class = IsbnField

    def filter(self, queryset, value):
        if not value:
            return queryset
        numbers = {value}
        if isbn.is_valid(value):
            thirteen = isbn.compact(isbn.to_isbn13(value))
            numbers.add(thirteen)
            if thirteen.startswith("978"):  # only 978 numbers have an ISBN-10
                numbers.add(isbn.compact(isbn.to_isbn10(thirteen)))
        return queryset.with_isbn_in(sorted(numbers))


class DocumentFilter(django_filters.FilterSet):
    language = django_filters.ChoiceFilter(
        choices=Language.choices, empty_label="Any language", label="Language"
    )

    class Meta:
        model = Document
        fields = ["language"]


class ReferenceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="original_line",
        lookup_expr="icontains",
        label="Author, title or publisher",
        max_length=200,
    )
    kind = django_filters.ChoiceFilter(choices=ReferenceKind.choices, empty_label="Any kind")
    year_min = YearFilter(field_name="year", lookup_expr="gte", label="Year from")
    year_max = YearFilter(field_name="year", lookup_expr="lte", label="Year to")
    has_isbn = django_filters.BooleanFilter(
        method="filter_has_isbn",
        label="ISBN",
        widget=forms.Select(
            choices=[("", "With or without"), ("true", "With ISBN"), ("false", "Without ISBN")]
        ),
    )
    isbn = IsbnFilter(label="ISBN number", max_length=40)
    role = django_filters.ChoiceFilter(
        field_name="document_links__role",
        choices=ReferenceRole.choices,
        empty_label="Cited or further reading",
        label="Listed as",
        distinct=True,
    )

    class Meta:
        model = Reference
        fields = ["q", "kind", "year_min", "year_max", "has_isbn", "isbn", "role"]

    def filter_has_isbn(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_isbn() if value else queryset.filter(isbn="")


class ExternalLinkFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=LinkKind.choices, empty_label="External links and See also"
    )

    class Meta:
        model = ExternalLink
        fields = ["kind"]

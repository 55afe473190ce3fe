"""django-filter FilterSets for the public lists of annotations and flags."""

import django_filters
from django import forms

from archive.models import Document

from .models import Annotation, DisputedClaim, FlagCategory, FlagStatus, Motivation


class AnnotationFilter(django_filters.FilterSet):
    document = django_filters.ModelChoiceFilter(
        field_name="passage__document", queryset=Document.objects.all(), label="Document"
    )
    motivation = django_filters.ChoiceFilter(choices=Motivation.choices, label="Motivation")
    tag = django_filters.CharFilter(
        field_name="tags__name", lookup_expr="iexact", label="Tag", max_length=60
    )
    author = django_filters.CharFilter(
        field_name="author__username",
        lookup_expr="iexact",
        label="Author (user name)",
        max_length=150,
    )
    created_after = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__gte",
        label="Created on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__lte",
        label="Created on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Annotation
        fields = []


class FlagFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, label="Status")
    category = django_filters.ChoiceFilter(choices=FlagCategory.choices, label="Category")
    document = django_filters.ModelChoiceFilter(
        field_name="passage__document", queryset=Document.objects.all(), label="Document"
    )

    class Meta:
        model = DisputedClaim
        fields = []

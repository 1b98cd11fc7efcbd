"""Filters for the assessment list: committee, date range, and which category or area was
rated how ("a negative environmental impact", "a negative rating for Pollution")."""

from __future__ import annotations

import django_filters
from django import forms

from councils.models import Council
from impact.models import Assessment, Category, Row, Tone


class AssessmentFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any")
    date_from = django_filters.DateFilter(
        label="Committee date from",
        field_name="committee_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="Committee date to",
        field_name="committee_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = django_filters.ChoiceFilter(
        label="Category", method="filter_answers", empty_label="Any"
    )
    row = django_filters.ChoiceFilter(label="Area", method="filter_answers", empty_label="Any")
    rating = django_filters.ChoiceFilter(
        label="Rated", choices=Tone.choices, method="filter_answers", empty_label="Any"
    )
    state = django_filters.ChoiceFilter(
        label="State", choices=Assessment.State.choices, empty_label="Any"
    )

    class Meta:
        model = Assessment
        fields: list[str] = []

    def __init__(self, *args, council: Council, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["committee"].queryset = council.committees.all()
        # Categories and areas by their words: each template version has rows of its own.
        categories = Category.objects.filter(template__council=council)
        self.filters["category"].extra["choices"] = [
            (title, title)
            for title in sorted(set(categories.values_list("title", flat=True)), key=str.lower)
        ]
        rows = Row.objects.filter(category__template__council=council)
        self.filters["row"].extra["choices"] = [
            (label, label)
            for label in sorted(set(rows.values_list("label", flat=True)), key=str.lower)
        ]

    def filter_answers(self, queryset, name, value):
        """Category, area and rating describe one answer: applied together, in one join."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        answer = {}
        if data.get("category"):
            answer["answers__row__category__title"] = data["category"]
        if data.get("row"):
            answer["answers__row__label"] = data["row"]
        if data.get("rating"):
            answer["answers__option__tone"] = data["rating"]
        return queryset.filter(**answer).distinct() if answer else queryset

    @property
    def is_active(self) -> bool:
        return self.form.is_valid() and any(
            value not in (None, "") for value in self.form.cleaned_data.values()
        )

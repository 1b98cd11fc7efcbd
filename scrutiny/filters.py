"""Filters for the register: which report, which response, how far implemented, whose."""

from __future__ import annotations

import django_filters

from councils.forms import PlainForm
from councils.models import Council
from scrutiny.models import Implementation, Meaning, Recommendation


class RecommendationFilter(django_filters.FilterSet):
    source = django_filters.ModelChoiceFilter(
        label="Scrutiny report", queryset=None, empty_label="Any"
    )
    response = django_filters.ChoiceFilter(
        label="Response",
        choices=[*Meaning.choices, ("none", "No response yet")],
        method="filter_response",
        empty_label="Any",
    )
    implementation = django_filters.ChoiceFilter(
        label="Implementation status", choices=Implementation.choices, empty_label="Any"
    )
    portfolio = django_filters.ModelChoiceFilter(
        label="Portfolio holder", field_name="portfolio_holder", queryset=None, empty_label="Any"
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []
        form = PlainForm

    def __init__(self, *args, council: Council, sources, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["source"].queryset = sources
        self.filters["portfolio"].queryset = council.portfolio_holders.all()

    def filter_response(self, queryset, name, value):
        if value == "none":
            return queryset.filter(response__isnull=True)
        return queryset.filter(response__meaning=value)

    @property
    def is_active(self) -> bool:
        return self.form.is_valid() and any(
            value not in (None, "") for value in self.form.cleaned_data.values()
        )

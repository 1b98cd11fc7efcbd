"""Filters for the assessment list: committee, date range, and which category or area was
rated how ("a negative environmental impact", "a negative rating for Pollution")."""

from __future__ import annotations

import django_filters
from django import forms

from councils.filters import DateFilter
from councils.forms import PlainForm
from councils.models import Committee, Council
from impact.models import Assessment, Category, Row, Tone


class CommitteeOfCouncilField(forms.ModelChoiceField):
    """Across councils every council has its Cabinet: name the council too."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.council.name})"


class AssessmentFilter(django_filters.FilterSet):
    council = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any")
    committee = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any")
    date_from = DateFilter(
        label="Committee date from",
        field_name="committee_date",
        lookup_expr="gte",
        noun="the earliest committee date",
    )
    date_to = DateFilter(
        label="Committee date to",
        field_name="committee_date",
        lookup_expr="lte",
        noun="the latest committee date",
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
        form = PlainForm

    def __init__(self, *args, council: Council | None, councils=None, **kwargs) -> None:
        """One council's list (`council`), or the list across `councils` with a filter for
        the council."""
        super().__init__(*args, **kwargs)
        if council is not None:
            del self.filters["council"]
            scope = {"pk": council.pk}
        else:
            self.filters["council"].queryset = councils
            scope = {"pk__in": councils.values("pk")}
        committees = Committee.objects.filter(**{f"council__{k}": v for k, v in scope.items()})
        self.filters["committee"].queryset = committees.select_related("council")
        if council is None:
            self.filters["committee"].field_class = CommitteeOfCouncilField
        # Categories and areas by their words: each template version has rows of its own.
        categories = Category.objects.filter(
            **{f"template__council__{k}": v for k, v in scope.items()}
        )
        self.filters["category"].extra["choices"] = [
            (title, title)
            for title in sorted(set(categories.values_list("title", flat=True)), key=str.lower)
        ]
        rows = Row.objects.filter(
            **{f"category__template__council__{k}": v for k, v in scope.items()}
        )
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

"""Filters for action lists. Choices come from the council in view, never from every council."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from actionplans.models import Action, ActionLead, EqualityAim, Plan
from councils.filters import DateFilter
from councils.forms import PlainForm
from councils.models import Council, Department, Partner, Rag, Status, Ward

AIM_FIELDS = {
    EqualityAim.ELIMINATE: "serves_eliminate_discrimination",
    EqualityAim.ADVANCE: "serves_advance_equality",
    EqualityAim.FOSTER: "serves_foster_relations",
}


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        help_text="Words in the title, description, "
        "outcomes or commentary, or a reference such as 10a.",
    )
    # Status, RAG, overdue and commentary filter on the read model's annotations
    # (ActionQuerySet.with_state), which the view's queryset carries for today.
    status = django_filters.ModelMultipleChoiceFilter(
        queryset=Status.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG colour",
        field_name="state_rag",
        choices=Rag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    workstream = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any")
    lead = django_filters.ModelChoiceFilter(
        label="Lead department",
        field_name="lead_departments",
        queryset=Department.objects.none(),
        empty_label="Any",
        method="filter_linked",
    )
    ward = django_filters.ModelChoiceFilter(
        label="Ward",
        field_name="wards",
        queryset=Ward.objects.none(),
        empty_label="Any",
        method="filter_linked",
    )
    partner = django_filters.ModelChoiceFilter(
        label="Partner",
        field_name="partners",
        queryset=Partner.objects.none(),
        empty_label="Any",
        method="filter_linked",
    )
    aim = django_filters.ChoiceFilter(
        label="Equality duty aim",
        choices=EqualityAim.choices,
        method="filter_aim",
        empty_label="Any",
    )
    deadline_from = DateFilter(
        label="Deadline from",
        field_name="state_deadline_date",
        lookup_expr="gte",
        noun="the earliest deadline",
    )
    deadline_to = DateFilter(
        label="Deadline to",
        field_name="state_deadline_date",
        lookup_expr="lte",
        noun="the latest deadline",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = PlainForm

    def __init__(self, *args, council: Council, plan: Plan | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["status"].queryset = council.statuses.all()
        # Departments that lead an action, and workstreams that hold one, found by a lookup
        # each (EXISTS) rather than joined to every action and made DISTINCT: a council of
        # 10,000 actions took 9 ms to list its departments that way.
        self.filters["lead"].queryset = council.departments.filter(
            Exists(ActionLead.objects.filter(department=OuterRef("pk")))
        )
        self.filters["ward"].queryset = council.wards.all()
        self.filters["partner"].queryset = council.partners.all()
        if plan is not None:
            self.filters["workstream"].queryset = plan.workstreams.filter(
                Exists(Action.objects.filter(workstream=OuterRef("pk")))
            )
        else:
            del self.filters["workstream"]

    def filter_search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(outcomes__icontains=word)
                | Q(state_commentary__icontains=word)
                | Q(reference__iexact=word)
            )
        return queryset

    def filter_linked(self, queryset, name, value):
        return queryset.linked_to(name, value) if value else queryset

    def filter_aim(self, queryset, name, value):
        return queryset.filter(**{AIM_FIELDS[value]: True}) if value in AIM_FIELDS else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(state_status_id__in=[s.pk for s in value]) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(state_is_overdue=True) if value else queryset

    @property
    def is_active(self) -> bool:
        return any(
            value not in (None, "", [], False)
            for name, value in (self.form.cleaned_data.items() if self.form.is_valid() else [])
        ) or bool(self.form.errors)

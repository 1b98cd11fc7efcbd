"""Forms of the plan editor (actionplans.edit_views): a plan's details and budget lines, a
workstream, an action with its links and measures. Every chooser offers only the plan's own
council's departments, wards, partners, committees and workstreams."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from actionplans.models import Action, BudgetLine, Measure, Plan, Workstream
from councils.forms import DateField
from councils.models import Department, Partner, Ward

MAX_LEADS = 3


def _plain_messages(form: forms.BaseForm) -> None:
    """Say what to do, naming the field, instead of Django's generic wording."""
    for name, field in form.fields.items():
        label = str(field.label or name).lower()
        field.error_messages["required"] = f"Enter the {label}"
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages["required"] = f"Select the {label}"
            article = "an" if label[:1] in "aeiou" else "a"
            field.error_messages["invalid_choice"] = f"Select {article} {label} from the list"
        if isinstance(field, forms.IntegerField | forms.DecimalField):
            field.error_messages["invalid"] = f"Enter the {label} as a number"
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = (
                f"The {label} must be {field.max_length} characters or fewer"
            )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "kind",
            "summary",
            "period_start",
            "period_end",
            "approved_by",
            "approved_on",
            "visibility",
            "lead_department",
            "lead_officer_title",
            "corporate_priorities",
            "portfolio_holders",
            "workstream_label",
            "requires_approval",
            "update_window_opens",
            "update_window_closes",
        ]
        field_classes = {
            "period_start": DateField,
            "period_end": DateField,
            "approved_on": DateField,
        }
        labels = {
            "period_start": "Start of the plan's period",
            "period_end": "End of the plan's period",
            "approved_on": "Date of approval",
            "lead_officer_title": "Lead officer (job title)",
            "workstream_label": "What the plan calls its groups",
            "requires_approval": "Plan managers approve officers' updates before publication",
            "update_window_opens": "Updates open (days before a quarter ends)",
            "update_window_closes": "Updates due (days after a quarter ends)",
        }
        help_texts = {
            "approved_on": "The date of the meeting that approved it.",
            "visibility": "Who can read the plan once it is published.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "corporate_priorities": forms.CheckboxSelectMultiple,
            "portfolio_holders": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, council, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["approved_by"].queryset = council.committees.all()
        self.fields["approved_by"].empty_label = "Not yet approved by a committee"
        self.fields["lead_department"].queryset = council.departments.all()
        self.fields["lead_department"].empty_label = "No lead department"
        self.fields["corporate_priorities"].queryset = council.corporate_priorities.all()
        self.fields["portfolio_holders"].queryset = council.portfolio_holders.all()
        for name in ("corporate_priorities", "portfolio_holders"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]  # nothing to choose from: set up in council settings
        _plain_messages(self)


class _PlainRowForm(forms.ModelForm):
    """A formset row with the same plain error messages as the forms above."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain_messages(self)


BudgetLineFormSet = inlineformset_factory(
    Plan,
    BudgetLine,
    form=_PlainRowForm,
    fields=["financial_year", "amount", "source", "note"],
    labels={
        "financial_year": "Financial year (the year it starts)",
        "amount": "Amount (£)",
    },
    extra=1,
    can_delete=True,
)


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = ["reference", "title", "description", "parent"]
        labels = {"parent": "Inside"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        label = plan.workstream_label.lower() or "workstream"
        tops = plan.workstreams.filter(parent=None)
        if self.instance.pk:
            tops = tops.exclude(pk=self.instance.pk)
        parent = self.fields["parent"]
        parent.queryset = tops
        parent.empty_label = f"Nothing: a top-level {label}"
        parent.help_text = f"A {label} can sit inside one top-level {label}."
        if self.instance.pk and self.instance.children.exists():
            del self.fields["parent"]  # it holds others, so it stays at the top level
        _plain_messages(self)


class ActionForm(forms.ModelForm):
    deadline_text = forms.CharField(
        label="Deadline, as written",
        required=False,
        max_length=500,
        help_text="As the plan words it: for example 'March 2027', 'Q3 2026/27' or 'Ongoing'.",
    )

    class Meta:
        model = Action
        fields = [
            "reference",
            "title",
            "workstream",
            "description",
            "outcomes",
            "measures_text",
            "lead_officer_title",
            "lead_officer_name",
            "partners_note",
            "priority",
            "serves_eliminate_discrimination",
            "serves_advance_equality",
            "serves_foster_relations",
        ]
        labels = {
            "title": "Action",
            "measures_text": "Measures, as written",
            "lead_officer_title": "Lead officer (job title)",
            "lead_officer_name": "Lead officer's name",
            "partners_note": "Partners, as written",
        }
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "measures_text": forms.Textarea(attrs={"rows": 3}),
            "partners_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        council = plan.council
        self.fields["workstream"].queryset = plan.workstreams.all()
        self.fields["workstream"].empty_label = f"No {plan.workstream_label.lower()}"
        self.fields["workstream"].label = plan.workstream_label or "Workstream"
        departments = council.departments.all()
        leads = list(self.instance.lead_links.all()) if self.instance.pk else []
        ordinals = ["First", "Second", "Third", "Fourth", "Fifth"]
        for i in range(MAX_LEADS):
            self.fields[f"lead_{i}"] = forms.ModelChoiceField(
                departments,
                required=False,
                label=f"{ordinals[i]} lead department",
                empty_label="None",
                initial=leads[i].department_id if i < len(leads) else None,
            )
        self.fields["partners"] = forms.ModelMultipleChoiceField(
            Partner.objects.filter(council=council),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(self.instance.partners.values_list("pk", flat=True))
            if self.instance.pk
            else [],
        )
        self.fields["wards"] = forms.ModelMultipleChoiceField(
            Ward.objects.filter(council=council),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(self.instance.wards.values_list("pk", flat=True))
            if self.instance.pk
            else [],
        )
        for name in ("partners", "wards"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        self.fields["deadline_text"].initial = self.instance.deadline_text
        self.order_fields(
            ["reference", "title", "workstream", "description", "outcomes"]
            + [f"lead_{i}" for i in range(MAX_LEADS)]
            + ["lead_officer_title", "lead_officer_name", "partners", "partners_note", "wards"]
            + ["deadline_text", "priority", "measures_text"]
        )
        _plain_messages(self)
        self.fields["title"].error_messages["required"] = "Enter what the action is"

    def clean(self):
        cleaned = super().clean()
        seen = set()
        for i in range(MAX_LEADS):
            department = cleaned.get(f"lead_{i}")
            if department is not None and department.pk in seen:
                self.add_error(f"lead_{i}", "Each lead department can be named once")
            elif department is not None:
                seen.add(department.pk)
        return cleaned

    def leads(self) -> list[Department]:
        return [
            self.cleaned_data[f"lead_{i}"]
            for i in range(MAX_LEADS)
            if self.cleaned_data.get(f"lead_{i}") is not None
        ]

    def chosen(self, name: str) -> list:
        return list(self.cleaned_data.get(name) or [])


MeasureFormSet = inlineformset_factory(
    Action,
    Measure,
    form=_PlainRowForm,
    fields=["name", "unit", "baseline", "baseline_date", "target", "target_date", "direction"],
    field_classes={"baseline_date": DateField, "target_date": DateField},
    labels={"name": "Measure"},
    extra=1,
    can_delete=True,
)

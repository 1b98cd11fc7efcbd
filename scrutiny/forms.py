"""Forms for the register: a scrutiny report, its recommendations and responses, linking
them to actions, and importing them from a spreadsheet."""

from __future__ import annotations

from django import forms

from actionplans.forms import SpreadsheetField
from actionplans.models import Plan
from councils.forms import DateField, PlainForm, PlainModelForm
from councils.models import Council
from scrutiny.models import Implementation, Recommendation, ResponseOption, Source


class SourceForm(PlainModelForm):
    class Meta:
        model = Source
        fields = ["title", "committee", "body", "date", "response_due", "is_published"]
        field_classes = {"date": DateField, "response_due": DateField}
        error_messages = {
            "title": {"required": "Enter the title of the scrutiny report"},
            "date": {"required": "Enter the date of the report"},
        }

    def __init__(self, *args, council: Council, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["committee"].queryset = council.committees.all()
        self.fields["committee"].empty_label = "Not one of the council's committees"
        self.fields["response_due"].required = False
        self.fields["date"].noun = "the date of the report"
        self.fields["response_due"].noun = "the date the response is due"


class ImportForm(PlainForm):
    spreadsheet = SpreadsheetField(
        help_text="An Excel (.xlsx) or CSV file of at most 10 MB, with columns such as #, "
        "Recommendation, Agree? and Comment."
    )
    title = forms.CharField(
        label="Report title",
        max_length=300,
        error_messages={"required": "Enter the title of the scrutiny report"},
    )
    committee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Not one of the council's committees"
    )
    body = forms.CharField(label="Panel or committee (as written)", max_length=200, required=False)
    date = DateField(
        label="Report date",
        noun="the date of the report",
        error_messages={"required": "Enter the date of the report"},
    )
    sheet = forms.CharField(
        label="Sheet name (optional)",
        max_length=100,
        required=False,
        help_text="Leave empty to read the first sheet.",
    )

    def __init__(self, *args, council: Council, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = council.committees.all()


class WordMapForm(PlainForm):
    """What each response word the council's vocabulary does not know means."""

    def __init__(self, *args, unknown: dict[str, list[int]], council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {str(o.pk): o for o in ResponseOption.for_council(council)}
        choices = [("", "Choose what it means")] + [(k, o.label) for k, o in self.options.items()]
        self.words = list(unknown)
        for i, (word, rows) in enumerate(unknown.items()):
            rows_text = ", ".join(str(r) for r in rows[:10])
            self.fields[f"word_{i}"] = forms.ChoiceField(
                label=f"“{word}”",
                help_text=f"Row{'s' if len(rows) > 1 else ''} {rows_text}",
                choices=choices,
                error_messages={
                    "required": f"Choose what “{word}” means",
                    "invalid_choice": f"Choose what “{word}” means from the list",
                },
            )

    def word_map(self) -> dict[str, ResponseOption]:
        return {
            word: self.options[self.cleaned_data[f"word_{i}"]] for i, word in enumerate(self.words)
        }


class RecommendationForm(PlainModelForm):
    class Meta:
        model = Recommendation
        fields = [
            "reference",
            "text",
            "response",
            "response_comment",
            "response_date",
            "portfolio_holder",
            "responsible_officer",
            "due_date",
            "implementation",
        ]
        field_classes = {"response_date": DateField, "due_date": DateField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "response_comment": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"response": "Executive response", "response_comment": "Comment"}
        error_messages = {
            "reference": {"required": "Enter the recommendation's number, such as 7 or 10a"},
            "text": {"required": "Enter the recommendation"},
        }

    def __init__(self, *args, source: Source, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.source = source
        council = source.council
        self.fields["response"].queryset = ResponseOption.objects.filter(
            pk__in=[o.pk for o in ResponseOption.for_council(council)]
        )
        self.fields["response"].empty_label = "No response yet"
        self.fields["portfolio_holder"].queryset = council.portfolio_holders.all()
        self.fields["portfolio_holder"].empty_label = "None"
        self.fields["implementation"].choices = Implementation.choices

    def clean_reference(self):
        reference = " ".join(self.cleaned_data["reference"].split())
        clash = Recommendation.objects.filter(source=self.instance.source, reference=reference)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"This report already has a recommendation {reference}")
        return reference


class PlanChoiceForm(PlainForm):
    plan = forms.ModelChoiceField(queryset=None, empty_label="Choose a plan")

    def __init__(self, *args, plans, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class LinkActionsForm(PlainForm):
    actions = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Actions that deliver this recommendation",
    )

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = plan.actions.order_by("order", "id")
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference} {a.title}".strip()


class NewActionForm(PlainForm):
    plan = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a plan",
        error_messages={"required": "Choose the plan the action goes in"},
    )
    title = forms.CharField(
        label="Action title",
        max_length=500,
        error_messages={"required": "Enter the action's title"},
    )

    def __init__(self, *args, plans, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

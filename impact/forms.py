"""Forms for filling in an assessment: its header, then the grid of ratings with a comment
per row, the closing sections, the outcome and mitigations."""

from __future__ import annotations

from django import forms

from actionplans.models import Plan
from councils.forms import DateField, PlainForm, PlainModelForm
from impact.models import Assessment, AssessmentTemplate, Duration, Likelihood, Mitigation, Tone


class HeaderForm(PlainModelForm):
    class Meta:
        model = Assessment
        fields = [
            "template",
            "report_subject",
            "committee",
            "committee_date",
            "head_of_service",
            "date_assessed",
            "description",
            "plan",
        ]
        field_classes = {"committee_date": DateField, "date_assessed": DateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "template": forms.RadioSelect,
        }
        labels = {
            "template": "Form",
            "plan": "Plan it assesses",
        }
        error_messages = {
            "report_subject": {"required": "Enter the subject of the report being assessed"},
            "template": {
                "required": "Choose the form to fill in",
                "invalid_choice": "Choose one of the forms listed",
            },
            "plan": {"invalid_choice": "Select a plan from the list"},
        }

    def __init__(self, *args, council, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.council = council
        if self.instance.pk:
            del self.fields["template"]  # an assessment keeps the form it was made with
        else:
            self.fields["template"].queryset = AssessmentTemplate.objects.filter(
                council=council
            ).current()
            self.fields["template"].empty_label = None
        self.fields["committee"].queryset = council.committees.all()
        self.fields["committee"].empty_label = "None"
        # Only plans this person may open: never the titles of drafts or private plans. The
        # report an assessment goes with is chosen on the report (reports owns that link).
        self.fields["plan"].queryset = Plan.objects.visible_to(user).for_council(council)
        self.fields["plan"].empty_label = "None"
        # Linked by someone who may open it: kept as it is, neither shown nor changed.
        linked = self.instance.plan_id
        if linked and not self.fields["plan"].queryset.filter(pk=linked).exists():
            del self.fields["plan"]


class GridForm(PlainForm):
    """One radio group and comment box per row; built from the assessment's template."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Not yet decided"), *Assessment.Outcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, assessment: Assessment, completing: bool = False, **kwargs):
        self.assessment = assessment
        self.template = assessment.template
        self.completing = completing
        answers = {rating.row_id: rating for rating in assessment.answers.all()}
        closing = {answer.section_id: answer.text for answer in assessment.closing_answers.all()}
        initial = {"outcome": assessment.outcome}
        self.ratings = list(self.template.ratings.all())
        self.grid = []
        super().__init__(*args, initial=initial, **kwargs)
        choices = [("", "Not rated")] + [(str(r.pk), r.label) for r in self.ratings]
        for category in self.template.categories.all():
            rows = []
            for row in category.rows.all():
                answer = answers.get(row.pk)
                names = self.names(row)
                self.fields[names["rating"]] = forms.ChoiceField(
                    label=row.label,
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={
                        "invalid_choice": f"Select a rating for “{row.label}” from the list"
                    },
                )
                self.fields[names["comment"]] = forms.CharField(
                    label=f"Comments on {row.label}", required=False, widget=forms.Textarea
                )
                self.initial[names["rating"]] = str(answer.option_id or "") if answer else ""
                self.initial[names["comment"]] = answer.comment if answer else ""
                if self.template.asks_duration:
                    self.fields[names["duration"]] = forms.ChoiceField(
                        label=f"Duration of the impact on {row.label}",
                        choices=[("", "Not stated"), *Duration.choices],
                        required=False,
                    )
                    self.initial[names["duration"]] = answer.duration if answer else ""
                if self.template.asks_likelihood:
                    self.fields[names["likelihood"]] = forms.ChoiceField(
                        label=f"Likelihood of the impact on {row.label}",
                        choices=[("", "Not stated"), *Likelihood.choices],
                        required=False,
                    )
                    self.initial[names["likelihood"]] = answer.likelihood if answer else ""
                rows.append((row, names))
            self.grid.append((category, rows))
        self.closing = []
        for section in self.template.closing_sections.all():
            name = f"closing_{section.pk}"
            self.fields[name] = forms.CharField(
                label=section.title, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.initial[name] = closing.get(section.pk, "")
            self.closing.append((section, name))
        if not self.template.asks_outcome:
            del self.fields["outcome"]

    @staticmethod
    def names(row) -> dict[str, str]:
        return {key: f"{key}_{row.pk}" for key in ("rating", "comment", "duration", "likelihood")}

    def bound_grid(self):
        """The grid with bound fields, for the template."""
        return [
            (
                category,
                [
                    (row, {k: self[v] for k, v in names.items() if v in self.fields})
                    for row, names in rows
                ],
            )
            for category, rows in self.grid
        ]

    def clean(self):
        data = super().clean()
        if not self.completing:
            return data
        tones = {str(r.pk): r.tone for r in self.ratings}
        rated = 0
        for _, rows in self.grid:
            for row, names in rows:
                option = data.get(names["rating"])
                if option:
                    rated += 1
                if (
                    tones.get(option) == Tone.NEGATIVE
                    and not data.get(names["comment"], "").strip()
                ):
                    self.add_error(
                        names["comment"],
                        f"Say why the impact on “{row.label}” is negative, and what will be done",
                    )
        if not rated:
            raise forms.ValidationError("Rate at least one area before completing the assessment")
        if self.template.asks_outcome and not data.get("outcome"):
            self.add_error("outcome", "Choose the outcome before completing the assessment")
        return data

    def answers(self) -> dict:
        result = {}
        for _, rows in self.grid:
            for row, names in rows:
                option = self.cleaned_data.get(names["rating"]) or None
                result[row.pk] = (
                    int(option) if option else None,
                    self.cleaned_data.get(names["comment"], ""),
                    self.cleaned_data.get(names["duration"], ""),
                    self.cleaned_data.get(names["likelihood"], ""),
                )
        return result

    def closing_answers(self) -> dict:
        return {section.pk: self.cleaned_data.get(name, "") for section, name in self.closing}


MitigationFormSet = forms.inlineformset_factory(
    Assessment,
    Mitigation,
    form=PlainModelForm,
    fields=["action", "owner", "review_date"],
    field_classes={"review_date": DateField},
    extra=2,
    max_num=30,
    can_delete=True,
    widgets={"action": forms.Textarea(attrs={"rows": 2})},
    labels={"action": "Action", "owner": "Owner (job title)", "review_date": "Review date"},
)

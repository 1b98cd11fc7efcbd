"""Builder forms for democratic services: the report's front sheet, its contact officers and
its appendices. Every choice is limited to the report's own council."""

from django import forms
from django.utils import timezone

from actionplans.models import Plan
from councils.forms import DateField, PlainModelForm
from councils.models import Council
from impact.models import Assessment
from reports.models import Appendix, CommitteeReport, ContactOfficer
from scrutiny.models import Source


class ReportForm(PlainModelForm):
    class Meta:
        model = CommitteeReport
        fields = [
            "committee",
            "meeting_date",
            "item_number",
            "report_of",
            "subject",
            "purpose",
            "recommendations",
            "corporate_priorities",
            "financial_implications",
            "wards_text",
            "wards",
            "cabinet_members",
            "assessments",
            "background_documents",
            "report_text",
            "is_exempt",
            "appendix_numbering",
            "show_page_numbers",
        ]
        field_classes = {"meeting_date": DateField}
        widgets = {
            "corporate_priorities": forms.CheckboxSelectMultiple,
            "wards": forms.CheckboxSelectMultiple,
            "cabinet_members": forms.CheckboxSelectMultiple,
            "assessments": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "financial_implications": forms.Textarea(attrs={"rows": 2}),
            "background_documents": forms.Textarea(attrs={"rows": 2}),
            "report_text": forms.Textarea(attrs={"rows": 12}),
        }
        labels = {
            "committee": "Report to (committee)",
            "wards": "Wards affected (for searching)",
            "cabinet_members": "Cabinet members",
            "report_text": "Report",
            "is_exempt": "Exempt: not for publication",
            "appendix_numbering": "Number appendices",
            "show_page_numbers": (
                "Print ‘Page n of N’ in the footer, counted within the front sheet and "
                "each appendix"
            ),
        }
        error_messages = {
            "meeting_date": {"required": "Enter the meeting date"},
            "appendix_numbering": {
                "required": "Select how to number the appendices",
                "invalid_choice": "Select how to number the appendices",
            },
            "report_of": {"required": "Enter the job title of the officer reporting"},
            "subject": {"required": "Enter the report's subject"},
        }

    def __init__(self, *args, council: Council, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessments"].queryset = (
            Assessment.objects.visible_to(user).filter(council=council).select_related("template")
        )
        self.fields[
            "assessments"
        ].help_text = "The impact assessments of the decision this report asks for."
        self.fields["committee"].queryset = council.committees.all()
        self.fields["committee"].empty_label = "Choose a committee"
        self.fields["committee"].required = True
        self.fields["committee"].error_messages["required"] = "Choose the committee"
        self.fields["committee"].error_messages["invalid_choice"] = (
            "Select a committee from the list"
        )
        self.fields["corporate_priorities"].queryset = council.corporate_priorities.all()
        self.fields["wards"].queryset = council.wards.all()
        self.fields["cabinet_members"].queryset = council.portfolio_holders.all()
        self.fields["corporate_priorities"].help_text = "The front sheet names each one."
        self.fields["wards"].help_text = ""


ContactFormSet = forms.inlineformset_factory(
    CommitteeReport,
    ContactOfficer,
    form=PlainModelForm,
    fields=["job_title", "phone", "email"],
    extra=2,
    max_num=10,
    can_delete=True,
    labels={"job_title": "Job title", "phone": "Phone", "email": "Email"},
)


class AppendixForm(PlainModelForm):
    class Meta:
        model = Appendix
        fields = ["kind", "plan", "assessment", "scrutiny_source", "title", "as_at"]
        field_classes = {"as_at": DateField}
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "kind": "What the appendix shows",
            "plan": "Plan (for progress, summary, exceptions and activity lists)",
            "assessment": "Impact assessment (for an impact-assessment appendix)",
            "scrutiny_source": "Scrutiny report (for executive responses to recommendations)",
            "as_at": "Progress as at",
        }
        help_texts = {"as_at": "Not needed for an impact assessment or scrutiny responses."}
        error_messages = {
            "title": {"required": "Enter the appendix title, as it is to be printed"},
            "as_at": {"required": "Enter the date progress is reported as at"},
        }

    def __init__(self, *args, report: CommitteeReport, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.report = report
        # Only what this person may open, by the same rules as the pages themselves.
        council = report.council
        self.fields["plan"].queryset = Plan.objects.visible_to(user).for_council(council)
        self.fields["plan"].empty_label = "Choose a plan"
        # Drafts are not ready for a committee: only completed or published assessments.
        self.fields["assessment"].queryset = (
            Assessment.objects.visible_to(user)
            .filter(council=council)
            .exclude(state=Assessment.State.DRAFT)
            .select_related("template")
        )
        self.fields["assessment"].empty_label = "Choose an assessment"
        self.fields["scrutiny_source"].queryset = Source.objects.visible_to(user).filter(
            council=council
        )
        self.fields["scrutiny_source"].empty_label = "Choose a scrutiny report"
        self.fields["kind"].choices = Appendix.Kind.choices
        self.fields["as_at"].noun = "the date progress is reported as at"
        for name, what in [
            ("plan", "a plan"),
            ("assessment", "an impact assessment"),
            ("scrutiny_source", "a scrutiny report"),
        ]:
            self.fields[name].error_messages["invalid_choice"] = f"Select {what} from the list"
        if not self.instance.pk:
            self.initial.setdefault("as_at", timezone.localdate())
            self.initial.setdefault("kind", Appendix.Kind.PLAN_PROGRESS)

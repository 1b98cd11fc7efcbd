import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from actionplans.financial_calendar import Quarter
from actionplans.imports import BY_RAG, BY_WORDS, CHOICE_LABELS, NO_STATUS, reading_token
from actionplans.models import Action, Plan, ProgressUpdate
from actionplans.services import parse_revised_deadline, period_to_report, update_errors
from actionplans.state import ActionState
from councils.forms import DateField, PlainForm
from councils.models import Status

MAX_QUARTERS = 40


def quarter_ends(plan: Plan, today: datetime.date) -> list[datetime.date]:
    """The ends of the reporting quarters a plan ran through, newest first, up to today."""
    fy_start = plan.council.financial_year_start_month
    first = plan.period_start or plan.created_at.date()
    last = today
    if plan.period_end:
        # A year past the end covers late reports on a finished plan.
        last = min(today, plan.period_end + datetime.timedelta(days=365))
    ends = []
    quarter = Quarter.containing(first, fy_start)
    while len(ends) < MAX_QUARTERS and quarter.end < today and quarter.end <= last:
        ends.append(quarter.end)
        quarter = quarter.next()
    return list(reversed(ends))


class AsAtForm(forms.Form):
    """Which date the dashboard describes: today, or the end of a past reporting quarter."""

    as_at = forms.TypedChoiceField(
        label="Show progress as at",
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
    )

    def __init__(
        self, *args, plan: Plan, today: datetime.date, opens: datetime.date, **kwargs
    ) -> None:
        """`opens`: the day the plan's page opens at (Plan.opens_as_at)."""
        super().__init__(*args, **kwargs)
        fy_start = plan.council.financial_year_start_month

        def end_label(end: datetime.date) -> str:
            return f"End of {Quarter.containing(end, fy_start)} ({end:%-d %B %Y})"

        if opens == today:
            choices = [("", f"Today ({today:%-d %B %Y})")]
        else:  # a finished plan opens at its end; today is one choice among the rest
            choices = [("", end_label(opens) + ", when the plan ended")]
            choices.append((today.isoformat(), f"Today ({today:%-d %B %Y})"))
        choices += [
            (end.isoformat(), end_label(end)) for end in quarter_ends(plan, today) if end != opens
        ]
        self.fields["as_at"].choices = choices
        self.fields["as_at"].error_messages["invalid_choice"] = (
            "Choose today or the end of one of the listed quarters."
        )


class UpdateForm(PlainForm):
    """An officer's quarterly update: status, %, commentary, an optional revised deadline
    with its reason, and a reading for each of the action's measures."""

    status = forms.ModelChoiceField(
        queryset=Status.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    percent_complete = forms.IntegerField(
        label="% complete",
        required=False,
        min_value=0,
        max_value=100,
        help_text="A whole number from 0 to 100. Leave blank if it cannot be measured.",
        # %% in the messages given the limit as a parameter: Django formats those with it.
        error_messages={
            "invalid": "Enter the % complete as a whole number, like 40",
            "min_value": "Enter a %% between 0 and 100",
            "max_value": "Enter a %% between 0 and 100",
        },
    )
    commentary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="What has happened since the last update. Required when the status is red "
        "or amber: say why, and what is being done.",
    )
    revised_deadline = forms.CharField(
        label="Revised deadline (optional)",
        required=False,
        max_length=500,
        help_text="Only if the deadline has changed, as you would write it: 'March 2017', "
        "'Q4 2016/17'. The original deadline is kept and shown as the baseline.",
    )
    deadline_reason = forms.CharField(
        label="Reason for the revised deadline",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["status"].queryset = action.plan.council.statuses.all()
        self.fields["status"].label_from_instance = lambda status: status.label
        self.measures = list(action.measures.all())
        for measure in self.measures:
            figure = f"the figure for {measure.name}"
            self.fields[f"reading_{measure.pk}"] = forms.DecimalField(
                label=f"{measure.name}{f' ({measure.unit})' if measure.unit else ''}",
                required=False,
                max_digits=14,
                decimal_places=2,
                help_text="The figure for this quarter, if you have it.",
                error_messages={
                    "invalid": f"Enter {figure} as a number, like 37 or 12.5",
                    "max_digits": f"Enter {figure} with no more than 12 digits before the point",
                    "max_whole_digits": f"Enter {figure} with no more than 12 digits before "
                    "the point",
                    "max_decimal_places": f"Enter {figure} with no more than 2 decimal places",
                },
            )

    @staticmethod
    def initial_for(state: ActionState) -> dict:
        """The form starts from the action as it stands (the read model), so an officer
        changes only what moved."""
        return {
            "status": state.status.pk if state.status else None,
            "percent_complete": state.percent,
            "version": state.action.version,
        }

    def data_with_version(self, version: int):
        data = self.data.copy()
        data["version"] = str(version)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "percent_complete": data["percent_complete"],
            "commentary": data["commentary"],
            "revised_deadline": data["revised_deadline"],
            "deadline_reason": data["deadline_reason"],
            "readings": self.readings(),
            "expected_version": data["version"],
        }

    def add_service_errors(self, error: forms.ValidationError) -> None:
        """Errors the service found (a locked period, say) shown on the fields they concern."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    def reading_fields(self):
        return [self[f"reading_{m.pk}"] for m in self.measures]

    def clean(self):
        """The council's rules, as record_update() applies them (services.update_errors),
        shown beside the fields: a red or amber status needs a commentary, a revised
        deadline a reason, and the quarter must not be locked."""
        cleaned = super().clean()
        revised = cleaned.get("revised_deadline", "").strip()
        if revised:
            try:
                cleaned["revised_deadline"] = parse_revised_deadline(self.action, revised)
            except forms.ValidationError as error:
                self.add_error("revised_deadline", error)
        status = cleaned.get("status")
        if status is not None:
            errors = update_errors(
                self.action,
                status=status,
                commentary=cleaned.get("commentary", ""),
                percent_complete=cleaned.get("percent_complete"),
                period=period_to_report(self.action, timezone.localdate()),
                revised_deadline=revised,
                deadline_reason=cleaned.get("deadline_reason", ""),
            )
            for field, message in errors.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def readings(self) -> list[dict]:
        return [
            {"measure": m.pk, "value": str(self.cleaned_data[f"reading_{m.pk}"])}
            for m in self.measures
            if self.cleaned_data.get(f"reading_{m.pk}") is not None
        ]


class NoChangeForm(PlainForm):
    """The button "No change this quarter": the last published update, as the read model
    has it, recorded again in one step as this quarter's update by whoever presses it.
    Offered only when there is such an update with a status, nothing is waiting for
    approval (which the copy would overtake), and the quarter has no update yet."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args, state: ActionState, pending: ProgressUpdate | None, today, **kwargs
    ) -> None:
        # Its own ids: the full form on the same page has a version field too.
        kwargs.setdefault("auto_id", "no-change-%s")
        super().__init__(*args, initial={"version": state.action.version}, **kwargs)
        self.state = state
        self.pending = pending
        plan = state.action.plan
        self.quarter = plan.update_window.quarter_reported_on(
            today, plan.council.financial_year_start_month
        )

    @property
    def unavailable(self) -> str:
        """Why the button is not offered now ("" when it is)."""
        state = self.state
        if state.reported_on is None:
            return "There is no earlier update to confirm: use the form below."
        if state.status is None:
            return "The last update has no status: choose one with the form below."
        if self.pending is not None:
            return (
                "An update is waiting for approval, so there is no unchanged update to "
                "confirm. Use the form below to record a new one."
            )
        reported = state.action.state_last_period_end
        if reported is not None and reported >= self.quarter.end:
            return (
                f"{self.quarter} already has an update. To change what it says, use the form below."
            )
        return ""

    def clean(self):
        cleaned = super().clean()
        if reason := self.unavailable:
            raise forms.ValidationError(reason)
        return cleaned

    def service_arguments(self) -> dict:
        """record_update's arguments: the last update's status, % and commentary, reported
        today; the action as the page showed it, or nothing is recorded."""
        return {
            "status": self.state.status,
            "percent_complete": self.state.percent,
            "commentary": self.state.commentary,
            "expected_version": self.cleaned_data["version"],
        }

    def add_service_errors(self, error: forms.ValidationError) -> None:
        """What record_update refused (a locked quarter, an amber status with no
        commentary), above the button."""
        for message in error.messages:
            self.add_error(None, message)


class ReturnForm(PlainForm):
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The officer sees this with their update.",
        error_messages={"required": "Say what the officer needs to change."},
    )


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


class SpreadsheetField(forms.FileField):
    """An .xlsx or .csv upload of at most MAX_UPLOAD_BYTES (checked as it arrives, by
    config.uploads); what is inside is checked by the importer."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Spreadsheet")
        kwargs.setdefault(
            "help_text",
            f"An Excel (.xlsx) or CSV file of at most {_size(settings.MAX_UPLOAD_BYTES)}.",
        )
        kwargs.setdefault(
            "error_messages",
            {"required": "Choose the spreadsheet to upload.", "empty": "The file is empty."},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {_size(settings.MAX_UPLOAD_BYTES)}."
            )
        if upload and not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Upload an Excel (.xlsx) or CSV file.")
        return upload


class PlanImportForm(PlainForm):
    spreadsheet = SpreadsheetField()
    title = forms.CharField(
        label="Plan title",
        max_length=300,
        help_text="As the plan is known, e.g. 'Reducing Inequalities Action Plan 2015-16'.",
        error_messages={"required": "Enter the plan's title."},
    )
    sheet = forms.CharField(
        label="Sheet name (optional)",
        required=False,
        max_length=100,
        help_text="Leave blank to read the first sheet.",
    )


class PlanUpdateUploadForm(PlainForm):
    spreadsheet = SpreadsheetField(
        help_text="A spreadsheet exported from this plan and edited: its status, % complete, "
        "commentary and deadline columns are read."
    )


class StatusConfirmForm(PlainForm):
    """One choice per status reading of an import (a status word, a RAG letter with no
    word, or progress text with neither): a status of the council's vocabulary, each row's
    RAG, each row's words, or none. Each starts at the importer's suggestion; the import
    goes ahead only when every reading has a choice."""

    def __init__(self, *args, readings, council, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.readings = readings
        self.statuses = list(council.statuses.all())
        for reading in readings:
            choices = [("", "Choose a status")]
            choices += [(str(s.pk), s.label) for s in self.statuses]
            choices += [(value, CHOICE_LABELS[value]) for value in (BY_RAG, BY_WORDS, NO_STATUS)]
            rows = reading.rows
            listed = ", ".join(map(str, rows[:10]))
            if len(rows) > 10:
                listed += f" and {len(rows) - 10} more"
            plural = "s" if len(rows) > 1 else ""
            self.fields[self.name_for(reading)] = forms.ChoiceField(
                label=reading.label,
                choices=choices,
                initial=reading.suggested,
                help_text=f"Row{plural} {listed}. Suggested from {reading.how}.",
                error_messages={
                    "required": f"Choose what “{reading.label[:60]}” means.",
                    "invalid_choice": f"Choose what “{reading.label[:60]}” means from the list.",
                },
            )

    @staticmethod
    def name_for(reading) -> str:
        return "status_" + reading_token(reading.key)

    @classmethod
    def posted_map(cls, data) -> dict[str, str]:
        """The choices in a posted form, before the readings are known: "#token" -> choice."""
        if data is None:
            return {}
        return {
            "#" + name.removeprefix("status_"): value
            for name, value in data.items()
            if name.startswith("status_") and value
        }


class ImportAsAtForm(PlainForm):
    as_at = DateField(
        label="Statuses are as at",
        required=False,
        noun="the date the sheet reports on",
        help_text="The day the sheet reports on: its statuses are recorded as at this date.",
    )

    def clean_as_at(self):
        day = self.cleaned_data["as_at"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The date the sheet reports on cannot be in the future.")
        return day

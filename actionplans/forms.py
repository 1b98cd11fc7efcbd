import datetime

from django import forms

from actionplans.dashboards import quarter_label
from actionplans.models import Plan, quarter_bounds

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
    day = first
    while len(ends) < MAX_QUARTERS:
        end = quarter_bounds(day, fy_start)[3]
        if end >= today or end > last:
            break
        ends.append(end)
        day = end + datetime.timedelta(days=1)
    return list(reversed(ends))


class AsAtForm(forms.Form):
    """Which date the dashboard describes: today, or the end of a past reporting quarter."""

    as_at = forms.TypedChoiceField(
        label="Show progress as at",
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
    )

    def __init__(self, *args, plan: Plan, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fy_start = plan.council.financial_year_start_month
        self.fields["as_at"].choices = [("", f"Today ({today:%-d %B %Y})")] + [
            (end.isoformat(), f"End of {quarter_label(end, fy_start)} ({end:%-d %B %Y})")
            for end in quarter_ends(plan, today)
        ]
        self.fields["as_at"].error_messages["invalid_choice"] = (
            "Choose today or the end of one of the listed quarters."
        )

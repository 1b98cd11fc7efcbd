"""The committee-report appendix "Executive responses to recommendations": each
recommendation with the response and comment, then the progress of the accepted ones from
their linked actions. A committee paper is public, so only actions in published public
plans are shown."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils.formats import date_format

from actionplans.models import Action
from scrutiny.models import Recommendation, Source
from scrutiny.services import attach_progress
from scrutiny.services import counts as response_counts


def responses_context(source: Source, *, label: str = "", title: str = "", report=None) -> dict:
    public_actions = Action.objects.visible_to(AnonymousUser()).select_related("status", "plan")
    recommendations = list(
        Recommendation.objects.filter(source=source)
        .select_related("response", "portfolio_holder")
        .prefetch_related(Prefetch("actions", queryset=public_actions.order_by("plan_id", "order")))
    )
    attach_progress(recommendations)  # as the paper is made
    return {
        "source": source,
        "recommendations": recommendations,
        "accepted": [rec for rec in recommendations if rec.is_accepted],
        "counts": response_counts(recommendations),
        "label": label,
        "title": title or "Executive responses to recommendations",
        "report": report,
        "council": source.council,
        "meeting": f"{source.body_name}, {date_format(source.date, 'j F Y')}",
        "landscape": True,
    }

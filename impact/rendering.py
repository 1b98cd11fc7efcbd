"""An assessment laid out as the council's form: a grid of ratings with comments per
category, then the closing sections. The same section is a report appendix, a web page and
an A4 PDF of its own."""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.formats import date_format

from impact.models import Assessment, Category, Rating


def with_form(queryset):
    """Everything the form shows, in a fixed number of queries."""
    return queryset.select_related(
        "council", "committee", "template", "plan", "completed_by"
    ).prefetch_related(
        "template__ratings",
        "template__closing_sections",
        Prefetch("template__categories", queryset=Category.objects.prefetch_related("rows")),
        Prefetch("answers", queryset=Rating.objects.select_related("option")),
        "closing_answers",
        "mitigations",
    )


def load(assessment: Assessment) -> Assessment:
    return with_form(Assessment.objects.filter(pk=assessment.pk)).get()


def assessment_context(
    assessment: Assessment, *, label: str = "", title: str = "", report=None
) -> dict:
    assessment = load(assessment)
    template = assessment.template
    ratings = list(template.ratings.all())
    closing = {answer.section_id: answer.text for answer in assessment.closing_answers.all()}
    meeting = ", ".join(
        part
        for part in (
            assessment.committee.name if assessment.committee else "",
            date_format(assessment.committee_date, "j F Y") if assessment.committee_date else "",
        )
        if part
    )
    return {
        "meeting": meeting or assessment.report_subject,
        "assessment": assessment,
        "template": template,
        "ratings": ratings,
        "grid": assessment.grid(),
        "closing": [(s, closing.get(s.pk, "")) for s in template.closing_sections.all()],
        "mitigations": list(assessment.mitigations.all()),
        "label": label,
        "title": title or template.name,
        "report": report,
        "council": assessment.council,
        "landscape": False,
        "extra_columns": int(template.asks_duration) + int(template.asks_likelihood),
    }


def assessment_section(assessment: Assessment) -> str:
    return render_to_string(
        "reports/sections/impact_assessment.html", assessment_context(assessment)
    )

"""Changing assessments and templates: one place for each change, in a transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from impact.models import (
    Assessment,
    AssessmentTemplate,
    Category,
    ClosingAnswer,
    ClosingSection,
    Rating,
    RatingOption,
    Row,
)


@transaction.atomic
def new_version(template: AssessmentTemplate) -> AssessmentTemplate:
    """Copy a template, its ratings, categories, rows and closing sections as its next
    version, to be edited; assessments made with the old version keep it."""
    template = AssessmentTemplate.objects.select_for_update().get(pk=template.pk)
    if hasattr(template, "successor"):
        raise ValueError(f"{template} already has a newer version.")
    old_pk = template.pk
    ratings = list(RatingOption.objects.filter(template_id=old_pk))
    categories = list(Category.objects.filter(template_id=old_pk).prefetch_related("rows"))
    closing = list(ClosingSection.objects.filter(template_id=old_pk))
    template.pk = None
    template.id = None
    template._state.adding = True
    template.version += 1
    template.previous_id = old_pk
    template.save()
    for rating in ratings:
        rating.pk = None
        rating.template = template
    RatingOption.objects.bulk_create(ratings)
    for category in categories:
        rows = list(category.rows.all())
        category.pk = None
        category.template = template
        category.save()
        for row in rows:
            row.pk = None
            row.category = category
        Row.objects.bulk_create(rows)
    for section in closing:
        section.pk = None
        section.template = template
    ClosingSection.objects.bulk_create(closing)
    return template


@transaction.atomic
def save_answers(assessment: Assessment, answers: dict, closing: dict, outcome: str) -> None:
    """Write the form's answers: {row_id: (option_id|None, comment, duration, likelihood)},
    {section_id: text}, and the outcome."""
    for row_id, (option_id, comment, duration, likelihood) in answers.items():
        Rating.objects.update_or_create(
            assessment=assessment,
            row_id=row_id,
            defaults={
                "option_id": option_id,
                "comment": comment,
                "duration": duration,
                "likelihood": likelihood,
            },
        )
    for section_id, text in closing.items():
        ClosingAnswer.objects.update_or_create(
            assessment=assessment, section_id=section_id, defaults={"text": text}
        )
    assessment.outcome = outcome
    assessment.save(update_fields=["outcome"])


def save_mitigations(assessment: Assessment, formset) -> None:
    for order, mitigation in enumerate(formset.save(commit=False)):
        mitigation.assessment = assessment
        mitigation.order = order
        mitigation.save()
    for mitigation in formset.deleted_objects:
        mitigation.delete()


@transaction.atomic
def save_assessment(
    assessment: Assessment,
    *,
    answers: dict,
    closing: dict,
    outcome: str,
    mitigations=None,
    completing: bool = False,
    by=None,
) -> None:
    """Save what the grid form holds, all or nothing: the answers, closing sections and
    outcome, the mitigations (a formset, if the form asks for them), and then either mark
    it completed or, if it was completed and has changed, make it a draft again."""
    save_answers(assessment, answers, closing, outcome)
    if mitigations is not None:
        save_mitigations(assessment, mitigations)
    if completing:
        complete(assessment, by=by)
    elif assessment.state == Assessment.State.COMPLETED:
        reopen(assessment)  # changed: a draft until completed again


def complete(assessment: Assessment, *, by) -> None:
    """Mark completed: from now on its template version is frozen."""
    assessment.state = Assessment.State.COMPLETED
    assessment.completed_by = by
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["state", "completed_by", "completed_at"])


def publish(assessment: Assessment, *, by) -> None:
    if assessment.state != Assessment.State.COMPLETED:
        raise ValueError("Only a completed assessment can be published.")
    assessment.state = Assessment.State.PUBLISHED
    assessment.published_by = by
    assessment.published_at = timezone.now()
    assessment.save(update_fields=["state", "published_by", "published_at"])


def reopen(assessment: Assessment) -> None:
    """A completed (not published) assessment back to draft, to correct it."""
    if assessment.state != Assessment.State.COMPLETED:
        raise ValueError("Only a completed assessment can be reopened.")
    assessment.state = Assessment.State.DRAFT
    assessment.save(update_fields=["state"])

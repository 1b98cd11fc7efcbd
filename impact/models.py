"""Impact assessments: integrated (economic, social, equality, environmental, risk) and
equality impact assessments, recorded against templates each council configures.

A template is versioned: once an assessment made with it is completed, the template is
frozen, and changing it means making its next version. An assessment always shows the
template version it was made with."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from actionplans.models import Plan
from councils.models import Committee, Council, Membership
from councils.rules import ASSESSMENT_EDITOR_ROLES


class Tone(models.TextChoices):
    """What a rating means, whatever the council calls it: what counts and filters use."""

    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class TemplateQuerySet(models.QuerySet):
    def current(self) -> TemplateQuerySet:
        """The latest version of each of the council's active templates."""
        return self.filter(is_active=True, successor__isnull=True)


class AssessmentTemplate(models.Model):
    class Kind(models.TextChoices):
        INTEGRATED = "integrated", "Integrated impact assessment"
        EQUALITY = "equality", "Equality impact assessment"
        OTHER = "other", "Other impact assessment"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="ia_templates")
    name = models.CharField(max_length=200, help_text="As printed on the form.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTEGRATED)
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="successor",
        help_text="The version this one replaced.",
    )
    intro = models.TextField(
        blank=True, help_text="Guidance printed at the top of the form, e.g. what to assess."
    )
    rating_heading = models.CharField(max_length=100, default="Impact")
    asks_duration = models.BooleanField(
        default=False,
        help_text="Each row also asks whether the impact is short, medium or long term.",
    )
    asks_likelihood = models.BooleanField(
        default=False, help_text="Each row also asks how likely the impact is."
    )
    closing_title = models.CharField(
        max_length=200, blank=True, default="Recommendations from impact assessment"
    )
    asks_outcome = models.BooleanField(
        default=False,
        help_text="The assessment ends with an outcome: no major change, adjust, continue or stop.",
    )
    asks_mitigations = models.BooleanField(
        default=False,
        help_text="The assessment lists mitigating actions with owner and review date.",
    )
    is_active = models.BooleanField(default=True, help_text="Offered for new assessments.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name", "version"], name="unique_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_frozen(self) -> bool:
        """Frozen once any assessment made with it is completed: it may no longer change."""
        return self.assessments.exclude(state=Assessment.State.DRAFT).exists()


class RatingOption(models.Model):
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.CASCADE, related_name="ratings"
    )
    label = models.CharField(max_length=50, help_text="As printed, e.g. 'Neutral'.")
    tone = models.CharField(max_length=20, choices=Tone.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template_id", "order", "id"]

    def __str__(self) -> str:
        return self.label


class Category(models.Model):
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.CASCADE, related_name="categories"
    )
    title = models.CharField(max_length=200, help_text="e.g. 'Economic'.")
    instructions = models.CharField(
        max_length=200, blank=True, help_text="Printed after the title, e.g. 'please add an ‘x’'."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template_id", "order", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.title


class Row(models.Model):
    """One area assessed: 'Finance (value for money)', 'Age'."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rows")
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category__template_id", "category__order", "category_id", "order", "id"]

    def __str__(self) -> str:
        return self.label


class ClosingSection(models.Model):
    """A free-text section after the grid: 'Positive', 'Negative', 'Neutral', 'Issues'."""

    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.CASCADE, related_name="closing_sections"
    )
    title = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """Published assessments for everyone, unless they go with an exempt report or a plan
        the reader may not see; completed ones too for the council's members; drafts for
        those who edit them.

        The reports an assessment goes with are reports' to record (CommitteeReport
        .assessments): this reads that relation by name, so impact imports nothing of
        reports."""
        if user.is_authenticated and user.is_superuser:
            return self
        hidden_plans = Plan.objects.exclude(pk__in=Plan.objects.visible_to(user).values("pk"))
        exempt = Q(pk__in=self.model.objects.filter(reports__is_exempt=True).values("pk"))
        shown = Q(state=Assessment.State.PUBLISHED)
        if user.is_authenticated:
            memberships = Membership.objects.filter(user=user)
            shown |= Q(state=Assessment.State.COMPLETED, council__in=memberships.values("council"))
            editors = memberships.filter(role__in=ASSESSMENT_EDITOR_ROLES).values("council")
            return self.filter(
                Q(council__in=editors) | (shown & ~exempt & ~Q(plan__in=hidden_plans))
            )
        return self.filter(shown & ~exempt & ~Q(plan__in=hidden_plans))


class Assessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"
        PUBLISHED = "published", "Published"

    class Outcome(models.TextChoices):
        NO_MAJOR_CHANGE = "no_major_change", "No major change needed"
        ADJUST = "adjust", "Adjust the policy or decision"
        CONTINUE = "continue", "Continue despite adverse impacts"
        STOP = "stop", "Stop and remove the policy or decision"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="assessments")
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.RESTRICT, related_name="assessments"
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    committee_date = models.DateField(null=True, blank=True)
    head_of_service = models.CharField(
        max_length=200, blank=True, help_text="Job title, e.g. 'Executive head of strategy'."
    )
    report_subject = models.CharField(max_length=300)
    date_assessed = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "-committee_date", "-date_assessed", "-id"]

    def __str__(self) -> str:
        return f"{self.template.name}: {self.report_subject}"

    def get_absolute_url(self) -> str:
        return reverse("impact:assessment-detail", args=[self.council.slug, self.pk])

    @property
    def year(self) -> int | None:
        day = self.committee_date or self.date_assessed
        return day.year if day else None

    @property
    def is_editable(self) -> bool:
        return self.state != self.State.PUBLISHED

    def grid(self) -> list[tuple[Category, list[tuple[Row, Rating | None]]]]:
        """The form as filled in: each category with its rows and their ratings, in the
        template's order. Expects categories, rows and ratings prefetched."""
        answers = {rating.row_id: rating for rating in self.answers.all()}
        return [
            (category, [(row, answers.get(row.pk)) for row in category.rows.all()])
            for category in self.template.categories.all()
        ]


class Duration(models.TextChoices):
    SHORT = "short", "Short term"
    MEDIUM = "medium", "Medium term"
    LONG = "long", "Long term"


class Likelihood(models.TextChoices):
    UNLIKELY = "unlikely", "Unlikely"
    POSSIBLE = "possible", "Possible"
    LIKELY = "likely", "Likely"
    CERTAIN = "certain", "Certain"


class Rating(models.Model):
    """One row's answer: the rating ticked (or none), and the comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    row = models.ForeignKey(Row, on_delete=models.RESTRICT, related_name="answers")
    option = models.ForeignKey(
        RatingOption, on_delete=models.RESTRICT, null=True, blank=True, related_name="answers"
    )
    comment = models.TextField(blank=True)
    duration = models.CharField(max_length=10, choices=Duration.choices, blank=True)
    likelihood = models.CharField(max_length=10, choices=Likelihood.choices, blank=True)

    class Meta:
        ordering = ["assessment_id", "row__category__order", "row__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "row"], name="one_rating_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.row}: {self.option or 'not rated'}"


class ClosingAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="closing_answers"
    )
    section = models.ForeignKey(ClosingSection, on_delete=models.RESTRICT, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment_id", "section__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section"], name="one_answer_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:60]}"


class Mitigation(models.Model):
    """An action to reduce a negative impact, with who owns it (by job title) and when it is
    reviewed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="mitigations")
    action = models.TextField()
    owner = models.CharField(max_length=200, help_text="Job title.")
    review_date = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment_id", "order", "id"]

    def __str__(self) -> str:
        return self.action[:60]

    @property
    def is_due(self) -> bool:
        return bool(self.review_date and self.review_date <= datetime.date.today())

"""Committee reports: the front sheet Cabinet sees, and its appendices drawn from live plans."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Plan
from councils.models import Committee, CorporatePriority, Council, PortfolioHolder, Ward


class ReportQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> ReportQuerySet:
        return self.filter(council=council)

    def public(self) -> ReportQuerySet:
        """Exempt (private) reports never appear publicly."""
        return self.filter(is_exempt=False)

    def published_for(self, user) -> ReportQuerySet:
        """Reports this person may download as published: not exempt, published at least
        once, and drawn only from plans they may read (a members-only plan's appendix is
        not for the public, whatever the report)."""
        hidden = Plan.objects.exclude(pk__in=Plan.objects.visible_to(user).values("pk"))
        return (
            self.public()
            .filter(published__isnull=False)
            .exclude(appendices__plan__in=hidden)
            .distinct()
        )


class CommitteeReport(models.Model):
    """A report to a committee meeting, with the fields of a council's front sheet."""

    class Numbering(models.TextChoices):
        NUMBERS = "numbers", "Appendix 1, 2, 3"
        LETTERS = "letters", "Appendix A, B, C"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="reports")
    committee = models.ForeignKey(
        Committee, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    meeting_date = models.DateField()
    item_number = models.CharField(max_length=20, blank=True)
    report_of = models.CharField(
        max_length=300,
        help_text="Job title of the officer reporting, e.g. 'Executive head of strategy'.",
    )
    subject = models.CharField(max_length=300)
    purpose = models.TextField(blank=True)
    recommendations = models.TextField(blank=True, help_text="One recommendation per paragraph.")
    corporate_priorities = models.ManyToManyField(CorporatePriority, blank=True)
    financial_implications = models.TextField(blank=True)
    wards = models.ManyToManyField(Ward, blank=True)
    wards_text = models.CharField(
        "wards (as written)",
        max_length=300,
        blank=True,
        help_text="e.g. 'All wards generally and Lakenham specifically'.",
    )
    cabinet_members = models.ManyToManyField(PortfolioHolder, blank=True)
    background_documents = models.TextField(blank=True, help_text="'None' if there are none.")
    report_text = models.TextField(
        "report",
        blank=True,
        help_text="The body of the report. Leave a blank line between paragraphs: the paper "
        "numbers them 1, 2, 3.",
    )
    is_exempt = models.BooleanField(
        "exempt (private)", default=False, help_text="Exempt reports never appear on public pages."
    )
    appendix_numbering = models.CharField(
        max_length=10, choices=Numbering.choices, default=Numbering.NUMBERS
    )
    show_page_numbers = models.BooleanField(
        default=True,
        help_text="'Page n of N' in each appendix's footer. Switch off when the agenda pack is "
        "numbered as a whole.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "-meeting_date", "item_number"]

    def __str__(self) -> str:
        committee = self.committee.name if self.committee else "Committee"
        return f"{committee} {self.meeting_date:%d %B %Y}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.council.slug, self.pk])

    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.split("\n") if line.strip()]

    def paragraphs(self) -> list[str]:
        """The report's paragraphs, as numbered in the paper: blocks between blank lines."""
        text = self.report_text.replace("\r\n", "\n")
        return [block.strip() for block in text.split("\n\n") if block.strip()]

    def latest_version(self) -> int:
        return max((file.version for file in self.published.all()), default=0)


class ContactOfficer(models.Model):
    """A contact named on the front sheet by job title (names are personal data)."""

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="contacts")
    job_title = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report_id", "order", "id"]

    def __str__(self) -> str:
        return self.job_title


class Appendix(models.Model):
    """One appendix of a report, drawn from a plan as at a date."""

    class Kind(models.TextChoices):
        PLAN_PROGRESS = "plan_progress", "Plan progress (every action by workstream)"
        PROGRESS_SUMMARY = "progress_summary", "Progress summary (counts, chart, changes)"
        EXCEPTIONS = "exceptions", "Exception report (red, amber and overdue actions)"
        ACTIVITY_LIST = "activity_list", "Activity list (title, description, priority, partners)"
        IMPACT_ASSESSMENT = "impact_assessment", "Impact assessment (the council's form)"
        RECOMMENDATIONS = (
            "recommendations",
            "Executive responses to scrutiny recommendations (with progress)",
        )

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="appendices")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.PLAN_PROGRESS)
    title = models.CharField(
        max_length=300, help_text="e.g. 'Reducing Inequalities Action Plan 2015-16'."
    )
    # RESTRICT: a plan or assessment in a report cannot be deleted on its own, but its
    # council can go.
    plan = models.ForeignKey(
        Plan, on_delete=models.RESTRICT, null=True, blank=True, related_name="appendices"
    )
    as_at = models.DateField(
        null=True, blank=True, help_text="The date the appendix reports progress as at."
    )
    assessment = models.ForeignKey(
        "impact.Assessment",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="appendices",
        help_text="For an impact-assessment appendix.",
    )
    scrutiny_source = models.ForeignKey(
        "scrutiny.Source",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="appendices",
        verbose_name="scrutiny report",
        help_text="For an appendix of executive responses to recommendations.",
    )

    class Meta:
        ordering = ["report_id", "order", "id"]
        verbose_name_plural = "appendices"

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def label(self) -> str:
        if self.report.appendix_numbering == CommitteeReport.Numbering.LETTERS:
            return f"Appendix {chr(ord('A') + self.order - 1)}"
        return f"Appendix {self.order}"

    @property
    def is_landscape(self) -> bool:
        """Wide tables print on landscape pages; counts, charts and forms on portrait ones."""
        return self.kind not in (Appendix.Kind.PROGRESS_SUMMARY, Appendix.Kind.IMPACT_ASSESSMENT)

    def previous(self) -> Appendix | None:
        """The same plan's appendix in the latest earlier *published* report: what "changes
        since the last report" compares with. Drafts that never went to a meeting don't count."""
        return (
            Appendix.objects.filter(
                plan_id=self.plan_id,
                report__meeting_date__lt=self.report.meeting_date,
                report__published__isnull=False,
            )
            .distinct()
            .select_related("report__committee")
            .order_by("-report__meeting_date", "-as_at")
            .first()
        )

    @property
    def is_assessment(self) -> bool:
        return self.kind == Appendix.Kind.IMPACT_ASSESSMENT

    @property
    def is_recommendations(self) -> bool:
        return self.kind == Appendix.Kind.RECOMMENDATIONS

    def clean(self) -> None:
        errors = {}
        if self.is_recommendations:
            if not self.scrutiny_source_id:
                errors["scrutiny_source"] = "Choose the scrutiny report whose responses to include."
            elif self.report_id and self.scrutiny_source.council_id != self.report.council_id:
                errors["scrutiny_source"] = "Choose a scrutiny report of the report's council."
        elif self.is_assessment:
            if not self.assessment_id:
                errors["assessment"] = "Choose the impact assessment to include."
            elif self.report_id and self.assessment.council_id != self.report.council_id:
                errors["assessment"] = "Choose an assessment of the report's council."
        else:
            if not self.plan_id:
                errors["plan"] = "Choose the plan the appendix is drawn from."
            elif self.report_id and self.plan.council_id != self.report.council_id:
                errors["plan"] = "Choose a plan of the report's council."
            if not self.as_at:
                errors["as_at"] = "Enter the date progress is reported as at."
        if self.as_at and self.as_at > timezone.localdate():
            errors["as_at"] = "Progress can only be reported as at today or earlier."
        if errors:
            raise ValidationError(errors)


def published_path(instance: PublishedFile, filename: str) -> str:
    return (
        f"reports/{instance.report.council_id}/{instance.report_id}/v{instance.version}/{filename}"
    )


class PublishedFile(models.Model):
    """A generated document, frozen: the bytes as published, never regenerated in place."""

    class Part(models.TextChoices):
        PACK = "pack", "Whole report"
        FRONT_SHEET = "front_sheet", "Front sheet"
        APPENDIX = "appendix", "Appendix"

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="published")
    part = models.CharField(max_length=20, choices=Part.choices, default=Part.APPENDIX)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list of files.")
    appendix = models.ForeignKey(
        Appendix, on_delete=models.SET_NULL, null=True, blank=True, related_name="published"
    )
    label = models.CharField(max_length=300, help_text="As printed, e.g. 'Appendix 1: …'.")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=published_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report_id", "-version", "order", "id"]

    def __str__(self) -> str:
        return f"{self.label} (version {self.version})"

    @property
    def filename(self) -> str:
        return f"v{self.version}-{self.file.name.rsplit('/', 1)[-1]}"


class ReportBuild(models.Model):
    """One run of publishing a report, done by the background worker: what the report page
    shows while the PDFs are generated, and what went wrong if they could not be."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Generating"
        DONE = "done", "Published"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="builds")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    steps_total = models.PositiveSmallIntegerField(default=0)
    steps_done = models.PositiveSmallIntegerField(default=0)
    step_label = models.CharField(max_length=300, blank=True, help_text="What is being made now.")
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Set when published.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report} – {self.get_state_display()}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

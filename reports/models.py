"""Committee reports: the front sheet Cabinet sees, and its appendices drawn from live plans."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Plan
from councils.models import Committee, CorporatePriority, Council, Membership, PortfolioHolder, Ward
from councils.rules import REPORT_ROLES


class ReportQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> ReportQuerySet:
        return self.filter(council=council)

    def with_public_papers(self) -> ReportQuerySet:
        """Reports with at least one version anyone may download (Publication.objects.public)."""
        return self.filter(pk__in=Publication.objects.public().values("report"))

    def visible_to(self, user) -> ReportQuerySet:
        """Reports this person may open: those who prepare a council's reports open all of
        them (the report page); everyone else only reports published as public papers."""
        if user.is_authenticated and user.is_superuser:
            return self
        papers = Q(pk__in=Publication.objects.public().values("report"))
        if not user.is_authenticated:
            return self.filter(papers)
        prepares = Membership.objects.filter(user=user, role__in=REPORT_ROLES).values("council")
        return self.filter(papers | Q(council__in=prepares))


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
    assessments = models.ManyToManyField(
        "impact.Assessment",
        blank=True,
        related_name="reports",
        verbose_name="impact assessments",
        help_text="The impact assessments of the decision this report asks for. An assessment "
        "of an exempt report is never public.",
    )
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

    def clean(self) -> None:
        if not self.is_exempt and self.pk:
            private = self.appendices.filter(plan__visibility=Plan.Visibility.PRIVATE)
            if private.exists():
                first = private.select_related("plan", "report").first()
                raise ValidationError(
                    {
                        "is_exempt": f"{first.label} shows the private plan “{first.plan}”: a "
                        "report with a private plan must stay exempt. Remove that appendix "
                        "first."
                    }
                )


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
            elif (
                self.report_id
                and self.plan.visibility == Plan.Visibility.PRIVATE
                and not self.report.is_exempt
            ):
                errors["plan"] = (
                    f"“{self.plan}” is a private plan: it can only be in an exempt (Part B) "
                    "report. Mark the report exempt, or choose another plan."
                )
            if not self.as_at:
                errors["as_at"] = "Enter the date progress is reported as at."
        if self.as_at and self.as_at > timezone.localdate():
            errors["as_at"] = "Progress can only be reported as at today or earlier."
        if errors:
            raise ValidationError(errors)


class PublicationQuerySet(models.QuerySet):
    def public(self) -> PublicationQuerySet:
        """Versions anyone may download, the one rule for every public route to a paper:
        published while the report was not exempt, drawing only on plans, assessments and
        registers that were public then; and the report still not exempt, and each of those
        still public now. A version published before this was recorded is not public."""
        anyone = AnonymousUser()
        from impact.models import Assessment
        from scrutiny.models import Source

        still_public = (
            Q(kind=PublicationSource.Kind.PLAN, plan__in=Plan.objects.visible_to(anyone))
            | Q(
                kind=PublicationSource.Kind.ASSESSMENT,
                assessment__in=Assessment.objects.visible_to(anyone),
            )
            | Q(
                kind=PublicationSource.Kind.REGISTER,
                scrutiny_source__in=Source.objects.visible_to(anyone),
            )
        )
        not_public = PublicationSource.objects.filter(publication=OuterRef("pk")).filter(
            Q(was_public=False) | ~still_public
        )
        return self.filter(was_exempt=False, report__is_exempt=False).exclude(Exists(not_public))


class Publication(models.Model):
    """One published version of a report and what it was published as: whether the report
    was exempt at that moment, and what its appendices drew on (PublicationSource), each
    public or not then. The public papers read this, not the report as it is now."""

    report = models.ForeignKey(
        CommitteeReport, on_delete=models.CASCADE, related_name="publications"
    )
    version = models.PositiveIntegerField()
    was_exempt = models.BooleanField(
        null=True, help_text="Exempt when published; unknown for versions published before 2026-12."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="publication_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} (version {self.version})"

    def reasons_not_public(
        self, report_is_exempt: bool, public_now: dict[str, set[int]]
    ) -> list[str]:
        """Why this version is not on the public papers page, in words for democratic
        services; empty when it is. `public_now` holds the ids of the plans, assessments and
        registers public now (public_now_ids()). Publication.objects.public() is the rule;
        this explains it, and a test holds the two together."""
        reasons = []
        if self.was_exempt is None:
            reasons.append(
                "It was published before the product recorded what each version was "
                "published as. Publish a new version to put it on the public papers page."
            )
        elif self.was_exempt:
            reasons.append("It was published while the report was exempt.")
        if report_is_exempt:
            reasons.append("The report is exempt now.")
        for source in self.sources.all():
            if not source.was_public:
                reasons.append(f"{source.get_kind_display()} “{source.title}” was not public then.")
            elif source.object_id not in public_now[source.kind]:
                reasons.append(f"{source.get_kind_display()} “{source.title}” is not public now.")
        return reasons


def public_now_ids() -> dict[str, set[int]]:
    """The ids of the plans, assessments and registers anyone may read now."""
    from impact.models import Assessment
    from scrutiny.models import Source

    anyone = AnonymousUser()
    return {
        PublicationSource.Kind.PLAN: set(
            Plan.objects.visible_to(anyone).values_list("pk", flat=True)
        ),
        PublicationSource.Kind.ASSESSMENT: set(
            Assessment.objects.visible_to(anyone).values_list("pk", flat=True)
        ),
        PublicationSource.Kind.REGISTER: set(
            Source.objects.visible_to(anyone).values_list("pk", flat=True)
        ),
    }


class PublicationSource(models.Model):
    """Something a published version's appendices showed, and whether anyone could read it
    when the version was published."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        ASSESSMENT = "assessment", "Impact assessment"
        REGISTER = "register", "Scrutiny register"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # SET_NULL: a source deleted later leaves its record, and the version stops being public.
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        "impact.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scrutiny_source = models.ForeignKey(
        "scrutiny.Source", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300, help_text="As it was called when published.")
    was_public = models.BooleanField()

    class Meta:
        ordering = ["publication_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def object_id(self) -> int | None:
        return {
            self.Kind.PLAN: self.plan_id,
            self.Kind.ASSESSMENT: self.assessment_id,
            self.Kind.REGISTER: self.scrutiny_source_id,
        }[self.kind]


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
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    part = models.CharField(max_length=20, choices=Part.choices, default=Part.APPENDIX)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list of files.")
    appendix = models.ForeignKey(
        Appendix, on_delete=models.SET_NULL, null=True, blank=True, related_name="published"
    )
    label = models.CharField(max_length=300, help_text="As printed, e.g. 'Appendix 1: …'.")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=published_path)
    sha256 = models.CharField(max_length=64)
    # The same paper as a Word document, made from the same HTML (reports.wordpapers), for
    # councils' committee systems; empty for versions published before Word papers.
    word = models.FileField(upload_to=published_path, blank=True)
    word_sha256 = models.CharField(max_length=64, blank=True)
    word_size = models.PositiveIntegerField(null=True, blank=True)
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

    @property
    def word_filename(self) -> str:
        return f"v{self.version}-{self.word.name.rsplit('/', 1)[-1]}"


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
    worker = models.CharField(
        max_length=300, blank=True, help_text="The worker process making it: host and process id."
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker last said it was still working on it."
    )
    worker_lost = models.BooleanField(
        default=False,
        help_text="Failed because the worker stopped (killed, or its machine restarted).",
    )
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
    def storage_failed(self) -> bool:
        """It failed because file storage did not take the papers (services.StorageFailed)."""
        return self.error.startswith("StorageFailed")

    @property
    def failure_message(self) -> str:
        """What went wrong, in words for democratic services."""
        if self.worker_lost:
            return (
                f"The worker making the documents stopped before it finished ({self.steps_done} "
                f"of {self.steps_total} done), so nothing was published. Publish again."
            )
        if self.storage_failed:
            return (
                "The file storage the papers are kept in did not answer, so nothing was "
                "published. Try again shortly."
            )
        return "The documents could not be generated, so nothing was published."

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

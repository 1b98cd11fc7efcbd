"""Scrutiny recommendations and the executive's responses, tracked through to the actions
that deliver them.

A scrutiny panel or committee reports (a *source*) with numbered recommendations, parts
kept as printed (10a, 10b...). The executive answers each with a word from the council's
vocabulary (by default Agreed / In part / Not agreed / Not stated) and a comment, normally
within two months; accepted ones link to actions in plans, whose progress becomes theirs."""

from __future__ import annotations

import calendar
import datetime
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from actionplans.models import Action
from councils.models import Committee, Council, Membership, PortfolioHolder


class Meaning(models.TextChoices):
    AGREED = "agreed", "Agreed"
    IN_PART = "in_part", "In part"
    NOT_AGREED = "not_agreed", "Not agreed"
    NOT_STATED = "not_stated", "Not stated"


ACCEPTED = (Meaning.AGREED, Meaning.IN_PART)
DEFAULT_RESPONSES = [(m.label, m.value) for m in Meaning]


class ResponseOption(models.Model):
    """A council's word for a response, and what it means."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="response_options")
    label = models.CharField(max_length=60, help_text="As the council writes it, e.g. 'Accepted'.")
    meaning = models.CharField(max_length=20, choices=Meaning.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["council_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("label"), "council", name="unique_response_word"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_accepted(self) -> bool:
        return self.meaning in ACCEPTED

    @classmethod
    def for_council(cls, council: Council) -> list[ResponseOption]:
        """The council's vocabulary, created with the defaults the first time it is needed."""
        options = list(cls.objects.filter(council=council))
        if not options:
            cls.objects.bulk_create(
                cls(council=council, label=label, meaning=meaning, order=i)
                for i, (label, meaning) in enumerate(DEFAULT_RESPONSES)
            )
            options = list(cls.objects.filter(council=council))
        return options


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class SourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> SourceQuerySet:
        """Published registers for everyone; unpublished ones for the council's members."""
        if user.is_authenticated and user.is_superuser:
            return self
        published = Q(is_published=True)
        if not user.is_authenticated:
            return self.filter(published)
        councils = Membership.objects.filter(user=user).values("council")
        return self.filter(published | Q(council__in=councils))


class Source(models.Model):
    """A scrutiny report: who made the recommendations, in what report, and when."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="scrutiny_sources")
    committee = models.ForeignKey(
        Committee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scrutiny_sources",
        help_text="The panel or committee that made the recommendations.",
    )
    body = models.CharField(
        "panel or committee (as written)",
        max_length=200,
        blank=True,
        help_text="e.g. 'Welfare Reforms Scrutiny Inquiry panel', if not one of the committees.",
    )
    title = models.CharField("report title", max_length=300)
    date = models.DateField("report date")
    response_due = models.DateField(
        blank=True, help_text="When the executive's responses are due: two months after by default."
    )
    is_published = models.BooleanField(
        "published register",
        default=False,
        help_text="Show the recommendations and responses to the public.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "-date", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.body_name}, {self.date:%-d %B %Y})"

    def save(self, *args, **kwargs) -> None:
        if not self.response_due and self.date:
            self.response_due = add_months(self.date, 2)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:source-detail", args=[self.council.slug, self.pk])

    @property
    def body_name(self) -> str:
        return self.committee.name if self.committee else (self.body or "Scrutiny")


_PART = re.compile(r"(\d+)|([A-Za-z]+)")


def sort_key(reference: str) -> str:
    """A key that sorts references naturally: 1, 2, 9, 10a, 10b, 11, 12a, 12(i)."""
    parts = []
    for number, letters in _PART.findall(reference):
        parts.append(f"{int(number):06d}" if number else letters.lower().ljust(6, " "))
    return ".".join(parts) or "~"


class Implementation(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_IMPLEMENTED = "not_implemented", "Will not be implemented"


class Recommendation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(max_length=20, help_text="As printed: '10a'.")
    sort_key = models.CharField(max_length=100, editable=False, db_index=True)
    text = models.TextField()
    response = models.ForeignKey(
        ResponseOption,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    response_comment = models.TextField("comment", blank=True)
    portfolio_holder = models.ForeignKey(
        PortfolioHolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="The cabinet member responsible.",
    )
    responsible_officer = models.CharField(
        max_length=200, blank=True, help_text="Job title of the officer responsible."
    )
    response_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(
        "response due", null=True, blank=True, help_text="Defaults to the report's due date."
    )
    implementation = models.CharField(
        "implementation status",
        max_length=20,
        choices=Implementation.choices,
        default=Implementation.NOT_STARTED,
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["source_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="unique_reference")
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.text[:80]}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = sort_key(self.reference)
        if not self.due_date and self.source_id:
            self.due_date = self.source.response_due
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:recommendation-detail", args=[self.source.council.slug, self.pk])

    @property
    def is_accepted(self) -> bool:
        return bool(self.response and self.response.is_accepted)

    def is_overdue(self, today: datetime.date) -> bool:
        """No response yet (or only 'Not stated') after the date one was due."""
        unanswered = self.response is None or self.response.meaning == Meaning.NOT_STATED
        return unanswered and bool(self.due_date and self.due_date < today)

"""Councils and everything a council configures: its structure, its people's roles and its
status vocabulary. Nothing here knows about plans."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white text on a #rrggbb background."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class User(AbstractUser):
    """A person who signs in. Officers are shown by job title unless their council allows names."""

    job_title = models.CharField(max_length=200, blank=True)

    def display_name(self) -> str:
        return self.job_title or self.get_full_name() or self.username


class Council(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", "District council"
        CITY = "city", "City council"
        BOROUGH = "borough", "Borough council"
        COUNTY = "county", "County council"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN = "metropolitan", "Metropolitan borough council"
        LONDON_BOROUGH = "london_borough", "London borough council"
        COMBINED = "combined", "Combined authority"
        TOWN_PARISH = "town_parish", "Town or parish council"
        OTHER = "other", "Other public body"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    financial_year_start_month = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Month the financial year starts (4 = April, as for English councils).",
    )
    show_officer_names = models.BooleanField(
        default=False,
        help_text="Officer names are personal data: leave off to show job titles only.",
    )
    website = models.URLField(blank=True)
    brand_colour = models.CharField(
        max_length=7,
        default="#1d5c63",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits.")
        ],
        help_text="Header colour, e.g. #1d5c63. White text must be readable on it (4.5:1).",
    )
    overdue_reminder_days = models.PositiveSmallIntegerField(
        "days between reminders of an overdue update",
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Once a quarter's update window has closed, officers are reminded this often.",
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        "copy reminders to plan managers after (days)",
        default=14,
        help_text="Days after the window closed from which each reminder is copied to the "
        "council's plan managers.",
    )
    content_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Goes up whenever anything the public pages show changes: their cache key.",
    )
    # The council's own words in its accessibility statement and privacy notice; empty
    # shows the model wording (templates/councils/). Paragraphs are split on blank lines.
    accessibility_contact = models.TextField(
        "accessibility statement: contact details and your own paragraphs",
        blank=True,
        help_text="How to ask for an accessible format or report a problem (email, phone, "
        "address), how soon you reply, and anything else you want to say, such as an audit "
        "you had done. Leave empty for the model wording, which sends people to your website. "
        "Separate paragraphs with a blank line; web and email addresses become links.",
    )
    accessibility_reviewed_on = models.DateField(
        "accessibility statement last reviewed on",
        null=True,
        blank=True,
        help_text="The day you last checked the statement. Empty: the date the software's "
        "statement was prepared.",
    )
    privacy_contact = models.TextField(
        "privacy notice: contact details and your own paragraphs",
        blank=True,
        help_text="The council's and its data protection officer's contact details, your ICO "
        "registration number, how long your own policy keeps records, a link to your main "
        "privacy notice. Leave empty for the model wording, which sends people to your "
        "website. Separate paragraphs with a blank line; web and email addresses become links.",
    )
    privacy_reviewed_on = models.DateField(
        "privacy notice last reviewed on",
        null=True,
        blank=True,
        help_text="The day you last checked the notice. Empty: the date the software's notice "
        "was prepared.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actionplans:council-detail", args=[self.slug])

    def clean(self) -> None:
        if re.fullmatch(r"#[0-9a-fA-F]{6}", self.brand_colour or ""):
            ratio = contrast_with_white(self.brand_colour)
            if ratio < 4.5:
                raise ValidationError(
                    {
                        "brand_colour": f"White text on {self.brand_colour} has a contrast of "
                        f"{ratio:.1f}:1; choose a darker colour (4.5:1 or more)."
                    }
                )


class CouncilScopedQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> CouncilScopedQuerySet:
        return self.filter(council=council)


class CouncilList(models.Model):
    """One entry of a list a council keeps (departments, wards, partners, committees): named
    uniquely within its council, whatever the capitalisation."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="%(class)ss")
    name = models.CharField(max_length=200)

    objects = CouncilScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "council", Lower("name"), name="%(class)s_name_unique_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(CouncilList):
    """A department, directorate, service or team that can lead actions."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The directorate this service sits in, if any.",
    )


class Ward(CouncilList):
    code = models.CharField(
        max_length=9, blank=True, help_text="ONS/GSS ward code, e.g. E05005795."
    )


class Partner(CouncilList):
    """An organisation outside the council that works on actions: NHS, voluntary sector, firms."""

    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        HEALTH = "health", "Health and care"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        BUSINESS = "business", "Business"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    website = models.URLField(blank=True)


class Committee(CouncilList):
    class Kind(models.TextChoices):
        CABINET = "cabinet", "Cabinet or executive"
        COUNCIL = "council", "Full council"
        SCRUTINY = "scrutiny", "Scrutiny committee or panel"
        BOARD = "board", "Board or partnership"
        REGULATORY = "regulatory", "Regulatory committee"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)


class PortfolioHolder(models.Model):
    """A cabinet member's role. The councillor's name is optional: the role is what lasts."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="portfolio_holders")
    title = models.CharField(
        max_length=200, help_text="The role, e.g. 'Cabinet member for fairness and equality'."
    )
    portfolio = models.CharField(max_length=200, help_text="e.g. 'Fairness and equality'.")
    councillor_name = models.CharField(max_length=200, blank=True)

    objects = CouncilScopedQuerySet.as_manager()

    class Meta:
        ordering = ["portfolio"]
        constraints = [
            models.UniqueConstraint(
                "council", Lower("title"), name="portfolio_title_unique_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CorporatePriority(models.Model):
    """A priority of the council's corporate plan, such as "A fair city"."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="corporate_priorities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CouncilScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "corporate priorities"
        constraints = [
            models.UniqueConstraint(
                "council", Lower("title"), name="priority_title_unique_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Rag(models.TextChoices):
    """The colour a status word maps to. Blue means complete; grey means not started or closed."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"


class StatusGroup(models.TextChoices):
    """What a status word means, whatever the council calls it: the groups every count,
    headline and filter uses. Defined once, by STATUS_GROUP_RULES."""

    COMPLETE = "complete", "Complete"
    ON_TARGET = "on_target", "On target"
    BEHIND = "behind", "Behind schedule"
    NOT_STARTED = "not_started", "Not started"
    CLOSED = "closed", "Closed or on hold"
    NO_STATUS = "no_status", "No status reported"


# A status is in the first group whose conditions it meets, else on target. The read model
# (actionplans.state) builds its SQL from this same list, so the database and Status.group
# can never disagree. Conditions: field=value, or field__in=[values].
STATUS_GROUP_RULES: list[tuple[str, dict]] = [
    (StatusGroup.COMPLETE, {"is_complete": True}),
    (StatusGroup.CLOSED, {"is_closed": True}),
    (StatusGroup.BEHIND, {"rag__in": [Rag.AMBER, Rag.RED]}),
    (StatusGroup.NOT_STARTED, {"is_started": False}),
]


def status_group(fields: dict | None) -> str:
    """The group of a status given its fields (None: no status reported)."""
    if fields is None:
        return StatusGroup.NO_STATUS
    for group, conditions in STATUS_GROUP_RULES:
        if all(
            fields[name.removesuffix("__in")] in value
            if name.endswith("__in")
            else fields[name] == value
            for name, value in conditions.items()
        ):
            return group
    return StatusGroup.ON_TARGET


class StatusQuerySet(CouncilScopedQuerySet):
    def complete(self) -> StatusQuerySet:
        return self.filter(is_complete=True)


class Status(models.Model):
    """One word of a council's status vocabulary ("On target", "Behind schedule", "G")."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="statuses")
    label = models.CharField(max_length=100)
    rag = models.CharField("RAG colour", max_length=10, choices=Rag.choices)
    is_started = models.BooleanField(
        default=True, help_text="Work has begun (false for 'Yet to start', 'Not started')."
    )
    is_complete = models.BooleanField(default=False, help_text="The action is done.")
    is_closed = models.BooleanField(
        default=False,
        help_text="No further work: complete, dropped or withdrawn. Never overdue.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    default_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Suggested % complete when this status is chosen, e.g. 100 for Complete.",
    )
    description = models.CharField(max_length=300, blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["order", "label"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(
                "council", Lower("label"), name="status_label_unique_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        # Complete always implies closed and started, so queries need check one flag only.
        if self.is_complete:
            self.is_closed = True
            self.is_started = True
        super().save(*args, **kwargs)

    @property
    def group(self) -> str:
        return status_group(
            {
                "is_complete": self.is_complete,
                "is_closed": self.is_closed,
                "rag": self.rag,
                "is_started": self.is_started,
            }
        )


class Membership(models.Model):
    """A user's role in one council. A person may hold roles in several councils."""

    class Role(models.TextChoices):
        MEMBER = "member", "Councillor (member)"
        OFFICER = "officer", "Officer"
        PLAN_MANAGER = "plan_manager", "Plan manager"
        DEMOCRATIC_SERVICES = "democratic_services", "Democratic services"
        COUNCIL_ADMIN = "council_admin", "Council administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="For officers: the department whose actions they update.",
    )
    # A councillor's place in the council: what their home page shows.
    wards = models.ManyToManyField(
        Ward, blank=True, related_name="councillors", help_text="For councillors: their wards."
    )
    portfolio = models.ForeignKey(
        PortfolioHolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="For a cabinet member: the portfolio they hold.",
    )
    committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="members",
        help_text="For councillors: the committees and panels they sit on.",
    )

    objects = CouncilScopedQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.council}"


class ThrottleEvent(models.Model):
    """One request counted against a limit (a password-reset request, by client address and
    by email address). Kept in the database, so the limit holds across every process and
    machine; the key is a hash, never the address itself."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} at {self.created_at:%Y-%m-%d %H:%M}"

"""Plans, their workstreams, actions and measures, and the progress reported against them."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import (
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplans.deadlines import ParsedDeadline, Precision, parse_deadline
from actionplans.financial_calendar import Quarter, UpdateWindow, financial_year_label
from councils.models import (
    STATUS_GROUP_RULES,
    Committee,
    CorporatePriority,
    Council,
    Department,
    Membership,
    Partner,
    PortfolioHolder,
    Status,
    StatusGroup,
    Ward,
)
from councils.rules import PLAN_EDITOR_ROLES, PLAN_READER_ROLES

# Published and public: what anyone may read. Plan.is_public says the same of one plan.
_PUBLIC = Q(lifecycle__in=["approved", "archived"], visibility="public")


class PlanQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> PlanQuerySet:
        return self.filter(council=council)

    def published(self) -> PlanQuerySet:
        return self.filter(lifecycle__in=[Plan.Lifecycle.APPROVED, Plan.Lifecycle.ARCHIVED])

    def public(self) -> PlanQuerySet:
        """Plans anyone may read, signed in or not: published and public."""
        return self.filter(_PUBLIC)

    def visible_to(self, user) -> PlanQuerySet:
        """Plans this user may read: the public sees published public plans; council members
        also see members-only plans; plan editors and democratic services see all of their
        council's plans (councils.rules.PLAN_READER_ROLES). Every page, chooser and export
        that shows a plan starts from here."""
        if user.is_authenticated and user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.public()
        memberships = Membership.objects.filter(user=user)
        member_of = memberships.values("council")
        edits = memberships.filter(role__in=PLAN_READER_ROLES).values("council")
        published_members = Q(
            council__in=member_of,
            lifecycle__in=[Plan.Lifecycle.APPROVED, Plan.Lifecycle.ARCHIVED],
            visibility=Plan.Visibility.MEMBERS,
        )
        return self.filter(_PUBLIC | published_members | Q(council__in=edits))


class Plan(models.Model):
    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", "Action plan"
        STRATEGY = "strategy", "Strategy"
        PROGRAMME = "programme", "Programme"
        PILOT = "pilot", "Pilot"

    class Lifecycle(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ARCHIVED = "archived", "Archived"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Councillors and officers"
        PRIVATE = "private", "Private (plan editors only)"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACTION_PLAN)
    summary = models.TextField(blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    approved_by = models.ForeignKey(
        Committee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_plans",
        verbose_name="approving committee",
    )
    approved_on = models.DateField("approval date", null=True, blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans_led"
    )
    lead_officer_title = models.CharField(max_length=200, blank=True)
    corporate_priorities = models.ManyToManyField(
        CorporatePriority, blank=True, related_name="plans"
    )
    portfolio_holders = models.ManyToManyField(PortfolioHolder, blank=True, related_name="plans")
    workstream_label = models.CharField(
        max_length=50,
        default="Workstream",
        help_text="What this plan calls its groups: Workstream, Theme, Objective, Priority.",
    )
    requires_approval = models.BooleanField(
        default=False,
        help_text="Officers' updates wait for a plan manager's approval before others see them.",
    )
    update_window_opens = models.PositiveSmallIntegerField(
        default=14, help_text="Days before a quarter ends that its updates open."
    )
    update_window_closes = models.PositiveSmallIntegerField(
        default=21, help_text="Days after a quarter ends that its updates are due."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Each entry keeps the plan's priorities and portfolio holders as they were then.
    history = HistoricalRecords(m2m_fields=[corporate_priorities, portfolio_holders])
    objects = PlanQuerySet.as_manager()

    class Meta:
        # Ordering by a foreign key's _id column, not the relation: Django would otherwise
        # join the related table to sort by its own ordering (here and on the models below).
        ordering = ["council_id", "-period_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="plan_slug_unique_per_council")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan-detail", args=[self.council.slug, self.slug])

    @property
    def is_public(self) -> bool:
        """Readable by anyone: published (approved or archived) and public."""
        return (
            self.lifecycle in (Plan.Lifecycle.APPROVED, Plan.Lifecycle.ARCHIVED)
            and self.visibility == Plan.Visibility.PUBLIC
        )

    def clean(self) -> None:
        if self.pk and not self.requires_approval:
            # Switching approval off would publish the waiting updates unreviewed, or strand
            # them: the plan manager decides each one first. The switch itself is recorded
            # in the plan's history (who and when).
            was_required = (
                Plan.objects.filter(pk=self.pk).values_list("requires_approval", flat=True).first()
            )
            waiting = ProgressUpdate.objects.awaiting_approval().filter(action__plan=self).count()
            if was_required and waiting:
                raise ValidationError(
                    {
                        "requires_approval": f"{waiting} update{'s are' if waiting > 1 else ' is'} "
                        "waiting for approval on this plan. Approve or return "
                        f"{'each one' if waiting > 1 else 'it'} on the approvals page first, "
                        "then switch approval off."
                    }
                )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})
        if (
            self.approved_by_id
            and self.council_id
            and self.approved_by.council_id != self.council_id
        ):
            raise ValidationError({"approved_by": "Choose a committee of this plan's council."})

    @property
    def is_published(self) -> bool:
        return self.lifecycle in (self.Lifecycle.APPROVED, self.Lifecycle.ARCHIVED)

    @property
    def update_window(self) -> UpdateWindow:
        """When officers report on each quarter of this plan."""
        return UpdateWindow(self.update_window_opens, self.update_window_closes)

    def quarter_being_reported(self, day: datetime.date) -> Quarter | None:
        """The quarter whose update window is open on `day`, if any."""
        return self.update_window.open_quarter(day, self.council.financial_year_start_month)

    def opens_as_at(
        self, today: datetime.date, latest_report: datetime.date | None = ...
    ) -> datetime.date:
        """The day the plan's page shows progress as at: today, or for a plan whose period
        has ended, the end of its last quarter, or of the quarter of its latest approved
        report if that came later (a finished plan is not a page of red, and a report made
        since still shows). `latest_report` saves the query when the caller knows it."""
        if not self.period_end or self.period_end >= today:
            return today
        fy_start = self.council.financial_year_start_month
        if latest_report is ...:
            latest_report = ProgressUpdate.objects.filter(
                action__plan=self, state=ProgressUpdate.State.APPROVED
            ).aggregate(latest=models.Max("reported_on"))["latest"]
        day = Quarter.containing(self.period_end, fy_start).end
        if latest_report is not None:
            day = max(day, Quarter.containing(latest_report, fy_start).end)
        return min(day, today)

    def quarter_update_expected(self, day: datetime.date) -> Quarter | None:
        """The quarter whose update is overdue on `day` if an action has none: the latest
        quarter whose window had closed, within the plan's period. None if that quarter
        ended before the plan began (nothing was due yet)."""
        fy_start = self.council.financial_year_start_month
        quarter = self.update_window.last_closed_quarter(day, fy_start)
        if self.period_end and quarter.start > self.period_end:
            quarter = Quarter.containing(self.period_end, fy_start)
            if self.update_window.closes(quarter) >= day:
                quarter = quarter.previous()
        began = self.approved_on or self.period_start
        if began and quarter.end < began:
            return None
        return quarter

    def period_display(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start:%B %Y} to {self.period_end:%B %Y}"
        if self.period_start:
            return f"From {self.period_start:%B %Y}"
        if self.period_end:
            return f"Until {self.period_end:%B %Y}"
        return ""


class BudgetLine(models.Model):
    """Money allocated to a plan for one financial year, e.g. £300,000 for 2021/22."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2021 for 2021/22."
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="The fund or budget, e.g. 'Preventing Vulnerability fund'.",
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "financial_year", "source"]

    def __str__(self) -> str:
        return f"{self.financial_year_label}: £{self.amount:,.0f}"

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)


class Workstream(models.Model):
    """A group of actions: workstream, theme, objective or priority. Workstreams may nest one
    level deep, so "strand > objective" and "priority > theme" plans fit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    reference = models.CharField(max_length=50, blank=True, help_text="e.g. 'Objective 1'.")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(
        default=0, help_text="Position in the whole plan as printed, nested workstreams included."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def clean(self) -> None:
        if self.parent_id:
            if self.parent.plan_id != self.plan_id:
                raise ValidationError({"parent": "The parent must belong to the same plan."})
            if self.parent.parent_id:
                raise ValidationError({"parent": "Workstreams nest one level deep only."})


class ActionQuerySet(models.QuerySet):
    def for_council(self, council: Council) -> ActionQuerySet:
        return self.filter(plan__council=council)

    def visible_to(self, user) -> ActionQuerySet:
        return self.filter(plan__in=Plan.objects.visible_to(user))

    def led_by(self, user) -> ActionQuerySet:
        """Actions this person leads: an officer's department is a lead, or it is assigned to
        them as an officer of that council. The list "My actions" shows."""
        if not user.is_authenticated:
            return self.none()
        officer = Membership.objects.filter(user=user, role=Membership.Role.OFFICER)
        # One set of ids (the union of two small subqueries) rather than joins or an OR: no
        # duplicates to remove, and PostgreSQL reads only those actions, through the primary
        # key, however many actions the database holds.
        led = ActionLead.objects.filter(
            department__in=officer.exclude(department=None).values("department")
        ).values("action_id")
        assigned = Action.assignees.through.objects.filter(
            user=user, action__plan__council__in=officer.values("council")
        ).values("action_id")
        return self.filter(pk__in=led.order_by().union(assigned.order_by()))

    def updatable_by(self, user) -> ActionQuerySet:
        """Actions this person may record progress on; agrees with actionplans.update_action."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        editors = Membership.objects.filter(user=user, role__in=PLAN_EDITOR_ROLES)
        return self.filter(
            Q(plan__council__in=editors.values("council"))
            | Q(pk__in=self.led_by(user).values("pk"))
        )

    def linked_to(self, relation: str, obj) -> ActionQuerySet:
        """Actions linked to `obj` through a many-to-many `relation` ("lead_departments",
        "wards", "partners"), as a subquery: no join, so each action comes once and a list
        needs no DISTINCT, which would make the database work out every action's state
        before it could page or count them. The subquery reads the link table alone: joining
        it back to the actions looked each linked action up twice."""
        field = Action._meta.get_field(relation)
        links = field.remote_field.through.objects.filter(**{field.m2m_reverse_field_name(): obj})
        return self.filter(pk__in=links.values(field.m2m_field_name()))

    def with_state(self, day: datetime.date) -> ActionQuerySet:
        """The one read model of actions' state: each action annotated with what was true of
        it on `day`, from the approved update history alone. actionplans.state.ActionState
        reads these annotations; nothing else works state out. One query, any number of
        actions.

        - state_status_id, state_percent, state_commentary, state_reported_on,
          state_reported_by: the latest approved update reported on or before `day`;
        - state_group: its status's StatusGroup (councils.models.STATUS_GROUP_RULES);
        - state_deadline_date/_precision: the deadline as it stood on `day` (a revision
          counts from the update that made it), state_deadline_revised;
        - state_is_overdue: past that deadline on `day` and not complete or closed, whatever
          the status word says (ongoing and undated deadlines never are);
        - state_headline: the group a headline counts it in: "overdue" first, else its group;
        - state_status_order and state_rag (its status's order and RAG colour), for sorting
          and filtering: aliases, like state_headline, not read into rows;
        - state_last_period_end: the end of the latest quarter it had an update (approved
          or waiting) for, by `day`: what "update overdue" is judged from.

        The definition is _state_by_orm below. Its SQL is compiled once a day and database
        (compiled_state) and each column reads it from there (StateColumn): building and
        compiling two dozen subqueries cost more than running them, on every page."""
        fields = state_fields()
        columns = {name: StateColumn(name, day, field) for name, (field, _) in fields.items()}
        queryset = self.alias(
            **{name: column for name, column in columns.items() if not fields[name][1]}
        ).annotate(**{name: column for name, column in columns.items() if fields[name][1]})
        # The compiled subqueries name their tables with this prefix: Django must not give
        # it to this query's own tables if it becomes a subquery of another.
        queryset.query.subq_aliases = queryset.query.subq_aliases | {STATE_ALIAS_PREFIX}
        return queryset

    def _state_by_orm(self, day: datetime.date) -> ActionQuerySet:
        """with_state's columns as Django expressions: the definition of an action's state."""
        approved = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), state=ProgressUpdate.State.APPROVED
        )
        latest = approved.filter(reported_on__lte=day).order_by("-reported_on", "-created_at")
        revision = latest.exclude(revised_deadline_text="")
        later_revision = approved.filter(reported_on__gt=day).exclude(revised_deadline_text="")
        reported = (
            ProgressUpdate.objects.filter(
                action=OuterRef("pk"),
                state__in=[ProgressUpdate.State.APPROVED, ProgressUpdate.State.SUBMITTED],
                reported_on__lte=day,
            )
            .order_by("-period_end")
            .values("period_end")[:1]
        )

        # An update's status group: STATUS_GROUP_RULES on its status's fields.
        group = Case(
            When(status__isnull=True, then=Value(StatusGroup.NO_STATUS)),
            *(
                When(Q(**{f"status__{k}": v for k, v in conditions.items()}), then=Value(name))
                for name, conditions in STATUS_GROUP_RULES
            ),
            default=Value(StatusGroup.ON_TARGET),
            output_field=models.CharField(),
        )

        def latest_value(name: str):
            return Subquery(latest.values(name)[:1])

        # What only filters and sorts use is an alias: it is SQL only where a filter or an
        # ordering names it, not a column (and subquery) of every query that reads states.
        queryset = self.alias(
            state_status_order=latest_value("status__order"),
            state_rag=latest_value("status__rag"),
            state_revision_date=Subquery(revision.values("revised_deadline_date")[:1]),
            state_revision_precision=Subquery(revision.values("revised_deadline_precision")[:1]),
        ).annotate(
            state_status_id=latest_value("status_id"),
            state_percent=latest_value("percent_complete"),
            state_commentary=latest_value("commentary"),
            state_reported_on=latest_value("reported_on"),
            state_reported_by=latest_value("author_title"),
            # The status group, worked out inside one subquery on the latest update's
            # status: each use of state_group below repeats it as SQL, and one subquery per
            # use (not one per status field per rule) halved the query's cost.
            state_group=Coalesce(
                Subquery(latest.annotate(group=group).values("group")[:1]),
                Value(StatusGroup.NO_STATUS),
            ),
            state_revision=Subquery(revision.values("revised_deadline_text")[:1]),
            state_later_revision=Exists(later_revision),
            state_last_period_end=Subquery(reported),
        )
        deadline = {}
        for name, baseline in (
            ("date", "baseline_deadline_date"),
            ("precision", "baseline_deadline_precision"),
        ):
            deadline[f"state_deadline_{name}"] = Case(
                # No revision after the day: the deadline as it stands.
                When(state_later_revision=False, then=F(f"deadline_{name}")),
                # Revised by then, and again later: as that revision had it.
                When(state_revision__isnull=False, then=F(f"state_revision_{name}")),
                # Revised only later: the deadline the plan was approved with.
                default=F(baseline),
            )
        queryset = queryset.annotate(
            **deadline, state_deadline_revised=Q(state_revision__isnull=False)
        )
        overdue = (
            Q(state_deadline_date__lt=day)
            & ~Q(state_deadline_precision__in=[Precision.ONGOING.value, Precision.NONE.value])
            & ~Q(state_group__in=[StatusGroup.COMPLETE, StatusGroup.CLOSED])
        )
        # state_headline is an alias: rows never need it (ActionState.headline_group reads
        # state_is_overdue and state_group), and selecting it repeated both as SQL. Counts
        # by headline group select it through annotate(headline=F("state_headline")).
        return queryset.annotate(
            state_is_overdue=ExpressionWrapper(overdue, output_field=models.BooleanField())
        ).alias(
            state_headline=Case(
                When(state_is_overdue=True, then=Value(OVERDUE)),
                default=F("state_group"),
                output_field=models.CharField(),
            )
        )

    def overdue(self, day: datetime.date) -> ActionQuerySet:
        """Actions overdue on `day` (with_state's rule)."""
        return self.with_state(day).filter(state_is_overdue=True)


# The headline group of an overdue action, whatever its status group.
OVERDUE = "overdue"

# The alias prefix of the tables in with_state's compiled subqueries (Django gives a
# subquery of a query with the default prefix "T" the next letter).
STATE_ALIAS_PREFIX = "U"


@functools.cache
def state_fields() -> dict[str, tuple[models.Field, bool]]:
    """Each of with_state's columns: its output field, and whether rows read it (an
    annotation) or only filters and sorts name it (an alias). The same whatever the day."""
    query = Action.objects.all()._state_by_orm(datetime.date(2000, 1, 1)).query
    selected = query.annotation_select
    return {
        name: (expression.output_field, name in selected)
        for name, expression in query.annotations.items()
    }


@functools.lru_cache(maxsize=128)
def compiled_state(using: str, day: datetime.date) -> dict[str, tuple[str, tuple]]:
    """The SQL and parameters of each of with_state's columns as at `day`, compiled by
    Django from _state_by_orm for the database `using`, with the actions' table under its
    own name. Kept for the 128 days last asked for: today, and the quarter ends that pages
    and papers are read as at."""
    query = Action.objects.using(using).all()._state_by_orm(day).query
    compiler = query.get_compiler(using=using)
    compiled = {}
    for name, expression in query.annotations.items():
        sql, params = compiler.compile(expression)
        compiled[name] = (sql, tuple(params))
    return compiled


class StateColumn(Expression):
    """One column of with_state as at `day`: the SQL Django compiled for it once
    (compiled_state), with the actions' table renamed if the query it is in has renamed it
    (as a subquery of another query does)."""

    contains_aggregate = False
    contains_over_clause = False
    contains_column_references = True

    def __init__(self, name: str, day: datetime.date, output_field, table: str | None = None):
        super().__init__(output_field=output_field)
        self.name, self.day, self.table = name, day, table

    def __repr__(self) -> str:
        return f"StateColumn({self.name!r}, {self.day!r}, table={self.table!r})"

    def as_sql(self, compiler, connection):
        sql, params = compiled_state(connection.alias, self.day)[self.name]
        if self.table is not None:
            own = connection.ops.quote_name(Action._meta.db_table) + "."
            sql = sql.replace(own, compiler.quote_name_unless_alias(self.table) + ".")
        return sql, list(params)

    def relabeled_clone(self, change_map):
        table = self.table or Action._meta.db_table
        return StateColumn(self.name, self.day, self.output_field, change_map.get(table, table))

    def get_group_by_cols(self):
        return [self]


class EqualityAim(models.TextChoices):
    """The three aims of the public sector equality duty (Equality Act 2010, s149)."""

    ELIMINATE = "eliminate", "Eliminate discrimination, harassment and victimisation"
    ADVANCE = "advance", "Advance equality of opportunity"
    FOSTER = "foster", "Foster good relations"


# Defined before Action, whose history keeps its rows (its through model must exist by then).
class ActionLead(models.Model):
    action = models.ForeignKey(
        "actionplans.Action", on_delete=models.CASCADE, related_name="lead_links"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="lead_links")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "department"], name="action_lead_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department} leads {self.action}"


class Action(models.Model):
    class DeadlinePrecision(models.TextChoices):
        DAY = Precision.DAY.value, "Day"
        MONTH = Precision.MONTH.value, "Month"
        QUARTER = Precision.QUARTER.value, "Quarter"
        FINANCIAL_YEAR = Precision.FINANCIAL_YEAR.value, "Financial year"
        YEAR = Precision.YEAR.value, "Year"
        ONGOING = Precision.ONGOING.value, "Ongoing"
        NONE = Precision.NONE.value, "No date"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    workstream = models.ForeignKey(
        Workstream, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    reference = models.CharField(max_length=30, blank=True, help_text="As printed: '1.', '10a'.")
    order = models.PositiveIntegerField(default=0, help_text="Position in the plan as written.")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    measures_text = models.TextField(
        "measures (as written)",
        blank=True,
        help_text="The plan's Measures/KPI column, one per line.",
    )
    lead_departments = models.ManyToManyField(
        Department, through=ActionLead, blank=True, related_name="actions_led"
    )
    lead_officer_title = models.CharField(
        max_length=300,
        blank=True,
        help_text="Job title of the lead officer, e.g. 'Strategy manager'.",
    )
    lead_officer_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown publicly only if the council allows officer names.",
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="actions")
    partners_note = models.TextField(
        "partners (as written)", blank=True, help_text="Possible partners and links, as written."
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="actions")
    priority = models.CharField(
        max_length=300, blank=True, help_text="The priority this serves, e.g. 'Maximising income'."
    )
    serves_eliminate_discrimination = models.BooleanField(
        EqualityAim.ELIMINATE.label, default=False
    )
    serves_advance_equality = models.BooleanField(EqualityAim.ADVANCE.label, default=False)
    serves_foster_relations = models.BooleanField(EqualityAim.FOSTER.label, default=False)
    deadline_text = models.CharField(
        "deadline (as written)",
        max_length=500,
        blank=True,
        help_text="e.g. 'Q4 2013/14', 'Ongoing'.",
    )
    deadline_date = models.DateField(
        null=True, blank=True, help_text="End of the deadline's period, for sorting and overdue."
    )
    deadline_precision = models.CharField(
        max_length=20, choices=DeadlinePrecision.choices, default=DeadlinePrecision.NONE
    )
    status = models.ForeignKey(
        Status, on_delete=models.RESTRICT, null=True, blank=True, related_name="actions"
    )
    status_commentary = models.TextField(blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        "% complete", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    last_updated = models.DateField(
        null=True, blank=True, help_text="The date of the latest progress report."
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_actions",
        help_text="Officers who may update this action besides its lead departments' officers.",
    )
    baseline_deadline_text = models.CharField(
        "original deadline (as written)",
        max_length=500,
        blank=True,
        help_text="Kept when the deadline is revised, so the original stays visible.",
    )
    baseline_deadline_date = models.DateField("original deadline date", null=True, blank=True)
    baseline_deadline_precision = models.CharField(
        max_length=20, choices=DeadlinePrecision.choices, blank=True, editable=False
    )
    deadline_revision_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Goes up on every save; stale forms are refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Each entry keeps the action's lead departments (in order), partners and wards as they
    # were then, so its history says when a link changed and who changed it.
    history = HistoricalRecords(m2m_fields=[lead_departments, partners, wards])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "order", "id"]
        indexes = [
            models.Index(fields=["plan", "order"]),
            models.Index(fields=["deadline_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def save(self, *args, **kwargs) -> None:
        self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "actionplans:action-detail", args=[self.plan.council.slug, self.plan.slug, self.pk]
        )

    def clean(self) -> None:
        errors = {}
        if self.workstream_id and self.workstream.plan_id != self.plan_id:
            errors["workstream"] = "Choose a workstream of this action's plan."
        if self.status_id and self.status.council_id != self.plan.council_id:
            errors["status"] = "Choose a status from this council's vocabulary."
        if errors:
            raise ValidationError(errors)

    @property
    def deadline_was_revised(self) -> bool:
        return (
            bool(self.baseline_deadline_text) and self.baseline_deadline_text != self.deadline_text
        )

    def set_deadline(self, value: str | datetime.date | None) -> ParsedDeadline:
        """Store a deadline as written, with the date and precision read from it."""
        parsed = parse_deadline(value, fy_start_month=self.plan.council.financial_year_start_month)
        self.deadline_text = parsed.text
        self.deadline_date = parsed.date
        self.deadline_precision = parsed.precision
        return parsed

    def equality_aims(self) -> list[str]:
        flags = [
            (self.serves_eliminate_discrimination, EqualityAim.ELIMINATE),
            (self.serves_advance_equality, EqualityAim.ADVANCE),
            (self.serves_foster_relations, EqualityAim.FOSTER),
        ]
        return [aim.label for served, aim in flags if served]

    def lead_display(self) -> str:
        return ", ".join(d.name for d in self.ordered_leads())

    def ordered_leads(self) -> list[Department]:
        # Leads keep the order the plan names them in: the first is usually the main lead.
        # actionplans.state.states() reads them for many actions at once.
        if "leads_in_order" in self.__dict__:
            return self.leads_in_order
        return [link.department for link in self.lead_links.all()]


class Measure(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        NONE = "none", "No direction (monitoring only)"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=500)
    unit = models.CharField(max_length=50, blank=True, help_text="e.g. '%', 'people', '£'.")
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.NONE)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def latest_reading(self) -> MeasureReading | None:
        readings = list(self.readings.all())
        return readings[-1] if readings else None


class MeasureReading(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "date"], name="one_reading_per_measure_date")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} on {self.date:%d/%m/%Y}"


class ReportingPeriod(models.Model):
    """A council's reporting quarter, e.g. "Q2 2015/16" (July to September 2015)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="reporting_periods")
    financial_year = models.PositiveSmallIntegerField(help_text="2015 for 2015/16.")
    quarter = models.PositiveSmallIntegerField(validators=[MaxValueValidator(4)])
    start = models.DateField()
    end = models.DateField()
    updates_due = models.DateField(
        null=True, blank=True, help_text="When officers' updates for this quarter are due."
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["council_id", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "quarter"], name="one_period_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Its updates keep a copy of its end (ProgressUpdate.period_end): a period moved in
        # the admin moves them too.
        self.updates.exclude(period_end=self.end).update(period_end=self.end)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {financial_year_label(self.financial_year)}"

    @property
    def as_quarter(self) -> Quarter:
        return Quarter.of_year(
            self.financial_year, self.quarter, self.council.financial_year_start_month
        )

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ProgressUpdateQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each update's copy of its period's end (period_end) filled in,
        as ProgressUpdate.save fills it."""
        objs = list(objs)
        field = ProgressUpdate._meta.get_field("period")
        unread = {o.period_id for o in objs if not field.is_cached(o)}
        ends = dict(ReportingPeriod.objects.filter(pk__in=unread).values_list("pk", "end"))
        for update in objs:
            update.period_end = (
                update.period.end if field.is_cached(update) else ends[update.period_id]
            )
        return super().bulk_create(objs, *args, **kwargs)

    def approved(self) -> ProgressUpdateQuerySet:
        return self.filter(state=ProgressUpdate.State.APPROVED)

    def awaiting_approval(self) -> ProgressUpdateQuerySet:
        return self.filter(state=ProgressUpdate.State.SUBMITTED)


class ProgressUpdate(models.Model):
    """What an officer reported about an action: the record behind every status on a dashboard.

    Statuses and periods in use are RESTRICTed, not PROTECTed: a status cannot be deleted
    while history uses it, but deleting a whole council (or plan) takes its history along.

    On plans that require approval an update is SUBMITTED until a plan manager approves it
    (it then becomes the action's current status) or RETURNS it with a comment. One that a
    newer published update overtook while it waited is SUPERSEDED when approved: kept in the
    history, never applied."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"
        SUPERSEDED = "superseded", "Superseded"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.RESTRICT, related_name="updates")
    # The period's end, copied when the update is saved and when the period is (as
    # ReportingPeriod.save does): the latest quarter an action reported, which says whether
    # it owes an update, is then read from an index, not by joining every update of every
    # action to its period.
    period_end = models.DateField(editable=False)
    reported_on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    author_title = models.CharField(
        max_length=200, blank=True, help_text="The author's job title when they reported."
    )
    # Empty only for a report imported from a spreadsheet that gave words or a % but no
    # status word: kept as what the sheet said, counted as "no status reported".
    status = models.ForeignKey(
        Status, on_delete=models.RESTRICT, null=True, blank=True, related_name="updates"
    )
    percent_complete = models.PositiveSmallIntegerField(
        "% complete", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    commentary = models.TextField(blank=True)
    revised_deadline_text = models.CharField(
        "revised deadline", max_length=500, blank=True, help_text="As written, e.g. 'March 2017'."
    )
    # Read from the words when the update is recorded, so the deadline as at any day is
    # known to the database (actionplans.state).
    revised_deadline_date = models.DateField(null=True, blank=True, editable=False)
    revised_deadline_precision = models.CharField(max_length=20, blank=True, editable=False)
    deadline_reason = models.TextField("reason for the revised deadline", blank=True)
    readings = models.JSONField(
        default=list,
        blank=True,
        help_text="Measure readings reported with this update: [{measure, value, note}].",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPROVED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action_id", "-reported_on", "-created_at"]
        indexes = [
            models.Index(fields=["action", "-reported_on"]),
            # Every dashboard as at a date reads, per action, the latest approved update on
            # or before it: this index answers that from its first entry.
            models.Index(
                fields=["action", "-reported_on", "-created_at"],
                condition=Q(state="approved"),
                name="update_latest_approved",
            ),
            # Updates waiting for approval: few among millions.
            models.Index(fields=["action"], condition=Q(state="submitted"), name="update_waiting"),
            # The latest quarter an action reported (approved or waiting): with_state's
            # state_last_period_end reads this index's first entry.
            models.Index(
                fields=["action", "-period_end"],
                condition=Q(state__in=["approved", "submitted"]),
                name="update_latest_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} – {self.status} ({self.reported_on:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "period" in update_fields:
            self.period_end = self.period.end
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "period_end"}
        super().save(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class ReminderLog(models.Model):
    """One reminder email sent to one person on one day: reruns the same day send nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    action_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.user} on {self.sent_on:%d/%m/%Y}"


@dataclass
class OutlineNode:
    """A workstream with its actions and sub-workstreams, in plan order."""

    workstream: Workstream | None
    actions: list[Action]
    children: list[OutlineNode]

    def action_count(self) -> int:
        return len(self.actions) + sum(child.action_count() for child in self.children)


def plan_outline(plan: Plan, actions: list[Action]) -> list[OutlineNode]:
    """Group a plan's actions under its workstreams (two levels at most), keeping plan order.
    Actions outside any workstream come last, under a node with no workstream."""
    nodes = {ws.pk: OutlineNode(ws, [], []) for ws in plan.workstreams.all()}
    roots: list[OutlineNode] = []
    for node in nodes.values():
        parent_id = node.workstream.parent_id
        (nodes[parent_id].children if parent_id in nodes else roots).append(node)
    loose: list[Action] = []
    for action in actions:
        node = nodes.get(action.workstream_id)
        (node.actions if node else loose).append(action)
    if loose:
        roots.append(OutlineNode(None, loose, []))
    return roots

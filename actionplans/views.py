import dataclasses
import datetime
import functools
import hashlib
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from actionplans import exports
from actionplans.caching import cache_public_page, kept, kept_for_visitors
from actionplans.charts import NARROW_WIDTH, line_chart, narrow_bar_chart, stacked_bar_chart
from actionplans.dashboards import (
    build_my_actions,
    build_plan_dashboard,
    change_history,
    missing_by_department,
)
from actionplans.filters import ActionFilter
from actionplans.forms import (
    AsAtForm,
    ImportAsAtForm,
    NoChangeForm,
    PlanImportForm,
    PlanUpdateUploadForm,
    ReturnForm,
    StatusConfirmForm,
    UpdateForm,
)
from actionplans.imports import (
    ImportProblem,
    apply_changes,
    create_plan,
    find_header,
    parse_plan,
    plan_changes,
    read_table,
)
from actionplans.models import (
    Action,
    ActionLead,
    EqualityAim,
    Measure,
    Plan,
    ProgressUpdate,
    plan_outline,
)
from actionplans.services import (
    UpdateConflict,
    approve_update,
    lock_period,
    newer_published,
    record_update,
    return_update,
)
from actionplans.state import ActionState, with_tallies
from actionplans.state import row as state_row
from actionplans.tables import ActionTable
from councils.models import Committee, Council, Department, PortfolioHolder, Ward
from councils.panels import panels
from councils.rules import council_for, require
from spreadsheets.flow import Confirmed, preview_and_confirm
from spreadsheets.forms import ColumnRolesForm
from spreadsheets.uploads import store_upload, upload_meta


def home(request):
    visible = Plan.objects.visible_to(request.user)
    councils = Council.objects.annotate(
        plan_count=Count("plans", filter=Q(plans__in=visible), distinct=True)
    )
    return render(request, "actionplans/home.html", {"councils": councils})


@cache_public_page
def council_detail(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    plans = list(
        Plan.objects.visible_to(request.user)
        .for_council(council)
        .select_related("approved_by", "council")
    )
    _kept_tallies(council, plans, timezone.localdate())
    context = {
        "council": council,
        "plans": plans,
        "today": timezone.localdate(),
        "perms_manage": request.user.has_perm("actionplans.manage_plan", council),
        "perms_reports": request.user.has_perm("reports.prepare_report", council),
    }
    return render(request, "actionplans/council_detail.html", context)


def _kept_tallies(council: Council, plans: list[Plan], today: datetime.date) -> None:
    """with_tallies(plans, today), kept like the plan body under the council's content
    version: counting a council's every action by its state as at today costs a second at
    10,000 actions, and the counts are the same for everyone who may see those plans."""
    ids = ",".join(str(plan.pk) for plan in plans)
    key = f"council-tallies:{hashlib.sha256(ids.encode()).hexdigest()[:16]}:{today:%Y%m%d}"
    counted = kept(
        council,
        key,
        lambda: {p.pk: (p.as_at, p.tally) for p in with_tallies(plans, today)},
        PLAN_BODY_SECONDS,
    )
    for plan in plans:
        plan.as_at, plan.tally = counted[plan.pk]


@require_GET
@cache_control(max_age=31536000, immutable=True)
def council_theme(request, council_slug: str, colour: str):
    """The council's colour as a stylesheet: no inline styles, so a strict CSP holds. The
    colour is in the URL that links here, so a change is a new URL and caching is safe."""
    council = get_object_or_404(Council, slug=council_slug, brand_colour=f"#{colour}")
    css = render(request, "actionplans/theme.css", {"council": council}).content
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def _visible_plan(request, council_slug: str, plan_slug: str) -> Plan:
    """The plan at this address if the user may see it, else 404 (not 403: the existence
    of a plan they may not see is not disclosed). Every signed-out visitor sees the same
    plans, so their lookup is kept under the council's content version, which any change
    to the plan, its council or its department raises: made private, it is 404 at once."""

    def lookup() -> Plan:
        return get_object_or_404(
            Plan.objects.visible_to(request.user).select_related(
                "council", "approved_by", "lead_department"
            ),
            council__slug=council_slug,
            slug=plan_slug,
        )

    if request.user.is_authenticated:
        return lookup()
    return kept_for_visitors(council_slug, f"visible-plan:{plan_slug}", lookup, PANEL_SECONDS)


@cache_public_page
def plan_detail(request, council_slug: str, plan_slug: str):
    plan = _visible_plan(request, council_slug, plan_slug)
    today = timezone.localdate()
    opens = _opens_as_at(plan, today)
    form = AsAtForm(request.GET or None, plan=plan, today=today, opens=opens)
    as_at = form.cleaned_data["as_at"] if form.is_valid() else None
    context = {
        "council": plan.council,
        "plan": plan,
        "form": form,
        "body": plan_body(plan, as_at or opens, today),
        "can_upload": request.user.is_authenticated
        and Action.objects.updatable_by(request.user).filter(plan=plan).exists(),
        # Its committee papers, impact assessments and scrutiny recommendations.
        "panels": _plan_panels(request, plan, today),
        # What other apps offer at the top (home: the Follow button).
        "header_panels": panels("plan-header", request, plan),
    }
    return render(request, "actionplans/plan_detail.html", context)


# A rendered fragment of another app's kept for signed-out visitors lives as long as a page
# in the public-page cache: a release that changes its template is seen within that time.
PANEL_SECONDS = 300


def _plan_panels(request, plan: Plan, today: datetime.date) -> list[str]:
    """panels("plan"): the same for every signed-out visitor, so kept for them under the
    council's version (a paper published or a recommendation answered raises it)."""
    if request.user.is_authenticated:
        return panels("plan", request, plan)
    key = f"plan-panels:{plan.pk}:{today:%Y%m%d}"
    kept_panels = kept(
        plan.council,
        key,
        lambda: [str(html) for html in panels("plan", request, plan)],
        PANEL_SECONDS,
    )
    return [mark_safe(html) for html in kept_panels]


PLAN_BODY_TEMPLATES = (
    "actionplans/partials/plan_progress.html",
    "actionplans/partials/plan_outline.html",
)
PLAN_BODY_SECONDS = 24 * 3600
# The most actions the plan page lists in its outline; a bigger plan's outline gives each
# workstream's count and a link to its actions in the paged action table.
OUTLINE_ACTIONS = 200


@functools.cache
def _plan_body_release() -> str:
    """A fingerprint of the templates that draw the body, so a release that changes them
    never serves what the last one drew from a cache the servers share."""
    digest = hashlib.sha256()
    for name in (*PLAN_BODY_TEMPLATES, "actionplans/partials/outline_node.html"):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


def _opens_as_at(plan: Plan, today: datetime.date) -> datetime.date:
    """plan.opens_as_at(today), kept like the body: for a finished plan it reads the latest
    approved report across the plan's whole history, a cost that grows with the plan."""
    key = f"plan-opens:{plan.pk}:{today:%Y%m%d}"
    return kept(plan.council, key, lambda: plan.opens_as_at(today), PLAN_BODY_SECONDS)


@dataclasses.dataclass(frozen=True)
class PlanBody:
    progress: str
    outline: str


def plan_body(plan: Plan, day: datetime.date, today: datetime.date) -> PlanBody:
    """The dashboard's progress and outline as at `day`, rendered. They are the same for
    everyone who may see the plan (the view has checked that), so they are kept in the
    cache, keyed by the council's content version (raised by any change they could show),
    the plan, the day asked for and today (what is overdue moves with the date). A warm
    request costs one cache read, whatever the size of the plan."""
    key = f"plan-body:{plan.pk}:{day:%Y%m%d}:{today:%Y%m%d}:{_plan_body_release()}"
    parts = kept(plan.council, key, lambda: _draw_plan_body(plan, day, today), PLAN_BODY_SECONDS)
    return PlanBody(*(mark_safe(part) for part in parts))


def _draw_plan_body(plan: Plan, day: datetime.date, today: datetime.date) -> tuple[str, str]:
    dashboard = build_plan_dashboard(plan, as_at=day, today=today)
    chart_rows = dashboard.chart_rows()
    chart = dataclasses.replace(
        stacked_bar_chart("Status of actions by " + plan.workstream_label.lower(), chart_rows),
        summary=dashboard.chart_summary(),
    )
    actions = []
    for state in dashboard.states:
        # The outline lists actions as written, each with its state on the chosen date.
        state.action.state = state
        actions.append(state.action)
    context = {
        "council": plan.council,
        "plan": plan,
        "dashboard": dashboard,
        "chart": chart,
        "narrow_chart": narrow_bar_chart(chart, chart_rows),
        "outline": plan_outline(plan, actions),
        "outline_actions": actions,
        "has_references": any(action.reference for action in actions),
        # A plan too big for one page lists its workstreams, each linking to its actions.
        "folded": len(actions) > OUTLINE_ACTIONS,
        "budget_lines": plan.budget_lines.all(),
        "corporate_priorities": plan.corporate_priorities.all(),
        "portfolio_holders": plan.portfolio_holders.all(),
    }
    return tuple(render_to_string(name, context) for name in PLAN_BODY_TEMPLATES)


class ActionListView(SingleTableMixin, FilterView):
    """A filterable, sortable, paginated table of the actions a user may see."""

    table_class = ActionTable
    filterset_class = ActionFilter
    template_name = "actionplans/action_list.html"
    exclude_columns: tuple[str, ...] = ()

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .with_state(timezone.localdate())
            .select_related("plan__council", "workstream")
            .prefetch_related(
                Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
            )
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "council": self.council}

    def get_table_kwargs(self):
        return {"exclude": self.exclude_columns}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.caption = self.caption
        # The rows of the page shown, each with its state today from the read model.
        rows = list(table.page.object_list)
        statuses = {s.pk: s for s in self.council.statuses.all()}
        for bound in rows:
            bound.record.state = state_row(bound.record, timezone.localdate(), statuses)
        table.page.object_list = rows
        return table

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "council": self.council}


class PlanActionsView(ActionListView):
    def dispatch(self, request, council_slug: str, plan_slug: str):
        self.plan = _visible_plan(request, council_slug, plan_slug)
        self.council = self.plan.council
        self.caption = f"Actions in {self.plan.title}"
        self.exclude_columns = ("plan",)
        if not self.plan.actions.exclude(reference="").exists():
            self.exclude_columns += ("reference",)  # the plan numbers nothing: no empty column
        return super().dispatch(request)

    def get_queryset(self):
        return super().get_queryset().filter(plan=self.plan)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "plan": self.plan}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan}


class CouncilActionsView(ActionListView):
    """Actions across all of a council's plans the user may see, for one department or ward."""

    exclude_columns = ("workstream",)
    model = None
    related_name = ""

    def dispatch(self, request, council_slug: str, pk: int):
        self.council = get_object_or_404(Council, slug=council_slug)
        self.subject = get_object_or_404(self.model, council=self.council, pk=pk)
        self.caption = self.caption_text.format(subject=self.subject)
        return super().dispatch(request)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(plan__council=self.council)
            .linked_to(self.related_name, self.subject)
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subject": self.subject}


class DepartmentActionsView(CouncilActionsView):
    model = Department
    related_name = "lead_departments"
    caption_text = "Actions led by {subject}"


class WardActionsView(CouncilActionsView):
    model = Ward
    related_name = "wards"
    caption_text = "Actions in {subject} ward"

    def get_context_data(self, **kwargs):
        # What other apps offer about the ward (following: email updates).
        return {
            **super().get_context_data(**kwargs),
            "panels": panels("ward", self.request, self.subject),
        }


def _council_and_visible_actions(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    return council, Action.objects.visible_to(request.user).for_council(council)


def department_list(request, council_slug: str):
    council, actions = _council_and_visible_actions(request, council_slug)
    departments = (
        council.departments.annotate(
            action_count=Count("actions_led", filter=Q(actions_led__in=actions), distinct=True)
        )
        .filter(action_count__gt=0)
        .select_related("parent")
    )
    return render(
        request,
        "actionplans/department_list.html",
        {"council": council, "departments": departments},
    )


def ward_list(request, council_slug: str):
    council, actions = _council_and_visible_actions(request, council_slug)
    wards = council.wards.annotate(
        action_count=Count("actions", filter=Q(actions__in=actions), distinct=True)
    )
    return render(request, "actionplans/ward_list.html", {"council": council, "wards": wards})


def _plans_grouped_by(request, council_slug: str, model, relation: str, template: str):
    """A page listing each portfolio holder or committee with the visible plans it has."""
    council = get_object_or_404(Council, slug=council_slug)
    plans = with_tallies(
        list(
            Plan.objects.visible_to(request.user)
            .for_council(council)
            .select_related("approved_by", "council")
            .prefetch_related(relation)
        ),
        timezone.localdate(),
    )
    groups = []
    for subject in model.objects.filter(council=council):
        subject_plans = [p for p in plans if subject in _related(p, relation)]
        groups.append((subject, subject_plans))
    context = {"council": council, "groups": groups, "today": timezone.localdate()}
    return render(request, template, context)


def _related(plan: Plan, relation: str):
    value = getattr(plan, relation)
    return value.all() if hasattr(value, "all") else [value]


def portfolio_list(request, council_slug: str):
    return _plans_grouped_by(
        request,
        council_slug,
        PortfolioHolder,
        "portfolio_holders",
        "actionplans/portfolio_list.html",
    )


def committee_list(request, council_slug: str):
    return _plans_grouped_by(
        request, council_slug, Committee, "approved_by", "actionplans/committee_list.html"
    )


def alignment(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    priorities = list(council.corporate_priorities.all())
    plans = (
        Plan.objects.visible_to(request.user)
        .for_council(council)
        .prefetch_related("corporate_priorities")
    )
    rows = [(plan, [p in plan.corporate_priorities.all() for p in priorities]) for plan in plans]
    return render(
        request,
        "actionplans/alignment.html",
        {"council": council, "priorities": priorities, "rows": rows},
    )


def plan_equality(request, council_slug: str, plan_slug: str):
    plan = _visible_plan(request, council_slug, plan_slug)
    actions = list(plan.actions.select_related("workstream"))
    aims = [
        (EqualityAim.ELIMINATE, "serves_eliminate_discrimination"),
        (EqualityAim.ADVANCE, "serves_advance_equality"),
        (EqualityAim.FOSTER, "serves_foster_relations"),
    ]
    rows = [(action, [getattr(action, name) for _, name in aims]) for action in actions]
    context = {
        "council": plan.council,
        "plan": plan,
        "aims": [(aim.label, sum(1 for a in actions if getattr(a, name))) for aim, name in aims],
        "rows": rows,
        "serving_none": sum(1 for _, flags in rows if not any(flags)),
    }
    return render(request, "actionplans/plan_equality.html", context)


def action_detail(request, council_slug: str, plan_slug: str, pk: int):
    plan = _visible_plan(request, council_slug, plan_slug)
    today = timezone.localdate()
    action = get_object_or_404(
        plan.actions.with_state(today)
        .select_related("status", "workstream__parent")
        .prefetch_related(
            Prefetch("lead_links", queryset=ActionLead.objects.select_related("department"))
        ),
        pk=pk,
    )
    action.plan = plan
    action.state = state_row(action, today, {s.pk: s for s in plan.council.statuses.all()})
    user = request.user
    can_update = user.has_perm("actionplans.update_action", action)
    # The public and members see approved updates only; those who update or approve see all.
    updates = ProgressUpdate.objects.select_related("status", "period")
    if not (can_update or user.has_perm("actionplans.lock_period", plan)):
        updates = updates.approved()
    prefetch_related_objects(
        [action],
        "partners",
        "wards",
        Prefetch("measures", queryset=Measure.objects.prefetch_related("readings")),
        Prefetch("updates", queryset=updates),
    )
    measures = []
    for measure in action.measures.all():
        readings = [(r.date, r.value) for r in measure.readings.all()]
        chart, narrow = (
            line_chart(
                measure.name,
                readings,
                unit=measure.unit,
                target=measure.target,
                baseline=measure.baseline,
                direction=measure.direction,
                chart_id=f"measure-{measure.pk}{suffix}",
                width=width,
            )
            for width, suffix in ((640, ""), (NARROW_WIDTH, "-narrow"))
        )
        measures.append((measure, chart, narrow))
    context = {
        "council": plan.council,
        "plan": plan,
        "action": action,
        "measures": measures,
        "can_update": can_update,
        "pending": [u for u in action.updates.all() if u.state == ProgressUpdate.State.SUBMITTED],
        "panels": panels("action", request, action),
        "changes": change_history(action)
        if user.has_perm("actionplans.view_change_history", plan)
        else None,
    }
    return render(request, "actionplans/action_detail.html", context)


# Officers' updates, review and chasing ---------------------------------------------------


def _updatable_action(request, council_slug: str, plan_slug: str, pk: int) -> ActionState:
    """The action this person may update, as the read model has it today."""
    plan = _visible_plan(request, council_slug, plan_slug)
    today = timezone.localdate()
    action = get_object_or_404(
        plan.actions.with_state(today).select_related("plan__council"), pk=pk
    )
    require(request.user, action, "actionplans.update_action")
    return state_row(action, today, {s.pk: s for s in plan.council.statuses.all()})


@login_required
def my_actions(request):
    """An officer's actions, those due an update first, 50 to a page: the counts above the
    table cover them all."""
    context = build_my_actions(request.user, timezone.localdate(), request.GET.get("page"))
    return render(request, "actionplans/my_actions.html", context)


@login_required
def action_update(request, council_slug: str, plan_slug: str, pk: int):
    """The full form; "No change this quarter", a form of its own on the page, posts here."""
    state = _updatable_action(request, council_slug, plan_slug, pk)
    action = state.action
    pending = action.updates.awaiting_approval().select_related("status").first()
    if request.method == "POST" and "no_change" in request.POST:
        return _record_no_change(request, state, pending)
    form = UpdateForm(request.POST or None, action=action, initial=UpdateForm.initial_for(state))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            update = record_update(action, by=request.user, **form.service_arguments())
        except UpdateConflict as error:
            # Keep what the officer typed, show what changed, and let them save again on
            # top of the current version if they still mean it.
            conflict = error
            action.refresh_from_db()
            form = UpdateForm(form.data_with_version(action.version), action=action)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if update.is_approved:
                messages.success(request, f"Update saved: the action is now {update.status.label}.")
            else:
                messages.success(request, "Update submitted: a plan manager will approve it.")
            return redirect(action.get_absolute_url())
    return _update_page(request, state, pending, form=form, conflict=conflict)


def _record_no_change(request, state: ActionState, pending: ProgressUpdate | None):
    """The last update recorded again as this quarter's, through record_update like any."""
    no_change = NoChangeForm(request.POST, state=state, pending=pending, today=state.as_at)
    if no_change.is_valid():
        try:
            update = record_update(state.action, by=request.user, **no_change.service_arguments())
        except UpdateConflict:
            # What the page showed as the last update may no longer be: show it again.
            messages.warning(
                request,
                "Nothing was recorded: the action changed after you opened the page. Check "
                "the last update below, and press “No change this quarter” again if it "
                "still stands.",
            )
            return redirect(request.path)
        except ValidationError as error:
            no_change.add_service_errors(error)
        else:
            period = update.period.label
            if update.is_approved:
                message = f"No change recorded for {period}: the action is still {update.status}."
            else:
                message = f"No change submitted for {period}: a plan manager will approve it."
            messages.success(request, message)
            return redirect(state.action.get_absolute_url())
    return _update_page(request, state, pending, no_change=no_change)


def _update_page(request, state: ActionState, pending, *, form=None, no_change=None, conflict=None):
    action = state.action
    context = {
        "council": action.plan.council,
        "plan": action.plan,
        "action": action,
        "state": state,
        "form": form or UpdateForm(action=action, initial=UpdateForm.initial_for(state)),
        "no_change": no_change or NoChangeForm(state=state, pending=pending, today=state.as_at),
        "conflict": conflict,
        "pending": pending,
    }
    return render(request, "actionplans/action_update.html", context)


@login_required
def approvals(request, council_slug: str):
    council = council_for(request, council_slug, "actionplans.lock_period")
    updates = (
        ProgressUpdate.objects.awaiting_approval()
        .filter(action__plan__council=council)
        .filter(action__plan__in=Plan.objects.visible_to(request.user))
        .select_related("action__plan", "status", "period", "author")
        .order_by("created_at")
    )
    return render(request, "actionplans/approvals.html", {"council": council, "updates": updates})


@login_required
def update_review(request, council_slug: str, pk: int):
    council = council_for(request, council_slug, "actionplans.lock_period")
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("action__plan", "status", "period", "author"),
        pk=pk,
        action__plan__council=council,
        action__plan__in=Plan.objects.visible_to(request.user),
    )
    form = ReturnForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("actionplans.review_update", update):
            raise PermissionDenied
        try:
            if request.POST.get("decision") == "approve":
                decided = approve_update(update, by=request.user)
                if decided.state == ProgressUpdate.State.SUPERSEDED:
                    messages.warning(
                        request,
                        f"{update.action.title}: {decided.review_comment} It is kept in the "
                        "action's history as superseded.",
                    )
                else:
                    messages.success(
                        request,
                        f"Update approved: {update.action.title} now shows {update.status.label}.",
                    )
                return redirect("actionplans:approvals", council.slug)
            if form.is_valid():
                return_update(update, by=request.user, comment=form.cleaned_data["comment"])
                messages.success(
                    request, f"Update returned to {update.author_title or 'its author'}."
                )
                return redirect("actionplans:approvals", council.slug)
        except ValidationError as error:
            form.add_error(None, error)
    context = {
        "council": council,
        "update": update,
        "form": form,
        "can_review": request.user.has_perm("actionplans.review_update", update),
        "current": update.action,
        "newer": newer_published(update)
        if update.state == ProgressUpdate.State.SUBMITTED
        else None,
    }
    return render(request, "actionplans/update_review.html", context)


@login_required
def reporting_periods(request, council_slug: str):
    council = council_for(request, council_slug, "actionplans.lock_period")
    if request.method == "POST":
        period = get_object_or_404(council.reporting_periods, pk=request.POST.get("period"))
        lock_period(period, by=request.user)
        messages.success(request, f"{period.label} is locked: its updates can no longer change.")
        return redirect("actionplans:reporting-periods", council.slug)
    periods = council.reporting_periods.annotate(update_count=Count("updates")).order_by("-start")
    return render(
        request, "actionplans/reporting_periods.html", {"council": council, "periods": periods}
    )


@login_required
def missing_updates_view(request, council_slug: str):
    council = council_for(request, council_slug, "actionplans.view_missing_updates")
    today = timezone.localdate()
    actions = Action.objects.visible_to(request.user).for_council(council)
    context = {"council": council, "today": today, "groups": missing_by_department(actions, today)}
    return render(request, "actionplans/missing_updates.html", context)


# Spreadsheet import: upload -> preview -> confirm ------------------------------------------


@login_required
def plan_import(request, council_slug: str):
    council = council_for(request, council_slug, "actionplans.manage_plan")
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        meta = {
            "mode": "create",
            "council": council.pk,
            "title": form.cleaned_data["title"],
            "sheet": form.cleaned_data["sheet"] or None,
        }
        token = store_upload(request, form.cleaned_data["spreadsheet"], meta)
        return redirect("actionplans:import-preview", council.slug, token)
    return render(request, "actionplans/import_upload.html", {"council": council, "form": form})


@login_required
def plan_upload_changes(request, council_slug: str, plan_slug: str):
    plan = _visible_plan(request, council_slug, plan_slug)
    require(request.user, plan, "actionplans.upload_changes")
    form = PlanUpdateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        meta = {"mode": "update", "council": plan.council_id, "plan": plan.pk, "sheet": None}
        token = store_upload(request, form.cleaned_data["spreadsheet"], meta)
        return redirect("actionplans:import-preview", plan.council.slug, token)
    context = {"council": plan.council, "plan": plan, "form": form}
    return render(request, "actionplans/import_upload.html", context)


@login_required
def import_preview(request, council_slug: str, token: str):
    """Upload -> preview -> confirm (spreadsheets.flow). The file is read once per preview;
    the person sees every column's role, every status the sheet gives (exact, or suggested
    and pre-selected), the date its statuses are recorded as at, and changes any of them
    before importing."""
    council = get_object_or_404(Council, slug=council_slug)
    meta = upload_meta(request, token, council, modes=("create", "update"))
    plan = None
    if meta["mode"] == "create":
        council = council_for(request, council_slug, "actionplans.manage_plan")
    else:
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=meta["plan"])
        require(request.user, plan, "actionplans.upload_changes")

    def confirm(preview, meta) -> Confirmed:
        parsed = preview.parsed
        if plan is None:
            created = create_plan(parsed, council, title=meta["title"], by=request.user)
            count = len(parsed.actions)
            return Confirmed(
                created.get_absolute_url(),
                f"Imported {count} actions into “{created.title}” (a draft).",
            )
        apply_changes(preview.changes, plan, by=request.user)
        noun = "action" if len(preview.changes) == 1 else "actions"
        return Confirmed(
            plan.get_absolute_url(),
            f"Recorded the spreadsheet's changes to {len(preview.changes)} {noun}.",
        )

    return preview_and_confirm(
        request,
        token=token,
        council=council,
        modes=("create", "update"),
        template="actionplans/import_preview.html",
        build=lambda meta, data, posted: _ImportPreview(data, meta, council, posted, plan),
        confirm=confirm,
        context={"plan": plan},
    )


class _ImportPreview:
    """One preview of an upload with the person's choices so far: the file read once, the
    columns' roles, the as-at date and the statuses, each from the form when posted."""

    def __init__(self, data: bytes, meta: dict, council: Council, posted, plan=None) -> None:
        self.council = council
        table = read_table(data, meta["name"], sheet=meta["sheet"])
        try:
            detected = find_header(table, council)
            columns = detected.columns
        except ImportProblem as problem:
            if problem.columns is None:
                raise
            # No action column found: the person's roles may name one.
            detected, columns = None, problem.columns.columns
        self.roles_form = ColumnRolesForm(posted, columns=columns)
        chosen = self.roles_form.chosen() if self.roles_form.is_valid() else {}
        header = detected if detected is not None and not chosen else None
        if header is None:
            header = find_header(table, council, chosen=chosen)
        as_at_form = ImportAsAtForm(posted)
        as_at = as_at_form.cleaned_data["as_at"] if as_at_form.is_valid() else None
        self.parsed = parse_plan(
            table,
            header,
            council,
            status_map=StatusConfirmForm.posted_map(posted) or None,
            as_at=as_at,
            filename=meta["name"],
        )
        self.as_at_form = ImportAsAtForm(posted, initial={"as_at": self.parsed.as_at})
        confirming = posted is not None and bool(posted.get("confirm"))
        self.status_form = StatusConfirmForm(
            posted if confirming or self._same_readings(posted) else None,
            readings=self.parsed.readings,
            council=council,
        )
        self.changes = plan_changes(self.parsed, plan) if plan is not None else None
        self.refused = bool(self.parsed.errors)
        self.fingerprint = self._fingerprint(chosen, as_at)
        self.changed_since_preview = (
            posted is not None and posted.get("previewed", "") != self.fingerprint
        )

    def _same_readings(self, posted) -> bool:
        if posted is None:
            return False
        names = {StatusConfirmForm.name_for(r) for r in self.parsed.readings}
        return names <= set(posted)

    def _fingerprint(self, chosen: dict, as_at) -> str:
        readings = sorted(r.key for r in self.parsed.readings)
        text = repr((sorted(chosen.items()), str(as_at or self.parsed.as_at or ""), readings))
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def ready(self) -> bool:
        """Confirmed as previewed: every form valid and nothing changed since it was seen."""
        valid = all(form.is_valid() for form in (self.roles_form, self.as_at_form))
        statuses_valid = not self.status_form.is_bound or self.status_form.is_valid()
        return (
            valid
            and statuses_valid
            and not self.parsed.unknown_statuses
            and not self.changed_since_preview
        )

    def context(self) -> dict:
        return {
            "parsed": self.parsed,
            "roles_form": self.roles_form,
            "as_at_form": self.as_at_form,
            "status_form": self.status_form,
            "fingerprint": self.fingerprint,
            "changes": self.changes,
        }


def plan_export(request, council_slug: str, plan_slug: str, fmt: str):
    """The plan as a file: Excel for people, CSV and JSON as open data. Anyone who can see
    the plan can download it; nothing hidden from them is in it."""
    plan = _visible_plan(request, council_slug, plan_slug)
    if fmt not in exports.FORMATS:
        raise Http404
    today = timezone.localdate()
    # ?as_at= the end of a past quarter, as the dashboard offers: the plan as it stood then.
    form = AsAtForm(request.GET or None, plan=plan, today=today, opens=today)
    if form.is_bound and not form.is_valid():
        return render(request, "400.html", {"message": form.errors["as_at"][0]}, status=400)
    as_at = (form.cleaned_data["as_at"] if form.is_bound else None) or today
    response = HttpResponse(
        exports.render(plan, fmt, as_at=as_at), content_type=exports.content_type(fmt)
    )
    filename = exports.export_filename(plan, fmt, as_at=as_at)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{exports.LICENCE_URL}>; rel="license"'
    if not plan.is_public:
        # A members-only or private plan's file is for this person alone: no cache keeps it.
        patch_cache_control(response, private=True, no_store=True)
    return response

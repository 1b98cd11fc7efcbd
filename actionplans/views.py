import dataclasses

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from actionplans.charts import line_chart, stacked_bar_chart
from actionplans.dashboards import build_plan_dashboard
from actionplans.filters import ActionFilter
from actionplans.forms import AsAtForm
from actionplans.models import (
    Action,
    ActionLead,
    EqualityAim,
    Measure,
    Plan,
    ProgressUpdate,
    plan_outline,
)
from actionplans.tables import ActionTable
from councils.models import Committee, Council, Department, PortfolioHolder, Ward


def home(request):
    visible = Plan.objects.visible_to(request.user)
    councils = Council.objects.annotate(
        plan_count=Count("plans", filter=Q(plans__in=visible), distinct=True)
    )
    return render(request, "actionplans/home.html", {"councils": councils})


def council_detail(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    plans = (
        Plan.objects.visible_to(request.user)
        .for_council(council)
        .select_related("approved_by")
        .with_progress_counts()
    )
    return render(request, "actionplans/council_detail.html", {"council": council, "plans": plans})


@require_GET
@cache_control(max_age=31536000, immutable=True)
def council_theme(request, council_slug: str, colour: str):
    """The council's colour as a stylesheet: no inline styles, so a strict CSP holds. The
    colour is in the URL that links here, so a change is a new URL and caching is safe."""
    council = get_object_or_404(Council, slug=council_slug, brand_colour=f"#{colour}")
    css = render(request, "actionplans/theme.css", {"council": council}).content
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def _visible_plan(request, council_slug: str, plan_slug: str) -> Plan:
    # Plans a user may not see are 404, not 403: their existence is not disclosed.
    return get_object_or_404(
        Plan.objects.visible_to(request.user).select_related(
            "council", "approved_by", "lead_department"
        ),
        council__slug=council_slug,
        slug=plan_slug,
    )


def plan_detail(request, council_slug: str, plan_slug: str):
    plan = _visible_plan(request, council_slug, plan_slug)
    today = timezone.localdate()
    form = AsAtForm(request.GET or None, plan=plan, today=today)
    as_at = form.cleaned_data["as_at"] if form.is_valid() else None
    dashboard = build_plan_dashboard(plan, as_at=as_at, today=today)
    chart = dataclasses.replace(
        stacked_bar_chart(
            "Status of actions by " + plan.workstream_label.lower(), dashboard.chart_rows()
        ),
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
        "form": form,
        "dashboard": dashboard,
        "chart": chart,
        "outline": plan_outline(plan, actions),
        "has_references": any(action.reference for action in actions),
        "budget_lines": plan.budget_lines.all(),
        "corporate_priorities": plan.corporate_priorities.all(),
        "portfolio_holders": plan.portfolio_holders.all(),
    }
    return render(request, "actionplans/plan_detail.html", context)


class ActionListView(SingleTableMixin, FilterView):
    """A filterable, sortable, paginated table of the actions a user may see."""

    table_class = ActionTable
    filterset_class = ActionFilter
    template_name = "actionplans/action_list.html"
    exclude_columns: tuple[str, ...] = ()

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .select_related("plan__council", "workstream", "status")
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
            .filter(plan__council=self.council, **{self.related_name: self.subject})
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
    plans = list(
        Plan.objects.visible_to(request.user)
        .for_council(council)
        .with_progress_counts()
        .prefetch_related(relation)
    )
    groups = []
    for subject in model.objects.filter(council=council):
        subject_plans = [p for p in plans if subject in _related(p, relation)]
        groups.append((subject, subject_plans))
    return render(request, template, {"council": council, "groups": groups})


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
    action = get_object_or_404(
        Action.objects.select_related("status", "workstream__parent").prefetch_related(
            Prefetch("lead_links", queryset=ActionLead.objects.select_related("department")),
            "partners",
            "wards",
            Prefetch("measures", queryset=Measure.objects.prefetch_related("readings")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("status", "period"),
            ),
        ),
        plan=plan,
        pk=pk,
    )
    measures = [
        (
            measure,
            line_chart(
                measure.name,
                [(r.date, r.value) for r in measure.readings.all()],
                unit=measure.unit,
                target=measure.target,
                baseline=measure.baseline,
                direction=measure.direction,
                chart_id=f"measure-{measure.pk}",
            ),
        )
        for measure in action.measures.all()
    ]
    context = {"council": plan.council, "plan": plan, "action": action, "measures": measures}
    return render(request, "actionplans/action_detail.html", context)

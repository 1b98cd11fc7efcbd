"""The open-data API: what a person may read on the website, as JSON, and officers' progress
updates posted with a personal token.

Each view finds what it shows the way the website's page does: plans through
Plan.objects.visible_to, assessments, registers and papers through their own visible_to and
public() rules, an action's state through the read model (actionplans.state), its filters
through the web's ActionFilter, and an update through the update form and record_update.
A plan, action or council the person may not see is 404, as on the website."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from actionplans.exports import LICENCE_URL
from actionplans.filters import ActionFilter
from actionplans.forms import UpdateForm
from actionplans.models import Action, Measure, MeasureReading, Plan, ProgressUpdate, Workstream
from actionplans.services import UpdateConflict, record_update
from actionplans.state import Tally, states
from api import serializers as s
from councils.models import Council, Department
from councils.rules import require
from impact.models import Assessment
from reports.models import Publication
from scrutiny.models import Recommendation, Source

AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    description="The day to describe (YYYY-MM-DD, not after today). Actions: today if not "
    "given, as the website's action table and exports. A plan: the day its dashboard opens at "
    "(today, or the end of a finished plan's last quarter).",
)


def exception_handler(error, context):
    """DRF's answers, with Django's own not-found and validation errors as JSON too."""
    if isinstance(error, DjangoValidationError):
        error = exceptions.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        )
    return drf_exception_handler(error, context)


def as_at_of(request, default: datetime.date) -> datetime.date:
    """The ?as_at= date asked for, or `default`; a 400 saying what is wrong otherwise."""
    text = request.query_params.get("as_at", "").strip()
    if not text:
        return default
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise exceptions.ValidationError(
            {"as_at": ["Give the date as YYYY-MM-DD, like 2026-09-30."]}
        ) from None
    if day > timezone.localdate():
        raise exceptions.ValidationError({"as_at": ["Give a date on or before today."]})
    if day.year < 1990:
        raise exceptions.ValidationError({"as_at": ["Give a date from 1990 onwards."]})
    return day


class ApiView(generics.GenericAPIView):
    """Every answer names its licence in a Link header; a signed-in person's answer is kept
    by no cache, and anyone's varies by who asks."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = f'<{LICENCE_URL}>; rel="license"'
        patch_vary_headers(response, ["Authorization", "Cookie"])
        # Anyone's answer carries no lifetime, as the website's public pages do: a plan made
        # private is gone from the next answer, not kept by a proxy for a while.
        if request.user.is_authenticated or request.method != "GET":
            patch_cache_control(response, private=True, no_store=True)
        return response

    @property
    def describing(self) -> bool:
        """Whether drf-spectacular is only reading the view to write the schema."""
        return getattr(self, "swagger_fake_view", False)

    def council(self) -> Council:
        return get_object_or_404(Council, slug=self.kwargs["council_slug"])

    def plan(self) -> Plan:
        """The plan at this address if this person may see it, else 404."""
        return get_object_or_404(
            Plan.objects.visible_to(self.request.user).select_related("council", "lead_department"),
            council__slug=self.kwargs["council_slug"],
            slug=self.kwargs["plan_slug"],
        )


class CouncilList(ApiView, generics.ListAPIView):
    """Every council on this website."""

    serializer_class = s.CouncilSerializer
    queryset = Council.objects.order_by("name")


class CouncilDetail(ApiView):
    """A council, with its status words (and how each maps to RAG), departments and wards:
    the ids the actions' filters take."""

    serializer_class = s.CouncilDetailSerializer

    def get(self, request, council_slug: str):
        council = get_object_or_404(
            Council.objects.prefetch_related("statuses", "departments", "wards"),
            slug=council_slug,
        )
        return Response(self.get_serializer(council).data)


class PlanList(ApiView, generics.ListAPIView):
    """The council's plans this person may read: approved and archived public plans for
    everyone; members-only plans for the council's members; drafts and private plans for its
    plan editors and democratic services, as on the website."""

    serializer_class = s.PlanSerializer

    def get_queryset(self):
        if self.describing:
            return Plan.objects.none()
        council = self.council()
        return (
            Plan.objects.visible_to(self.request.user)
            .filter(council=council)
            .select_related("council", "lead_department")
            .order_by("-period_start", "title", "pk")
        )


class PlanDetail(ApiView):
    """A plan, and its actions counted as its dashboard counts them on `as_at`, with the
    dashboard's headline sentence."""

    serializer_class = s.PlanDetailSerializer

    @extend_schema(parameters=[AS_AT])
    def get(self, request, council_slug: str, plan_slug: str):
        plan = self.plan()
        today = timezone.localdate()
        day = as_at_of(request, plan.opens_as_at(today))
        statuses = {status.pk: status for status in plan.council.statuses.all()}
        tally = Tally.of(states(plan.actions.all(), day, statuses=statuses, leads=False))
        plan.as_at = day
        plan.tally = {
            "total": tally.total,
            "overdue": tally.overdue,
            "complete": tally.count(s.StatusGroup.COMPLETE),
            "on_target": tally.count(s.StatusGroup.ON_TARGET),
            "behind": tally.behind,
            "not_started": tally.not_started,
            "closed": tally.closed,
            "no_status": tally.no_status,
            "headline": tally.sentence(),
        }
        return Response(self.get_serializer(plan).data)


class WorkstreamList(ApiView, generics.ListAPIView):
    """The plan's workstreams (themes, objectives, priorities) in the order printed."""

    serializer_class = s.WorkstreamSerializer

    def get_queryset(self):
        if self.describing:
            return Workstream.objects.none()
        return Workstream.objects.filter(plan=self.plan()).order_by("order", "pk")


class ApiActionFilter(ActionFilter):
    """The website's action filters, and `department` as another name for `lead` (the lead
    department), the word data users look for."""

    department = django_filters.ModelChoiceFilter(
        label="Lead department (the same as lead)",
        field_name="lead_departments",
        queryset=Department.objects.none(),
        method="filter_linked",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = self.filters["lead"].queryset


class ActionFilterBackend(DjangoFilterBackend):
    """The website's action filters (actionplans.filters.ActionFilter), with their choices
    from the council in view."""

    def get_filterset_class(self, view, queryset=None):
        return ApiActionFilter

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        return {**kwargs, "council": view.council_in_view, "plan": view.plan_in_view}


class ActionList(ApiView, generics.ListAPIView):
    """Actions and where each stood on `as_at`, in the plan's order, filtered as the website's
    action table filters them: status (ids, repeatable), rag, workstream, lead or department,
    ward, partner, overdue, deadline_from, deadline_to and q (words or a reference)."""

    serializer_class = s.ActionStateSerializer
    filter_backends = [ActionFilterBackend]
    filterset_class = ApiActionFilter
    plan_in_view: Plan | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "plan_slug" in self.kwargs:
            self.plan_in_view = self.plan()
            self.council_in_view = self.plan_in_view.council
        else:
            self.council_in_view = self.council()
        self.day = as_at_of(request, timezone.localdate())

    def get_queryset(self):
        if self.describing:
            return Action.objects.none()
        actions = Action.objects.visible_to(self.request.user).with_state(self.day)
        if self.plan_in_view is not None:
            return actions.filter(plan=self.plan_in_view).order_by("order", "pk")
        return actions.filter(plan__council=self.council_in_view).order_by(
            "plan__title", "plan_id", "order", "pk"
        )

    @extend_schema(parameters=[AS_AT])
    def get(self, request, *args, **kwargs):
        ids = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        page = self.paginate_queryset(ids)
        chosen = Action.objects.filter(pk__in=list(page)).select_related("workstream")
        statuses = {status.pk: status for status in self.council_in_view.statuses.all()}
        by_id = {state.action.pk: state for state in states(chosen, self.day, statuses=statuses)}
        rows = [by_id[pk] for pk in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class ActionDetail(ApiView):
    """An action and where it stood on `as_at`, with its description, wards, partners,
    equality aims and measures with their readings."""

    serializer_class = s.ActionDetailSerializer

    @extend_schema(parameters=[AS_AT])
    def get(self, request, council_slug: str, plan_slug: str, pk: int):
        plan = self.plan()
        day = as_at_of(request, timezone.localdate())
        actions = plan.actions.filter(pk=pk).prefetch_related(
            "wards",
            "partners",
            Prefetch("measures", queryset=Measure.objects.prefetch_related("readings")),
        )
        found = states(actions, day)
        if not found:
            raise Http404
        return Response(self.get_serializer(found[0]).data)


def published_updates():
    return ProgressUpdate.objects.approved().select_related("action", "status", "period")


class UpdateList(ApiView, generics.ListAPIView):
    """The plan's published (approved) progress updates, newest first; ?since=YYYY-MM-DD
    gives those reported on or after a day."""

    serializer_class = s.ProgressUpdateSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="Reported on or after this day."
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.describing:
            return ProgressUpdate.objects.none()
        updates = published_updates().filter(action__plan=self.plan())
        since = self.request.query_params.get("since", "").strip()
        if since:
            try:
                updates = updates.filter(reported_on__gte=datetime.date.fromisoformat(since))
            except ValueError:
                raise exceptions.ValidationError(
                    {"since": ["Give the date as YYYY-MM-DD, like 2026-09-30."]}
                ) from None
        return updates.order_by("-reported_on", "-created_at", "-pk")


class ActionUpdates(ApiView, generics.ListAPIView):
    """GET: the action's published progress updates, newest first. POST (an officer who
    leads the action, with a token that may record updates): a progress update, through the
    same checks as the update form: the council's status words, a commentary with a red or
    amber status, a reason with a revised deadline, the quarter's update window and locks,
    approval where the plan needs it. `version` is the action's version you read: if the
    action changed since, nothing is saved and the answer (409) says what changed."""

    serializer_class = s.ProgressUpdateSerializer

    def get_action(self) -> Action:
        return get_object_or_404(
            self.plan().actions.select_related("plan__council"), pk=self.kwargs["pk"]
        )

    def get_queryset(self):
        if self.describing:
            return ProgressUpdate.objects.none()
        return (
            published_updates()
            .filter(action=self.get_action())
            .order_by("-reported_on", "-created_at", "-pk")
        )

    @extend_schema(
        request=s.NewUpdateSerializer,
        responses={
            201: s.LicensedUpdateSerializer,
            409: s.ConflictSerializer,
        },
    )
    def post(self, request, council_slug: str, plan_slug: str, pk: int):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                "Send a personal API token that may record updates, as "
                "'Authorization: Bearer <token>'."
            )
        action = self.get_action()
        require(request.user, action, "actionplans.update_action")
        given = s.NewUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        form = UpdateForm(form_data(given.validated_data), action=action)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        try:
            update = record_update(action, by=request.user, **form.service_arguments())
        except UpdateConflict as conflict:
            action.refresh_from_db(fields=["version"])
            body = {
                "detail": "The action changed after you read it: nothing was saved. Read it "
                "again, and post with its version now if you still mean it.",
                "changed_by": conflict.changed_by,
                "version": action.version,
                "changes": [
                    {"field": c.field, "was": c.was, "now": c.now} for c in conflict.changes
                ],
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            form.add_service_errors(error)
            raise exceptions.ValidationError(form_errors(form)) from None
        update = ProgressUpdate.objects.select_related("action", "status", "period").get(
            pk=update.pk
        )
        return Response(s.LicensedUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


def form_data(given: dict) -> dict:
    """The posted update as the update form's fields."""
    percent = given.get("percent_complete")
    data = {
        "version": given["version"],
        "status": given.get("status") or "",
        "percent_complete": "" if percent is None else percent,
        "commentary": given.get("commentary", ""),
        "revised_deadline": given.get("revised_deadline", ""),
        "deadline_reason": given.get("deadline_reason", ""),
    }
    for reading in given.get("readings", []):
        data[f"reading_{reading['measure']}"] = str(reading["value"])
    return data


def form_errors(form) -> dict[str, list[str]]:
    """The form's errors under the API's field names ("detail" for the whole update)."""
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        name = "detail" if field == "__all__" else field
        if name.startswith("reading_"):
            name = "readings"
        errors.setdefault(name, []).extend(messages)
    return errors


class MeasureList(ApiView, generics.ListAPIView):
    """The measures of the plan's actions, each with every reading, oldest first."""

    serializer_class = s.MeasureSerializer

    def get_queryset(self):
        if self.describing:
            return Measure.objects.none()
        return (
            Measure.objects.filter(action__plan=self.plan())
            .prefetch_related(
                Prefetch("readings", queryset=MeasureReading.objects.order_by("date", "pk"))
            )
            .order_by("action__order", "action_id", "order", "pk")
        )


class RecommendationList(ApiView, generics.ListAPIView):
    """The council's scrutiny recommendations in registers this person may read (published
    ones for everyone), with the executive's response and the actions that deliver each."""

    serializer_class = s.RecommendationSerializer

    def get_queryset(self):
        if self.describing:
            return Recommendation.objects.none()
        council = self.council()
        visible = Action.objects.visible_to(self.request.user).only("pk")
        return (
            Recommendation.objects.filter(
                source__in=Source.objects.visible_to(self.request.user).filter(council=council)
            )
            .select_related("source__committee", "source__council", "response")
            .prefetch_related(Prefetch("actions", queryset=visible, to_attr="visible_actions"))
            .order_by("-source__date", "source_id", "sort_key", "pk")
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for recommendation in page:
            recommendation.visible_action_ids = [a.pk for a in recommendation.visible_actions]
        return page


class AssessmentList(ApiView, generics.ListAPIView):
    """The council's published impact assessments this person may read: never one of an
    exempt report or of a plan they may not see."""

    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        if self.describing:
            return Assessment.objects.none()
        return (
            Assessment.objects.visible_to(self.request.user)
            .filter(council=self.council(), state=Assessment.State.PUBLISHED)
            .select_related("template", "committee", "council", "plan")
            .order_by("-published_at", "-pk")
        )


class PaperList(ApiView, generics.ListAPIView):
    """The council's public committee papers: for each report, its latest version anyone may
    download (never an exempt one), latest meeting first, as the papers page lists them."""

    serializer_class = s.PaperSerializer

    def get_queryset(self):
        if self.describing:
            return Publication.objects.none()
        public = Publication.objects.public()
        latest = public.filter(report=OuterRef("report")).order_by("-version").values("pk")[:1]
        return (
            public.filter(report__council=self.council(), pk=Subquery(latest))
            .select_related("report__committee", "report__council")
            .prefetch_related("files__report__council")
            .order_by("-report__meeting_date", "report__item_number", "report_id")
        )

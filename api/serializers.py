"""What the API says about each thing, field by field. The fields' help texts are the data
dictionary: the schema at /api/schema/ carries them, and the open-data page prints them.

An action's state (status, %, commentary, deadline, overdue) is the read model's
(actionplans.state.ActionState), as the plan's page, its exports and its Cabinet appendix
show it; nothing here works state out."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplans.emails import absolute_url
from actionplans.models import Measure, Plan, ProgressUpdate, Workstream
from api.pagination import ATTRIBUTION, LICENCE
from councils.models import Council, Rag, Status, StatusGroup

OVERDUE = "overdue"


class LicenceSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()


class Licensed(serializers.Serializer):
    """The licence and attribution, first in every answer about one thing (pages of results
    carry them beside the results)."""

    licence = serializers.SerializerMethodField(help_text="The licence the data is under.")
    attribution = serializers.SerializerMethodField(
        help_text="The attribution statement the licence asks re-users to give."
    )

    @extend_schema_field(LicenceSerializer)
    def get_licence(self, obj) -> dict:
        return LICENCE

    def get_attribution(self, obj) -> str:
        return ATTRIBUTION


class StatusSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text="The status's id: filter actions with ?status=<id>.")
    label = serializers.CharField(help_text="The council's own word for it, e.g. 'On track'.")
    rag = serializers.ChoiceField(
        choices=Rag.choices, help_text="The red, amber or green the council maps the word to."
    )
    group = serializers.ChoiceField(
        choices=StatusGroup.choices,
        help_text="What the word means whichever council wrote it: not started, in progress, "
        "complete or closed.",
    )

    class Meta:
        model = Status
        fields = ["id", "label", "rag", "group"]


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CouncilSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(help_text="The council's part of every address, e.g. 'norwich'.")
    name = serializers.CharField()
    kind = serializers.CharField(source="get_kind_display", help_text="The kind of council.")
    financial_year_start_month = serializers.IntegerField(
        help_text="The month its financial year starts (4 for April): quarters count from it."
    )
    website = serializers.URLField(allow_blank=True)
    url = serializers.SerializerMethodField(help_text="The council's page on this website.")
    api_url = serializers.SerializerMethodField(help_text="This council in the API.")

    class Meta:
        model = Council
        fields = [
            "slug",
            "name",
            "kind",
            "financial_year_start_month",
            "website",
            "url",
            "api_url",
        ]

    def get_url(self, council: Council) -> str:
        return absolute_url(council.get_absolute_url())

    def get_api_url(self, council: Council) -> str:
        return absolute_url(reverse("api:council-detail", args=[council.slug]))


class CouncilDetailSerializer(Licensed, CouncilSerializer):
    statuses = StatusSerializer(many=True, help_text="The council's status words, in order.")
    departments = NamedSerializer(many=True, help_text="Filter actions with ?lead=<id>.")
    wards = NamedSerializer(many=True, help_text="Filter actions with ?ward=<id>.")

    class Meta(CouncilSerializer.Meta):
        fields = [
            "licence",
            "attribution",
            *CouncilSerializer.Meta.fields,
            "statuses",
            "departments",
            "wards",
        ]


class TallySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Actions in the plan.")
    overdue = serializers.IntegerField(help_text="Past their deadline and not done.")
    complete = serializers.IntegerField()
    on_target = serializers.IntegerField()
    behind = serializers.IntegerField(help_text="Red or amber, not yet overdue.")
    not_started = serializers.IntegerField()
    closed = serializers.IntegerField(help_text="Closed or on hold.")
    no_status = serializers.IntegerField(help_text="No status reported yet.")
    headline = serializers.CharField(
        help_text="The dashboard's first sentence: the same words as the plan's page."
    )


class PlanSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(help_text="The plan's part of its address, within its council.")
    title = serializers.CharField()
    kind = serializers.CharField(source="get_kind_display")
    summary = serializers.CharField(allow_blank=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    lifecycle = serializers.ChoiceField(
        choices=Plan.Lifecycle.choices,
        help_text="Approved or archived for anyone; drafts only for the council's plan editors.",
    )
    visibility = serializers.ChoiceField(choices=Plan.Visibility.choices)
    approved_on = serializers.DateField(allow_null=True)
    lead_department = serializers.CharField(
        source="lead_department.name", default=None, allow_null=True
    )
    url = serializers.SerializerMethodField(help_text="The plan's dashboard on this website.")
    api_url = serializers.SerializerMethodField(help_text="The plan in the API.")
    actions_url = serializers.SerializerMethodField(help_text="The plan's actions in the API.")

    class Meta:
        model = Plan
        fields = [
            "slug",
            "title",
            "kind",
            "summary",
            "period_start",
            "period_end",
            "lifecycle",
            "visibility",
            "approved_on",
            "lead_department",
            "url",
            "api_url",
            "actions_url",
        ]

    def get_url(self, plan: Plan) -> str:
        return absolute_url(plan.get_absolute_url())

    def get_api_url(self, plan: Plan) -> str:
        return absolute_url(reverse("api:plan-detail", args=[plan.council.slug, plan.slug]))

    def get_actions_url(self, plan: Plan) -> str:
        return absolute_url(reverse("api:plan-actions", args=[plan.council.slug, plan.slug]))


class PlanDetailSerializer(Licensed, PlanSerializer):
    as_at = serializers.DateField(help_text="The day the counts describe.")
    tally = TallySerializer(help_text="The plan's actions counted by where they stood on as_at.")

    class Meta(PlanSerializer.Meta):
        fields = ["licence", "attribution", *PlanSerializer.Meta.fields, "as_at", "tally"]


class WorkstreamSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text="Filter the plan's actions with ?workstream=<id>.")
    reference = serializers.CharField(allow_blank=True, help_text="As printed: 'Objective 1'.")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The workstream it is nested in."
    )
    order = serializers.IntegerField(help_text="Its position in the plan as printed.")

    class Meta:
        model = Workstream
        fields = ["id", "reference", "title", "description", "parent", "order"]


class ReadingSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(allow_blank=True)


class MeasureSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id", help_text="The action it measures.")
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="e.g. '%', 'people', '£'.")
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    target_date = serializers.DateField(allow_null=True)
    direction = serializers.ChoiceField(
        choices=Measure.Direction.choices, help_text="Whether up or down is better."
    )
    readings = ReadingSerializer(many=True, help_text="Every reading, oldest first.")

    class Meta:
        model = Measure
        fields = [
            "id",
            "action",
            "name",
            "unit",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "direction",
            "readings",
        ]


class DeadlineSerializer(serializers.Serializer):
    text = serializers.CharField(
        source="deadline_text",
        allow_blank=True,
        help_text="As written: 'March 2017', 'Q3 2016/17', 'Ongoing'.",
    )
    date = serializers.DateField(
        source="deadline_date",
        allow_null=True,
        help_text="The day it counts as (the last day of a month, quarter or year written); "
        "null when it names none.",
    )
    precision = serializers.CharField(
        source="deadline_precision",
        allow_blank=True,
        help_text="How much the words say: day, month, quarter, half, year, season, "
        "ongoing or none.",
    )
    revised = serializers.BooleanField(
        source="deadline_revised", help_text="Whether a progress update moved it."
    )


class ActionStateSerializer(serializers.Serializer):
    """An action and where it stood on a day (as_at)."""

    id = serializers.IntegerField(source="action.pk")
    reference = serializers.CharField(source="action.reference", help_text="As printed: '10a'.")
    title = serializers.CharField(source="action.title")
    plan = serializers.SlugField(source="action.plan.slug", help_text="The plan's slug.")
    workstream = serializers.IntegerField(
        source="action.workstream_id", allow_null=True, help_text="The workstream's id."
    )
    lead_departments = serializers.SerializerMethodField(
        help_text="The departments that lead it, in order."
    )
    lead_officer_title = serializers.CharField(
        source="action.lead_officer_title", help_text="A job title, never a person's name."
    )
    as_at = serializers.DateField(help_text="The day this state describes.")
    status = StatusSerializer(allow_null=True, help_text="Null when no status was reported.")
    rag = serializers.ChoiceField(choices=Rag.choices, allow_null=True)
    headline_group = serializers.ChoiceField(
        choices=[(OVERDUE, "Overdue"), *StatusGroup.choices],
        help_text="Where the plan's headline counts it: overdue first, whatever its status.",
    )
    percent_complete = serializers.IntegerField(source="percent", allow_null=True)
    commentary = serializers.CharField(help_text="The latest published commentary.")
    reported_on = serializers.DateField(allow_null=True, help_text="When it was last reported.")
    reported_by = serializers.CharField(help_text="The job title of who reported it.")
    deadline = DeadlineSerializer(source="*")
    is_overdue = serializers.BooleanField(
        help_text="Past its deadline on as_at and neither complete nor closed."
    )
    overdue_days = serializers.IntegerField()
    update_overdue_for = serializers.SerializerMethodField(
        help_text="The quarter whose update it still owed on as_at, e.g. 'Q2 2026/27'; null "
        "if none is owed."
    )
    version = serializers.IntegerField(
        source="action.version",
        help_text="Send it back when posting an update: a stale version is refused (409).",
    )
    url = serializers.SerializerMethodField(help_text="The action's page on this website.")

    def get_lead_departments(self, state) -> list[str]:
        return [department.name for department in state.action.leads_in_order]

    def get_update_overdue_for(self, state) -> str | None:
        return str(state.update_expected_for) if state.update_expected_for else None

    def get_url(self, state) -> str:
        return absolute_url(state.action.get_absolute_url())


class ActionDetailSerializer(Licensed, ActionStateSerializer):
    description = serializers.CharField(source="action.description")
    outcomes = serializers.CharField(source="action.outcomes")
    measures_text = serializers.CharField(
        source="action.measures_text", help_text="The plan's measures of success, as written."
    )
    priority = serializers.CharField(source="action.priority")
    wards = serializers.SerializerMethodField(help_text="The wards it serves.")
    partners = serializers.SerializerMethodField(help_text="The partners who deliver it with us.")
    equality_aims = serializers.SerializerMethodField(
        help_text="The aims of the public sector equality duty it serves."
    )
    measures = MeasureSerializer(many=True, source="action.measures.all")

    def get_wards(self, state) -> list[str]:
        return [ward.name for ward in state.action.wards.all()]

    def get_partners(self, state) -> list[str]:
        return [partner.name for partner in state.action.partners.all()]

    def get_equality_aims(self, state) -> list[str]:
        return [str(aim) for aim in state.action.equality_aims()]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    action_reference = serializers.CharField(source="action.reference")
    action_title = serializers.CharField(source="action.title")
    quarter = serializers.CharField(
        source="period.__str__", help_text="The reporting quarter it reports on."
    )
    reported_on = serializers.DateField()
    author_title = serializers.CharField(help_text="A job title, never a person's name.")
    status = StatusSerializer(allow_null=True)
    percent_complete = serializers.IntegerField(allow_null=True)
    commentary = serializers.CharField(allow_blank=True)
    revised_deadline = serializers.CharField(
        source="revised_deadline_text", allow_blank=True, help_text="As written."
    )
    deadline_reason = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(
        choices=ProgressUpdate.State.choices,
        help_text="Only approved updates are published; an officer's own answer says whether "
        "theirs waits for approval.",
    )
    created_at = serializers.DateTimeField()

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "action_reference",
            "action_title",
            "quarter",
            "reported_on",
            "author_title",
            "status",
            "percent_complete",
            "commentary",
            "revised_deadline",
            "deadline_reason",
            "state",
            "created_at",
        ]


class ReadingInSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="The measure's id (the action's 'measures').")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class NewUpdateSerializer(serializers.Serializer):
    """An officer's progress update, as the update form takes it."""

    version = serializers.IntegerField(
        min_value=0,
        help_text="The action's version you read (from the action): if it changed since, "
        "nothing is saved and the answer (409) says what changed.",
    )
    status = serializers.IntegerField(
        help_text="The id of one of the council's status words (the council's 'statuses')."
    )
    percent_complete = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100
    )
    commentary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="Required with a red or amber status.",
    )
    revised_deadline = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="A new deadline as words ('March 2027', 'Q3 2027/28'), with its reason.",
    )
    deadline_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    readings = ReadingInSerializer(
        many=True, required=False, help_text="This quarter's figures for the action's measures."
    )


class LicensedUpdateSerializer(Licensed, ProgressUpdateSerializer):
    """The update as recorded: approved at once, or waiting for a plan manager's approval."""

    class Meta(ProgressUpdateSerializer.Meta):
        fields = ["licence", "attribution", *ProgressUpdateSerializer.Meta.fields]


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    was = serializers.CharField()
    now = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    changed_by = serializers.CharField(help_text="The job title of who changed it.")
    version = serializers.IntegerField(help_text="The action's version now.")
    changes = ChangeSerializer(many=True)


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="As printed: '10a'.")
    text = serializers.CharField()
    report_title = serializers.CharField(source="source.title", help_text="The scrutiny report.")
    report_date = serializers.DateField(source="source.date")
    body = serializers.CharField(source="source.body_name", help_text="Who made it.")
    response = serializers.CharField(
        source="response.label",
        default=None,
        allow_null=True,
        help_text="The executive's response, as worded.",
    )
    response_comment = serializers.CharField()
    response_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    implementation = serializers.CharField(source="get_implementation_display")
    actions = serializers.ListField(
        child=serializers.IntegerField(),
        source="visible_action_ids",
        help_text="The ids of the actions that deliver it (only those you may see).",
    )
    url = serializers.SerializerMethodField()

    def get_url(self, recommendation) -> str:
        return absolute_url(recommendation.get_absolute_url())


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="template.get_kind_display")
    template = serializers.CharField(source="template.name")
    report_subject = serializers.CharField()
    description = serializers.CharField()
    committee = serializers.CharField(source="committee.name", default=None, allow_null=True)
    committee_date = serializers.DateField(allow_null=True)
    date_assessed = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(source="get_outcome_display")
    plan = serializers.SlugField(source="plan.slug", default=None, allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_url(self, assessment) -> str:
        return absolute_url(assessment.get_absolute_url())

    def get_pdf_url(self, assessment) -> str:
        return absolute_url(
            reverse("reports:assessment-pdf", args=[assessment.council.slug, assessment.pk])
        )


class PaperFileSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="As printed, e.g. 'Appendix 1: Progress'.")
    part = serializers.CharField()
    sha256 = serializers.CharField(help_text="The file's SHA-256, as published.")
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.SerializerMethodField()

    def get_url(self, published) -> str:
        report = published.report
        return absolute_url(
            reverse("reports:paper-file", args=[report.council.slug, report.pk, published.pk])
        )


class PaperSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.pk", help_text="The report's id.")
    subject = serializers.CharField(source="report.subject")
    committee = serializers.CharField(source="report.committee.name", default=None, allow_null=True)
    meeting_date = serializers.DateField(source="report.meeting_date")
    item_number = serializers.CharField(source="report.item_number")
    report_of = serializers.CharField(source="report.report_of", help_text="A job title.")
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    files = PaperFileSerializer(many=True, source="files.all")


def named(objects) -> list[dict]:
    return [{"id": o.pk, "name": o.name} for o in objects]

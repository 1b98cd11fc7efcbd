"""The plan structure's admin pages: plan editors (plan managers and council admins) of a
council work here on their council's plans only; superusers on every council's."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from actionplans.models import (
    Action,
    ActionLead,
    BudgetLine,
    Measure,
    MeasureReading,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Workstream,
)
from actionplans.services import period_to_report, record_update, update_errors
from councils.admin import CouncilScopedAdmin, CouncilScopedInline
from councils.models import Membership
from councils.rules import PLAN_EDITOR_ROLES, REPORT_ROLES


class PlanScopedAdmin(CouncilScopedAdmin):
    """Plan structure: the council is found from the model (council, plan__council, ...)."""

    allowed_roles = PLAN_EDITOR_ROLES


class PlanScopedInline(CouncilScopedInline):
    allowed_roles = PLAN_EDITOR_ROLES


class BudgetLineInline(PlanScopedInline, admin.TabularInline):
    model = BudgetLine
    extra = 0


class WorkstreamInline(PlanScopedInline, admin.TabularInline):
    model = Workstream
    extra = 0
    fields = ["order", "reference", "title", "parent"]
    show_change_link = True
    autocomplete_fields = ["parent"]


@admin.register(Plan)
class PlanAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    autocomplete_roles = REPORT_ROLES  # report writers pick the plan an appendix shows
    list_display = ["title", "council", "kind", "lifecycle", "visibility", "approved_on"]
    list_filter = ["council", "kind", "lifecycle", "visibility"]
    search_fields = ["title", "summary", "council__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "council",
        "approved_by",
        "lead_department",
        "corporate_priorities",
        "portfolio_holders",
    ]
    list_select_related = ["council"]
    inlines = [WorkstreamInline, BudgetLineInline]


@admin.register(Workstream)
class WorkstreamAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "parent", "order"]
    list_filter = ["plan__council", "plan"]
    search_fields = ["title", "reference", "plan__title"]
    autocomplete_fields = ["plan", "parent"]
    list_select_related = ["plan", "parent"]


class ActionLeadInline(PlanScopedInline, admin.TabularInline):
    model = ActionLead
    extra = 0
    autocomplete_fields = ["department"]


class MeasureInline(PlanScopedInline, admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["order", "name", "unit", "baseline", "target", "direction"]
    show_change_link = True


class ProgressUpdateInline(PlanScopedInline, admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = [
        "reported_on",
        "period",
        "status",
        "percent_complete",
        "commentary",
        "author_title",
        "state",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Updates enter through the service function (update form, importer), never here.
        return False


@admin.register(Action)
class ActionAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "plan",
        "workstream",
        "status",
        "percent_complete",
        "deadline_text",
        "deadline_date",
    ]
    list_filter = [
        "plan__council",
        "plan",
        "status__rag",
        "deadline_precision",
        "serves_eliminate_discrimination",
        "serves_advance_equality",
        "serves_foster_relations",
    ]
    search_fields = ["title", "reference", "description", "outcomes", "status_commentary"]
    autocomplete_fields = ["plan", "workstream", "status", "partners", "wards", "assignees"]
    list_select_related = ["plan", "workstream", "status"]
    # Current status fields change only by recording a progress update, so history is kept.
    readonly_fields = [
        "status",
        "status_commentary",
        "percent_complete",
        "last_updated",
        "deadline_date",
        "deadline_precision",
    ]
    inlines = [ActionLeadInline, MeasureInline, ProgressUpdateInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        assignees = form.base_fields.get("assignees")
        if assignees is not None and obj is not None and obj.plan_id:
            # People with a role in the action's council (and whoever is assigned already).
            members = Membership.objects.filter(council_id=obj.plan.council_id).values("user")
            assignees.queryset = assignees.queryset.filter(
                Q(pk__in=members) | Q(pk__in=obj.assignees.values("pk"))
            )
        return form

    def save_model(self, request, obj, form, change) -> None:
        # The admin edits the words; the date and precision always follow from them.
        obj.set_deadline(form.cleaned_data.get("deadline_text", ""))
        super().save_model(request, obj, form, change)


class MeasureReadingInline(PlanScopedInline, admin.TabularInline):
    model = MeasureReading
    extra = 0
    fields = ["date", "value", "note"]


@admin.register(Measure)
class MeasureAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "action", "unit", "baseline", "target", "direction"]
    list_filter = ["action__plan__council", "direction"]
    search_fields = ["name", "action__title"]
    autocomplete_fields = ["action"]
    list_select_related = ["action"]
    inlines = [MeasureReadingInline]


@admin.register(MeasureReading)
class MeasureReadingAdmin(PlanScopedAdmin):
    list_display = ["measure", "date", "value", "note"]
    list_filter = ["measure__action__plan__council"]
    search_fields = ["measure__name", "note"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "date"


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PlanScopedAdmin):
    list_display = ["label", "council", "start", "end", "updates_due", "locked_at", "locked_by"]
    list_filter = ["council", "financial_year"]
    search_fields = ["council__name"]
    ordering = ["council", "-start"]
    # Periods are locked and unlocked from the site, where the lock is recorded.
    readonly_fields = ["locked_at", "locked_by"]


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["action", "reported_on", "status", "percent_complete", "commentary"]

    def clean(self):
        cleaned = super().clean()
        action, status = cleaned.get("action"), cleaned.get("status")
        if action and status and status.council_id != action.plan.council_id:
            self.add_error("status", f"Choose a status used by {action.plan.council}.")
        elif action and status:
            # The same rules record_update() enforces, shown on the form instead of failing
            # after it (a locked quarter, a red or amber status without commentary, ...).
            period = period_to_report(action, cleaned.get("reported_on") or timezone.localdate())
            errors = update_errors(
                action,
                status=status,
                commentary=cleaned.get("commentary", ""),
                percent_complete=cleaned.get("percent_complete"),
                period=period,
            )
            for field, message in errors.items():
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(PlanScopedAdmin):
    """Adding an update here records it like any other (the action's status follows);
    updates already recorded are history and cannot be edited."""

    form = ProgressUpdateForm
    list_display = [
        "action",
        "period",
        "reported_on",
        "status",
        "percent_complete",
        "author_title",
        "state",
    ]
    list_filter = ["action__plan__council", "state", "status__rag", "period"]
    search_fields = ["action__title", "commentary", "author_title"]
    autocomplete_fields = ["action", "status"]
    list_select_related = ["action", "period", "status"]
    date_hierarchy = "reported_on"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "action",
            "period",
            "reported_on",
            "author_title",
            "status",
            "percent_complete",
            "commentary",
            "revised_deadline_text",
            "deadline_reason",
            "state",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing is allowed; the change form shows every field read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Plan editors add and read updates; removing history is for superusers.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        update = record_update(
            form.cleaned_data["action"],
            by=request.user,
            status=form.cleaned_data["status"],
            percent_complete=form.cleaned_data["percent_complete"],
            commentary=form.cleaned_data["commentary"],
            reported_on=form.cleaned_data["reported_on"],
        )
        obj.pk = update.pk

from django import forms
from django.contrib import admin
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
from actionplans.services import record_update


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    extra = 0
    fields = ["order", "reference", "title", "parent"]
    show_change_link = True
    autocomplete_fields = ["parent"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
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
class WorkstreamAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "parent", "order"]
    list_filter = ["plan__council", "plan"]
    search_fields = ["title", "reference", "plan__title"]
    autocomplete_fields = ["plan", "parent"]
    list_select_related = ["plan", "parent"]


class ActionLeadInline(admin.TabularInline):
    model = ActionLead
    extra = 0
    autocomplete_fields = ["department"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["order", "name", "unit", "baseline", "target", "direction"]
    show_change_link = True


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["reported_on", "period", "status", "percent_complete", "commentary", "author_title"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Updates enter through the service function (update form, importer), never here.
        return False


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
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
    autocomplete_fields = ["plan", "workstream", "status", "partners", "wards"]
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

    def save_model(self, request, obj, form, change) -> None:
        # The admin edits the words; the date and precision always follow from them.
        obj.set_deadline(form.cleaned_data.get("deadline_text", ""))
        super().save_model(request, obj, form, change)


class MeasureReadingInline(admin.TabularInline):
    model = MeasureReading
    extra = 0
    fields = ["date", "value", "note"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "action", "unit", "baseline", "target", "direction"]
    list_filter = ["action__plan__council", "direction"]
    search_fields = ["name", "action__title"]
    autocomplete_fields = ["action"]
    list_select_related = ["action"]
    inlines = [MeasureReadingInline]


@admin.register(MeasureReading)
class MeasureReadingAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "value", "note"]
    list_filter = ["measure__action__plan__council"]
    search_fields = ["measure__name", "note"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "date"


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "council", "start", "end", "updates_due"]
    list_filter = ["council", "financial_year"]
    search_fields = ["council__name"]
    ordering = ["council", "-start"]


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["action", "reported_on", "status", "percent_complete", "commentary"]

    def clean(self):
        cleaned = super().clean()
        action, status = cleaned.get("action"), cleaned.get("status")
        if action and status and status.council_id != action.plan.council_id:
            self.add_error("status", f"Choose a status used by {action.plan.council}.")
        return cleaned


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Adding an update here records it like any other (the action's status follows);
    updates already recorded are history and cannot be edited."""

    form = ProgressUpdateForm
    list_display = ["action", "period", "reported_on", "status", "percent_complete", "author_title"]
    list_filter = ["action__plan__council", "status__rag", "period"]
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
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing is allowed; the change form shows every field read-only.
        return obj is None and super().has_change_permission(request)

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

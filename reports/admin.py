from django.contrib import admin

from councils.admin import CouncilScopedAdmin, CouncilScopedInline
from councils.rules import REPORT_ROLES
from reports.models import Appendix, CommitteeReport, ContactOfficer


class ContactOfficerInline(CouncilScopedInline, admin.TabularInline):
    model = ContactOfficer
    extra = 0
    allowed_roles = REPORT_ROLES
    council_path = "report__council"


class AppendixInline(CouncilScopedInline, admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ["order", "kind", "title", "plan", "as_at"]
    autocomplete_fields = ["plan"]
    allowed_roles = REPORT_ROLES
    council_path = "report__council"


@admin.register(CommitteeReport)
class CommitteeReportAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    """Democratic services and council admins of a council prepare its reports."""

    allowed_roles = REPORT_ROLES
    council_path = "council"
    list_display = ["subject", "committee", "meeting_date", "item_number", "is_exempt", "council"]
    list_filter = ["council", "committee", "is_exempt"]
    search_fields = ["subject", "purpose", "report_of"]
    date_hierarchy = "meeting_date"
    autocomplete_fields = [
        "council",
        "committee",
        "corporate_priorities",
        "wards",
        "cabinet_members",
    ]
    inlines = [ContactOfficerInline, AppendixInline]

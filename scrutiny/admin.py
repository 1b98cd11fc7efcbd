"""A council's response vocabulary is configured here; the register is kept on the site."""

from django.contrib import admin

from councils.admin import CouncilScopedAdmin, CouncilScopedInline
from councils.rules import PLAN_EDITOR_ROLES, REPORT_ROLES
from scrutiny.models import Recommendation, ResponseOption, Source

KEEPERS = PLAN_EDITOR_ROLES | REPORT_ROLES


@admin.register(ResponseOption)
class ResponseOptionAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    allowed_roles = KEEPERS
    council_path = "council"
    list_display = ["label", "meaning", "order", "council"]
    list_filter = ["council", "meaning"]


class RecommendationInline(CouncilScopedInline, admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["reference", "text", "response", "implementation"]
    allowed_roles = KEEPERS
    council_path = "source__council"


@admin.register(Source)
class SourceAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    allowed_roles = KEEPERS
    council_path = "council"
    list_display = ["title", "body", "committee", "date", "is_published", "council"]
    list_filter = ["council", "is_published"]
    search_fields = ["title", "body"]
    inlines = [RecommendationInline]

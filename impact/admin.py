"""Templates are configured per council here. A template version that a completed assessment
was made with is frozen: it shows read-only, and "Make a new version" copies it to edit, so
assessments already completed never change."""

from django.contrib import admin, messages

from councils.admin import CouncilScopedAdmin, CouncilScopedInline
from councils.rules import ASSESSMENT_PUBLISHER_ROLES
from impact import services
from impact.models import (
    Assessment,
    AssessmentTemplate,
    Category,
    ClosingSection,
    RatingOption,
    Row,
)


def _template_of(obj):
    if obj is None:
        return None
    return obj if isinstance(obj, AssessmentTemplate) else getattr(obj, "template", None)


class FrozenAware:
    """No changes to a frozen template version or its parts, for anyone."""

    def _frozen(self, obj) -> bool:
        template = _template_of(obj)
        return bool(template and template.pk and template.is_frozen)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class FrozenAwareInline(FrozenAware):
    def has_add_permission(self, request, obj) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)


class RatingOptionInline(FrozenAwareInline, CouncilScopedInline, admin.TabularInline):
    model = RatingOption
    extra = 0
    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "template__council"


class CategoryInline(FrozenAwareInline, CouncilScopedInline, admin.TabularInline):
    model = Category
    extra = 0
    show_change_link = True
    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "template__council"


class ClosingSectionInline(FrozenAwareInline, CouncilScopedInline, admin.TabularInline):
    model = ClosingSection
    extra = 0
    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "template__council"


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(FrozenAware, CouncilScopedAdmin, admin.ModelAdmin):
    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "council"
    list_display = ["name", "version", "kind", "is_active", "council"]
    list_filter = ["council", "kind", "is_active"]
    search_fields = ["name"]
    exclude = ["previous"]
    inlines = [RatingOptionInline, CategoryInline, ClosingSectionInline]
    actions = ["make_new_version"]

    @admin.action(description="Make a new version to edit (assessments keep theirs)")
    def make_new_version(self, request, queryset):
        for template in queryset:
            if hasattr(template, "successor"):
                messages.warning(request, f"{template} already has a newer version.")
                continue
            copy = services.new_version(template)
            messages.success(request, f"Made {copy}: edit it; new assessments will use it.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        template = self.get_object(request, object_id)
        if template is not None and template.is_frozen:
            messages.info(
                request,
                "Completed assessments were made with this version, so it cannot change. "
                "Use “Make a new version to edit” from the list.",
            )
        return super().change_view(request, object_id, form_url, extra_context)


class RowInline(FrozenAwareInline, CouncilScopedInline, admin.TabularInline):
    model = Row
    extra = 0
    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "category__template__council"

    def _frozen(self, obj) -> bool:
        return bool(obj and obj.pk and obj.template.is_frozen)


@admin.register(Category)
class CategoryAdmin(FrozenAware, CouncilScopedAdmin, admin.ModelAdmin):
    """A category's rows (areas), edited here."""

    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "template__council"
    list_display = ["title", "template"]
    list_filter = ["template__council"]
    inlines = [RowInline]


@admin.register(Assessment)
class AssessmentAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    """For finding and correcting assessments; they are filled in on the site."""

    allowed_roles = ASSESSMENT_PUBLISHER_ROLES
    council_path = "council"
    list_display = ["report_subject", "template", "state", "committee_date", "council"]
    list_filter = ["council", "state", "template"]
    search_fields = ["report_subject", "description"]
    readonly_fields = ["template", "completed_by", "completed_at", "published_by", "published_at"]
    raw_id_fields = ["plan", "committee"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.state == Assessment.State.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

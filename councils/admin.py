from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from councils.models import (
    Committee,
    CorporatePriority,
    Council,
    Department,
    Membership,
    Partner,
    PortfolioHolder,
    Status,
    User,
    Ward,
)

# Council websites are https; Django 6 assumes so too, and 5.2 warns until told.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["council", "department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "job_title", "email", "is_active", "is_staff"]
    search_fields = ["username", "job_title", "email", "first_name", "last_name"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role in the council", {"fields": ["job_title"]}),
    ]
    inlines = [MembershipInline]


class StatusInline(admin.TabularInline):
    model = Status
    extra = 0
    fields = ["label", "rag", "is_started", "is_complete", "is_closed", "order", "default_percent"]


class CorporatePriorityInline(admin.TabularInline):
    model = CorporatePriority
    extra = 0
    fields = ["title", "order"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "financial_year_start_month", "show_officer_names"]
    list_filter = ["kind", "show_officer_names"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS
    inlines = [StatusInline, CorporatePriorityInline]


class CouncilScopedAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_filter = ["council"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]


@admin.register(Department)
class DepartmentAdmin(CouncilScopedAdmin):
    list_display = ["name", "parent", "council"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["council", "parent"]
    list_select_related = ["council", "parent"]


@admin.register(Ward)
class WardAdmin(CouncilScopedAdmin):
    list_display = ["name", "code", "council"]
    search_fields = ["name", "code"]


@admin.register(Partner)
class PartnerAdmin(CouncilScopedAdmin):
    list_display = ["name", "sector", "council"]
    list_filter = ["council", "sector"]
    search_fields = ["name"]


@admin.register(Committee)
class CommitteeAdmin(CouncilScopedAdmin):
    list_display = ["name", "kind", "council"]
    list_filter = ["council", "kind"]
    search_fields = ["name"]


@admin.register(PortfolioHolder)
class PortfolioHolderAdmin(CouncilScopedAdmin):
    list_display = ["title", "portfolio", "council"]
    search_fields = ["title", "portfolio", "councillor_name"]


@admin.register(CorporatePriority)
class CorporatePriorityAdmin(CouncilScopedAdmin):
    list_display = ["title", "order", "council"]
    search_fields = ["title", "description"]


@admin.register(Status)
class StatusAdmin(CouncilScopedAdmin):
    list_display = ["label", "rag", "is_started", "is_complete", "is_closed", "order", "council"]
    list_filter = ["council", "rag", "is_complete", "is_closed"]
    search_fields = ["label", "description"]


@admin.register(Membership)
class MembershipAdmin(CouncilScopedAdmin):
    list_display = ["user", "council", "role", "department"]
    list_filter = ["council", "role"]
    search_fields = ["user__username", "user__job_title", "council__name"]
    autocomplete_fields = ["user", "council", "department"]
    list_select_related = ["user", "council", "department"]

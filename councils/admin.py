"""The admin pages, scoped by council.

Superusers administer every council. Other staff see and change only the rows of councils in
which they hold one of an admin's `allowed_roles` (roles as decided in councils.rules); Django's
own model permissions are not consulted for them. Council admins get the council's
configuration (this module); plan editors get the plan structure (actionplans.admin).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import FieldDoesNotExist, ValidationError
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
from councils.rules import ADMIN_ROLES, PLAN_EDITOR_ROLES, REPORT_ROLES, council_id_of, roles_in

# Council websites are https; Django 6 assumes so too, and 5.2 warns until told.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

# The relations council_id_of() walks up, in the same order: a model reaches its council
# through the first of these it has.
PARENT_FIELDS = ("plan", "action", "measure", "workstream")


def council_path_for(model) -> str | None:
    """The ORM path from `model` to its Council ("" for Council itself), or None for a model
    that belongs to no council. Users belong to the councils they hold a role in."""
    if model is Council:
        return ""
    if model is get_user_model():
        return "memberships__council"
    for name in ("council", *PARENT_FIELDS):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.many_to_one:
            continue
        parent_path = council_path_for(field.related_model)
        if parent_path is not None:
            return f"{name}__{parent_path}" if parent_path else name
    return None


def _is_multivalued(model, path: str) -> bool:
    """Whether following `path` from `model` can reach several rows (a reverse or m2m hop)."""
    for field in get_fields_from_path(model, path):
        if field.one_to_many or field.many_to_many:
            return True
    return False


def filter_to_councils(queryset, path: str, council_ids) -> models.QuerySet:
    """Rows of `queryset` belonging to one of `council_ids`, following `path` to the council."""
    if not path:
        return queryset.filter(pk__in=council_ids)
    lookup = {f"{path}__in": council_ids}
    if _is_multivalued(queryset.model, path):
        # A user with two roles in the council would otherwise be listed twice.
        matching = queryset.model._default_manager.filter(**lookup).values("pk")
        return queryset.filter(pk__in=matching)
    return queryset.filter(**lookup)


def councils_where(request, roles) -> frozenset[int]:
    """Ids of the councils in which the request's user holds one of `roles` (cached per
    request). Roles come from councils.rules.roles_in, so the admin agrees with the site."""
    user = request.user
    if not user.is_authenticated:
        return frozenset()
    cache = request.__dict__.setdefault("_councils_where", {})
    key = frozenset(roles)
    if key not in cache:
        member_of = set(Membership.objects.filter(user=user).values_list("council_id", flat=True))
        cache[key] = frozenset(c for c in member_of if roles_in(user, c) & key)
    return cache[key]


def _is_autocomplete(request, site_name: str) -> bool:
    """Whether this request is the admin site's autocomplete view (a widget's lookup)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete" and site_name in match.namespaces


class _CouncilScoping:
    """What admins and inlines share: the rows they show, and the choices their foreign keys
    offer, are limited to the user's councils."""

    council_path: str | None = None  # None: derived from the model by council_path_for().
    allowed_roles: frozenset[str] = ADMIN_ROLES

    def get_council_path(self) -> str:
        path = self.council_path
        if path is None:
            path = council_path_for(self.model)
        if path is None:
            raise TypeError(f"{self.model.__name__} does not belong to a council.")
        return path

    def scope_roles(self, request) -> frozenset[str]:
        return frozenset(self.allowed_roles)

    def council_ids(self, request) -> frozenset[int]:
        """The councils whose rows this user may work on here."""
        return councils_where(request, self.scope_roles(request))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return filter_to_councils(queryset, self.get_council_path(), self.council_ids(request))

    def scoped_choices(self, request, model, queryset):
        """Limit a related model's choices to the user's councils, if it belongs to one."""
        if request.user.is_superuser:
            return queryset
        path = council_path_for(model)
        if path is None:
            return queryset
        if queryset is None:
            queryset = model._default_manager.all()
        # Allowed roles of this admin, not of the related one: a plan manager picks a
        # department for a plan without administering departments.
        return filter_to_councils(queryset, path, councils_where(request, self.allowed_roles))

    def _scope_field_kwargs(self, db_field, request, kwargs) -> None:
        if request is None or request.user.is_superuser:
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            # Keep the ordering the related model's admin would have given the choices.
            queryset = self.get_field_queryset(None, db_field, request)
        queryset = self.scoped_choices(request, db_field.remote_field.model, queryset)
        if queryset is not None:
            kwargs["queryset"] = queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_field_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_field_kwargs(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CouncilScopedAdmin(_CouncilScoping, admin.ModelAdmin):
    """A ModelAdmin for rows that belong to a council.

    council_path: ORM path from the model to its Council ("" for Council itself, "council",
        "plan__council", "action__plan__council"...). None derives it from the model.
    allowed_roles: council roles (from councils.rules) that may view, add, change and delete
        the council's rows here.
    autocomplete_roles: roles that may look rows up from other admins' autocomplete widgets
        (a plan manager choosing a plan's lead department); defaults to allowed_roles. The
        changelist and forms stay closed to them; the choices they may save are limited by the
        admin they are editing in.

    Mix it in before any other ModelAdmin base: class PlanAdmin(CouncilScopedAdmin,
    SimpleHistoryAdmin). It sets no display options, so it hides none of the other base's.
    """

    autocomplete_roles: frozenset[str] | None = None

    def scope_roles(self, request) -> frozenset[str]:
        if _is_autocomplete(request, self.admin_site.name) and self.autocomplete_roles is not None:
            return frozenset(self.autocomplete_roles) | frozenset(self.allowed_roles)
        return frozenset(self.allowed_roles)

    def get_object_council_ids(self, obj) -> set[int]:
        """The councils `obj` belongs to (a user: every council they hold a role in)."""
        path = self.get_council_path()
        if not path:
            return {obj.pk}
        council_id = council_id_of(obj)
        if council_id is not None:
            return {council_id}
        if obj.pk is None:
            return set()
        values = self.model._default_manager.filter(pk=obj.pk).values_list(path, flat=True)
        return {value for value in values if value is not None}

    def in_scope(self, request, obj=None) -> bool:
        """A non-superuser may work here if they hold an allowed role in some council, and on
        an object only if it belongs to one of those councils."""
        council_ids = self.council_ids(request)
        if not council_ids:
            return False
        return obj is None or bool(self.get_object_council_ids(obj) & council_ids)

    def has_module_permission(self, request) -> bool:
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return bool(councils_where(request, self.allowed_roles))

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self.in_scope(request, obj)

    def has_add_permission(self, request) -> bool:
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return self.in_scope(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self.in_scope(request, obj)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        # A related filter would list every council's rows; offer only those in scope.
        return [self._scoped_list_filter(entry) for entry in filters]

    def _scoped_list_filter(self, entry):
        if isinstance(entry, str):
            field = get_fields_from_path(self.model, entry)[-1]
            if field.is_relation:
                return (entry, admin.RelatedOnlyFieldListFilter)
        return entry


class CouncilScopedInline(_CouncilScoping):
    """Mix into an inline (class XInline(CouncilScopedInline, admin.TabularInline)): its rows
    and foreign-key choices are limited to the user's councils, and a non-superuser may do
    with its rows what they may do with the parent object."""

    def _parent_admin(self):
        return self.admin_site._registry.get(self.parent_model)

    def _parent_allows(self, request, obj, action: str) -> bool:
        if not self.council_ids(request):
            return False
        parent = self._parent_admin()
        if parent is None:
            return False
        if action == "view":
            return parent.has_view_permission(request, obj)
        if obj is None:  # the parent's add form
            return parent.has_add_permission(request) or parent.has_change_permission(request)
        return parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self._parent_allows(request, obj, "view")

    def has_add_permission(self, request, obj) -> bool:
        if request.user.is_superuser:
            return super().has_add_permission(request, obj)
        return self._parent_allows(request, obj, "change")

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._parent_allows(request, obj, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self._parent_allows(request, obj, "change")


# Council configuration: council admins administer it; plan editors and report writers may
# pick from it.
CONFIG_LOOKUP_ROLES = ADMIN_ROLES | PLAN_EDITOR_ROLES | REPORT_ROLES


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    require_one = False

    def clean(self) -> None:
        super().clean()
        if self.require_one and not any(
            form.cleaned_data and not form.cleaned_data.get("DELETE") for form in self.forms
        ):
            raise ValidationError("Give the new user a role in your council.")


class MembershipInline(CouncilScopedInline, admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["council", "department"]
    allowed_roles = ADMIN_ROLES

    def get_extra(self, request, obj=None, **kwargs) -> int:
        # A council admin adding a user gives them a role at once, or cannot see them after.
        if obj is None and not request.user.is_superuser:
            return 1
        return super().get_extra(request, obj, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.require_one = obj is None and not request.user.is_superuser
        return formset


# Fields only a superuser may set: they grant access beyond any one council.
SUPERUSER_ONLY_USER_FIELDS = {"is_superuser", "groups", "user_permissions"}


@admin.register(User)
class UserAdmin(CouncilScopedAdmin, BaseUserAdmin):
    """Council admins see the users who hold a role in their council and may add users (with
    a role in their council). They may change a user only if every council that user holds a
    role in is one they administer, and never a superuser: a shared account's password or
    staff flag is not one council's to change."""

    council_path = "memberships__council"
    allowed_roles = ADMIN_ROLES
    autocomplete_roles = CONFIG_LOOKUP_ROLES
    list_display = ["username", "job_title", "email", "is_active", "is_staff"]
    search_fields = ["username", "job_title", "email", "first_name", "last_name"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role in the council", {"fields": ["job_title"]}),
    ]
    inlines = [MembershipInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_USER_FIELDS],
                },
            )
            for name, options in fieldsets
        ]

    def _administers_all_of(self, request, obj) -> bool:
        councils = self.get_object_council_ids(obj)
        return not obj.is_superuser and bool(councils) and councils <= self.council_ids(request)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if request.user.is_superuser or obj is None or not allowed:
            return allowed
        return self._administers_all_of(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if request.user.is_superuser or obj is None or not allowed:
            return allowed
        return self._administers_all_of(request, obj)


class StatusInline(CouncilScopedInline, admin.TabularInline):
    model = Status
    extra = 0
    fields = ["label", "rag", "is_started", "is_complete", "is_closed", "order", "default_percent"]
    allowed_roles = ADMIN_ROLES


class CorporatePriorityInline(CouncilScopedInline, admin.TabularInline):
    model = CorporatePriority
    extra = 0
    fields = ["title", "order"]
    allowed_roles = ADMIN_ROLES


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    """Council admins change their own council's settings; only superusers add or delete
    councils."""

    council_path = ""
    allowed_roles = ADMIN_ROLES
    autocomplete_roles = CONFIG_LOOKUP_ROLES
    list_display = ["name", "kind", "financial_year_start_month", "show_officer_names"]
    list_filter = ["kind", "show_officer_names"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS
    inlines = [StatusInline, CorporatePriorityInline]
    # The council's own words in the pages linked from every footer; other fields come first.
    statement_fieldsets = [
        (
            "Accessibility statement",
            {
                "fields": ["accessibility_contact", "accessibility_reviewed_on"],
                "description": "Shown on the council's accessibility statement, under "
                "'Feedback and contact information'. The rest of the statement is the model "
                "wording, which describes this website as it is tested.",
            },
        ),
        (
            "Privacy notice",
            {
                "fields": ["privacy_contact", "privacy_reviewed_on"],
                "description": "Shown on the council's privacy notice, under 'Contact'. The "
                "rest of the notice says what this website stores, read from its settings.",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        own = {name for _, options in self.statement_fieldsets for name in options["fields"]}
        others = [name for name in self.get_fields(request, obj) if name not in own]
        return [(None, {"fields": others}), *self.statement_fieldsets]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class CouncilListAdmin(CouncilScopedAdmin):
    """The lists a council keeps (departments, wards, statuses...)."""

    council_path = "council"
    allowed_roles = ADMIN_ROLES
    autocomplete_roles = CONFIG_LOOKUP_ROLES
    formfield_overrides = HTTPS_URLS
    list_filter = ["council"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]


@admin.register(Department)
class DepartmentAdmin(CouncilListAdmin):
    list_display = ["name", "parent", "council"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["council", "parent"]
    list_select_related = ["council", "parent"]


@admin.register(Ward)
class WardAdmin(CouncilListAdmin):
    list_display = ["name", "code", "council"]
    search_fields = ["name", "code"]


@admin.register(Partner)
class PartnerAdmin(CouncilListAdmin):
    list_display = ["name", "sector", "council"]
    list_filter = ["council", "sector"]
    search_fields = ["name"]


@admin.register(Committee)
class CommitteeAdmin(CouncilListAdmin):
    list_display = ["name", "kind", "council"]
    list_filter = ["council", "kind"]
    search_fields = ["name"]


@admin.register(PortfolioHolder)
class PortfolioHolderAdmin(CouncilListAdmin):
    list_display = ["title", "portfolio", "council"]
    search_fields = ["title", "portfolio", "councillor_name"]


@admin.register(CorporatePriority)
class CorporatePriorityAdmin(CouncilListAdmin):
    list_display = ["title", "order", "council"]
    search_fields = ["title", "description"]


@admin.register(Status)
class StatusAdmin(CouncilListAdmin):
    list_display = ["label", "rag", "is_started", "is_complete", "is_closed", "order", "council"]
    list_filter = ["council", "rag", "is_complete", "is_closed"]
    search_fields = ["label", "description"]


@admin.register(Membership)
class MembershipAdmin(CouncilListAdmin):
    autocomplete_roles = None
    list_display = ["user", "council", "role", "department"]
    list_filter = ["council", "role"]
    search_fields = ["user__username", "user__job_title", "council__name"]
    autocomplete_fields = ["user", "council", "department", "portfolio"]
    filter_horizontal = ["wards", "committees"]
    list_select_related = ["user", "council", "department"]

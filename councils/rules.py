"""Who may see and change what: the one place that decides it.

Roles are per council (Membership). Objects are reached duck-typed, so this module needs
nothing from the apps that own the objects: a council-scoped object has `council_id`, a plan
has `council_id`, an action has `plan`, a progress update has `action`.

Querysets that must agree with these rules (Plan.objects.visible_to, Action.objects
.updatable_by) use the role sets defined here. Views check object permissions with
user.has_perm("actionplans.update_action", action) and so on; outsiders are answered 404 by
the views (the object is not in any queryset they may read), read-only users 403.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from councils.models import Council, Membership

Role = Membership.Role

# Who may see a council's drafts and private plans, and change plan structure.
PLAN_EDITOR_ROLES = frozenset({Role.PLAN_MANAGER, Role.COUNCIL_ADMIN})
# Who may approve or return officers' updates, lock periods and chase missing updates.
REVIEWER_ROLES = frozenset({Role.PLAN_MANAGER, Role.COUNCIL_ADMIN})
# Who prepares committee reports and their appendices.
REPORT_ROLES = frozenset({Role.DEMOCRATIC_SERVICES, Role.COUNCIL_ADMIN})
# Who may read every plan of their council, drafts and private plans included: those who
# edit plans, and those who prepare committee reports, since a confidential plan can go to
# Cabinet in an exempt (Part B) report. Plan.objects.visible_to reads this set.
PLAN_READER_ROLES = PLAN_EDITOR_ROLES | REPORT_ROLES
# Who fills in impact assessments (report authors among them) and sees drafts.
ASSESSMENT_EDITOR_ROLES = frozenset(
    {Role.OFFICER, Role.PLAN_MANAGER, Role.DEMOCRATIC_SERVICES, Role.COUNCIL_ADMIN}
)
# Who publishes completed assessments, and configures their templates.
ASSESSMENT_PUBLISHER_ROLES = frozenset(
    {Role.PLAN_MANAGER, Role.DEMOCRATIC_SERVICES, Role.COUNCIL_ADMIN}
)
# Who administers a council's users, departments and vocabulary.
ADMIN_ROLES = frozenset({Role.COUNCIL_ADMIN})
# Who may read members-only plans: anyone with a role in the council.
MEMBER_ROLES = frozenset(Role.values)


def council_id_of(obj) -> int | None:
    """The council an object belongs to, found by walking up to it."""
    if isinstance(obj, Council):
        return obj.pk
    if hasattr(obj, "council_id"):
        return obj.council_id
    for parent in PARENTS:
        related = getattr(obj, parent, None)
        if isinstance(related, models.Model):  # a foreign key, not a text field so named
            return council_id_of(related)
    return None


# What an object may hang from on its way up to its council, tried in this order.
PARENTS = (
    "plan",
    "action",
    "measure",
    "workstream",
    "report",
    "publication",
    "assessment",
    "source",
    "recommendation",
)


def roles_in(user, council_id: int | None) -> frozenset[str]:
    """The user's roles in one council, cached on the user object for the request."""
    if not user.is_authenticated or council_id is None:
        return frozenset()
    cache = user.__dict__.setdefault("_council_roles", None)
    if cache is None:
        cache = {}
        for membership in Membership.objects.filter(user=user).values("council_id", "role"):
            cache.setdefault(membership["council_id"], set()).add(membership["role"])
        user._council_roles = cache
    return frozenset(cache.get(council_id, ()))


def has_role(*roles: str):
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(wanted))})")
    def predicate(user, obj) -> bool:
        return obj is not None and bool(roles_in(user, council_id_of(obj)) & wanted)

    return predicate


@rules.predicate
def is_superuser(user) -> bool:
    return user.is_authenticated and user.is_superuser


@rules.predicate
def leads_action(user, action) -> bool:
    """An officer of one of the action's lead departments, or someone it is assigned to."""
    if not user.is_authenticated or action is None:
        return False
    if action.assignees.filter(pk=user.pk).exists():
        return True
    departments = Membership.objects.filter(
        user=user, council_id=council_id_of(action), role=Role.OFFICER, department__isnull=False
    ).values("department")
    return action.lead_links.filter(department__in=departments).exists()


@rules.predicate
def leads_an_action_in(user, plan) -> bool:
    """An officer who leads (or is assigned) at least one of the plan's actions."""
    if not user.is_authenticated or plan is None:
        return False
    departments = Membership.objects.filter(
        user=user, council_id=plan.council_id, role=Role.OFFICER, department__isnull=False
    ).values("department")
    return (
        plan.actions.filter(assignees=user).exists()
        or plan.actions.filter(lead_links__department__in=departments).exists()
    )


@rules.predicate
def authored(user, update) -> bool:
    return update is not None and update.author_id == user.pk


@rules.predicate
def token_may_write(user, token) -> bool:
    """A request signed with a read-only API token changes nothing; a request with no token
    (the site's own session) is left to the other rules."""
    return token is None or token.can_write


is_plan_editor = has_role(*PLAN_EDITOR_ROLES)
is_reviewer = has_role(*REVIEWER_ROLES)
is_council_admin = has_role(*ADMIN_ROLES)
is_officer = has_role(Role.OFFICER)
is_member = has_role(*MEMBER_ROLES)

rules.add_perm(
    "actionplans.update_action", is_superuser | is_plan_editor | (is_officer & leads_action)
)
# Uploading an edited export of a plan: its changes are applied only to actions the person
# may update (actionplans.imports).
rules.add_perm(
    "actionplans.upload_changes", is_superuser | is_plan_editor | (is_officer & leads_an_action_in)
)
# Nobody approves their own update, superusers included.
rules.add_perm("actionplans.review_update", (is_superuser | is_reviewer) & ~authored)
rules.add_perm("actionplans.manage_plan", is_superuser | is_plan_editor)
# Opening drafts and private plans; democratic services use it to put a private plan in an
# exempt report (reports.models.Appendix.clean allows a private plan nowhere else).
rules.add_perm("actionplans.view_unpublished_plans", is_superuser | has_role(*PLAN_READER_ROLES))
rules.add_perm("actionplans.lock_period", is_superuser | is_reviewer)
rules.add_perm("actionplans.view_missing_updates", is_superuser | is_reviewer)
rules.add_perm("actionplans.view_change_history", is_superuser | is_plan_editor | is_officer)
rules.add_perm("councils.administer_council", is_superuser | is_council_admin)
# Following a plan (home.Follow): anyone signed in, for a plan they may see (its view
# checks Plan.objects.visible_to first; a plan they may not see is 404).
rules.add_perm("home.follow_plan", rules.is_authenticated)
# Personal API tokens (api.models.ApiToken): anyone signed in makes and revokes their own;
# the account page finds tokens only among the person's own, so another's is 404.
rules.add_perm("api.manage_own_tokens", rules.is_authenticated)
# Writing through the API with a token. api.tokens.TokenMayWrite asks rules.has_perm with the
# token (or None): user.has_perm would answer yes to any superuser, read-only token or not.
rules.add_perm("api.write_with_token", token_may_write)
rules.add_perm("reports.prepare_report", is_superuser | has_role(*REPORT_ROLES))
rules.add_perm(
    "scrutiny.manage_recommendations",
    is_superuser | has_role(*(PLAN_EDITOR_ROLES | REPORT_ROLES)),
)
rules.add_perm("impact.edit_assessment", is_superuser | has_role(*ASSESSMENT_EDITOR_ROLES))
rules.add_perm("impact.publish_assessment", is_superuser | has_role(*ASSESSMENT_PUBLISHER_ROLES))


def require(user, obj, perm: str) -> None:
    """Let `user` through to `obj` (a council, or anything in one) only with `perm`: someone
    with no role in its council gets 404, as if it did not exist, and a member of the
    council without the permission 403. Signed-out visitors are sent to sign in by
    @login_required before this runs."""
    if not (user.is_authenticated and user.is_superuser) and not roles_in(user, council_id_of(obj)):
        raise Http404
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def council_for(request, council_slug: str, perm: str) -> Council:
    """The council a council-scoped page belongs to, for someone with `perm` on it."""
    council = get_object_or_404(Council, slug=council_slug)
    require(request.user, council, perm)
    return council

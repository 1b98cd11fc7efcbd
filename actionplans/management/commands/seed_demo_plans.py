"""Load the demo councils from fixtures/demo/*.json. Safe to run again: it updates in place.

Each file transcribes one real council paper (see its "source"). Every status reaches an
action through record_update(), exactly as an officer's update would."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from actionplans.deadlines import parse_deadline
from actionplans.models import (
    Action,
    ActionLead,
    BudgetLine,
    Measure,
    MeasureReading,
    Plan,
    ProgressUpdate,
    Workstream,
)
from actionplans.services import record_update
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

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "demo-council-2015"
READING_NOTE = "Illustrative figure (demo data)"


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _upsert(model, lookup: dict, values: dict):
    """update_or_create that saves only when something changed, so a rerun adds no audit
    history to plans, workstreams, actions and measures."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


class Loader:
    """Applies one council file. Lookups are by name within the council, so reruns match."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.users: dict[str, User] = {}

    def load(self) -> Council:
        info = self.data["council"]
        council, _ = Council.objects.update_or_create(
            slug=info["slug"],
            defaults={
                "name": info["name"],
                "kind": info["kind"],
                "show_officer_names": info.get("show_officer_names", False),
                "website": info.get("website", ""),
            },
        )
        self.council = council
        self._load_structure()
        self._load_users()
        for plan_data in self.data["plans"]:
            self._load_plan(plan_data)
        return council

    def _load_structure(self) -> None:
        c = self.council
        self.departments = {}
        for row in self.data["departments"]:
            dept, _ = Department.objects.update_or_create(
                council=c,
                name=row["name"],
                defaults={"parent": self.departments.get(row.get("parent"))},
            )
            self.departments[dept.name] = dept
        self.wards = {
            row["name"]: Ward.objects.update_or_create(council=c, name=row["name"])[0]
            for row in self.data["wards"]
        }
        self.partners = {
            row["name"]: Partner.objects.update_or_create(
                council=c, name=row["name"], defaults={"sector": row.get("sector", "other")}
            )[0]
            for row in self.data["partners"]
        }
        self.committees = {
            row["name"]: Committee.objects.update_or_create(
                council=c, name=row["name"], defaults={"kind": row["kind"]}
            )[0]
            for row in self.data["committees"]
        }
        self.portfolios = {
            row["title"]: PortfolioHolder.objects.update_or_create(
                council=c, title=row["title"], defaults={"portfolio": row["portfolio"]}
            )[0]
            for row in self.data["portfolio_holders"]
        }
        self.priorities = {
            row["title"]: CorporatePriority.objects.update_or_create(
                council=c, title=row["title"], defaults={"order": i}
            )[0]
            for i, row in enumerate(self.data["corporate_priorities"])
        }
        self.statuses = {}
        for row in self.data["statuses"]:
            fields = {k: v for k, v in row.items() if k != "label"}
            self.statuses[row["label"]] = Status.objects.update_or_create(
                council=c, label=row["label"], defaults=fields
            )[0]

    def _load_users(self) -> None:
        for row in self.data["users"]:
            # Council admins and plan managers work in the admin pages too.
            staff = row["role"] in (Membership.Role.COUNCIL_ADMIN, Membership.Role.PLAN_MANAGER)
            user, _ = User.objects.update_or_create(
                username=row["username"],
                defaults={
                    "job_title": row["job_title"],
                    "email": f"{row['username']}@example.org",
                    "is_staff": staff,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            Membership.objects.update_or_create(
                user=user,
                council=self.council,
                role=row["role"],
                defaults={"department": self.departments.get(row.get("department"))},
            )
            self.users[user.username] = user

    def _load_plan(self, row: dict) -> None:
        plan = _upsert(
            Plan,
            {"council": self.council, "slug": row["slug"]},
            {
                "title": row["title"],
                "kind": row["kind"],
                "summary": row.get("summary", ""),
                "period_start": _date(row.get("period_start")),
                "period_end": _date(row.get("period_end")),
                "lifecycle": row["lifecycle"],
                "visibility": row["visibility"],
                "approved_by": self.committees.get(row.get("approved_by")),
                "approved_on": _date(row.get("approved_on")),
                "lead_department": self.departments.get(row.get("lead_department")),
                "lead_officer_title": row.get("lead_officer_title", ""),
                "workstream_label": row.get("workstream_label", "Workstream"),
            },
        )
        plan.corporate_priorities.set(
            [self.priorities[t] for t in row.get("corporate_priorities", [])]
        )
        plan.portfolio_holders.set([self.portfolios[t] for t in row.get("portfolio_holders", [])])
        for line in row.get("budget_lines", []):
            BudgetLine.objects.update_or_create(
                plan=plan,
                financial_year=line["financial_year"],
                source=line.get("source", ""),
                defaults={"amount": Decimal(line["amount"])},
            )
        self.plan = plan
        self.requires_approval = row.get("requires_approval", False)
        self.reporter = self.users.get(row.get("reporter", ""))
        self.as_at = _date(row.get("status_as_at"))
        self.action_order = 0
        self.workstream_order = 0
        for ws_row in row.get("workstreams", []):
            self._load_workstream(ws_row, parent=None)
        for action_row in row.get("actions", []):
            self._load_action(action_row, workstream=None)
        # Switched on after the history is loaded: the papers' statuses are already approved.
        _upsert(Plan, {"pk": plan.pk}, {"requires_approval": self.requires_approval})

    def _load_workstream(self, row: dict, *, parent: Workstream | None) -> None:
        # Workstreams are numbered through the whole plan, as printed, nested ones included.
        self.workstream_order += 1
        ws = _upsert(
            Workstream,
            {"plan": self.plan, "parent": parent, "title": row["title"]},
            {
                "reference": row.get("reference", ""),
                "description": row.get("description", ""),
                "order": self.workstream_order,
            },
        )
        for action_row in row.get("actions", []):
            self._load_action(action_row, workstream=ws)
        for child in row.get("children", []):
            self._load_workstream(child, parent=ws)

    def _load_action(self, row: dict, *, workstream: Workstream | None) -> None:
        self.action_order += 1
        aims = set(row.get("aims", []))
        deadline = parse_deadline(
            row.get("deadline", ""), fy_start_month=self.council.financial_year_start_month
        )
        action = _upsert(
            Action,
            {"plan": self.plan, "order": self.action_order},
            {
                "workstream": workstream,
                "reference": row.get("reference", ""),
                "title": row["title"],
                "description": row.get("description", ""),
                "outcomes": row.get("outcomes", ""),
                "measures_text": row.get("measures_text", ""),
                "lead_officer_title": row.get("lead_officer_title", ""),
                "partners_note": row.get("partners_note", ""),
                "priority": row.get("priority", ""),
                "serves_eliminate_discrimination": "eliminate" in aims,
                "serves_advance_equality": "advance" in aims,
                "serves_foster_relations": "foster" in aims,
                "deadline_text": deadline.text,
                "deadline_date": deadline.date,
                "deadline_precision": deadline.precision,
            },
        )

        leads = [self.departments[name] for name in row.get("leads", [])]
        if action.ordered_leads() != leads:
            ActionLead.objects.filter(action=action).delete()
            ActionLead.objects.bulk_create(
                ActionLead(action=action, department=dept, order=i) for i, dept in enumerate(leads)
            )
        action.partners.set([self.partners[name] for name in row.get("partners", [])])
        action.wards.set([self.wards[name] for name in row.get("wards", [])])

        for i, m in enumerate(row.get("measures", [])):
            measure = _upsert(
                Measure,
                {"action": action, "name": m["name"]},
                {"unit": m.get("unit", ""), "direction": m.get("direction", "none"), "order": i},
            )
            for day, value in m.get("readings", []):
                MeasureReading.objects.update_or_create(
                    measure=measure,
                    date=_date(day),
                    defaults={"value": Decimal(value), "note": READING_NOTE},
                )

        updates = list(row.get("history", []))
        if "status" in row:
            updates.append(
                {
                    "reported_on": self.as_at.isoformat(),
                    "status": row["status"],
                    "commentary": row.get("commentary", ""),
                }
            )
        for update in sorted(updates, key=lambda u: u["reported_on"]):
            self._record(action, update)

    def _record(self, action: Action, row: dict) -> None:
        reported_on = _date(row["reported_on"])
        status = self.statuses[row["status"]]
        if ProgressUpdate.objects.filter(
            action=action, reported_on=reported_on, status=status
        ).exists():
            return
        record_update(
            action,
            by=self.reporter,
            status=status,
            commentary=row.get("commentary", ""),
            percent_complete=row.get("percent"),
            reported_on=reported_on,
        )


def demo_usernames() -> list[str]:
    """The usernames the demo files define."""
    names = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        names += [user["username"] for user in json.loads(path.read_text()).get("users", [])]
    return names


class Command(BaseCommand):
    help = (
        "Load the demo councils, plans and users (idempotent). `seed_demo` runs this, then "
        "the loaders of the apps above it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-users", action="store_true", help="Do not list demo users.")
        parser.add_argument(
            "--print-users-only", action="store_true", help="List the demo users; load nothing."
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if options["print_users_only"]:
            self._print_users(["admin", *demo_usernames()])
            return
        usernames = ["admin"]
        for path in sorted(DEMO_DIR.glob("*.json")):
            loader = Loader(json.loads(path.read_text(encoding="utf-8")))
            council = loader.load()
            usernames += loader.users
            plans = council.plans.count()
            actions = Action.objects.filter(plan__council=council).count()
            self.stdout.write(f"{council.name}: {plans} plans, {actions} actions")

        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={"job_title": "System administrator", "is_staff": True, "is_superuser": True},
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])

        if not options["quiet_users"]:
            self._print_users(usernames)

    def _print_users(self, usernames: list[str]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':<30} superuser: all councils, and the admin pages")
        memberships = (
            Membership.objects.filter(user__username__in=usernames)
            .select_related("user", "council")
            .order_by("council__name", "role")
        )
        for m in memberships:
            role = f"{m.get_role_display()} at {m.council.name}"
            self.stdout.write(f"  {m.user.username:<30} {role} ({m.user.job_title})")

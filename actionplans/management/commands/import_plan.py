"""Import a plan from a spreadsheet, or record the changes made in an edited export.

    manage.py import_plan plan.xlsx --council norwich --title "Reducing inequalities 2015-16"
    manage.py import_plan plan.xlsx --council norwich --title "..." \\
        --column "Notes=commentary" --column "F=ignore" --as-at 2016-09-30 --accept-suggestions
    manage.py import_plan edited.xlsx --council norwich --update reducing-inequalities-2015-16 \\
        --user norwich-plan-manager
Each prints the role of every column and what it read; statuses that are not exactly the
council's words are listed with their suggestions and saved only with --accept-suggestions
(or --map); --dry-run checks everything a real run would and saves nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplans.imports import (
    CHOICE_LABELS,
    DEFAULT_LIMITS,
    ImportProblem,
    ParsedPlan,
    apply_changes,
    create_plan,
    find_header,
    parse_plan,
    plan_changes,
    read_table,
)
from actionplans.models import Plan
from councils.models import Council, Status, User
from spreadsheets.roles import ROLE_LABELS, date_of


class Command(BaseCommand):
    help = "Import a plan from an .xlsx or .csv file, or apply an edited export to a plan."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--council", required=True, help="The council's slug.")
        parser.add_argument("--title", help="Title of the new plan.")
        parser.add_argument(
            "--update", metavar="PLAN", help="Apply an edited export to this plan (id or slug)."
        )
        parser.add_argument("--sheet", help="The sheet to read (default: the first).")
        parser.add_argument("--user", help="Username recorded as the author of the updates.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="WORDS=STATUS",
            help='What unknown status words mean, e.g. --map "Due to start=Not started"; '
            '"WORDS=" keeps them as commentary with no status. Repeat for each.',
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADER=ROLE",
            help='The role of a column, by its header or letter, e.g. --column "Notes=commentary" '
            f'or --column "F=ignore". Roles: {", ".join(ROLE_LABELS)}. Repeat for each.',
        )
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="Record the suggested status for every status word that is not exactly one "
            "of the council's (listed when this is not given).",
        )
        parser.add_argument(
            "--as-at",
            metavar="DATE",
            help="The day the sheet reports on (2016-09-30 or 30/09/2016): its statuses are "
            "recorded as at this date. Default: the period the sheet names, else today.",
        )

    def handle(self, *args, **options) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council with the slug '{options['council']}'.")
        user = self._user(options["user"])
        if options["update"] and user is None:
            raise CommandError("--update needs --user: updates are recorded in someone's name.")
        if not options["update"] and not options["title"]:
            raise CommandError("Give the new plan a --title, or --update an existing plan.")
        status_map = self._status_map(council, options["map"])
        self.roles = self._roles(options["column"])
        self.as_at = self._as_at(options["as_at"])
        self.accept = options["accept_suggestions"]
        try:
            parsed = self._parse(Path(options["file"]), council, options["sheet"], status_map)
            if options["update"]:
                plan = self._plan(council, options["update"])
                self._update(parsed, plan, user, options["dry_run"])
            else:
                self._create(parsed, council, options["title"], user, options["dry_run"])
        except ImportProblem as problem:
            raise CommandError(problem.message) from problem

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called '{username}'.")
        return user

    def _status_map(self, council: Council, pairs: list[str]) -> dict[str, Status | None]:
        statuses = {status.label.casefold(): status for status in council.statuses.all()}
        status_map: dict[str, Status | None] = {}
        for pair in pairs:
            words, equals, label = pair.rpartition("=")
            if not equals or not words.strip():
                raise CommandError(f'--map "{pair}": write it as "WORDS=STATUS".')
            if label.strip() and label.strip().casefold() not in statuses:
                known = ", ".join(status.label for status in council.statuses.all())
                raise CommandError(
                    f"--map \"{pair}\": '{label}' is not a status of {council.name} ({known})."
                )
            status_map[words.strip()] = statuses.get(label.strip().casefold())
        return status_map

    def _parse(self, path: Path, council: Council, sheet: str | None, status_map) -> ParsedPlan:
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > DEFAULT_LIMITS.max_bytes:
            raise ImportProblem(
                f"{path.name} is over the {DEFAULT_LIMITS.max_bytes // 2**20} MB limit."
            )
        table = read_table(path.read_bytes(), path.name, sheet=sheet)
        header = find_header(table, council, chosen=self.roles)
        parsed = parse_plan(
            table,
            header,
            council,
            status_map=status_map,
            as_at=self.as_at,
            accept_suggestions=self.accept,
            filename=path.name,
        )
        self._print_columns(parsed)
        for line in parsed.summary():
            self.stdout.write(line)
        self._print_suggestions(parsed)
        self._refuse_unknown_statuses(parsed, council)
        if parsed.errors:
            raise CommandError(
                f"{_count(len(parsed.errors), 'cell')} cannot be read (listed above). "
                "Nothing was saved."
            )
        return parsed

    def _roles(self, pairs: list[str]) -> dict[str, str]:
        roles = {}
        for pair in pairs:
            header, equals, role = pair.rpartition("=")
            role = role.strip().lower().replace(" ", "_")
            if not equals or not header.strip():
                raise CommandError(f'--column "{pair}": write it as "HEADER=ROLE".')
            if role not in ROLE_LABELS:
                raise CommandError(
                    f"--column \"{pair}\": '{role}' is not a role. Roles: {', '.join(ROLE_LABELS)}."
                )
            roles[header.strip()] = role
        return roles

    def _as_at(self, text: str | None) -> datetime.date | None:
        if not text:
            return None
        day = date_of(text)
        if day is None:
            raise CommandError(f"--as-at {text}: give a date, e.g. 2016-09-30 or 30/09/2016.")
        return day

    def _print_columns(self, parsed: ParsedPlan) -> None:
        how = {"header": "from the header", "cells": "from the cells", "chosen": "your choice"}
        self.stdout.write("Columns:")
        for column in parsed.columns:
            role = ROLE_LABELS.get(column.role, "Not imported") if column.role else "Not imported"
            note = f" ({column.note})" if column.note else ""
            cells = "; ".join(sample[:30] for sample in column.examples) or "(empty)"
            self.stdout.write(
                f"  {column.letter:<3} {(column.header or '(no header)')[:40]:<40} "
                f"{role} — {how.get(column.how, 'not imported')}{note} — cells: {cells}"
            )
        self.stdout.write("")

    def _print_suggestions(self, parsed: ParsedPlan) -> None:
        if not parsed.readings:
            return
        self.stdout.write("")
        verb = "Recorded as" if self.accept else "Suggested"
        self.stdout.write("Statuses that are not exactly the council's words:")
        for reading in parsed.readings:
            rows = ", ".join(map(str, reading.rows[:10]))
            more = f" and {len(reading.rows) - 10} more" if len(reading.rows) > 10 else ""
            plural = "s" if len(reading.rows) > 1 else ""
            suggested = _describe_choice(reading)
            self.stdout.write(
                f"  '{reading.label}' (row{plural} {rows}{more}): {verb.lower()} {suggested}, "
                f"from {reading.how}"
            )
        if not self.accept and parsed.unknown_statuses:
            self.stdout.write(
                "Give --accept-suggestions to record these suggestions, or --map to choose."
            )

    def _refuse_unknown_statuses(self, parsed: ParsedPlan, council: Council) -> None:
        if not parsed.unknown_statuses:
            return
        labels = ", ".join(status.label for status in council.statuses.all())
        example = next(iter(parsed.unknown_statuses)) or "WORDS"
        self.stdout.write(
            f"{council.name}'s statuses: {labels}. Choose one with --map, e.g. "
            f'--map "{example}=STATUS", or --map "{example}=" to keep the words as '
            "commentary with no status."
        )
        raise CommandError(
            f"{_count(len(parsed.unknown_statuses), 'status')} to confirm (listed above). "
            "Nothing was saved."
        )

    def _plan(self, council: Council, ref: str) -> Plan:
        plans = council.plans.all()
        plan = (
            plans.filter(pk=int(ref)).first() if ref.isdigit() else plans.filter(slug=ref).first()
        )
        if plan is None:
            raise CommandError(f"{council.name} has no plan '{ref}'.")
        return plan

    def _create(
        self, parsed: ParsedPlan, council: Council, title: str, user, dry_run: bool
    ) -> None:
        self._print_outline(parsed)
        plan = create_plan(parsed, council, title=title, by=user, dry_run=dry_run)
        self.stdout.write("")
        if plan is None:
            count = len(parsed.actions)
            self.stdout.write(f"Dry run: '{title}' would be created with {count} actions.")
            self.stdout.write("Nothing was saved.")
        else:
            count = len(parsed.actions)
            self.stdout.write(
                f"Created the draft plan '{plan.title}' ({plan.slug}): {count} actions."
            )

    def _print_outline(self, parsed: ParsedPlan) -> None:
        self.stdout.write("")
        number = 0
        groups = [None, *parsed.workstreams]
        for workstream in groups:
            actions = [action for action in parsed.actions if action.workstream is workstream]
            if workstream is not None:
                indent = "  " if workstream.parent else ""
                self.stdout.write(f"{indent}{workstream}")
            for action in actions:
                number += 1
                self.stdout.write(f"  {number}. {self._action_line(action)}")

    @staticmethod
    def _action_line(action) -> str:
        title = f"{action.reference} {action.title}" if action.reference else action.title
        status = action.status.label if action.status else "(none)"
        if action.commentary:
            note = " ".join(action.commentary.split())
            status += f" ({note[:60]}{'…' if len(note) > 60 else ''})"
        parts = [
            title,
            f"lead: {action.lead_label or '(none)'}",
            f"deadline: {action.deadline.text or '(none)'}",
            f"status: {status}",
        ]
        return " — ".join(parts)

    def _update(self, parsed: ParsedPlan, plan: Plan, user: User, dry_run: bool) -> None:
        changes = plan_changes(parsed, plan)
        self.stdout.write("")
        for change in changes:
            self.stdout.write(change.describe())
        if not changes:
            self.stdout.write(f"No changes: the spreadsheet matches '{plan.title}'.")
            return
        updates = apply_changes(changes, plan, by=user, dry_run=dry_run)
        if dry_run:
            checked = _count(len(changes), "update")
            self.stdout.write(f"Dry run: {checked} checked. Nothing was saved.")
        else:
            recorded = _count(len(updates), "progress update")
            self.stdout.write(f"Recorded {recorded} on '{plan.title}'.")


def _describe_choice(reading) -> str:
    if reading.suggestion is not None:
        return f"'{reading.suggestion.label}'"
    label = CHOICE_LABELS.get(reading.suggested)
    return label[0].lower() + label[1:] if label else "nothing (choose with --map)"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

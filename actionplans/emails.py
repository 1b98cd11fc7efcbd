"""Emails the site sends. Each is one function: it renders a template and sends one message."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from actionplans.dashboards import MissingUpdate
from actionplans.models import Plan


def site_url() -> str:
    """The address the site is reached at, without a trailing slash, for links in emails."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def absolute_url(path: str) -> str:
    return site_url() + path


def my_actions_url() -> str:
    """Where an officer records updates: "My actions", or the home page until it exists."""
    try:
        path = reverse("actionplans:my-actions")
    except NoReverseMatch:
        path = reverse("actionplans:home")
    return absolute_url(path)


def long_date(day: datetime.date) -> str:
    """21 January 2016: the way council papers write a date."""
    return f"{day.day} {day:%B %Y}"


def count_actions(n: int) -> str:
    return f"{n} action" if n == 1 else f"{n} actions"


def update_reminder_subject(items: list[MissingUpdate]) -> str:
    earliest = min(item.due for item in items)
    if any(item.is_overdue for item in items):
        return (
            f"Action plan updates overdue since {long_date(earliest)}: {count_actions(len(items))}"
        )
    return f"Action plan updates due by {long_date(earliest)}: {count_actions(len(items))}"


def group_by_plan(items: list[MissingUpdate]) -> list[tuple[Plan, list[MissingUpdate]]]:
    """The items under their plans, plans and actions in the order given."""
    groups: dict[int, tuple[Plan, list[MissingUpdate]]] = {}
    for item in items:
        plan = item.action.plan
        groups.setdefault(plan.pk, (plan, []))[1].append(item)
    return list(groups.values())


def send_update_reminder(
    user, items: list[MissingUpdate], *, today: datetime.date, copy_to: list[str] = ()
) -> None:
    """Email one officer the actions whose quarterly update they still owe, grouped by plan,
    copied to `copy_to` (plan managers, once an update is long overdue). Raises whatever the
    mail backend raises: the caller decides whether the reminder counts."""
    groups = [
        (
            plan,
            [
                {
                    "action": item.action,
                    "period_label": item.period_label,
                    "due": long_date(item.due),
                    "is_overdue": item.is_overdue,
                    "url": absolute_url(item.action.get_absolute_url()),
                }
                for item in plan_items
            ],
        )
        for plan, plan_items in group_by_plan(items)
    ]
    body = render_to_string(
        "actionplans/emails/update_reminder.txt",
        {
            "recipient": user.display_name(),
            "groups": groups,
            "count": count_actions(len(items)),
            "today": long_date(today),
            "my_actions_url": my_actions_url(),
            "site_url": site_url(),
            "copied": bool(copy_to),
            "interval": min(item.action.plan.council.overdue_reminder_days for item in items),
        },
    )
    EmailMessage(
        update_reminder_subject(items),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        cc=[address for address in copy_to if address != user.email],
    ).send()

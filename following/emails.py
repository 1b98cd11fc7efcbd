"""The emails a follower gets: the link to confirm, a note that they already follow, and the
weekly digest. Each renders a plain-text template and sends one message."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from actionplans.emails import absolute_url, long_date, site_url
from following.changes import Changes, paper_title, paper_url, update_title
from following.models import CONFIRM_WITHIN, EmailFollow

# A digest lists at most this many updates; the rest are on the plan's or ward's page.
DIGEST_UPDATES = 50


def target_name(follow: EmailFollow) -> str:
    """‘Reducing inequalities’ (Norwich City Council), or actions in Lakenham ward (…)."""
    if follow.plan_id:
        return f"‘{follow.plan.title}’ ({follow.plan.council.name})"
    return f"actions in {follow.ward.name} ward ({follow.ward.council.name})"


def target_url(follow: EmailFollow) -> str:
    if follow.plan_id:
        return absolute_url(follow.plan.get_absolute_url())
    ward = follow.ward
    return absolute_url(reverse("actionplans:ward-detail", args=[ward.council.slug, ward.pk]))


def unsubscribe_url(follow: EmailFollow) -> str:
    return absolute_url(reverse("following:unsubscribe", args=[follow.token]))


def _send(follow: EmailFollow, subject: str, template: str, context: dict, **kwargs) -> None:
    context = {
        **context,
        "target": target_name(follow),
        "target_url": target_url(follow),
        "unsubscribe_url": unsubscribe_url(follow),
        "site_url": site_url(),
    }
    body = render_to_string(template, context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [follow.email], **kwargs).send()


def send_confirmation(follow: EmailFollow) -> None:
    _send(
        follow,
        "Confirm your email updates",
        "following/emails/confirm.txt",
        {
            "confirm_url": absolute_url(reverse("following:confirm", args=[follow.token])),
            "days": CONFIRM_WITHIN.days,
        },
    )


def send_already_following(follow: EmailFollow) -> None:
    _send(follow, "You already get these email updates", "following/emails/already.txt", {})


def send_digest(follow: EmailFollow, changes: Changes) -> None:
    """The week's published updates and papers, with one-click unsubscribe (RFC 8058)."""
    updates = [
        {
            "title": update_title(update),
            "plan": update.action.plan.title,
            "reported_on": long_date(update.reported_on),
            "by": update.author_title,
            "commentary": Truncator(" ".join(update.commentary.split())).words(80),
            "url": absolute_url(update.action.get_absolute_url()),
        }
        for update in changes.updates[:DIGEST_UPDATES]
    ]
    papers = [{"title": paper_title(p), "url": absolute_url(paper_url(p))} for p in changes.papers]
    count = len(changes.updates)
    parts = [f"{count} progress update{'s' if count != 1 else ''}"] if count else []
    if papers:
        parts.append(f"{len(papers)} committee paper{'s' if len(papers) != 1 else ''}")
    subject_of = follow.plan.title if follow.plan_id else f"{follow.ward.name} ward"
    link = unsubscribe_url(follow)
    _send(
        follow,
        f"{subject_of}: {' and '.join(parts)}",
        "following/emails/digest.txt",
        {
            "updates": updates,
            "more": max(0, count - DIGEST_UPDATES),
            "papers": papers,
            "is_ward": bool(follow.ward_id),
        },
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )

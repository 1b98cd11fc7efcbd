"""Email each confirmed subscription what was published about its plan or ward since its
last digest. Run it daily (cron or a scheduler): a subscription gets at most one email a
week, and none in a week when nothing was published; a second run the same day sends
nothing more. It also deletes requests never confirmed within a week.

The work for one subscription is following.services.send_digest(); the command only
chooses which and prints what happened, so tests can call either."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from following.models import EmailFollow
from following.services import send_digest, tidy


class Command(BaseCommand):
    help = "Send the weekly email digests to people following plans and wards, and tidy up."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        expired, _ = tidy(now)
        due = list(EmailFollow.objects.due(now).order_by("pk").values_list("pk", flat=True))
        sent = sum(send_digest(pk, now) for pk in due)
        self.stdout.write(
            f"{sent} digest{'s' if sent != 1 else ''} sent of {len(due)} due; "
            f"{expired} unconfirmed request{'s' if expired != 1 else ''} deleted."
        )

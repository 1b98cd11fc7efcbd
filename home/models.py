"""What a person follows: plans, listed on their home page."""

from django.conf import settings
from django.db import models


class Follow(models.Model):
    """A signed-in person following a plan: it is listed on their home page while they may
    see it (a plan made private drops out of the list, and is not shown as a count)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="follows")
    plan = models.ForeignKey("actionplans.Plan", models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "plan"], name="one_follow_per_plan")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.plan}"

"""An uploaded spreadsheet between its preview and its import.

Kept in the database (so every machine behind the load balancer sees it, and nothing is
left on a disk), reachable only by the person who uploaded it, for the council and the
importer it was uploaded to, deleted once imported or refused, and expired after a day."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

UPLOAD_TTL = datetime.timedelta(days=1)


class UploadQuerySet(models.QuerySet):
    def live(self) -> UploadQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> UploadQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class Upload(models.Model):
    token = models.CharField(max_length=32, unique=True)
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(max_length=30, help_text="Which importer it was uploaded to.")
    name = models.CharField("file name", max_length=255)
    data = models.BinaryField()
    meta = models.JSONField(default=dict, help_text="The importer's settings: title, sheet...")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = UploadQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.mode})"

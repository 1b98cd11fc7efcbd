"""Storing an upload for its preview, and finding it again. The plan importer, the round trip
of an exported plan and the scrutiny register importer share these."""

from __future__ import annotations

import secrets

from django.http import Http404
from django.utils import timezone

from spreadsheets.models import UPLOAD_TTL, Upload


def store_upload(request, upload, meta: dict) -> str:
    """Keep an uploaded file until the person confirms its import. `meta` holds the council
    (pk), the importer ("mode") and its settings. Expired uploads are swept away here."""
    Upload.objects.expired().delete()
    token = secrets.token_urlsafe(16)
    Upload.objects.create(
        token=token,
        council_id=meta["council"],
        uploaded_by=request.user,
        mode=meta["mode"],
        name=upload.name[:255],
        data=b"".join(upload.chunks()),
        meta={key: value for key, value in meta.items() if key not in ("council", "mode")},
        expires_at=timezone.now() + UPLOAD_TTL,
    )
    return token


def load_upload(request, token: str, council, modes: tuple[str, ...]) -> tuple[dict, bytes]:
    """An upload this person made for this council and for one of these importers (a plan
    import's token is not a scrutiny import's), and not expired; else 404."""
    upload = (
        Upload.objects.live()
        .filter(token=token, council=council, uploaded_by=request.user, mode__in=modes)
        .first()
        if request.user.is_authenticated
        else None
    )
    if upload is None:
        raise Http404
    meta = {**upload.meta, "council": upload.council_id, "mode": upload.mode, "name": upload.name}
    return meta, bytes(upload.data)


def discard_upload(request, token: str) -> None:
    Upload.objects.filter(token=token, uploaded_by_id=request.user.pk).delete()


def update_meta(request, token: str, **changes) -> None:
    """Remember a person's choices on the preview (roles, statuses, as-at) with the upload."""
    upload = Upload.objects.filter(token=token, uploaded_by_id=request.user.pk).first()
    if upload is not None:
        upload.meta = {**upload.meta, **changes}
        upload.save(update_fields=["meta"])

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


def _find(request, token: str, council, modes: tuple[str, ...], *, with_data: bool = True):
    """An upload this person made for this council and for one of these importers (a plan
    import's token is not a scrutiny import's), and not expired; else 404."""
    if not request.user.is_authenticated:
        raise Http404
    uploads = Upload.objects.live() if with_data else Upload.objects.live().defer("data")
    upload = uploads.filter(
        token=token, council=council, uploaded_by=request.user, mode__in=modes
    ).first()
    if upload is None:
        raise Http404
    return upload


def _meta(upload: Upload) -> dict:
    return {**upload.meta, "council": upload.council_id, "mode": upload.mode, "name": upload.name}


def load_upload(request, token: str, council, modes: tuple[str, ...]) -> tuple[dict, bytes]:
    """The upload's settings and its bytes (see _find for who may open it)."""
    upload = _find(request, token, council, modes)
    return _meta(upload), bytes(upload.data)


def upload_meta(request, token: str, council, modes: tuple[str, ...]) -> dict:
    """The upload's settings alone, without reading the file (to check permissions first)."""
    return _meta(_find(request, token, council, modes, with_data=False))


def discard_upload(request, token: str) -> None:
    Upload.objects.filter(token=token, uploaded_by_id=request.user.pk).delete()

"""Uploaded spreadsheets between their preview and their import: kept in IMPORT_DIR under a
random token, reachable only from the uploader's session and by the importer they were
uploaded to, deleted once imported or refused, and swept away after a day at the latest.
The plan importer and the scrutiny register importer share these."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from councils.models import Council

UPLOAD_TTL = datetime.timedelta(days=1)


def store_upload(request, upload, meta: dict) -> str:
    """Keep an uploaded file until the person confirms its import; its details stay in their
    session, so nobody else can reach it. Old uploads are swept away here."""
    folder = Path(settings.IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = timezone.now().timestamp() - UPLOAD_TTL.total_seconds()
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    with open(folder / token, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = request.session.get("uploads", {})
    uploads[token] = {**meta, "name": upload.name}
    request.session["uploads"] = uploads
    return token


def load_upload(
    request, token: str, council: Council, modes: tuple[str, ...]
) -> tuple[dict, bytes]:
    """An upload this person made for this council and for this importer (a plan import's
    token is not a scrutiny import's), else 404."""
    meta = request.session.get("uploads", {}).get(token)
    path = Path(settings.IMPORT_DIR) / token
    if meta is None or meta["council"] != council.pk or meta.get("mode") not in modes:
        raise Http404
    if not path.exists():
        raise Http404
    if path.stat().st_size > settings.MAX_UPLOAD_BYTES:  # checked on upload; never read one
        discard_upload(request, token)
        raise Http404
    return meta, path.read_bytes()


def discard_upload(request, token: str) -> None:
    (Path(settings.IMPORT_DIR) / token).unlink(missing_ok=True)
    uploads = request.session.get("uploads", {})
    uploads.pop(token, None)
    request.session["uploads"] = uploads

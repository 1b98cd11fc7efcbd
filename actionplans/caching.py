"""Public pages from a cache, fresh the moment anything they show changes.

Anonymous visitors make most of the traffic and all see the same page, so a council's
public pages are kept rendered, keyed by the council's content version, the address and the
day. Any change that shows on them (a progress update, an approval, an edited plan or
action, an import) raises the council's version in the database, so every server sees the
new version at once and renders afresh. Cached pages also expire after PUBLIC_CACHE_SECONDS
whatever happens.

A cached page is served without touching the database: the council's version is kept in
the cache too, for at most PUBLIC_VERSION_SECONDS, and forgotten whenever it is raised
(at once, and again when the transaction commits). With a shared cache (REDIS_URL) every
server forgets it together; with each process's own cache, another process may serve the
page it has for up to PUBLIC_VERSION_SECONDS after a change."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from councils.models import Council
from councils.rules import council_id_of


def bump(council_id: int | None) -> None:
    """Everything cached for this council's public pages is now out of date."""
    if council_id is not None:
        Council.objects.filter(pk=council_id).update(content_version=F("content_version") + 1)
        _forget_version(council_id)


def _version_key(council_id: int) -> str:
    return f"council-version:{council_id}"


def _forget_version(council_id: int) -> None:
    """Drop the cached version now, for this transaction's own reads, and again on commit,
    for a read elsewhere that kept the old version before the new one was committed."""
    cache = caches["default"]
    cache.delete(_version_key(council_id))
    transaction.on_commit(lambda: cache.delete(_version_key(council_id)))


def _council_version(council_slug: str) -> int | None:
    """The council's content version, from the cache when it has it (None: no council)."""
    cache = caches["default"]
    council_id = cache.get(f"council-id:{council_slug}")
    if council_id is not None:
        version = cache.get(_version_key(council_id))
        if version is not None:
            return version
    row = Council.objects.filter(slug=council_slug).values_list("pk", "content_version").first()
    if row is None:
        return None
    council_id, version = row
    # A council's id for its slug never changes; if the slug does, the old one's pages
    # have a new version (saving the council raises it) and its view answers 404.
    cache.set(f"council-id:{council_slug}", council_id, None)
    # add, not set: a bump that committed since the read above has already forgotten
    # the version, and must not have an older one written back over its own.
    cache.add(_version_key(council_id), version, settings.PUBLIC_VERSION_SECONDS)
    return version


def kept(council: Council, key: str, compute, seconds: int):
    """What `compute()` returns, kept in the default cache under `key` for the council's
    present content version: any change that could alter it raises the version, so a stale
    value is never read again (it simply expires). `compute` must not return None."""
    return _kept_under(f"{key}:v{council.content_version}", compute, seconds)


def _kept_under(versioned: str, compute, seconds: int):
    cache = caches["default"]
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, seconds)
    return value


def kept_for_visitors(council_slug: str, key: str, compute, seconds: int):
    """kept(), for what a view looks up from the address before it has the council: under
    the council's version as cache_public_page reads it, so a signed-out visitor's lookup
    asks the database nothing while the version is in the cache. Only for what is the same
    for every signed-out visitor. A council that does not exist, or a `compute` that
    raises (a 404), keeps nothing."""
    version = _council_version(council_slug)
    if version is None:
        return compute()
    return _kept_under(f"{key}:{council_slug}:v{version}", compute, seconds)


# Query parameters a cached page may vary by. Any other parameter means the page is
# rendered, not cached: made-up query strings cannot fill the cache.
CACHED_PARAMETERS = {"as_at"}


def _cacheable(request) -> bool:
    """Only a signed-out GET with no session or messages of its own sees the shared page."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and set(request.GET) <= CACHED_PARAMETERS
        and all(len(values) == 1 and len(values[0]) <= 10 for values in request.GET.lists())
    )


def cache_public_page(view):
    """For views taking council_slug: serve signed-out visitors the cached page."""

    @functools.wraps(view)
    def wrapper(request, council_slug: str, *args, **kwargs):
        seconds = settings.PUBLIC_CACHE_SECONDS
        if not seconds or not _cacheable(request):
            return view(request, council_slug, *args, **kwargs)
        version = _council_version(council_slug)
        if version is None:
            return view(request, council_slug, *args, **kwargs)
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-page:{address}:{version}:{timezone.localdate():%Y%m%d}"
        cache = caches["default"]
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
            return response
        response = view(request, council_slug, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            response["X-Cache"] = "miss"
        return response

    return wrapper


def _changed(sender, instance, **kwargs) -> None:
    try:
        bump(council_id_of(instance))
    except Exception:  # a half-deleted parent: nothing left to show anyway
        return


def watch(*models) -> None:
    """Saving or deleting any of these models, or changing one of their many-to-many links,
    bumps its council's version: each app registers what its public pages show (the
    committee papers, assessments and recommendations on a plan's page included), so
    imports keep pointing one way."""
    for model in models:
        name = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-cache-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-cache-d-{name}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _links_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"public-cache-m-{name}.{field.name}",
            )


def _links_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed(sender, instance)


def connect_signals() -> None:
    """Saving or deleting anything the public pages of plans and councils show bumps its
    council's version."""
    from actionplans import models as plans
    from councils import models as councils

    watch(
        plans.Plan,
        plans.Workstream,
        plans.Action,
        plans.ActionLead,
        plans.BudgetLine,
        plans.Measure,
        plans.MeasureReading,
        plans.ProgressUpdate,
        councils.Status,
        councils.Department,
        councils.Ward,
        councils.Partner,
        councils.Committee,
        councils.PortfolioHolder,
        councils.CorporatePriority,
    )
    post_save.connect(_council_changed, sender=councils.Council, dispatch_uid="public-cache-c")


def _council_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) == {"content_version"}:
        return
    bump(instance.pk)

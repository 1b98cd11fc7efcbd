"""Sections an app adds to another app's pages without that app knowing it: an app higher up
(scrutiny on an action's page, reports on an assessment's page) registers a function when
it starts, and the page shows what each returns. Imports keep pointing one way."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, object], SafeString | str]
_PANELS: dict[str, list[Panel]] = {}


def register_panel(page: str, panel: Panel) -> Panel:
    """Add a section to every `page` ("action", "assessment"): `panel(request, obj)` returns
    its HTML (rendered from a template), or "" to show nothing there."""
    registered = _PANELS.setdefault(page, [])
    if panel not in registered:
        registered.append(panel)
    return panel


def panels(page: str, request: HttpRequest, obj) -> list[SafeString | str]:
    """The sections registered for `page`, for `obj`, as the person may see them."""
    return [html for panel in _PANELS.get(page, []) if (html := panel(request, obj))]

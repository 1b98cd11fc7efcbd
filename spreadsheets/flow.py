"""Upload -> preview -> confirm, written once for every importer (a new plan, an edited
export of a plan, a scrutiny register).

An importer gives a `build(meta, data, posted)` that reads the upload once into a preview
object, and a `confirm(preview, meta)` that saves it. The preview object has:
- context(): what its template shows;
- refused: the file can never be imported (its problems are listed; it is deleted now);
- ready(): the person's choices are complete and were seen on a preview (safe to save);
- changed_since_preview: they pressed import after changing a choice they had not seen.
A problem that a person can fix by giving the columns roles keeps the file; any other
refusal deletes it at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from spreadsheets.forms import ColumnRolesForm
from spreadsheets.reading import ImportProblem
from spreadsheets.uploads import discard_upload, load_upload


@dataclass
class Confirmed:
    url: str
    message: str


def preview_and_confirm(
    request,
    *,
    token: str,
    council,
    modes: tuple[str, ...],
    template: str,
    build: Callable,
    confirm: Callable,
    context: dict | None = None,
):
    meta, data = load_upload(request, token, council, modes)
    posted = request.POST if request.method == "POST" else None
    context = {**(context or {}), "council": council, "meta": meta, "token": token}
    try:
        preview = build(meta, data, posted)
        context.update(preview.context())
        if preview.refused:
            discard_upload(request, token)  # it cannot be imported: a corrected file can
        elif posted is not None and posted.get("confirm"):
            if preview.ready():
                with transaction.atomic():
                    done = confirm(preview, meta)
                discard_upload(request, token)
                messages.success(request, done.message)
                return redirect(done.url)
            context["changed_since_preview"] = preview.changed_since_preview
    except ImportProblem as problem:
        context["problem"] = problem
        if problem.columns is not None:
            # The person can fix it by giving the columns roles: keep the file for that.
            form = ColumnRolesForm(posted, columns=problem.columns.columns)
            form.is_valid()
            context["roles_form"] = form
        else:
            # Refused: the file is of no further use, and is not kept a moment longer.
            discard_upload(request, token)
    return render(request, template, context)

"""Scrutiny register pages. Published registers are public; unpublished ones are for the
council's members; plan managers, democratic services and council admins keep them. People
outside a council get 404 for anything of its that is not public."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from actionplans.exports import xlsx_download
from actionplans.models import Action, Plan
from councils.models import Council
from councils.rules import council_for
from scrutiny.exports import render_xlsx
from scrutiny.filters import RecommendationFilter
from scrutiny.forms import (
    ImportForm,
    LinkActionsForm,
    NewActionForm,
    PlanChoiceForm,
    RecommendationForm,
    SourceForm,
    WordMapForm,
)
from scrutiny.imports import create_register, parse_register
from scrutiny.models import Recommendation, Source
from scrutiny.services import (
    action_title,
    attach_progress,
    counts,
    create_action,
    link_delivering_actions,
)
from spreadsheets.flow import Confirmed, preview_and_confirm
from spreadsheets.reading import read_table
from spreadsheets.uploads import store_upload

PERM = "scrutiny.manage_recommendations"


def _visible_actions(user):
    return Action.objects.visible_to(user).select_related("status", "plan__council")


def with_actions(queryset, user):
    """Recommendations with their response and the linked actions this person may see."""
    return queryset.select_related(
        "response", "portfolio_holder", "source__council", "source__committee"
    ).prefetch_related(
        Prefetch("actions", queryset=_visible_actions(user).order_by("plan_id", "order"))
    )


def register(request, council_slug: str):
    """Every recommendation this person may see, filtered, with counts by response."""
    council = get_object_or_404(Council, slug=council_slug)
    sources = Source.objects.visible_to(request.user).filter(council=council)
    visible = Recommendation.objects.filter(source__in=sources)
    filterset = RecommendationFilter(
        request.GET or None, queryset=visible, council=council, sources=sources
    )
    recommendations = list(with_actions(filterset.qs, request.user))
    attach_progress(recommendations)
    if request.GET.get("format") == "xlsx":
        data = render_xlsx(recommendations, council.name)
        return xlsx_download(data, council, "scrutiny-recommendations")
    context = {
        "council": council,
        "filter": filterset,
        "recommendations": recommendations,
        "counts": counts(recommendations),
        "sources": sources.select_related("committee").annotate(count=Count("recommendations")),
        "can_manage": request.user.has_perm(PERM, council),
        "today": timezone.localdate(),
    }
    return render(request, "scrutiny/register.html", context)


def source_detail(request, council_slug: str, pk: int):
    source = get_object_or_404(
        Source.objects.visible_to(request.user).select_related("council", "committee"),
        council__slug=council_slug,
        pk=pk,
    )
    recommendations = list(with_actions(source.recommendations.all(), request.user))
    attach_progress(recommendations)
    context = {
        "council": source.council,
        "source": source,
        "recommendations": recommendations,
        "counts": counts(recommendations),
        "can_manage": request.user.has_perm(PERM, source.council),
        "today": timezone.localdate(),
    }
    return render(request, "scrutiny/source_detail.html", context)


def recommendation_detail(request, council_slug: str, pk: int):
    sources = Source.objects.visible_to(request.user)
    rec = get_object_or_404(
        with_actions(Recommendation.objects.filter(source__in=sources), request.user),
        source__council__slug=council_slug,
        pk=pk,
    )
    attach_progress([rec])
    actions = list(rec.actions.all())
    context = {
        "council": rec.source.council,
        "source": rec.source,
        "rec": rec,
        "actions": actions,
        "progress": rec.progress,
        "overdue": rec.is_overdue(timezone.localdate()),
        "can_manage": request.user.has_perm(PERM, rec.source.council),
        "today": timezone.localdate(),
    }
    return render(request, "scrutiny/recommendation_detail.html", context)


@login_required
def source_form(request, council_slug: str, pk: int | None = None):
    council = council_for(request, council_slug, PERM)
    source = get_object_or_404(Source, council=council, pk=pk) if pk else None
    form = SourceForm(request.POST or None, instance=source, council=council)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if source is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, "Scrutiny report saved.")
        return redirect(saved.get_absolute_url())
    return render(
        request, "scrutiny/source_form.html", {"council": council, "form": form, "source": source}
    )


@login_required
def recommendation_form(request, council_slug: str, source_pk: int, pk: int | None = None):
    council = council_for(request, council_slug, PERM)
    source = get_object_or_404(Source, council=council, pk=source_pk)
    rec = get_object_or_404(Recommendation, source=source, pk=pk) if pk else None
    form = RecommendationForm(request.POST or None, instance=rec, source=source)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Recommendation {saved.reference} saved.")
        return redirect(saved.get_absolute_url())
    context = {"council": council, "source": source, "rec": rec, "form": form}
    return render(request, "scrutiny/recommendation_form.html", context)


def _managed_recommendation(request, council_slug: str, pk: int) -> Recommendation:
    council = council_for(request, council_slug, PERM)
    return get_object_or_404(
        Recommendation.objects.select_related("source__council", "response"),
        source__council=council,
        pk=pk,
    )


def _plans_for(request, council: Council):
    return Plan.objects.visible_to(request.user).filter(council=council).order_by("title")


@login_required
def link_actions(request, council_slug: str, pk: int):
    """Choose a plan, then tick the actions in it that deliver the recommendation."""
    rec = _managed_recommendation(request, council_slug, pk)
    council = rec.source.council
    plans = _plans_for(request, council)
    chooser = PlanChoiceForm(request.GET or None, plans=plans)
    plan = chooser.cleaned_data["plan"] if chooser.is_bound and chooser.is_valid() else None
    form = None
    if plan is not None:
        linked = rec.actions.filter(plan=plan)
        form = LinkActionsForm(request.POST or None, plan=plan, initial={"actions": linked})
        if request.method == "POST" and form.is_valid():
            link_delivering_actions(rec, plan, form.cleaned_data["actions"])
            count = len(form.cleaned_data["actions"])
            messages.success(
                request, f"Linked {count} action{'s' if count != 1 else ''} of {plan.title}."
            )
            return redirect(rec.get_absolute_url())
    context = {"council": council, "rec": rec, "source": rec.source, "chooser": chooser}
    context |= {"plan": plan, "form": form, "not_accepted": not rec.is_accepted}
    return render(request, "scrutiny/link_actions.html", context)


@login_required
def new_action(request, council_slug: str, pk: int):
    """Make an action in a plan from the recommendation, linked to it, in one step."""
    rec = _managed_recommendation(request, council_slug, pk)
    council = rec.source.council
    if not request.user.has_perm("actionplans.manage_plan", council):
        raise PermissionDenied  # adding to a plan is a plan editor's job
    form = NewActionForm(
        request.POST or None,
        plans=_plans_for(request, council),
        initial={"title": action_title(rec.text)},
    )
    if request.method == "POST" and form.is_valid():
        action = create_action(
            rec, form.cleaned_data["plan"], None, title=form.cleaned_data["title"]
        )
        messages.success(request, f"Created the action in {action.plan.title} and linked it.")
        return redirect(rec.get_absolute_url())
    context = {"council": council, "rec": rec, "source": rec.source, "form": form}
    context["not_accepted"] = not rec.is_accepted
    return render(request, "scrutiny/new_action.html", context)


@login_required
def import_upload(request, council_slug: str):
    council = council_for(request, council_slug, PERM)
    form = ImportForm(request.POST or None, request.FILES or None, council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meta = {
            "mode": "scrutiny",
            "council": council.pk,
            "title": data["title"],
            "committee": data["committee"].pk if data["committee"] else None,
            "body": data["body"],
            "date": data["date"].isoformat(),
            "sheet": data["sheet"] or None,
        }
        token = store_upload(request, data["spreadsheet"], meta)
        return redirect("scrutiny:import-preview", council.slug, token)
    return render(request, "scrutiny/import_upload.html", {"council": council, "form": form})


@login_required
def import_preview(request, council_slug: str, token: str):
    council = council_for(request, council_slug, PERM)

    def confirm(preview, meta) -> Confirmed:
        source = create_register(
            preview.parsed,
            council,
            by=request.user,
            title=meta["title"],
            committee_id=meta["committee"],
            body=meta["body"],
            date=datetime.date.fromisoformat(meta["date"]),
        )
        count = len(preview.parsed.recommendations)
        return Confirmed(source.get_absolute_url(), f"Imported {count} recommendations.")

    return preview_and_confirm(
        request,
        token=token,
        council=council,
        modes=("scrutiny",),
        template="scrutiny/import_preview.html",
        build=lambda meta, data, posted: _RegisterPreview(data, meta, council, posted),
        confirm=confirm,
    )


class _RegisterPreview:
    """A register upload read once, with the person's meaning for each unknown word."""

    refused = False
    changed_since_preview = False

    def __init__(self, data: bytes, meta: dict, council, posted) -> None:
        table = read_table(data, meta["name"], sheet=meta["sheet"])
        unknown = parse_register(table, council).unknown_words
        self.map_form = WordMapForm(posted, unknown=unknown, council=council)
        valid = self.map_form.is_bound and self.map_form.is_valid()
        self.parsed = parse_register(
            table, council, word_map=self.map_form.word_map() if valid else None
        )
        self.notes = table.notes

    def ready(self) -> bool:
        return self.map_form.is_valid()

    def context(self) -> dict:
        return {"parsed": self.parsed, "map_form": self.map_form, "notes": self.notes}

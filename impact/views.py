"""Impact assessment pages. Published assessments are public unless tied to an exempt report
or a plan the reader may not see; the council's members also read completed ones; officers,
plan managers, democratic services and council admins fill them in. People outside a council
get 404 for anything of its that is not public."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from actionplans.exports import xlsx_download
from actionplans.models import Plan
from councils.models import Council
from councils.panels import panels
from councils.rules import council_for
from impact import services
from impact.exports import render_xlsx
from impact.filters import AssessmentFilter
from impact.forms import GridForm, HeaderForm, MitigationFormSet
from impact.models import Assessment, Category, Rating, Row, Tone
from impact.rendering import with_form


def _visible(request, council_slug: str, pk: int) -> Assessment:
    return get_object_or_404(
        with_form(Assessment.objects.visible_to(request.user)),
        council__slug=council_slug,
        pk=pk,
    )


def _editable(request, council_slug: str, pk: int) -> Assessment:
    council = council_for(request, council_slug, "impact.edit_assessment")
    assessment = get_object_or_404(with_form(Assessment.objects), council=council, pk=pk)
    if not assessment.is_editable:
        raise PermissionDenied("A published assessment cannot be changed.")
    return assessment


def assessment_list(request, council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    visible = Assessment.objects.visible_to(request.user).filter(council=council)
    return _list(
        request,
        council,
        visible,
        AssessmentFilter(request.GET or None, queryset=visible, council=council),
    )


def all_assessments(request):
    """Every assessment this person may see, across councils, with a council filter."""
    visible = Assessment.objects.visible_to(request.user)
    councils = Council.objects.filter(pk__in=visible.values("council")).order_by("name")
    filterset = AssessmentFilter(
        request.GET or None, queryset=visible, council=None, councils=councils
    )
    return _list(request, None, visible, filterset)


def _list(request, council, visible, filterset):
    assessments = filterset.qs.select_related("template", "committee", "council").annotate(
        negatives=Count("answers", filter=Q(answers__option__tone=Tone.NEGATIVE))
    )
    if request.GET.get("format") == "xlsx":
        data = render_xlsx(with_form(filterset.qs), council.name if council else "all councils")
        if council is None:
            return xlsx_download(data, None, "impact-assessments")
        return xlsx_download(data, council, "impact-assessments")
    context = {
        "council": council,
        "filter": filterset,
        "assessments": assessments,
        "can_edit": council is not None
        and request.user.has_perm("impact.edit_assessment", council),
    }
    return render(request, "impact/assessment_list.html", context)


def assessment_detail(request, council_slug: str, pk: int):
    assessment = _visible(request, council_slug, pk)
    council = assessment.council
    texts = {answer.section_id: answer.text for answer in assessment.closing_answers.all()}
    user = request.user
    context = {
        "council": council,
        "assessment": assessment,
        # The plan and report it goes with, named only to those who may open them.
        "plan": assessment.plan
        if assessment.plan_id and Plan.objects.visible_to(user).filter(pk=assessment.plan_id)
        else None,
        "panels": panels("assessment", request, assessment),
        "template": assessment.template,
        "ratings": list(assessment.template.ratings.all()),
        "grid": assessment.grid(),
        "closing": [
            (section, texts.get(section.pk, ""))
            for section in assessment.template.closing_sections.all()
        ],
        "can_edit": assessment.is_editable
        and request.user.has_perm("impact.edit_assessment", council),
        "can_publish": assessment.state == Assessment.State.COMPLETED
        and request.user.has_perm("impact.publish_assessment", council),
    }
    return render(request, "impact/assessment_detail.html", context)


@login_required
def assessment_create(request, council_slug: str):
    council = council_for(request, council_slug, "impact.edit_assessment")
    form = HeaderForm(request.POST or None, council=council, user=request.user)
    if not form.fields["template"].queryset.exists():
        messages.error(request, "This council has no assessment forms set up yet.")
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.created_by = request.user
        assessment.save()
        messages.success(request, "Assessment started. Rate each area and save.")
        return redirect("impact:assessment-edit", council.slug, assessment.pk)
    return render(request, "impact/assessment_header.html", {"council": council, "form": form})


@login_required
def assessment_header(request, council_slug: str, pk: int):
    assessment = _editable(request, council_slug, pk)
    council = assessment.council
    form = HeaderForm(request.POST or None, instance=assessment, council=council, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Assessment details saved.")
        return redirect(assessment.get_absolute_url())
    context = {"council": council, "form": form, "assessment": assessment}
    return render(request, "impact/assessment_header.html", context)


@login_required
def assessment_edit(request, council_slug: str, pk: int):
    """The grid: a rating and comment per area, closing sections, outcome, mitigations.
    "Save and complete" checks what a completed assessment needs."""
    assessment = _editable(request, council_slug, pk)
    completing = "complete" in request.POST
    form = GridForm(request.POST or None, assessment=assessment, completing=completing)
    mitigations = MitigationFormSet(request.POST or None, instance=assessment, prefix="mitigations")
    asks_mitigations = assessment.template.asks_mitigations
    if request.method == "POST":
        valid = form.is_valid() and (not asks_mitigations or mitigations.is_valid())
        if valid:
            services.save_assessment(
                assessment,
                answers=form.answers(),
                closing=form.closing_answers(),
                outcome=form.cleaned_data.get("outcome", ""),
                mitigations=mitigations if asks_mitigations else None,
                completing=completing,
                by=request.user,
            )
            messages.success(request, "Assessment completed." if completing else "Draft saved.")
            return redirect(assessment.get_absolute_url())
    context = {
        "council": assessment.council,
        "assessment": assessment,
        "form": form,
        "grid": form.bound_grid(),
        "closing": [(section, form[name]) for section, name in form.closing],
        "ratings": form.ratings,
        "mitigations": mitigations if asks_mitigations else None,
    }
    return render(request, "impact/assessment_edit.html", context)


@login_required
@require_POST
def assessment_state(request, council_slug: str, pk: int):
    """Publish a completed assessment, or reopen it as a draft."""
    council = council_for(request, council_slug, "impact.edit_assessment")
    assessment = get_object_or_404(Assessment, council=council, pk=pk)
    action = request.POST.get("action")
    if action == "publish":
        if not request.user.has_perm("impact.publish_assessment", council):
            raise PermissionDenied
        if assessment.state != Assessment.State.COMPLETED:
            messages.error(request, "Complete the assessment before publishing it.")
        else:
            services.publish(assessment, by=request.user)
            messages.success(request, "Assessment published.")
    elif action == "reopen" and assessment.state == Assessment.State.COMPLETED:
        services.reopen(assessment)
        messages.success(request, "Assessment reopened as a draft.")
    else:
        messages.error(request, "That change cannot be made to this assessment.")
    return redirect(assessment.get_absolute_url())


def areas(request, council_slug: str):
    """Across decisions: for a chosen area, every assessment and its rating; and the count of
    negative ratings per category per year."""
    council = get_object_or_404(Council, slug=council_slug)
    visible = Assessment.objects.visible_to(request.user).filter(council=council)
    labels = sorted(
        set(
            Row.objects.filter(category__template__council=council).values_list("label", flat=True)
        ),
        key=str.lower,
    )
    chosen = request.GET.get("row", "")
    error = ""
    answers = []
    if chosen and chosen not in labels:
        error = "Choose an area from the list"
    elif chosen:
        answers = list(
            Rating.objects.filter(assessment__in=visible, row__label=chosen)
            .select_related("option", "row__category", "assessment__committee")
            .order_by("-assessment__committee_date", "-assessment__date_assessed")
        )
    day = ExtractYear("assessment__committee_date")
    negatives = (
        Rating.objects.filter(assessment__in=visible, option__tone=Tone.NEGATIVE)
        .exclude(assessment__committee_date=None)
        .annotate(year=day)
        .values("year", "row__category__title")
        .annotate(count=Count("id"))
        .order_by("-year", "row__category__title")
    )
    years = sorted({n["year"] for n in negatives}, reverse=True)
    titles = sorted(
        set(Category.objects.filter(template__council=council).values_list("title", flat=True)),
        key=str.lower,
    )
    counts = {(n["year"], n["row__category__title"]): n["count"] for n in negatives}
    table = [(title, [counts.get((year, title), 0) for year in years]) for title in titles]
    context = {
        "council": council,
        "labels": labels,
        "chosen": chosen,
        "error": error,
        "answers": answers,
        "years": years,
        "table": table,
    }
    return render(request, "impact/areas.html", context)

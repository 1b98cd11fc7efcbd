"""How statuses, percentages and deadlines look, in one place for pages and appendices."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from councils.models import Rag

register = template.Library()

TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.BLUE: "govuk-tag--blue",
    Rag.GREY: "govuk-tag--grey",
}


@register.inclusion_tag("actionplans/partials/status_tag.html")
def status_tag(status):
    """The status word in its RAG colour; the word is always shown, colour is never alone."""
    return {
        "status": status,
        "tag_class": TAG_CLASSES.get(status.rag, "govuk-tag--grey")
        if status
        else "govuk-tag--grey",
    }


@register.filter
def tag_class(status) -> str:
    """The GOV.UK tag colour of a status (grey when there is none)."""
    return TAG_CLASSES.get(status.rag, "govuk-tag--grey") if status else "govuk-tag--grey"


@register.inclusion_tag("actionplans/partials/percent.html")
def percent_complete(value):
    return {"value": value}


@register.inclusion_tag("actionplans/partials/deadline.html")
def deadline(action):
    return {"action": action}


@register.filter
def number(value) -> str:
    """41.50 -> "41.5", 1240.00 -> "1,240": figures as a report would print them."""
    if value is None or value == "":
        return ""
    normalised = Decimal(value).normalize()
    if normalised == normalised.to_integral():
        normalised = normalised.quantize(Decimal(1))
    return intcomma(f"{normalised:f}")


@register.inclusion_tag("actionplans/partials/count_tag.html")
def count_tag(count):
    """A summary row's label as a tag in its RAG colour (a dashboards.Count)."""
    return {"label": count.label, "tag_class": TAG_CLASSES.get(count.rag, "govuk-tag--grey")}


@register.simple_tag(takes_context=True)
def may_manage(context, plan) -> bool:
    """Whether the person reading may edit the plan (its editor's links)."""
    request = context.get("request")
    return bool(request) and request.user.has_perm("actionplans.manage_plan", plan)

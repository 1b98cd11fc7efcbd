"""One search over what a person may open: plans, actions, update commentary, scrutiny
recommendations and responses, impact assessments and committee papers' titles.

Each kind starts from the queryset its own app uses to decide who sees what (visible_to),
so search shows nothing its pages would not. On PostgreSQL the words are matched with
full-text search against a stored, GIN-indexed search vector kept up to date by a trigger
(search/migrations; English stemming: "homes" finds "home"), ranked by ts_rank, titles
weighted above other text; elsewhere (SQLite, the embedded default) every word must appear
in the text, and results rank by how often the words appear, titles first. Either way the
matching words are highlighted in a short extract, escaped before they are marked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from actionplans.models import Action, Plan, ProgressUpdate
from impact.models import Assessment
from reports.models import CommitteeReport
from scrutiny.models import Recommendation, Source

MAX_QUERY = 200  # characters a search reads
MAX_TERMS = 10
PER_KIND = 60  # results of each kind ranked, before they are merged


@dataclass(frozen=True)
class Kind:
    label: str
    queryset: Callable[[object], QuerySet]
    title_fields: tuple[str, ...]
    text_fields: tuple[str, ...]
    council: str  # the lookup to the council
    title: Callable[[object], str]
    url: Callable[[object], str]


KINDS: dict[str, Kind] = {
    "plan": Kind(
        "Plans",
        lambda user: Plan.objects.visible_to(user).select_related("council"),
        ("title",),
        ("summary",),
        "council",
        lambda plan: plan.title,
        lambda plan: plan.get_absolute_url(),
    ),
    "action": Kind(
        "Actions",
        lambda user: Action.objects.visible_to(user).select_related("plan__council"),
        ("reference", "title"),
        ("description", "outcomes"),
        "plan__council",
        lambda action: f"{action} ({action.plan.title})",
        lambda action: action.get_absolute_url(),
    ),
    "update": Kind(
        "Progress updates",
        lambda user: (
            ProgressUpdate.objects.approved()
            .filter(action__in=Action.objects.visible_to(user))
            .select_related("action__plan__council")
        ),
        (),
        ("commentary",),
        "action__plan__council",
        lambda update: f"Update of {update.reported_on:%-d %B %Y} on {update.action}",
        lambda update: update.action.get_absolute_url(),
    ),
    "recommendation": Kind(
        "Scrutiny recommendations and responses",
        lambda user: Recommendation.objects.filter(
            source__in=Source.objects.visible_to(user)
        ).select_related("source__council"),
        ("reference",),
        ("text", "response_comment"),
        "source__council",
        lambda rec: f"Recommendation {rec.reference} of {rec.source.title}",
        lambda rec: rec.get_absolute_url(),
    ),
    "assessment": Kind(
        "Impact assessments",
        lambda user: Assessment.objects.visible_to(user).select_related("council", "template"),
        ("report_subject",),
        ("description",),
        "council",
        str,
        lambda assessment: assessment.get_absolute_url(),
    ),
    "paper": Kind(
        "Committee papers",
        lambda user: CommitteeReport.objects.visible_to(user).select_related(
            "council", "committee"
        ),
        ("subject",),
        ("purpose",),
        "council",
        str,
        lambda report: report.get_absolute_url(),
    ),
}


@dataclass
class Hit:
    kind: str
    label: str
    title: str
    url: str
    council: str
    extract: SafeString
    rank: float


_WORD = re.compile(r"\w+", re.UNICODE)


def terms_of(query: str) -> list[str]:
    """The words searched for: letters and digits, at most MAX_TERMS of them."""
    return _WORD.findall(query[:MAX_QUERY].replace("\x00", " "))[:MAX_TERMS]


def search(user, query: str, *, kinds=None, council=None) -> list[Hit]:
    """The things matching `query` that `user` may open, best first."""
    terms = terms_of(query)
    if not terms:
        return []
    hits = []
    for name, kind in KINDS.items():
        if kinds and name not in kinds:
            continue
        queryset = kind.queryset(user)
        if council is not None:
            queryset = queryset.filter(**{kind.council: council})
        fields = kind.title_fields + kind.text_fields
        if connection.vendor == "postgresql":
            found = _postgresql(queryset, " ".join(terms))
        else:
            found = _anywhere(queryset, fields, terms)
        for obj, rank in found:
            hits.append(
                Hit(
                    kind=name,
                    label=kind.label,
                    title=kind.title(obj),
                    url=kind.url(obj),
                    council=_council_name(obj, kind.council),
                    extract=extract(obj, fields, terms),
                    rank=rank,
                )
            )
    hits.sort(key=lambda hit: (-hit.rank, hit.title))
    return hits


def _postgresql(queryset, text: str):
    """Matches by the table's stored search vector (search/migrations), GIN-indexed."""
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    query = "websearch_to_tsquery('english', %s)"
    rows = (
        queryset.alias(matches=RawSQL(f"{table}.search_vector @@ {query}", [text], BooleanField()))
        .filter(matches=True)
        .annotate(rank=RawSQL(f"ts_rank({table}.search_vector, {query})", [text], FloatField()))
        .order_by("-rank", "pk")[:PER_KIND]
    )
    return [(obj, float(obj.rank)) for obj in rows]


def _anywhere(queryset, fields, terms):
    condition = Q()
    for term in terms:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": term})
        condition &= either
    rows = list(queryset.filter(condition).order_by("pk")[: PER_KIND * 4])
    scored = []
    for obj in rows:
        title = " ".join(str(getattr(obj, name) or "") for name in fields[:1]).casefold()
        text = " ".join(str(getattr(obj, name) or "") for name in fields).casefold()
        score = sum(text.count(t.casefold()) + 2 * title.count(t.casefold()) for t in terms)
        scored.append((obj, float(score)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:PER_KIND]


def _council_name(obj, lookup: str) -> str:
    for part in lookup.split("__"):
        obj = getattr(obj, part)
    return obj.name


def extract(obj, fields, terms, words: int = 30) -> SafeString:
    """About `words` words around the first match, escaped, the matching words marked."""
    stems = [t.casefold()[: max(4, min(len(t), 5))] if len(t) > 4 else t.casefold() for t in terms]
    texts = [str(getattr(obj, name) or "") for name in fields]
    chosen = next(
        (text for text in texts if any(stem in text.casefold() for stem in stems)),
        next((text for text in texts if text), ""),
    )
    tokens = chosen.split()
    first = next(
        (i for i, token in enumerate(tokens) if any(s in token.casefold() for s in stems)), 0
    )
    start = max(0, first - words // 3)
    shown = tokens[start : start + words]
    marked = []
    for token in shown:
        safe = escape(token)
        if any(stem in token.casefold() for stem in stems):
            safe = f"<mark>{safe}</mark>"
        marked.append(safe)
    text = " ".join(marked)
    if start > 0:
        text = "… " + text
    if start + words < len(tokens):
        text += " …"
    return mark_safe(text)  # every piece escaped above

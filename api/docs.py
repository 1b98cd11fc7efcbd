"""The API's OpenAPI 3 schema, its documentation for people at /api/, and each council's
open-data page. The documentation and the data dictionary are drawn from the schema, which
drf-spectacular draws from the views and serializers: what the pages say about a field is
what the API does."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from actionplans.emails import absolute_url
from actionplans.exports import FORMATS, LICENCE_NAME, LICENCE_URL
from actionplans.models import Plan
from api.pagination import ATTRIBUTION
from councils.models import Council

# The things the data dictionary describes, in the order a reader meets them.
DICTIONARY = [
    ("Council", "CouncilDetail"),
    ("Plan", "PlanDetail"),
    ("Workstream", "Workstream"),
    ("Action", "ActionDetail"),
    ("Deadline", "Deadline"),
    ("Status", "Status"),
    ("Measure", "Measure"),
    ("Progress update", "ProgressUpdate"),
    ("Scrutiny recommendation", "Recommendation"),
    ("Impact assessment", "Assessment"),
    ("Committee paper", "Paper"),
]


@functools.cache
def openapi() -> dict:
    """The schema, generated once a process: it changes only with the code."""
    return SchemaGenerator().get_schema(request=None, public=True)


def schema(request):
    """The OpenAPI 3 schema: YAML, or JSON with ?format=json."""
    if request.GET.get("format") == "json":
        body = json.dumps(openapi(), indent=2).encode()
        content_type = "application/vnd.oai.openapi+json"
    else:
        body = OpenApiYamlRenderer().render(openapi())
        content_type = "application/vnd.oai.openapi; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@dataclass
class Field:
    name: str
    kind: str
    description: str
    required: bool


@dataclass
class Entry:
    title: str
    component: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class Parameter:
    name: str
    where: str
    kind: str
    description: str
    required: bool


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    answers: list[tuple[str, str]]
    anchor: str


def kind_of(spec: dict, components: dict) -> str:
    """A field's type in words: 'date', 'list of integer', 'Status (object)', 'text or null'."""
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in spec:
            kinds = [kind_of(part, components) for part in spec[combined]]
            words = " or ".join(dict.fromkeys(k for k in kinds if k))
            return words + (" or null" if spec.get("nullable") else "")
    kind = spec.get("type", "")
    if kind == "array":
        kind = "list of " + kind_of(spec.get("items", {}), components)
    elif spec.get("format") in ("date", "date-time", "uri", "decimal"):
        kind = spec["format"]
    elif "enum" in spec:
        kind = "one of " + ", ".join(str(value) for value in spec["enum"] if value)
    kind = {"string": "text", "boolean": "true or false"}.get(kind, kind)
    return kind + (" or null" if spec.get("nullable") else "")


def fields_of(name: str, components: dict) -> list[Field]:
    spec = components.get(name, {})
    required = set(spec.get("required", []))
    return [
        Field(key, kind_of(value, components), value.get("description", ""), key in required)
        for key, value in spec.get("properties", {}).items()
    ]


def dictionary() -> list[Entry]:
    components = openapi()["components"]["schemas"]
    return [
        Entry(title, component, fields_of(component, components))
        for title, component in DICTIONARY
        if component in components
    ]


def operations() -> list[Operation]:
    found = []
    for path, methods in openapi()["paths"].items():
        for method, spec in methods.items():
            parameters = [
                Parameter(
                    p["name"],
                    p["in"],
                    kind_of(p.get("schema", {}), {}),
                    p.get("description", ""),
                    p.get("required", False),
                )
                for p in spec.get("parameters", [])
            ]
            answers = [
                (code, answer.get("description", "")) for code, answer in spec["responses"].items()
            ]
            description = spec.get("description", "")
            summary, _, rest = description.partition("\n\n")
            found.append(
                Operation(
                    method.upper(),
                    path,
                    " ".join(summary.split()),
                    " ".join(rest.split()),
                    parameters,
                    answers,
                    spec["operationId"],
                )
            )
    return found


def api_docs(request):
    """The API's documentation, for people, drawn from its schema."""
    context = {
        "operations": operations(),
        "dictionary": dictionary(),
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "example_council": Council.objects.order_by("name").first(),
        "site": absolute_url(""),
    }
    return render(request, "api/docs.html", context)


@dataclass
class Dataset:
    title: str
    description: str
    links: list[tuple[str, str, str]]  # (words, address, format)


def _optional(name: str, *args) -> str | None:
    """The address of a page another app provides, if it is there."""
    try:
        return absolute_url(reverse(name, args=args))
    except NoReverseMatch:
        return None


def open_data(request, council_slug: str):
    """The council's open data: each public plan's files, the API, the feeds, the licence
    and a data dictionary. Only what anyone may read is listed: the datasets are public."""
    council = get_object_or_404(Council, slug=council_slug)
    plans = Plan.objects.public().filter(council=council).order_by("-period_start", "title")
    datasets = []
    for plan in plans:
        args = (council.slug, plan.slug)
        links = [
            (
                {"xlsx": "Spreadsheet", "csv": "CSV", "json": "JSON"}[fmt],
                absolute_url(reverse("actionplans:plan-export", args=[*args, fmt])),
                fmt.upper(),
            )
            for fmt in FORMATS
        ]
        links.append(
            ("Actions in the API", absolute_url(reverse("api:plan-actions", args=args)), "API")
        )
        links.append(
            (
                "Progress updates in the API",
                absolute_url(reverse("api:plan-updates", args=args)),
                "API",
            )
        )
        links.append(
            ("Measures in the API", absolute_url(reverse("api:measures", args=args)), "API")
        )
        if feed := _optional("following:plan-feed", *args):
            links.append(("Updates and papers (Atom feed)", feed, "Atom"))
        if calendar := _optional("following:plan-calendar", *args):
            links.append(("Deadlines (calendar)", calendar, "iCalendar"))
        datasets.append(Dataset(plan.title, plan.summary, links))
    council_links = [
        ("Plans", absolute_url(reverse("api:plan-list", args=[council.slug])), "API"),
        (
            "Actions of every plan",
            absolute_url(reverse("api:council-actions", args=[council.slug])),
            "API",
        ),
        (
            "Scrutiny recommendations and responses",
            absolute_url(reverse("api:recommendations", args=[council.slug])),
            "API",
        ),
        (
            "Published impact assessments",
            absolute_url(reverse("api:assessments", args=[council.slug])),
            "API",
        ),
        ("Committee papers", absolute_url(reverse("api:papers", args=[council.slug])), "API"),
    ]
    if feed := _optional("following:council-feed", council.slug):
        council_links.append(("Updates and papers (Atom feed)", feed, "Atom"))
    context = {
        "council": council,
        "datasets": datasets,
        "council_links": council_links,
        "dictionary": dictionary(),
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "schema_url": absolute_url(reverse("api:schema")),
    }
    return render(request, "api/open_data.html", context)

"""The standard templates a council can start from, as councils print them.

INTEGRATED follows the integrated impact assessment attached to Norwich City Council's
Cabinet reports (seed 000): every category and row as printed. EQUALITY covers the nine
protected characteristics of the Equality Act 2010, socio-economic disadvantage, and the
three aims of the public sector equality duty (s149), with an outcome and mitigations."""

from __future__ import annotations

from django.db import transaction

from councils.models import Council
from impact.models import AssessmentTemplate, Category, ClosingSection, RatingOption, Row, Tone

INSTRUCTIONS = "please add an ‘x’ as appropriate"

INTEGRATED = {
    "name": "Integrated impact assessment",
    "kind": AssessmentTemplate.Kind.INTEGRATED,
    "intro": "The IIA should assess the impact of the recommendation being made by the report.",
    "ratings": [
        ("Neutral", Tone.NEUTRAL),
        ("Positive", Tone.POSITIVE),
        ("Negative", Tone.NEGATIVE),
    ],
    "categories": [
        (
            "Economic",
            INSTRUCTIONS,
            [
                "Finance (value for money)",
                "Other departments and services e.g. office facilities, customer contact",
                "ICT services",
                "Economic development",
                "Financial inclusion",
            ],
        ),
        (
            "Social",
            INSTRUCTIONS,
            [
                "Safeguarding children and adults",
                "S17 crime and disorder act 1998",
                "Human Rights Act 1998",
                "Health and well being",
            ],
        ),
        (
            "Equality and diversity",
            INSTRUCTIONS,
            [
                "Relations between groups (cohesion)",
                "Eliminating discrimination & harassment",
                "Advancing equality of opportunity",
            ],
        ),
        (
            "Environmental",
            INSTRUCTIONS,
            [
                "Transportation",
                "Natural and built environment",
                "Waste minimisation & resource use",
                "Pollution",
                "Sustainable procurement",
                "Energy and climate change",
            ],
        ),
        ("Risk management", INSTRUCTIONS, ["Risk management"]),
    ],
    "closing_title": "Recommendations from impact assessment",
    "closing": ["Positive", "Negative", "Neutral", "Issues"],
}

EQUALITY = {
    "name": "Equality impact assessment",
    "kind": AssessmentTemplate.Kind.EQUALITY,
    "intro": "Assess the likely impact of the proposal on people who share each protected "
    "characteristic (Equality Act 2010), and how it serves the three aims of the public sector "
    "equality duty (section 149).",
    "ratings": [
        ("Positive", Tone.POSITIVE),
        ("Neutral", Tone.NEUTRAL),
        ("Negative", Tone.NEGATIVE),
        ("Not assessed", Tone.NOT_ASSESSED),
    ],
    "asks_duration": True,
    "asks_likelihood": True,
    "asks_outcome": True,
    "asks_mitigations": True,
    "categories": [
        (
            "Protected characteristics",
            "",
            [
                "Age",
                "Disability",
                "Gender reassignment",
                "Marriage and civil partnership",
                "Pregnancy and maternity",
                "Race",
                "Religion or belief",
                "Sex",
                "Sexual orientation",
                "Socio-economic disadvantage",
            ],
        ),
        (
            "Public sector equality duty",
            "",
            [
                "Eliminate discrimination, harassment and victimisation",
                "Advance equality of opportunity",
                "Foster good relations",
            ],
        ),
    ],
    "closing_title": "Evidence and engagement",
    "closing": ["Evidence used", "Engagement and consultation"],
}

STANDARD = [INTEGRATED, EQUALITY]


@transaction.atomic
def install(council: Council, spec: dict) -> AssessmentTemplate:
    """Create the template in the council unless a template of that name exists (idempotent)."""
    existing = AssessmentTemplate.objects.filter(council=council, name=spec["name"]).first()
    if existing:
        return existing
    template = AssessmentTemplate.objects.create(
        council=council,
        name=spec["name"],
        kind=spec["kind"],
        intro=spec.get("intro", ""),
        asks_duration=spec.get("asks_duration", False),
        asks_likelihood=spec.get("asks_likelihood", False),
        asks_outcome=spec.get("asks_outcome", False),
        asks_mitigations=spec.get("asks_mitigations", False),
        closing_title=spec.get("closing_title", ""),
    )
    RatingOption.objects.bulk_create(
        RatingOption(template=template, label=label, tone=tone, order=i)
        for i, (label, tone) in enumerate(spec["ratings"])
    )
    for order, (title, instructions, rows) in enumerate(spec["categories"]):
        category = Category.objects.create(
            template=template, title=title, instructions=instructions, order=order
        )
        Row.objects.bulk_create(
            Row(category=category, label=label, order=i) for i, label in enumerate(rows)
        )
    ClosingSection.objects.bulk_create(
        ClosingSection(template=template, title=title, order=i)
        for i, title in enumerate(spec.get("closing", []))
    )
    return template

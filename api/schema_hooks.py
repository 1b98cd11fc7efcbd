"""What drf-spectacular cannot see for itself: every answer the API can give, documented,
so a client (and schemathesis) knows each one's shape."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "What went wrong: `detail` for the request as a whole, or a list of "
    "messages for each field or parameter that is wrong, under its name.",
    "properties": {"detail": {"type": "string"}},
    # Messages by name: a list of words, or for a list of things (readings) a list of each
    # one's messages by field.
    "additionalProperties": True,
}
ERRORS = {
    "400": "A parameter or field is wrong: the answer says which, and why.",
    "401": "The token is not valid, or has been revoked.",
    "403": "You may not do this (a read-only token, or an action you do not lead).",
    "404": "Nothing at this address that you may see.",
    "429": "Too many requests: try again after the seconds in the Retry-After header.",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Every operation answers 401, 404 and 429 as well; those that take parameters or a
    body 400; posts 403. Each error is an Error object."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            codes = ["401", "404", "429"]
            if method == "post":
                codes += ["400", "403"]
            elif any(p["in"] == "query" for p in operation.get("parameters", [])):
                codes.append("400")
            for code in codes:
                responses[code] = {
                    "description": ERRORS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return result


# What fields mean where the serializers leave it to the name: filled into the schema (and so
# the documentation and the data dictionary) wherever a field has no description of its own.
# Keyed by component, then field; "*" holds the meanings that are the same everywhere.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "*": {
        "name": "The name, as the council writes it.",
        "website": "The council's own website.",
        "title": "As written in the plan.",
        "kind": "What kind of thing it is, in words.",
        "summary": "What the plan is for, as the council summarises it.",
        "period_start": "The first day the plan covers.",
        "period_end": "The last day the plan covers.",
        "visibility": "Who may read it: public, members (the council's own people) or private.",
        "approved_on": "The day it was approved.",
        "lead_department": "The department that leads the plan.",
        "rag": "The red, amber or green of its status (blue: complete; grey: not started).",
        "percent_complete": "How far through it is, 0 to 100; null if not reported.",
        "deadline": "Its deadline as it stood on as_at: the words, and the day they count as.",
        "overdue_days": "Days past its deadline on as_at (0 unless overdue).",
        "description": "What it is, as written.",
        "outcomes": "What it should achieve, as written.",
        "priority": "Its priority, as the plan words it.",
        "measures": "The measures of its progress, each with its readings.",
        "baseline": "Where the measure started.",
        "baseline_date": "When the baseline was measured.",
        "target": "Where the measure should get to.",
        "target_date": "When the target should be reached.",
        "action": "The id of the action.",
        "action_reference": "The action's reference, as printed.",
        "action_title": "The action's title.",
        "reported_on": "The day it was reported.",
        "status": "The status reported, with its RAG and group.",
        "commentary": "What the officer said about progress.",
        "deadline_reason": "Why the deadline moved, if it did.",
        "created_at": "When it was recorded on this website.",
        "text": "The recommendation, as the committee worded it.",
        "report_date": "The date of the scrutiny report.",
        "response_comment": "The executive's comment with its response.",
        "response_date": "When the executive responded.",
        "due_date": "When the response or its delivery is due.",
        "implementation": "How far the recommendation has been carried out.",
        "url": "Its page on this website.",
        "pdf_url": "The published assessment as an accessible PDF.",
        "template": "The assessment form used.",
        "report_subject": "The decision the assessment is of.",
        "committee": "The committee that takes the decision or report.",
        "committee_date": "The date of that committee's meeting.",
        "date_assessed": "When the assessment was made.",
        "outcome": "What the assessment concluded.",
        "plan": "The slug of the plan it concerns.",
        "published_at": "When it was published.",
        "subject": "The report's subject, as on its front sheet.",
        "meeting_date": "The date of the meeting.",
        "item_number": "Its item number on the agenda.",
        "version": "The version published: a republished paper has a new one.",
        "files": "The files of this version: the whole report, front sheet and appendices.",
    },
    "CouncilDetail": {"name": "The council's name."},
    "ActionDetail": {"id": "The action's id.", "title": "The action, as written in the plan."},
    "ActionState": {"id": "The action's id.", "title": "The action, as written in the plan."},
    "Measure": {"id": "The measure's id.", "name": "What is measured."},
    "ProgressUpdate": {"id": "The update's id."},
    "LicensedUpdate": {"id": "The update's id."},
    "Recommendation": {"id": "The recommendation's id."},
    "Assessment": {"id": "The assessment's id.", "kind": "The kind of assessment."},
    "Paper": {"committee": "The committee the report went to."},
    "Workstream": {"title": "As written in the plan.", "description": "As written in the plan."},
}


def describe_fields(result: dict, generator, request, public) -> dict:
    """Every field of every component with a meaning: its own, or DESCRIPTIONS'."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        for field, spec in component.get("properties", {}).items():
            if spec.get("description"):
                continue
            words = DESCRIPTIONS.get(name, {}).get(field) or DESCRIPTIONS["*"].get(field)
            if not words:
                continue
            if "$ref" in spec:  # a reference takes no siblings in OpenAPI 3.0
                component["properties"][field] = {"allOf": [spec], "description": words}
            else:
                spec["description"] = words
    return result

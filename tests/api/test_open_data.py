"""The API as a council's data analyst meets it: the schema and its documentation, the
open-data page, and a plan fetched through the API as at a quarter's end, written to CSV,
compared with the spreadsheet the website exports for the same day."""

import csv
import datetime
import io
import json

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actionplans.exports import HEADER_ROW
from actionplans.forms import quarter_ends
from actionplans.models import Plan
from councils.models import Council

pytestmark = pytest.mark.django_db

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def demo_plans() -> list[Plan]:
    return [p for p in Plan.objects.public().select_related("council") if p.actions.exists()]


def fetch_all(client, url: str, **params) -> list[dict]:
    """Every page of a list, as an analyst's script follows `next`."""
    rows, page = [], client.get(url, {**params, "page_size": 7}).json()
    while True:
        rows += page["results"]
        if not page["next"]:
            return rows
        page = client.get(page["next"]).json()


def test_a_plan_as_at_last_quarter_end_matches_its_xlsx_export(client):
    compared = 0
    for plan in demo_plans():
        ends = quarter_ends(plan, timezone.localdate())
        for as_at in {ends[0], ends[len(ends) // 2]}:
            url = reverse("api:plan-actions", args=[plan.council.slug, plan.slug])
            rows = fetch_all(client, url, as_at=as_at.isoformat())
            # The analyst's CSV.
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(
                ["id", "reference", "title", "status", "percent", "deadline", "overdue"]
            )
            for r in rows:
                writer.writerow(
                    [
                        r["id"],
                        r["reference"],
                        r["title"],
                        r["status"]["label"] if r["status"] else "",
                        "" if r["percent_complete"] is None else r["percent_complete"],
                        r["deadline"]["text"],
                        "Overdue" if r["is_overdue"] else "",
                    ]
                )
            from_api = {row["id"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
            # The website's spreadsheet for the same day.
            export = client.get(
                reverse("actionplans:plan-export", args=[plan.council.slug, plan.slug, "xlsx"]),
                {"as_at": as_at.isoformat()},
            )
            assert export.status_code == 200
            sheet = load_workbook(io.BytesIO(export.content), read_only=True)["Actions"]
            table = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
            header, body = table[0], table[1:]
            assert f"{as_at.day} {as_at:%B %Y}" in str(sheet.cell(2, 1).value)
            from_xlsx = {}
            for values in body:
                row = dict(zip(header, values, strict=False))
                if row.get("Action ID"):
                    from_xlsx[str(row["Action ID"])] = row
            assert set(from_api) == set(from_xlsx), plan
            for pk, api_row in from_api.items():
                sheet_row = from_xlsx[pk]
                assert api_row["title"] == sheet_row["Action"]
                assert api_row["reference"] == (sheet_row["Ref"] or "")
                assert api_row["status"] == (sheet_row["Status"] or "")
                assert api_row["percent"] == str(
                    "" if sheet_row["% complete"] is None else sheet_row["% complete"]
                )
                assert api_row["deadline"] == (sheet_row["Deadline"] or "")
                assert api_row["overdue"] == (sheet_row["Overdue"] or "")
            compared += len(from_api)
    assert compared > 20


def test_the_export_refuses_a_day_it_does_not_offer(client):
    plan = demo_plans()[0]
    url = reverse("actionplans:plan-export", args=[plan.council.slug, plan.slug, "csv"])
    response = client.get(url, {"as_at": "2001-02-03"})
    assert response.status_code == 400
    assert "Choose today or the end of one of the listed quarters" in response.content.decode()


def test_the_schema_is_openapi_3_with_the_licence(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["license"] == {"name": "Open Government Licence v3.0", "url": OGL}
    as_json = json.loads(client.get(reverse("api:schema"), {"format": "json"}).content)
    assert as_json == schema
    paths = schema["paths"]
    for expected in [
        "/api/v1/councils/",
        "/api/v1/councils/{council_slug}/plans/{plan_slug}/actions/",
        "/api/v1/councils/{council_slug}/plans/{plan_slug}/actions/{id}/updates/",
        "/api/v1/councils/{council_slug}/recommendations/",
        "/api/v1/councils/{council_slug}/assessments/",
        "/api/v1/councils/{council_slug}/papers/",
    ]:
        assert expected in paths
    actions = paths["/api/v1/councils/{council_slug}/plans/{plan_slug}/actions/"]["get"]
    names = {p["name"] for p in actions["parameters"]}
    assert {"status", "rag", "workstream", "lead", "ward", "overdue", "as_at", "page"} <= names
    listed = schema["components"]["schemas"]["PaginatedActionStateList"]
    assert {"licence", "attribution"} <= set(listed["properties"])
    post = paths["/api/v1/councils/{council_slug}/plans/{plan_slug}/actions/{id}/updates/"]["post"]
    assert "409" in post["responses"]
    assert any("token" in requirement for requirement in post.get("security", []))


def test_the_documentation_lists_every_address_and_field(client):
    html = client.get(reverse("api:docs")).content.decode()
    schema = yaml.safe_load(client.get(reverse("api:schema")).content)
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in html
    assert "Open Government Licence v3.0" in html
    assert "<h1" in html and html.count("<h1") == 1
    # The data dictionary: an action's fields, with their meaning from the serializers.
    assert "<code>is_overdue</code>" in html
    assert "Past its deadline on as_at and neither complete nor closed." in html


def test_each_council_has_an_open_data_page_listing_public_data_only(client, world):
    own = world[0]
    html = client.get(reverse("api:open-data", args=[own["council"].slug])).content.decode()
    assert "public plan" in html
    assert "private plan" not in html and "members plan" not in html
    assert "/plans/public-plan/export.csv" in html
    assert "/api/v1/councils/ownshire/plans/public-plan/actions/" in html
    assert "Open Government Licence v3.0" in html
    assert "<code>commentary</code>" in html  # the data dictionary
    assert client.get(reverse("api:open-data", args=["no-such-council"])).status_code == 404


def test_every_council_in_the_api_is_one_on_the_website(client):
    listed = fetch_all(client, reverse("api:council-list"))
    assert sorted(c["slug"] for c in listed) == sorted(
        Council.objects.values_list("slug", flat=True)
    )
    assert all(c["url"].endswith(f"/councils/{c['slug']}/") for c in listed)


def test_as_at_defaults_to_today(client):
    plan = demo_plans()[0]
    url = reverse("api:plan-actions", args=[plan.council.slug, plan.slug])
    first = client.get(url).json()["results"][0]
    assert first["as_at"] == datetime.date.today().isoformat()

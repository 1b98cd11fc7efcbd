"""Downloads from the plan page: only plans the person can see, named and licensed."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from councils.models import User

pytestmark = pytest.mark.django_db


def export_url(council, plan, fmt):
    return reverse("actionplans:plan-export", args=[council, plan, fmt])


def test_public_downloads_a_public_plan_in_each_format(client):
    response = client.get(export_url("norwich", "reducing-inequalities-2015-16", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        'attachment; filename="norwich-reducing-inequalities-2015-16-'
        in response["Content-Disposition"]
    )
    assert "open-government-licence" in response["Link"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Actions"]
    assert sheet["A1"].value == "Reducing Inequalities Action Plan 2015-16"
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    export_url("norwich", "reducing-inequalities-2015-16", "csv")
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 17 and rows[0]["Licence"] == "Open Government Licence v3.0"
    data = json.loads(
        client.get(export_url("norwich", "reducing-inequalities-2015-16", "json")).content
    )
    assert data["licence"]["name"] == "Open Government Licence v3.0" and len(data["actions"]) == 17


def test_hidden_plans_cannot_be_downloaded(client, plans_a, member):
    for key in ("private", "draft", "members"):
        assert client.get(export_url("anytown", plans_a[key].slug, "csv")).status_code == 404
    client.force_login(member)
    assert client.get(export_url("anytown", "members-plan", "csv")).status_code == 200
    assert client.get(export_url("anytown", "private-plan", "csv")).status_code == 404


def test_unknown_format_is_not_found(client):
    assert (
        client.get(export_url("norwich", "reducing-inequalities-2015-16", "pdf")).status_code == 404
    )


def test_plan_page_offers_downloads_and_upload_to_those_who_update(client):
    url = reverse("actionplans:plan-detail", args=["norwich", "reducing-inequalities-2015-16"])
    page = client.get(url).content.decode()
    assert "Excel (.xlsx)" in page and "upload it back" not in page
    client.force_login(User.objects.get(username="norwich-officer"))
    assert "upload it back" in client.get(url).content.decode()

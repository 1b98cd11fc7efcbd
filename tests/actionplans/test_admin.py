"""The admin writes progress the same way as every other path: through record_update()."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import ProgressUpdate
from councils.models import Status

pytestmark = pytest.mark.django_db


def test_adding_an_update_in_the_admin_moves_the_actions_status(
    client, superuser, action_a, council_a
):
    client.force_login(superuser)
    delayed = Status.objects.get(council=council_a, label="Delayed")
    response = client.post(
        reverse("admin:actionplans_progressupdate_add"),
        {
            "action": action_a.pk,
            "reported_on": "2016-01-15",
            "status": delayed.pk,
            "percent_complete": "30",
            "commentary": "Venue unavailable until spring",
        },
    )
    assert response.status_code == 302
    action_a.refresh_from_db()
    assert action_a.status == delayed
    assert action_a.percent_complete == 30
    assert action_a.status_commentary == "Venue unavailable until spring"
    assert action_a.last_updated == datetime.date(2016, 1, 15)
    update = action_a.updates.get()
    assert update.period.label == "Q3 2015/16"  # mid-January reports on October-December
    assert update.author == superuser


def test_admin_refuses_a_status_from_another_council(client, superuser, action_a, council_b):
    client.force_login(superuser)
    foreign = Status.objects.get(council=council_b, label="On track")
    response = client.post(
        reverse("admin:actionplans_progressupdate_add"),
        {"action": action_a.pk, "reported_on": "2016-01-15", "status": foreign.pk},
    )
    assert response.status_code == 200
    assert "Choose a status used by Anytown Borough Council." in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=action_a).exists()


def test_recorded_updates_cannot_be_edited_in_the_admin(client, superuser, action_a, council_a):
    client.force_login(superuser)
    on_track = Status.objects.get(council=council_a, label="On track")
    client.post(
        reverse("admin:actionplans_progressupdate_add"),
        {"action": action_a.pk, "reported_on": "2016-01-15", "status": on_track.pk},
    )
    update = action_a.updates.get()
    url = reverse("admin:actionplans_progressupdate_change", args=[update.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"commentary": "Rewritten history"})
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.commentary == ""


def test_action_status_is_read_only_in_the_admin(client, superuser, action_a):
    client.force_login(superuser)
    html = client.get(
        reverse("admin:actionplans_action_change", args=[action_a.pk])
    ).content.decode()
    assert 'name="status"' not in html
    assert 'name="percent_complete"' not in html
    assert 'name="deadline_text"' in html


def test_saving_an_action_in_the_admin_rereads_the_deadline_words(rf, superuser, action_a):
    from django.contrib import admin

    from actionplans.models import Action

    model_admin = admin.site._registry[Action]
    request = rf.post("/")
    request.user = superuser
    form = model_admin.get_form(request, action_a)(instance=action_a, data={})
    form.is_valid()  # only the deadline words matter to save_model
    form.cleaned_data["deadline_text"] = "Q1 2016/17"
    model_admin.save_model(request, action_a, form, change=True)
    action_a.refresh_from_db()
    assert action_a.deadline_text == "Q1 2016/17"
    assert action_a.deadline_date == datetime.date(2016, 6, 30)
    assert action_a.deadline_precision == "quarter"


def test_admin_shows_council_rules_on_the_form_instead_of_failing(
    client, superuser, action_a, council_a
):
    from actionplans.services import lock_period, reporting_period_for

    client.force_login(superuser)
    delayed = Status.objects.get(council=council_a, label="Delayed")
    url = reverse("admin:actionplans_progressupdate_add")
    response = client.post(
        url, {"action": action_a.pk, "reported_on": "2016-01-15", "status": delayed.pk}
    )
    assert response.status_code == 200
    assert "Explain why the action is delayed and what is being done." in response.content.decode()
    lock_period(reporting_period_for(council_a, datetime.date(2015, 11, 1)), by=superuser)
    on_track = Status.objects.get(council=council_a, label="On track")
    response = client.post(
        url, {"action": action_a.pk, "reported_on": "2015-11-02", "status": on_track.pk}
    )
    assert response.status_code == 200
    assert "Q3 2015/16 is locked" in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=action_a).exists()

"""Following a plan: a signed-in person presses "Follow this plan" on its page and finds it
on their home page, for as long as they may see it."""

import pytest
from django.urls import reverse

from actionplans.models import Plan
from home.models import Follow

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")


def follow_url(plan: Plan) -> str:
    return reverse("home:follow-plan", args=[plan.council.slug, plan.slug])


def test_a_councillor_follows_a_plan_and_finds_it_at_home(client, member, plans_a):
    plan = plans_a["members"]
    client.force_login(member)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Follow this plan" in page
    assert "None yet" in client.get(HOME).content.decode()
    response = client.post(follow_url(plan), {"follow": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    page = response.content.decode()
    assert f"You follow ‘{plan.title}’" in page and "Stop following" in page
    home = client.get(HOME).content.decode()
    section = home[home.index("Plans you follow") :]
    assert plan.title in section and plan.get_absolute_url() in section
    # Pressing it twice follows once.
    client.post(follow_url(plan), {"follow": "1"})
    assert Follow.objects.filter(user=member, plan=plan).count() == 1
    client.post(follow_url(plan), {"follow": ""})
    assert not Follow.objects.filter(user=member).exists()
    assert "None yet" in client.get(HOME).content.decode()


def test_a_plan_made_private_drops_out_of_the_list(client, member, plans_a):
    plan = plans_a["members"]
    client.force_login(member)
    client.post(follow_url(plan), {"follow": "1"})
    plan.visibility = Plan.Visibility.PRIVATE
    plan.save()
    home = client.get(HOME).content.decode()
    assert plan.title not in home[home.index("Plans you follow") :]
    assert "None yet" in home


def test_nobody_follows_what_they_may_not_see(client, member, outsider, plans_a):
    client.force_login(member)
    assert client.post(follow_url(plans_a["private"]), {"follow": "1"}).status_code == 404
    client.force_login(outsider)
    assert client.post(follow_url(plans_a["members"]), {"follow": "1"}).status_code == 404
    # A public plan anyone may follow, from any council.
    assert client.post(follow_url(plans_a["public"]), {"follow": "1"}).status_code == 302
    assert not Follow.objects.exclude(plan=plans_a["public"]).exists()


def test_signed_out_visitors_see_no_button_and_cannot_follow(client, plans_a):
    plan = plans_a["public"]
    assert "Follow this plan" not in client.get(plan.get_absolute_url()).content.decode()
    response = client.post(follow_url(plan), {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_following_is_a_post(client, member, plans_a):
    client.force_login(member)
    assert client.get(follow_url(plans_a["public"])).status_code == 405

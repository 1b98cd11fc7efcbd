"""Following a plan or a ward by email: ask, confirm by the link, get one digest a week of
what was published, and stop it with one click, which deletes the address."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Plan, ProgressUpdate
from following.models import ConfirmationSent, EmailFollow
from following.services import send_digest
from tests.following.conftest import publish, update

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/email-updates/\S+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def plan_email_url(plan) -> str:
    return reverse("following:plan-email", args=[plan.council.slug, plan.slug])


def ward_email_url(ward) -> str:
    return reverse("following:ward-email", args=[ward.council.slug, ward.pk])


def links(message) -> list[str]:
    return LINK.findall(message.body)


def a_week_on(follow: EmailFollow) -> None:
    """As if it had been confirmed eight days ago."""
    EmailFollow.objects.filter(pk=follow.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=8)
    )


def run_digests() -> str:
    out = io.StringIO()
    call_command("send_follow_digests", stdout=out)
    return out.getvalue()


def digests() -> list:
    return [m for m in mail.outbox if "List-Unsubscribe" in m.extra_headers]


def test_the_whole_journey_from_asking_to_unsubscribing(client, plans_a, homes, officer, hidden):
    plan = plans_a["public"]
    form = client.get(plan_email_url(plan))
    assert "Get email updates about ‘Public Plan’" in form.content.decode()
    response = client.post(plan_email_url(plan), {"email": " Resident@Example.org "})
    assert "Check your email" in response.content.decode()
    follow = EmailFollow.objects.get()
    assert follow.email == "resident@example.org" and not follow.is_confirmed

    (confirmation,) = mail.outbox
    assert confirmation.to == ["resident@example.org"]
    assert "‘Public Plan’" in confirmation.body
    confirm_path = links(confirmation)[0]
    # Opening the link (as a mail scanner might) confirms nothing; pressing the button does.
    page = client.get(confirm_path)
    assert "Confirm email updates" in page.content.decode()
    follow.refresh_from_db()
    assert not follow.is_confirmed
    response = client.post(confirm_path, follow=True)
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "Email updates confirmed" in response.content.decode()
    follow.refresh_from_db()
    assert follow.is_confirmed

    # Nothing published yet: no email, and still due.
    a_week_on(follow)
    run_digests()
    assert digests() == []
    update(homes, officer, "Delayed", commentary="Planning permission took longer.")
    publish(plan, "Housing delivery: progress")
    run_digests()
    (digest,) = digests()
    assert digest.to == ["resident@example.org"]
    assert digest.subject == "Public Plan: 1 progress update and 1 committee paper"
    assert "10a Build 200 homes: Delayed" in digest.body
    assert "Planning permission took longer." in digest.body
    assert "Housing delivery: progress" in digest.body
    assert "Secret" not in digest.body and "Exempt report" not in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/email-updates/unsubscribe/")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in digest.body

    # Run again the same day, and again with something new: nothing more this week.
    update(homes, officer, "On track", commentary="Back on track")
    run_digests()
    assert len(digests()) == 1

    # One click from the mail provider: a POST with no CSRF token deletes the address.
    provider = Client(enforce_csrf_checks=True)
    path = unsubscribe.strip("<>").removeprefix("http://testserver")
    response = provider.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Email updates stopped" in response.content.decode()
    assert not EmailFollow.objects.exists()
    assert client.get(path).status_code == 404
    assert provider.post(path).status_code == 200  # a second click says the same


def test_the_unsubscribe_link_asks_before_it_deletes(client, plans_a):
    follow = EmailFollow.objects.create(
        email="a@example.org", plan=plans_a["public"], confirmed_at=timezone.now()
    )
    path = reverse("following:unsubscribe", args=[follow.token])
    page = client.get(path).content.decode()
    assert "Stop email updates" in page and "a@example.org" in page
    assert EmailFollow.objects.exists()
    client.post(path)
    assert not EmailFollow.objects.exists()


def test_a_digest_comes_at_most_weekly(plans_a, homes, officer):
    follow = EmailFollow.objects.create(
        email="a@example.org",
        plan=plans_a["public"],
        confirmed_at=timezone.now() - datetime.timedelta(days=20),
    )
    update(homes, officer, commentary="First")
    now = timezone.now()
    assert send_digest(follow.pk, now)
    update(homes, officer, commentary="Second")
    assert not send_digest(follow.pk, now + datetime.timedelta(days=6))
    assert send_digest(follow.pk, now + datetime.timedelta(days=7))
    assert [("First" in m.body, "Second" in m.body) for m in mail.outbox] == [
        (True, False),
        (False, True),
    ]


def test_a_plan_made_private_sends_nothing(plans_a, homes, officer):
    follow = EmailFollow.objects.create(
        email="a@example.org",
        plan=plans_a["public"],
        confirmed_at=timezone.now() - datetime.timedelta(days=8),
    )
    update(homes, officer, commentary="Said while public")
    Plan.objects.filter(pk=plans_a["public"].pk).update(visibility="private")
    assert not send_digest(follow.pk, timezone.now())
    assert mail.outbox == []
    # Its unsubscribe page no longer names it.
    page = Client().get(reverse("following:unsubscribe", args=[follow.token])).content.decode()
    assert "Public Plan" not in page and "no longer published" in page


def test_unconfirmed_addresses_get_nothing_and_expire(client, plans_a, homes, officer):
    client.post(plan_email_url(plans_a["public"]), {"email": "a@example.org"})
    follow = EmailFollow.objects.get()
    update(homes, officer)
    assert not send_digest(follow.pk, timezone.now() + datetime.timedelta(days=8))
    EmailFollow.objects.update(requested_at=timezone.now() - datetime.timedelta(days=8))
    confirm_path = links(mail.outbox[0])[0]
    assert client.post(confirm_path).status_code == 404  # the link has expired
    run_digests()
    assert not EmailFollow.objects.exists()


def test_asking_again_says_the_same_and_emails_at_most_three_times_a_day(client, plans_a, ward):
    plan = plans_a["public"]
    first = client.post(plan_email_url(plan), {"email": "a@example.org"}).content
    EmailFollow.objects.update(confirmed_at=timezone.now())
    again = client.post(plan_email_url(plan), {"email": "a@example.org"}).content
    assert first == again  # the page does not say the address already follows the plan
    assert EmailFollow.objects.count() == 1
    assert "already gets them" in mail.outbox[1].body
    for _ in range(5):
        client.post(ward_email_url(ward), {"email": "A@example.org"})
    assert len(mail.outbox) == 3
    assert EmailFollow.objects.count() == 2
    assert not ConfirmationSent.objects.filter(address_key__contains="@").exists()


def test_a_signed_in_person_follows_with_their_own_address_at_once(client, plans_a, member):
    member.email = "councillor@anytown.gov.uk"
    member.save()
    client.force_login(member)
    form = client.get(plan_email_url(plans_a["public"])).content.decode()
    assert 'value="councillor@anytown.gov.uk"' in form
    response = client.post(
        plan_email_url(plans_a["public"]), {"email": "Councillor@anytown.gov.uk"}, follow=True
    )
    assert response.redirect_chain[-1][0] == plans_a["public"].get_absolute_url()
    assert "at most once a week" in response.content.decode()
    assert EmailFollow.objects.get().is_confirmed
    assert mail.outbox == []
    # Another address must still be confirmed by its owner.
    client.post(plan_email_url(plans_a["public"]), {"email": "someone@example.org"})
    assert not EmailFollow.objects.get(email="someone@example.org").is_confirmed
    assert len(mail.outbox) == 1


def test_following_a_ward_sends_updates_on_its_actions_in_public_plans(
    client, plans_a, ward, homes, hidden, officer
):
    for action in hidden.values():
        action.wards.add(ward)
    ward_page = client.get(reverse("actionplans:ward-detail", args=["anytown", ward.pk]))
    assert ward_email_url(ward) in ward_page.content.decode()
    client.post(ward_email_url(ward), {"email": "a@example.org"})
    client.post(links(mail.outbox[0])[0])
    a_week_on(EmailFollow.objects.get())
    update(homes, officer, commentary="Homes in Lakenham")
    for action in hidden.values():
        update(action, officer, commentary="Still secret")
    run_digests()
    (digest,) = digests()
    assert digest.subject == "Lakenham ward: 1 progress update"
    assert "Homes in Lakenham" in digest.body and "Secret" not in digest.body


@pytest.mark.parametrize(
    "email, error",
    [
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format"),
        ("a@" + "b" * 300 + ".com", "254 characters or fewer"),
        ("a@example.org\x00", ""),
    ],
)
def test_a_bad_address_is_explained(client, plans_a, email, error):
    response = client.post(plan_email_url(plans_a["public"]), {"email": email})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "There is a problem" in page and error in page
        assert "<title>Error: " in page
    assert not EmailFollow.objects.exists() and mail.outbox == []


def test_bad_links_and_unknown_pages_are_404s_with_a_message(client, plans_a, member):
    for path in [
        reverse("following:confirm", args=["not-a-token"]),
        reverse("following:unsubscribe", args=["x" * 3000]),
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert client.post(reverse("following:confirm", args=["nope"])).status_code == 404
    assert client.get(reverse("following:plan-email", args=["anytown", "nope"])).status_code == 404
    assert client.get(reverse("following:ward-email", args=["anytown", 999999])).status_code == 404
    for key in ("members", "private", "draft"):
        assert client.get(plan_email_url(plans_a[key])).status_code == 404
        assert client.post(plan_email_url(plans_a[key]), {"email": "a@b.org"}).status_code == 404
    # A councillor may see the members-only plan, but it cannot be followed by email.
    client.force_login(member)
    page = client.get(plan_email_url(plans_a["members"])).content.decode()
    assert "only for plans the public can read" in page and "Get email updates</button>" not in page
    client.post(plan_email_url(plans_a["members"]), {"email": "a@b.org"})
    assert not EmailFollow.objects.exists()


def test_the_privacy_notice_says_what_is_kept_and_when_it_is_deleted(client, council_a):
    for url in [reverse("councils:privacy"), reverse("councils:council-privacy", args=["anytown"])]:
        page = client.get(url).content.decode()
        section = page[page.index('id="email-updates"') :]
        assert "your email address" in section
        assert "the plan or ward it follows" in section
        assert "when you confirmed it, and when we last sent you an update" in section
        assert "deletes your address" in section
        assert "within 7 days, we delete it" in section


def test_a_daily_run_a_little_earlier_than_last_week_still_sends_on_the_seventh_day(
    plans_a, homes, officer
):
    follow = EmailFollow.objects.create(
        email="a@example.org",
        plan=plans_a["public"],
        confirmed_at=timezone.now() - datetime.timedelta(days=20),
    )
    update(homes, officer, commentary="First")
    # Tomorrow's run at 06:00:05, then next week's at 06:00:00.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sent_at = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(6, 0, 5)))
    assert send_digest(follow.pk, sent_at)
    second = update(homes, officer, commentary="Second")
    ProgressUpdate.objects.filter(pk=second.pk).update(
        created_at=sent_at + datetime.timedelta(days=1)
    )
    assert not send_digest(follow.pk, sent_at + datetime.timedelta(days=6, hours=17))
    assert send_digest(follow.pk, sent_at + datetime.timedelta(days=7, seconds=-5))
    assert ["Second" in m.body for m in mail.outbox] == [False, True]


def test_one_client_asking_too_often_is_told_to_wait(client, plans_a):
    for n in range(20):
        client.post(plan_email_url(plans_a["public"]), {"email": f"person{n}@example.org"})
    response = client.post(plan_email_url(plans_a["public"]), {"email": "more@example.org"})
    assert response.status_code == 429
    assert "Too many requests have been made from here" in response.content.decode()
    assert not EmailFollow.objects.filter(email="more@example.org").exists()


def test_only_a_superuser_sees_addresses_in_the_admin(client, db):
    from councils.models import Council, Membership, User

    council = Council.objects.create(name="Admin Test Council", slug="admin-test")
    staff = User.objects.create_user("council-admin-staff", password="pw", is_staff=True)
    Membership.objects.create(user=staff, council=council, role=Membership.Role.COUNCIL_ADMIN)
    client.force_login(staff)
    url = "/admin/following/emailfollow/"
    assert client.get(url).status_code == 403
    root = User.objects.create_user("root-admin", password="pw", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(url).status_code == 200

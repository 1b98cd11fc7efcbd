"""The accessibility statement and the privacy notice: site-wide and for each council, in the
council's own words where it has written them and the model wording where not; linked from
the footer of every page, the council's from its own pages."""

import datetime
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from councils.models import Council, Membership, User
from councils.views import STATEMENTS_PREPARED_ON, in_words
from tests.world import urls

pytestmark = pytest.mark.django_db

PREPARED = f"{STATEMENTS_PREPARED_ON:%-d %B %Y}"


def text_of(response) -> str:
    """The page's main content as a person reads it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def footer_links(response) -> dict[str, str]:
    footer = re.search(
        r'<footer class="govuk-footer">.*?</footer>', response.content.decode(), re.S
    )
    assert footer, "the page has no footer"
    links = re.findall(r'<a class="govuk-footer__link" href="([^"]+)">([^<]+)</a>', footer.group(0))
    return {label: href for href, label in links}


@pytest.fixture
def anytown(council_a) -> Council:
    council_a.website = "https://www.anytown.gov.uk"
    council_a.save()
    return council_a


# The model wording, for a council that has written none of its own ------------------------


def test_a_councils_statement_has_the_model_wording_when_it_wrote_none(client, anytown):
    response = client.get(reverse("councils:council-accessibility", args=["anytown"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Accessibility statement for Anytown Borough Council’s action plans" in text
    assert "This website is run by Anytown Borough Council." in text
    assert "contact Anytown Borough Council using the contact details on its website" in text
    assert 'href="https://www.anytown.gov.uk"' in response.content.decode()
    assert "We’ll consider your request and get back to you." in text
    # The parts of the model statement the regulations require.
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in text
    assert "Equality Advisory and Support Service (EASS)" in text
    assert "Equality Commission for Northern Ireland" in text
    assert "Disproportionate burden" in text
    assert "not within the scope of the accessibility regulations" in text
    assert f"prepared on {PREPARED}. It was last reviewed on {PREPARED}." in text
    assert "375 pixels" in text and "axe-core" in text


def test_a_councils_privacy_notice_has_the_model_wording_when_it_wrote_none(client, anytown):
    response = client.get(reverse("councils:council-privacy", args=["anytown"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Anytown Borough Council is the controller of the personal data" in text
    assert "contact Anytown Borough Council’s data protection officer using the contact" in text
    assert "Information Commissioner’s Office" in text and "0303 123 1113" in text
    assert "public task, UK GDPR Article 6(1)(e)" in text
    assert "shows job titles only, not names" in text  # show_officer_names is off
    assert f"prepared on {PREPARED}. It was last reviewed on {PREPARED}." in text


def test_without_a_website_the_model_wording_still_says_whom_to_contact(client, council_a):
    text = text_of(client.get(reverse("councils:council-accessibility", args=["anytown"])))
    assert "braille, contact Anytown Borough Council." in text


# The council's own words ------------------------------------------------------------------


def test_a_councils_own_words_replace_the_model_contact_wording(client, anytown):
    anytown.accessibility_contact = (
        "Email access@anytown.gov.uk or call 01234 567890.\n\n"
        "We reply within 5 working days.\nBraille takes longer."
    )
    anytown.accessibility_reviewed_on = datetime.date(2027, 2, 1)
    anytown.save()
    response = client.get(reverse("councils:council-accessibility", args=["anytown"]))
    html = response.content.decode()
    text = text_of(response)
    assert "Email access@anytown.gov.uk or call 01234 567890." in text
    assert '<a href="mailto:access@anytown.gov.uk">access@anytown.gov.uk</a>' in html
    assert (
        '<p class="govuk-body">We reply within 5 working days.<br>Braille takes longer.</p>' in html
    )
    assert "We’ll consider your request" not in text
    assert "using the contact details on its website" not in text
    assert "It was last reviewed on 1 February 2027." in text
    # The rest of the statement is still the model's.
    assert "Enforcement procedure" in text


def test_a_councils_own_words_replace_the_model_privacy_contact(client, anytown):
    anytown.privacy_contact = (
        "Data Protection Officer, Town Hall, Anytown AN1 1AA.\n\ndpo@anytown.gov.uk"
    )
    anytown.privacy_reviewed_on = datetime.date(2027, 3, 4)
    anytown.show_officer_names = True
    anytown.save()
    response = client.get(reverse("councils:council-privacy", args=["anytown"]))
    text = text_of(response)
    assert "Data Protection Officer, Town Hall, Anytown AN1 1AA." in text
    assert 'href="mailto:dpo@anytown.gov.uk"' in response.content.decode()
    assert "using the contact details on the council’s website" not in text
    assert "It was last reviewed on 4 March 2027." in text
    assert "Anytown Borough Council shows these names on its public pages." in text


def test_a_council_writing_html_gets_it_shown_as_text(client, anytown):
    anytown.accessibility_contact = '<script>alert("x")</script> Call us.'
    anytown.save()
    html = client.get(reverse("councils:council-accessibility", args=["anytown"])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Call us." in html


def test_one_councils_words_never_show_on_anothers_statement(client, anytown, council_b):
    anytown.accessibility_contact = "Ring Anytown on 01234 567890."
    anytown.privacy_contact = "Write to Anytown's DPO."
    anytown.save()
    assert "01234 567890" not in text_of(
        client.get(reverse("councils:council-accessibility", args=["otherborough"]))
    )
    assert "Anytown" not in text_of(
        client.get(reverse("councils:council-privacy", args=["otherborough"]))
    )


# The site-wide pages and who may open them -------------------------------------------------


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_the_site_wide_page_lists_every_councils_own(client, anytown, council_b, name):
    response = client.get(reverse(f"councils:{name}"))
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("anytown", "otherborough"):
        assert f'href="{reverse(f"councils:council-{name}", args=[slug])}"' in html
    assert "run by" in text_of(response) or "controller" in text_of(response)


@pytest.mark.parametrize("name", ["council-accessibility", "council-privacy"])
def test_an_unknown_council_is_not_found(client, name):
    assert client.get(reverse(f"councils:{name}", args=["no-such-council"])).status_code == 404


@pytest.mark.parametrize("name", ["council-accessibility", "council-privacy"])
def test_the_pages_are_public_to_everyone(client, anytown, outsider, officer, name):
    url = reverse(f"councils:{name}", args=["anytown"])
    assert client.get(url).status_code == 200
    for person in (officer, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 200


def test_the_privacy_notice_reads_its_periods_from_the_settings(client, anytown, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.AXES_FAILURE_LIMIT = 7
    text = text_of(client.get(reverse("councils:council-privacy", args=["anytown"])))
    assert "after 30 minutes without using the website" in text
    assert "After 7 failures, that username cannot sign in from that address for 1 hour." in text
    assert "52 weeks" in text  # Django's CSRF cookie age
    for cookie in ("sessionid", "csrftoken", "messages"):
        assert cookie in text


@pytest.mark.parametrize(
    "seconds, words",
    [
        (7200, "2 hours"),
        (3600, "1 hour"),
        (5400, "90 minutes"),
        (31449600, "52 weeks"),
        (1, "1 second"),
    ],
)
def test_durations_are_given_in_their_largest_whole_unit(seconds, words):
    assert in_words(seconds) == words


# The admin: where a council writes its words ------------------------------------------------


def test_a_council_admin_writes_the_councils_words_in_its_settings(client, anytown):
    user = User.objects.create_user("admin-a", password="pw", is_staff=True)
    Membership.objects.create(user=user, council=anytown, role=Membership.Role.COUNCIL_ADMIN)
    client.force_login(user)
    html = client.get(reverse("admin:councils_council_change", args=[anytown.pk])).content.decode()
    for field in (
        "accessibility_contact",
        "accessibility_reviewed_on",
        "privacy_contact",
        "privacy_reviewed_on",
        "brand_colour",  # the council's other settings are still there
    ):
        assert f'name="{field}"' in html, field
    assert "Accessibility statement</h2>" in html and "Privacy notice</h2>" in html

    request = RequestFactory().post("/")
    request.user = user
    model_admin = admin.site._registry[Council]
    form_class = model_admin.get_form(request, anytown)
    data = {
        field: value
        for field, value in form_class(instance=anytown).initial.items()
        if field in form_class.base_fields
    }
    form = form_class(
        data | {"accessibility_contact": "Call 01234 567890.", "privacy_reviewed_on": "2027-01-31"},
        instance=anytown,
    )
    assert form.is_valid(), form.errors
    form.save()
    anytown.refresh_from_db()
    assert anytown.accessibility_contact == "Call 01234 567890."
    assert anytown.privacy_reviewed_on == datetime.date(2027, 1, 31)
    assert "Call 01234 567890." in text_of(
        client.get(reverse("councils:council-accessibility", args=["anytown"]))
    )


# The footer of every page -------------------------------------------------------------------

# The accessible HTML of a committee paper: a document of its own, not a page of the site.
DOCUMENTS = {"front sheet", "whole report", "appendix", "published assessment form"}


def test_every_page_links_its_councils_statement_and_notice_in_the_footer(client, world):
    own, _, root = world
    client.force_login(root)
    slug = own["council"].slug
    council_links = {
        "Accessibility statement": reverse("councils:council-accessibility", args=[slug]),
        "Privacy notice": reverse("councils:council-privacy", args=[slug]),
    }
    site_links = {
        "Accessibility statement": reverse("councils:accessibility"),
        "Privacy notice": reverse("councils:privacy"),
    }
    pages = urls(own) | {
        "not found": "/councils/no-such-council/",
        "not found in a council": f"/councils/{slug}/plans/no-such-plan/",
    }
    checked = set()
    for name, url in pages.items():
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html") or name in DOCUMENTS:
            continue
        assert response.status_code in (200, 403, 404), name
        is_councils = url.startswith(f"/councils/{slug}/") and response.status_code == 200
        expected = council_links if is_councils else site_links
        links = footer_links(response)
        assert {label: links.get(label) for label in expected} == expected, name
        checked.add(name)
    # The kinds of page the footer must be right on, among the many walked.
    assert {
        "home",
        "council",
        "public plan",
        "public action",
        "report",
        "papers",
        "accessibility statement",
        "site privacy notice",
        "not found",
        "not found in a council",
    } <= checked


def test_signed_out_visitors_get_the_same_footer(client, world):
    own = world[0]
    for name in ("home", "council", "public plan", "public action", "papers"):
        links = footer_links(client.get(urls(own)[name]))
        expected = "/accessibility/" if name == "home" else "/councils/ownshire/accessibility/"
        assert links["Accessibility statement"] == expected, name


# Print this page ------------------------------------------------------------------------------

PRINT_BUTTON = re.compile(r"<button [^>]*data-app-print hidden>Print this page</button>")


@pytest.mark.parametrize(
    "name",
    ["council", "public plan", "public plan equality", "departments", "portfolios", "committees"]
    + ["alignment", "scrutiny register", "impact across decisions", "ward"],
)
def test_dashboards_have_a_print_button_hidden_until_javascript_shows_it(client, world, name):
    html = client.get(urls(world[0])[name]).content.decode()
    if name == "ward":  # a list of actions, not a dashboard
        assert not PRINT_BUTTON.search(html)
        return
    assert len(PRINT_BUTTON.findall(html)) == 1, name


def test_the_statement_says_how_papers_are_checked_and_what_is_not(client):
    """What the papers' checks cover (tests/reports/test_paper_accessibility.py) and what
    a person has still to check, in the statement a resident reads."""
    text = text_of(client.get(reverse("councils:accessibility")))
    assert "passes an automated PDF/UA-1 checker" in text
    assert "in PDF and in Word" in text
    assert "nobody has yet checked by hand, with a screen reader" in text
    assert "each chart’s description is enough" in text

"""Every page a person can open with GET, probed with hostile query strings: each parameter
the page's own forms and links use, plus the ones list pages read (page, per_page, sort,
format), set to values a careless link or an attacker would send. Never a 500."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.world import urls

pytestmark = pytest.mark.django_db

GENERIC = ["page", "per_page", "sort", "format", "as_at", "q", "plan", "row"]
HOSTILE = [
    "-1",
    "0",
    "999999999999999999999999",
    "-999999999999999999999999",
    "NaN",
    "2015-02-30",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202e\u00e9\U0001f600",
    "x" * 3000,
]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
LINK = re.compile(r'href="([^"]*\?[^"]*)"')


def field_names(html: str) -> set[str]:
    """The parameter names a page's forms submit and its links carry."""
    names = set(FIELD.findall(html))
    for href in LINK.findall(html):
        names.update(name for name, _ in parse_qsl(urlsplit(href.replace("&amp;", "&")).query))
    return names - {"csrfmiddlewaretoken"}


@pytest.fixture
def signed_in_world(client, world):
    own, other, root = world
    client.force_login(root)  # sees every page and every option
    client.raise_request_exception = False  # a 500 is counted, not raised
    return client, own


def test_no_query_string_makes_any_page_fail(signed_in_world):
    client, own = signed_in_world
    failures = []
    for name, url in urls(own).items():
        plain = client.get(url)
        if plain.status_code != 200:
            continue
        is_page = plain["Content-Type"].startswith("text/html")
        names = sorted(field_names(plain.content.decode(errors="replace")) if is_page else [])
        names = sorted(set(names) | set(GENERIC))
        for value in HOSTILE if is_page else HOSTILE[:3]:
            # Every parameter at once, then each on its own with the values that break
            # number parsing, since one invalid field can stop another being read.
            attempts = [dict.fromkeys(names, value)]
            if is_page and value == "999999999999999999999999":
                attempts += [{one: value} for one in names]
            for params in attempts:
                response = client.get(url, params)
                if response.status_code >= 500:
                    failures.append(f"{name} {url}?{params}: {response.status_code}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "-1"},
        {"per_page": "0"},
        {"per_page": "abc"},
        {"status": "999999999999999999999999"},
        {"lead": "999999999999999999999999"},
        {"page": "999999999999999999999999"},
    ],
)
@pytest.mark.parametrize("page", ["public plan table", "department", "ward"])
def test_list_pages_answer_bad_paging_and_filters_with_a_page(signed_in_world, page, params):
    client, own = signed_in_world
    response = client.get(urls(own)[page], params)
    assert response.status_code == 200
    html = response.content.decode()
    # The list still shows, or the filter says what is wrong with it.
    assert "Action in public" in html or "from the list" in html


def test_nul_in_a_query_string_is_a_bad_request(signed_in_world):
    client, own = signed_in_world
    response = client.get(urls(own)["public plan table"], {"q": "jobs\x00fair"})
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()

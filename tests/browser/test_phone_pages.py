"""Phones: at 375 px no page scrolls sideways, the action table is a list of cards, and charts
fit the width with their labels whole.

The walk follows every link from the home page, signed out and as the people who use the
signed-in pages, and checks one page of each kind (URLs that differ only in their numbers
are one kind), so a new page type is covered as soon as a link leads to it."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from tests.browser.test_accessibility import CITY_PLAN, NORWICH_PLAN, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
# Not pages: files, and links that change something or leave the site's own pages.
# Files a browser downloads rather than shows: papers, exports, feeds and the API's schema.
SKIP = re.compile(
    r"/admin/|/logout|/download|\.(pdf|xlsx|csv|json|ics|docx|atom)$|/export|/api/schema/"
)


def kind(path: str) -> str:
    """/councils/norwich/wards/7/?page=2 and /councils/norwich/wards/9/ are one kind."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def walk(page, base: str, start: list[str], limit: int = 120) -> tuple[list[str], list[str]]:
    """(the pages visited, what was wrong on them): pages wider than the screen, with the
    element that sticks out, and server errors."""
    queue, kinds, visited, faults = list(start), set(), [], []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if kind(path) in kinds or SKIP.search(path):
            continue
        kinds.add(kind(path))
        response = page.goto(base + path)
        if response is None or "html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        if response.status >= 500:
            faults.append(f"{path}: {response.status}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprit = page.evaluate(
                """() => { for (const el of document.querySelectorAll('body *')) {
                     const r = el.getBoundingClientRect();
                     const p = el.parentElement.getBoundingClientRect();
                     if (r.right > innerWidth && p.right <= innerWidth)
                       return el.outerHTML.slice(0, 120);
                   } return ''; }"""
            )
            faults.append(f"{path}: {width}px wide, {culprit}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" == base:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return visited, faults


def test_no_page_scrolls_sideways_on_a_phone(live_server, browser):
    call_command("seed_demo", quiet_users=True)
    base = live_server.url
    faults = []
    for username, start in [
        (None, ["/", NORWICH_PLAN + "actions/?deadline_from-day=31&deadline_from-month=2"]),
        ("norwich-plan-manager", ["/home/", "/my-actions/"]),
        ("norwich-democratic-services", ["/home/"]),
        ("city-plan-manager", [CITY_PLAN, "/home/"]),
    ]:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if username:
            sign_in(page, base, username)
        visited, found = walk(page, base, start)
        context.close()
        # The walk reached the pages people use, not just a few.
        assert len(visited) > 20, (username, visited)
        faults += [f"{username or 'signed out'} {fault}" for fault in found]
    assert not faults, "\n".join(faults)


def test_the_action_table_is_a_list_of_cards_on_a_phone(live_server, page):
    call_command("seed_demo", quiet_users=True)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + NORWICH_PLAN + "actions/")
    row = page.locator(".app-table--actions tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    box = row.bounding_box()
    assert box["width"] <= PHONE["width"] - 20
    # Each value is named by its column, above it.
    status = row.locator("td[data-label='Status']")
    assert status.evaluate("el => getComputedStyle(el, '::before').content") == '"Status"'
    # The columns that sort are still there, as links above the cards.
    assert page.locator(".app-table--actions thead a", has_text="Deadline").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert row.evaluate("el => getComputedStyle(el).display") == "table-row"


def test_charts_fit_a_phone_with_whole_labels(live_server, page):
    call_command("seed_demo", quiet_users=True)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + NORWICH_PLAN)
    narrow = page.locator(".app-chart__narrow svg")
    assert narrow.is_visible() and not page.locator(".app-chart__wide svg").is_visible()
    box = narrow.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Drawn at (nearly) its own size: 14-unit text stays at least 13 px on the screen.
    view_width = float(narrow.get_attribute("viewBox").split()[2])
    assert box["width"] / view_width * 14 >= 13
    labels = " ".join(narrow.locator("text").all_text_contents())
    assert "…" not in labels
    assert "Ensure our services, procurement and assets have maximum impact in" in labels
    # Every piece of text lies inside the picture.
    outside = narrow.evaluate(
        """svg => { const r = svg.getBoundingClientRect(); return [...svg.querySelectorAll('text')]
             .filter(t => { const b = t.getBoundingClientRect();
                            return b.left < r.left - 1 || b.right > r.right + 1; })
             .map(t => t.textContent); }"""
    )
    assert outside == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".app-chart__wide svg").is_visible() and not narrow.is_visible()

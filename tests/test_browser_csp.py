"""The Content-Security-Policy in a real browser: no page, the admin's included, breaks it."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Claim, Item, Person, Team
from tests.helpers import make_user
from tests.test_browser import minutes, sign_in

__all__ = ["minutes"]  # the fixture: Maria's and Tom's items, imported from minutes

# What the browser reports when the policy blocks something.
WATCH = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def watched(context):
    """Every page of ``context`` records the policy's violations, in the page and the console."""
    console = []
    context.add_init_script(WATCH)
    context.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def visit(page, url, console):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.violations") == [], url
    assert console == [], url


def test_the_pages_and_the_admin_run_under_the_policy(live_server, context, watched, minutes):
    root = make_user("root", is_staff=True, is_superuser=True)
    maria = Person.objects.get(handle="MariaP")
    Claim.objects.create(user=make_user("mp"), person=maria)
    item = Item.objects.get(text="Update the changelog for 0.9.2")
    team = Team.objects.get()
    meeting = item.meeting
    page = sign_in(context, live_server, root)

    for path in [
        "/",
        "/items/",
        "/items/?owner=MariaP&status=open",
        f"/items/{item.pk}/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/people/",
        maria.get_absolute_url(),
        f"/teams/{team.slug}/",
        f"/teams/{team.slug}/next/",
        "/review/",
        "/review/done/",
        "/review/claims/",
        "/admin/",
        "/admin/meetings/item/",
        f"/admin/meetings/item/{item.pk}/change/",
        "/admin/meetings/person/",
        f"/admin/meetings/person/{maria.pk}/change/",
        "/admin/meetings/person/unresolved/",
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/import/",
        "/admin/meetings/claim/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
    ]:
        visit(page, f"{live_server.url}{path}", watched)

    # The next meeting's copy button is shown by the site's own script.
    visit(page, f"{live_server.url}/teams/{team.slug}/next/", watched)
    expect(page.get_by_role("button", name="Copy to the clipboard")).to_be_visible()

    # The admin's own scripts work: the item's inlines can add a row.
    visit(page, f"{live_server.url}/admin/meetings/item/{item.pk}/change/", watched)
    owners = page.locator("#owners-group")
    rows = owners.locator("tr.form-row:not(.empty-form)")
    before = rows.count()
    owners.get_by_text(re.compile("Add another")).click()
    expect(rows).to_have_count(before + 1)
    assert page.evaluate("window.violations") == []


def test_htmx_swaps_under_the_policy(live_server, context, watched, owner, minutes):
    release = Item.objects.get(text="Tag and publish the **0.9.2** release")
    page = sign_in(context, live_server, owner.user)
    visit(page, f"{live_server.url}/items/", watched)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Owner").fill("TomK")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#results [data-item]")).to_have_count(2)
    page.get_by_label("Owner").fill("MariaP")
    page.get_by_role("button", name="Filter").click()
    status = page.get_by_role("group", name=f"Status of item {release.pk}")
    status.get_by_role("button", name="Done").click()

    expect(
        page.get_by_role("group", name=f"Status of item {release.pk}").locator(".badge")
    ).to_have_text("Done")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("window.violations") == []
    assert watched == []

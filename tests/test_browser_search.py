"""Searching in a real browser: from the header's box to the very line that was said."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Statement
from tests.helpers import import_text
from tests.test_browser import sign_in

# A long discussion, so that the line searched for is far below the fold.
MINUTES = """
    ---
    title: "Core, January 10, 2024"
    datetime: 2024-01-10T13:00:00+01:00
    teams:
      - core
    participants:
      - MariaP
      - TomK
    ---

    ## Discussions

    #### Status

{status}

    #### Memory

    MP: The allocator leaks memory on arm64, see https://github.com/acme/core/pull/12
    TK: I will bisect it.

    ## TODOs and Decisions

    * MP: Write a test for the leak
"""


@pytest.fixture
def minutes(owner, teammate):
    status = "\n".join(f"    TK: Status update number {n}, nothing new." for n in range(80))
    return import_text(MINUTES.format(status=status), source="core/2024-01-10.md").meeting


def test_a_line_searched_from_the_header_opens_the_meeting_at_that_line(
    live_server, context, owner, minutes
):
    line = Statement.objects.get(text__contains="allocator").line
    page = sign_in(context, live_server, owner.user)
    page.goto(f"{live_server.url}/")

    page.get_by_role("searchbox", name="Search the minutes").fill("allocator")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=allocator$"))
    lines = page.locator('[data-section="lines"] .result')
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text("said by MP in Core, January 10, 2024")
    lines.get_by_role("link", name=re.compile("allocator leaks memory")).click()

    expect(page).to_have_url(f"{live_server.url}/meetings/{minutes.pk}/#L{line}")
    said = page.locator(f"#L{line}")
    expect(said).to_contain_text("The allocator leaks memory on arm64")
    assert said.evaluate("line => line.matches(':target')")
    expect(said).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0


@pytest.mark.parametrize("path", ["/", "/search/?q=allocator", "/meetings/"])
def test_a_phone_shows_the_header_with_its_search_box_without_scrolling_sideways(
    live_server, new_context, owner, minutes, path
):
    page = sign_in(new_context(viewport={"width": 390, "height": 844}), live_server, owner.user)

    page.goto(f"{live_server.url}{path}")

    box = page.get_by_role("searchbox", name="Search the minutes")
    expect(box).to_be_visible()
    assert box.bounding_box()["width"] >= 200
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

"""The tracker in a real browser: log in, filter, mark an item done, with and without JavaScript."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from meetings.models import Candidate, Item
from tests.helpers import import_text, make_user

PASSWORD = "a long password 42"

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

    #### Release

    MP: The release is late, see https://github.com/acme/core/pull/12
    TK: I will help, see https://docs.google.com/spreadsheets/d/1cu7wecQmuYhdwf-D2_irQZx0123456789abcdefghij/edit

    ## TODOs and Decisions

    * MP: Tag and publish the **0.9.2** release
    * TK: Update the changelog for 0.9.2
    * MP/TK: Draft the 1.0 release plan
    * MP: Read https://example.org/a/very/long/path/with/no/place/to/break/it/0123456789abcdefghijklmnopqrstuvwxyz
"""


@pytest.fixture
def minutes(owner, teammate):
    """Maria's and Tom's items, imported from minutes as the tracker gets them."""
    import_text(MINUTES, source="core/2024-01-10.md")
    return {item.text: item for item in Item.objects.all()}


@pytest.fixture
def release(minutes):
    """The item the tests close: Maria's, and only hers."""
    return minutes["Tag and publish the **0.9.2** release"]


def sign_in(context, live_server, user):
    """Start a browser context logged in as ``user``, without the login page's password hash."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context.new_page()


def status_of(page, item):
    return page.get_by_role("group", name=f"Status of item {item.pk}")


def test_a_member_filters_by_person_and_marks_an_item_done_without_a_reload(
    live_server, page, owner, release, tmp_path
):
    owner.user.set_password(PASSWORD)
    owner.user.save()

    page.goto(f"{live_server.url}/items/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    expect(page.get_by_text("Signed in as MariaP")).to_be_visible()
    expect(page.get_by_text("Update the changelog for 0.9.2")).to_be_visible()

    page.get_by_label("Owner").fill("MariaP")
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_text("Update the changelog for 0.9.2")).to_be_hidden()
    rows = page.locator("#results [data-item]")
    expect(rows).to_have_count(3)
    for row in rows.all():
        expect(row.locator(".owners")).to_contain_text("MariaP")
    expect(page).to_have_url(re.compile(r"/items/\?owner=MariaP&"))  # a URL to share
    page.screenshot(path=tmp_path / "items.png", full_page=True)

    page.evaluate("window.notReloaded = true")
    status = status_of(page, release)
    status.get_by_text("Add a note").click()
    status.get_by_label("Note").fill("Published on the blog too.")
    status.get_by_role("button", name="Done").click()

    expect(status_of(page, release).locator(".badge")).to_have_text("Done")
    expect(status_of(page, release).get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    release.refresh_from_db()
    assert release.status == Item.Status.DONE

    # Open items are the list's default: once done, the item shows among the done ones.
    page.reload()
    expect(page.locator(f'[data-item="{release.pk}"]')).to_have_count(0)
    page.get_by_role("checkbox", name="Done").check()
    expect(status_of(page, release).locator(".badge")).to_have_text("Done")

    page.get_by_role("link", name=f"Item {release.pk}").click()
    expect(page.get_by_role("heading", name=f"Action item #{release.pk}")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("MariaP changed it from open to Done")
    expect(history).to_contain_text("Published on the blog too.")
    page.screenshot(path=tmp_path / "item.png", full_page=True)


def test_without_javascript_the_status_form_posts_and_redirects(
    live_server, new_context, owner, release
):
    page = sign_in(new_context(java_script_enabled=False), live_server, owner.user)
    page.goto(f"{live_server.url}/items/?owner=MariaP")

    status = status_of(page, release)
    status.get_by_text("Add a note").click()
    status.get_by_label("Note").fill("Done at the meeting.")
    status.get_by_role("button", name="Done").click()

    assert page.url == f"{live_server.url}/items/?owner=MariaP"
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Marked “.+” as done\."))
    expect(page.locator(f'[data-item="{release.pk}"]')).to_have_count(0)

    page.goto(f"{live_server.url}/items/{release.pk}/")
    expect(status_of(page, release).locator(".badge")).to_have_text("Done")
    expect(page.locator("#history")).to_contain_text("MariaP changed it from open to Done")
    expect(page.locator("#history")).to_contain_text("Done at the meeting.")


def test_the_status_is_shown_with_colour_and_text(live_server, context, owner, minutes):
    changelog = minutes["Update the changelog for 0.9.2"]
    plan = minutes["Draft the 1.0 release plan"]
    changelog.set_status(owner.user, Item.Status.IN_PROGRESS)
    plan.set_status(owner.user, Item.Status.DONE)
    page = sign_in(context, live_server, owner.user)
    page.goto(f"{live_server.url}/items/?status=open&status=in_progress&status=done")

    colours = set()
    for item, text in [(changelog, "In progress"), (plan, "Done")]:
        badge = status_of(page, item).locator(".badge")
        expect(badge).to_have_text(text)
        colours.add(badge.evaluate("b => getComputedStyle(b).backgroundColor"))
    badge = page.locator(".badge-open").first
    expect(badge).to_have_text("Open")
    colours.add(badge.evaluate("b => getComputedStyle(b).backgroundColor"))

    assert len(colours) == 3
    assert not colours & {"rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"}


def test_the_done_button_is_reached_with_tab_and_pressed_with_enter(
    live_server, context, owner, release
):
    page = sign_in(context, live_server, owner.user)
    page.goto(f"{live_server.url}/items/?owner=MariaP")
    done = status_of(page, release).get_by_role("button", name="Done")

    for _ in range(120):
        page.keyboard.press("Tab")
        if done.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Done button")
    assert done.evaluate("button => getComputedStyle(button).outlineStyle") != "none"
    page.keyboard.press("Enter")

    expect(status_of(page, release).locator(".badge")).to_have_text("Done")
    release.refresh_from_db()
    assert release.status == Item.Status.DONE


def test_a_phone_shows_the_items_without_scrolling_sideways(
    live_server, new_context, owner, minutes, release
):
    page = sign_in(new_context(viewport={"width": 390, "height": 844}), live_server, owner.user)
    fits = "document.scrollingElement.scrollWidth <= window.innerWidth"

    page.goto(f"{live_server.url}/items/")
    expect(page.locator("[data-item]")).to_have_count(len(minutes))
    assert page.evaluate(fits)
    # The filters fold away on a phone, and open with a tap.
    owner_field = page.get_by_label("Owner")
    expect(owner_field).to_be_hidden()
    page.get_by_text("Filters", exact=True).click()
    expect(owner_field).to_be_visible()

    page.goto(f"{live_server.url}/items/{release.pk}/")
    expect(status_of(page, release)).to_be_visible()
    assert page.evaluate(fits)

    # The minutes themselves, with a long link in what was said.
    page.goto(f"{live_server.url}{release.meeting.get_absolute_url()}")
    expect(page.get_by_text("I will help")).to_be_visible()
    assert page.evaluate(fits)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_review_queue_fits_the_screen_with_a_long_link_in_its_reason(
    live_server, new_context, owner, minutes, release, width
):
    later = minutes["Draft the 1.0 release plan"]
    long_link = "https://github.com/acme/core/pull/12?" + "q=is%3Apr+is%3Aclosed+" * 6
    Candidate.objects.create(
        earlier=release, later=later, score=70, reason=f"same link {long_link}; another action"
    )
    staff = make_user("mara", is_staff=True)
    page = sign_in(new_context(viewport={"width": width, "height": 900}), live_server, staff)

    page.goto(f"{live_server.url}/review/")

    expect(page.locator("[data-candidate]")).to_have_count(1)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_a_filtered_list_offers_its_link_to_copy(live_server, context, owner, minutes):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = sign_in(context, live_server, owner.user)
    page.goto(f"{live_server.url}/items/?owner=MariaP&group=meeting")

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator("[data-copy-link] .copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/items/?owner=MariaP&group=meeting"


def test_a_name_that_names_no_one_is_refused_beside_the_form_and_changes_nothing(
    live_server, context, owner, release
):
    page = sign_in(context, live_server, owner.user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/items/{release.pk}/")

    page.get_by_text("Give it to someone else").click()
    page.get_by_label("New owners").fill("Zorro")
    page.locator("details.reassign").get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Nothing was changed: No one in the minutes is written “Zorro”."
    )
    assert [o.name for o in Item.objects.get(pk=release.pk).owners.all()] == ["MP"]
    assert errors == []

"""Many items at once in a real browser: tick with the keyboard, mark done, undo; on a phone too."""

import pytest
from playwright.sync_api import expect

from meetings.models import Item
from tests.helpers import import_text
from tests.test_browser import MINUTES, sign_in


@pytest.fixture
def minutes(owner, teammate):
    """Maria's and Tom's items of January 2024, imported: stale by now."""
    import_text(MINUTES, source="core/2024-01-10.md")
    return {item.text: item for item in Item.objects.all()}


# In the order the list shows them: the most recently raised first (the last written, here).
MARIA = ["Draft the 1.0 release plan", "Tag and publish the **0.9.2** release"]


def focus_by_tab(page, element_id, most=40):
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached #{element_id}")


def no_horizontal_scroll(page):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{width} px wide in a {inner} px window"


def test_a_member_ticks_items_with_the_keyboard_marks_them_done_and_undoes_it(
    live_server, new_context, owner, minutes, tmp_path
):
    page = sign_in(new_context(viewport={"width": 1280, "height": 900}), live_server, owner.user)
    page.goto(f"{live_server.url}/items/?owner=MariaP")
    first, second = (minutes[text] for text in MARIA)

    page.locator("#bulk-all").focus()
    focus_by_tab(page, f"select-{first.pk}")
    page.keyboard.press("Space")
    focus_by_tab(page, f"select-{second.pk}")
    page.keyboard.press("Space")
    expect(page.locator(".bulk-count")).to_have_text("2 selected")
    page.locator("#bulk-form").get_by_label("Note").fill("Closed at the triage")
    page.evaluate("window.notReloaded = true")
    page.locator("#bulk-form").get_by_role("button", name="Done").click()

    expect(page.get_by_role("status")).to_contain_text("2 items marked done.")
    expect(page.locator(f'[data-item="{first.pk}"]')).to_have_count(0)
    expect(page.locator(f'[data-item="{second.pk}"]')).to_have_count(0)
    expect(page.locator("#results [data-item]")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the list in place
    assert {i.status for i in Item.objects.filter(pk__in=[first.pk, second.pk])} == {"done"}
    page.screenshot(path=tmp_path / "marked.png", full_page=True)

    page.get_by_role("button", name="Undo").click()

    expect(page.get_by_role("status")).to_contain_text("Undone: 2 items put back as before.")
    for item in (first, second):
        row = page.locator(f'[data-item="{item.pk}"]')
        expect(row.locator(".badge")).to_have_text("Open")
        item.refresh_from_db()
        assert item.status == Item.Status.OPEN
    assert first.status_changes.last().note.startswith("Undone")


def test_without_javascript_select_all_and_undo_are_plain_forms(
    live_server, new_context, owner, minutes
):
    page = sign_in(new_context(java_script_enabled=False), live_server, owner.user)
    page.goto(f"{live_server.url}/teams/core/triage/")
    expect(page.get_by_role("heading", name="MariaP, TomK")).to_be_visible()

    page.get_by_label("Select all 4 matching this filter").check()
    page.locator("#bulk-form").get_by_role("button", name="Drop").click()

    expect(page.get_by_role("status")).to_contain_text("4 items marked dropped.")
    expect(page.get_by_text("No open items.")).to_be_visible()  # all dropped
    assert set(Item.objects.values_list("status", flat=True)) == {"dropped"}

    page.get_by_role("button", name="Undo").click()

    expect(page.get_by_role("status")).to_contain_text("Undone: 4 items put back as before.")
    expect(page.locator("#results [data-item]")).to_have_count(4)
    assert set(Item.objects.values_list("status", flat=True)) == {"open"}


def test_on_a_person_page_the_heading_counts_what_is_left(live_server, new_context, owner, minutes):
    page = sign_in(new_context(), live_server, owner.user)
    page.goto(f"{live_server.url}/people/mariap/")
    expect(page.locator("#list-heading .count")).to_have_text("(3)")

    page.get_by_label("Select all 3 matching this filter").check()
    page.locator("#bulk-form").get_by_role("button", name="In progress").click()

    expect(page.get_by_role("status")).to_contain_text("3 items marked in progress.")
    expect(page.locator("#list-heading .count")).to_have_text("(3)")  # in progress is still open
    page.get_by_label("Select all 3 matching this filter").check()
    page.locator("#bulk-form").get_by_role("button", name="Done").click()

    expect(page.get_by_role("status")).to_contain_text("3 items marked done.")
    expect(page.locator("#list-heading .count")).to_have_text("(0)")
    expect(page.get_by_text("No open items.")).to_be_visible()


def test_the_lists_with_checkboxes_fit_a_phone(live_server, new_context, owner, minutes, tmp_path):
    page = sign_in(new_context(viewport={"width": 390, "height": 844}), live_server, owner.user)

    for path in ("/items/?stale=1", "/teams/core/triage/", "/people/mariap/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#bulk-form")).to_be_visible()
        expect(page.locator(".select-item").first).to_be_visible()
        no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "phone.png", full_page=True)

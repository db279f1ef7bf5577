"""The charts in a real browser: on a wide screen and on a phone, within the width,
under the Content-Security-Policy, each drawn SVG named by a title and a description."""

import pytest
from playwright.sync_api import expect

from meetings.importing import import_paths
from meetings.models import Item, Person
from tests.helpers import SAMPLES, make_user
from tests.test_browser import sign_in
from tests.test_browser_csp import WATCH

pytestmark = pytest.mark.browser


@pytest.fixture
def samples(db):
    import_paths([SAMPLES], root=SAMPLES.parent)
    # Something closed, for a closed series with a bar.
    Item.objects.filter(status=Item.Status.OPEN).first().set_status(None, Item.Status.DONE)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_team_page_with_its_charts_fits_the_screen_without_errors(
    live_server, new_context, samples, width
):
    context = new_context(viewport={"width": width, "height": 900})
    context.add_init_script(WATCH)
    errors = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = sign_in(context, live_server, make_user("mara"))

    response = page.goto(f"{live_server.url}/teams/quarry-core/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")

    charts = page.locator("figure.chart svg")
    expect(charts).to_have_count(4)
    for n in range(4):
        svg = charts.nth(n)
        expect(svg).to_be_visible()
        title = svg.locator("title").first
        desc = svg.locator("desc").first
        assert title.text_content().strip() and desc.text_content().strip()
        # Its name for a screen reader is that title and description.
        labelled = svg.get_attribute("aria-labelledby").split()
        assert labelled == [title.get_attribute("id"), desc.get_attribute("id")]
        box = svg.bounding_box()
        assert box["width"] <= width and box["x"] >= 0
        assert svg.locator("a[href^='/']").count() > 0  # its bars link to their lists
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.violations") == []
    assert errors == []


def test_a_bar_and_its_data_cell_open_the_items_they_count(live_server, new_context, samples):
    context = new_context(viewport={"width": 390, "height": 900})
    page = sign_in(context, live_server, make_user("mara"))
    page.goto(f"{live_server.url}/teams/quarry-core/")

    ages = page.locator("#team-ages")
    ages.locator("summary").click()
    # The samples' items are some months old, however old depends on today.
    band = ages.locator("tbody a").first
    counted = int(band.text_content())
    href = band.get_attribute("href")
    assert ages.locator(f"svg a[href='{href}']").count() == 1

    band.click()

    expect(page.locator("#results .count strong")).to_have_text(str(counted))
    expect(page.locator("#results li.item")).to_have_count(min(counted, 25))


def test_the_person_page_and_home_show_my_charts_on_a_phone(live_server, new_context, samples):
    maria = Person.objects.get(handle="MariaP")
    maria.user = make_user("maria")
    maria.save()
    context = new_context(viewport={"width": 390, "height": 900})
    errors = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = sign_in(context, live_server, maria.user)

    for url in ["/", maria.get_absolute_url()]:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("figure.chart")).to_have_count(3)
        assert page.locator("figure.chart svg").count() >= 2
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), url
    assert errors == []

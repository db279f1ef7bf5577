"""Who is who in a real browser: a maintainer merges and maps, a member says who an owner is."""

import pytest
from playwright.sync_api import expect

from meetings.models import Alias, Owner, Person
from tests.helpers import import_text, make_user
from tests.test_browser import sign_in

PASSWORD = "a long password 42"


def minutes(participants, owners, date="2024-01-10", teams=("community",)):
    todo = "\n".join(f"* {name}: {text}" for name, text in owners)
    return (
        f"---\ndate: {date}\nteams: [{', '.join(teams)}]\n"
        f"participants: [{', '.join(participants)}]\n---\n\n## TODOs\n\n{todo}\n"
    )


@pytest.fixture
def namesakes(transactional_db):
    """Gabi signs in twice, by two full names; Cezar and Cristi are both `CC`; RD is two people."""
    import_text(
        minutes(["Gabi Mocanu", "Gabriel Mocanu"], [("GM", "Fix the CI pipeline")]),
        source="c/01.md",
    )
    import_text(
        minutes(["Cezar", "Cristi"], [("CC", "Write the release blog post")], date="2024-01-17"),
        source="c/02.md",
    )
    import_text(
        minutes(
            ["RăzvanD", "RaduDinu"],
            [("RD", "Arrange the hackathon venue")],
            date="2024-01-24",
        ),
        source="c/03.md",
    )


@pytest.mark.browser
def test_a_maintainer_merges_two_people_and_maps_initials(live_server, page, namesakes, tmp_path):
    make_user("mara", password=PASSWORD, is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "mara")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/meetings/person/")
    for handle in ["GabiM", "GabrielM"]:
        page.locator("tr", has_text=handle).locator("input[type=checkbox]").check()
    page.select_option("select[name=action]", "merge_people")
    page.get_by_role("button", name="Go").click()

    expect(page.locator("h1")).to_have_text("Merge people")
    expect(page.locator('tr[data-person="GabrielM"]')).to_contain_text("Gabriel Mocanu")
    page.screenshot(path=tmp_path / "merge-preview.png", full_page=True)
    page.locator('tr[data-person="GabiM"] input[type=radio]').check()
    page.get_by_role("button", name="Merge into").click()

    expect(page.locator(".messagelist")).to_contain_text("GabrielM merged into GabiM")
    assert list(Person.objects.filter(key__startswith="gab").values_list("handle", flat=True)) == [
        "GabiM"
    ]
    assert Owner.objects.get(name="GM").person.handle == "GabiM"

    page.goto(f"{live_server.url}/admin/meetings/person/unresolved/")
    row = page.locator("tr:has(td.name strong:text-is('CC'))")
    expect(row).to_contain_text("could be Cezar or Cristi")
    row.locator("input[name=person]").fill("Cezar")
    row.get_by_role("button", name="Map").click()

    expect(page.locator(".messagelist")).to_contain_text("“CC” is Cezar in every team now")
    assert Owner.objects.get(name="CC").person.handle == "Cezar"
    assert Alias.objects.get(key="cc").person.handle == "Cezar"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_member_says_who_an_owner_of_their_item_is(live_server, browser, namesakes, width):
    razvan = Person.objects.get(handle="RăzvanD")
    razvan.user = make_user("razvan")
    razvan.save()
    written = Owner.objects.get(name="RD")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = sign_in(context, live_server, razvan.user)

    page.goto(f"{live_server.url}{written.item.get_absolute_url()}")
    evidence = page.locator(f'[data-owner="{written.pk}"]')
    expect(evidence).to_contain_text("RD: could be Radu Dinu or RăzvanD")
    # A page as wide as the phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    evidence.get_by_role("button", name="RăzvanD").click()

    expect(page.locator(".notice")).to_contain_text("“RD” is RăzvanD from now on")
    expect(page.locator(f'[data-owner="{written.pk}"]')).to_contain_text(
        "mapped to RăzvanD in community"
    )
    page.screenshot(path=f"/tmp/owner-{width}.png", full_page=True)
    page.reload()
    expect(page.locator(".owners")).to_contain_text("RăzvanD")
    assert Owner.objects.get(pk=written.pk).person == razvan
    context.close()

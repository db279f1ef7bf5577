"""Who is who in the browser: people by any spelling, the roster, and saying who an owner is."""

import csv
import io

import pytest

from meetings.models import Alias, Event, Owner, Person
from tests.helpers import import_text, make_user, page

pytestmark = pytest.mark.django_db


# Tasks unlike each other, so that matching across meetings takes none for another.
TASKS = {
    ("SK", "2024-01-10"): "Write the release blog post",
    ("RD", "2024-01-10"): "Arrange the hackathon venue",
    ("SK", "2024-01-17"): "Port nginx to the new build system",
    ("Simon", "2024-01-17"): "Review the scheduler patches",
    ("SK", "2022-06-20"): "Send the GSoC proposal draft",
}


def minutes(participants, owners, teams=("community",), date="2024-01-10"):
    people = ", ".join(participants)
    todo = "\n".join(f"* {name}: {TASKS.get((name, date), f'{name} on {date}')}" for name in owners)
    return (
        f"---\ndate: {date}\nteams: [{', '.join(teams)}]\nparticipants: [{people}]\n---\n\n"
        f"## TODOs\n\n{todo}\n"
    )


@pytest.fixture
def community(db):
    """Simon signs in as Simon and as Simon Kuenzer; SK is him. Sairaj is SK in gsoc."""
    import_text(minutes(["Simon Kuenzer", "RăzvanD"], ["SK", "RD"]), source="c/01.md")
    import_text(minutes(["Simon", "RăzvanD"], ["SK", "Simon"], date="2024-01-17"), source="c/02.md")
    import_text(
        minutes(["Sairaj Kodilkar (SK)"], ["SK"], teams=["gsoc"], date="2022-06-20"),
        source="g/01.md",
    )


def shown(visitor, owner):
    html = page(visitor.get("/items/", {"owner": owner}))
    return sorted(text for text in TASKS.values() if text in html)


SIMONS = sorted(
    [TASKS["SK", "2024-01-10"], TASKS["SK", "2024-01-17"], TASKS["Simon", "2024-01-17"]]
)


@pytest.mark.parametrize(
    "spelling", ["SimonK", "simonk", "Simon", "Simon Kuenzer", "simon kuenzer"]
)
def test_filtering_by_any_spelling_of_a_person_shows_all_their_items_and_only_theirs(
    visitor, community, spelling
):
    assert shown(visitor, spelling) == SIMONS


def test_initials_two_people_share_name_no_one_and_show_the_items_written_so(visitor, community):
    html = page(visitor.get("/items/", {"owner": "SK"}))

    assert "“SK” could be" in html
    assert ">Sairaj Kodilkar</a> or <a" in html
    assert ">Simon Kuenzer</a>:" in html
    assert shown(visitor, "SK") == sorted(
        [TASKS["SK", "2022-06-20"], TASKS["SK", "2024-01-10"], TASKS["SK", "2024-01-17"]]
    )


def test_the_person_page_is_at_a_safe_url_whatever_the_handle(visitor):
    import_text(minutes(["Alex/Cristi", "Ștefan J."], ["Alex/Cristi"]), source="c/01.md")
    people = {p.handle: p for p in Person.objects.all()}

    assert sorted(people) == ["Alex/Cristi", "ȘtefanJ"]
    assert people["Alex/Cristi"].get_absolute_url() == "/people/alexcristi/"
    assert "<h1>Alex/Cristi" in page(visitor.get("/people/alexcristi/"))
    assert "<h1>ȘtefanJ" in page(visitor.get(people["ȘtefanJ"].get_absolute_url()))
    assert "Alex/Cristi" in page(visitor.get("/people/"))


def test_an_old_link_by_handle_or_any_spelling_leads_to_the_persons_page(visitor, community):
    response = visitor.get("/people/Simon/")

    assert response.status_code == 301
    assert response["Location"] == Person.objects.get(handle="SimonK").get_absolute_url()
    assert visitor.get("/people/Nobody/").status_code == 404


def test_the_person_page_says_how_the_minutes_write_them(visitor, community):
    html = page(visitor.get(Person.objects.get(handle="SimonK").get_absolute_url()))

    assert "<h1>SimonK <small>Simon Kuenzer</small>" in html
    assert '<span class="spelling">SK</span> <small>(community)</small>' in html
    assert '<span class="spelling">Simon</span>' in html


def test_the_people_page_finds_people_by_any_spelling_with_their_open_count(visitor, community):
    html = page(visitor.get("/people/", {"q": "kuenz"}))

    assert 'data-person="SimonK"' in html
    assert 'data-person="RăzvanD"' not in html
    row = html[html.index('data-person="SimonK"') :]
    assert ">3</a>" in row[: row.index("</tr>")]
    assert "No one is written “zzz”" in page(visitor.get("/people/", {"q": "zzz"}))


def test_the_roster_csv_lists_each_person_with_aliases_teams_and_counts(visitor, community):
    response = visitor.get("/people/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0] == ["handle", "name", "aliases", "teams", "open_items", "items"]
    by_handle = {row[0]: row for row in rows[1:]}
    assert by_handle["SimonK"] == [
        "SimonK",
        "Simon Kuenzer",
        "Simon;Simon Kuenzer;SK",
        "community",
        "3",
        "3",
    ]
    assert by_handle["SairajK"][2:4] == ["Sairaj Kodilkar (SK);SK", "gsoc"]


# Saying who an owner is


@pytest.fixture
def unsure(db):
    """RD at a meeting of two people with those initials: no one, both candidates."""
    import_text(minutes(["RăzvanD", "RaduDinu"], ["RD"]), source="c/01.md")
    import_text(minutes(["RăzvanD", "RaduDinu"], ["RD"], date="2024-01-17"), source="c/02.md")
    razvan = Person.objects.get(handle="RăzvanD")
    razvan.user = make_user("razvan")
    razvan.save()
    return Owner.objects.get(item__meeting__source="c/01.md")


def test_an_unresolved_owner_shows_why_and_its_candidates(client, unsure):
    client.force_login(make_user("staff", is_staff=True))

    html = page(client.get(unsure.item.get_absolute_url()))

    assert "<strong>RD</strong>: could be Radu Dinu or RăzvanD (participants)" in html
    assert 'name="person" value="RăzvanD">RăzvanD</button>' in html
    assert 'name="person" value="RaduDinu">Radu Dinu</button>' in html


def test_staff_say_who_an_owner_is_and_it_holds_for_that_spelling_in_that_team(client, unsure):
    client.force_login(make_user("staff", is_staff=True))

    response = client.post(
        f"/items/{unsure.item.pk}/owners/{unsure.pk}/", {"person": "Razvan D"}, follow=True
    )

    assert "“RD” is RăzvanD from now on" in page(response)
    alias = Alias.objects.get()
    assert (alias.text, alias.person.handle, alias.team.name) == ("RD", "RăzvanD", "community")
    assert set(Owner.objects.values_list("person__handle", flat=True)) == {"RăzvanD"}
    assert Owner.objects.get(pk=unsure.pk).evidence == "mapped to RăzvanD in community"
    event = Event.objects.get(item=unsure.item)
    assert event.text == "“RD” is RăzvanD in community from now on."
    # A later meeting of the team writes RD: the same person.
    import_text(minutes(["RăzvanD", "RaduDinu"], ["RD"], date="2024-02-07"), source="c/03.md")
    later = Owner.objects.get(item__mentions__meeting__source="c/03.md")
    assert later.person.handle == "RăzvanD"


def test_an_owner_may_correct_the_owners_of_their_items_with_htmx(client):
    import_text(minutes(["RăzvanD", "RaduDinu"], ["RD/RăzvanD"]), source="c/01.md")
    razvan = Person.objects.get(handle="RăzvanD")
    razvan.user = make_user("razvan")
    razvan.save()
    written = Owner.objects.get(name="RD")
    client.force_login(razvan.user)

    response = client.post(
        f"/items/{written.item_id}/owners/{written.pk}/",
        {"person": "RaduDinu"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="item-detail",
    )

    html = page(response)
    assert "“RD” is Radu Dinu from now on" in html
    assert Owner.objects.get(pk=written.pk).person.handle == "RaduDinu"


def test_someone_who_does_not_own_the_item_may_not_say_who_its_owner_is(client, unsure):
    client.force_login(make_user("outsider"))

    response = client.post(f"/items/{unsure.item.pk}/owners/{unsure.pk}/", {"person": "RăzvanD"})

    assert response.status_code == 403
    assert not Alias.objects.exists()


def test_a_name_no_one_has_is_refused_and_changes_nothing(client, unsure):
    client.force_login(make_user("staff", is_staff=True))

    url = f"/items/{unsure.item.pk}/owners/{unsure.pk}/"
    response = client.post(url, {"person": "Zed"}, follow=True)

    assert response.redirect_chain == [(f"/items/{unsure.item.pk}/", 302)]
    assert "No one in the minutes is written “Zed”." in response.content.decode()
    assert not Alias.objects.exists()


def test_saying_who_an_owner_is_needs_a_post(client, unsure):
    client.force_login(make_user("staff", is_staff=True))

    assert client.get(f"/items/{unsure.item.pk}/owners/{unsure.pk}/").status_code == 405
    person = unsure.person
    unsure.refresh_from_db()
    assert unsure.person == person
    assert not Alias.objects.exists()


def test_a_first_name_two_people_have_names_both_and_picks_neither(visitor):
    import_text(minutes(["PaulU", "PaulV"], ["PU", "PV"]), source="c/01.md")

    html = page(visitor.get("/items/", {"owner": "Paul"}))

    assert "“Paul” could be" in html
    assert ">PaulU</a> or <a" in html
    assert "PU on 2024-01-10" not in html


def test_a_full_name_with_or_without_accents_names_the_person(visitor):
    import_text(minutes(["Răzvan Deaconescu", "RăzvanD"], ["RD"]), source="c/01.md")

    for spelling in ["Răzvan Deaconescu", "Razvan Deaconescu", "razvan deaconescu"]:
        assert TASKS["RD", "2024-01-10"] in page(visitor.get("/items/", {"owner": spelling}))


def test_a_name_no_one_has_says_so(visitor, community):
    html = page(visitor.get("/items/", {"owner": "Zed"}))

    assert "No one in the minutes is named “Zed”" in html


def roster(visitor):
    response = visitor.get("/people/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {row[0]: row for row in rows[1:]}


def test_the_roster_names_every_team_of_a_meeting_of_several(visitor):
    import_text(minutes(["MariaP"], [], teams=("app-compat", "syscall")), source="a/01.md")

    assert roster(visitor)["MariaP"][3] == "app-compat;syscall"


def test_the_roster_never_starts_a_cell_with_a_formula(visitor):
    import_text(minutes(["MariaP"], []), source="a/01.md")
    maria = Person.objects.get(handle="MariaP")
    maria.name = "=cmd"
    maria.save()

    assert roster(visitor)["MariaP"][1] == "'=cmd"


def test_the_person_page_shows_a_new_spelling_as_soon_as_their_items_change(visitor):
    import_text(
        """---
datetime: 2024-01-10
teams: [core]
participants: [MariaP]
---

## TODOs

* MariaP: Arrange meetings
"""
    )
    assert "Mariap" not in visitor.get("/people/mariap/").content.decode()
    import_text(
        """---
datetime: 2024-01-24
teams: [core]
participants: [MariaP]
---

## TODOs

* Mariap: Book the room
""",
        "team/2024-01-24.md",
    )

    page = visitor.get("/people/mariap/").content.decode()

    assert "Book the room" in page
    assert '<span class="spelling">Mariap</span>' in page

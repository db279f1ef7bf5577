"""Who owns what is kept in a table (``Ownership``), and counts on people and teams:
whatever changes who owns an item keeps them in step with the owners themselves."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.http import QueryDict

from meetings.filters import ItemFilter
from meetings.importing import import_paths
from meetings.matching import link, split
from meetings.models import Item, Merge, Owner, Ownership, Participant, Person, Team
from meetings.people import merge
from meetings.people.corrections import correct_owner
from tests.helpers import import_text, make_item, make_meeting, make_user

pytestmark = pytest.mark.django_db


def owned_as_computed():
    """Who owns what, from the owners and participants themselves (what the table keeps)."""
    rows = set(Owner.objects.filter(person__isnull=False).values_list("person", "item"))
    for item_id, meeting_id in Owner.objects.filter(is_group=True).values_list(
        "item", "item__meeting"
    ):
        for person_id in Participant.objects.filter(
            meeting=meeting_id, person__isnull=False
        ).values_list("person", flat=True):
            rows.add((person_id, item_id))
    return rows


def assert_kept():
    kept = set(Ownership.objects.values_list("person", "item"))
    assert kept == owned_as_computed()
    # Each row says whether its item is open, its status and when it was raised, as the item does.
    for ownership in Ownership.objects.select_related("item"):
        item = ownership.item
        assert ownership.open == (item.is_open and not item.removed), item.pk
        assert ownership.status == item.status, item.pk
        assert ownership.raised == item.raised, item.pk
    still_open = Item.objects.open().in_minutes()
    for person in Person.objects.all():
        named = Owner.objects.filter(person=person, item__in=still_open)
        assert person.open_items == named.values("item").distinct().count(), person.handle
        assert person.meetings_attended == person.participations.count(), person.handle
    for team in Team.objects.all():
        assert team.open_items == still_open.filter(meeting__teams=team).count(), team.name


def test_the_real_minutes_keep_who_owns_what_through_merges_corrections_and_status(corpus):
    import_paths([corpus])
    assert Ownership.objects.count() > 1000
    assert_kept()

    # A busy person's items, done one by one and reopened: the counts follow.
    busiest = Person.objects.order_by("-open_items").first()
    item = Item.objects.open().in_minutes().filter(owners__person=busiest).first()
    before = busiest.open_items
    item.set_status(None, Item.Status.DONE)
    busiest.refresh_from_db()
    assert busiest.open_items == before - 1
    item.set_status(None, Item.Status.OPEN)
    assert_kept()

    # Two people merged and the merge undone.
    source, target = Person.objects.filter(open_items__gt=0).order_by("handle")[:2]
    record = merge(source, target)
    assert not Ownership.objects.filter(person_id=source.pk).exists()
    assert_kept()
    Merge.objects.get(pk=record.pk).undo(None)
    assert_kept()

    # An owner no one is yet, said to be someone.
    written = Owner.objects.filter(person=None, is_group=False).select_related("item").first()
    correct_owner(written, target, make_user("maintainer", is_staff=True))
    assert Item.objects.owned_by(target).filter(pk=written.item_id).exists()
    assert_kept()


def test_an_item_everyone_owns_is_owned_by_each_participant_of_its_meeting(owner, teammate):
    meeting = make_meeting(participants=[owner, teammate])
    item = make_item("Review the release notes", meeting, owners=["Everyone"])

    assert set(Item.objects.owned_by(owner)) == {item}
    assert set(Item.objects.owned_by(teammate)) == {item}
    assert Ownership.objects.get(person=owner, item=item).via_group
    # The people list counts items by name only: "Everyone" would count for all.
    owner.refresh_from_db()
    assert owner.open_items == 0


def test_linking_and_splitting_keep_who_owns_what(owner, teammate):
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    february = make_meeting("2024-02-07", participants=[owner, teammate])
    earlier = make_item("Arrange meetings", january, owners=[owner])
    later = make_item("Arrange the meetings", february, owners=[teammate])

    link(earlier, later, None)
    # The owners are those of the minutes that wrote it last.
    assert set(Item.objects.owned_by(teammate)) == {earlier}
    assert not Item.objects.owned_by(owner).exists()
    assert_kept()

    split_off = split(earlier, earlier.mentions.get(meeting=january), None)
    assert set(Item.objects.owned_by(owner)) == {split_off}
    assert_kept()


def test_importing_again_with_other_owners_moves_the_item(client):
    import_text(
        """---
datetime: 2024-01-10
teams: [core]
participants: [MariaP, TomK]
---

## TODOs

* MariaP: Arrange meetings
* Everyone: Review the release notes
""",
        "core/2024-01-10.md",
    )
    maria, tom = Person.objects.get(handle="MariaP"), Person.objects.get(handle="TomK")
    assert {i.text for i in Item.objects.owned_by(maria)} == {
        "Arrange meetings",
        "Review the release notes",
    }
    import_text(
        """---
datetime: 2024-01-10
teams: [core]
participants: [TomK]
---

## TODOs

* TomK: Arrange meetings
* Everyone: Review the release notes
""",
        "core/2024-01-10.md",
    )
    # Written with another owner, it is another item; Maria's is no longer in the minutes.
    assert not Item.objects.in_minutes().owned_by(maria).exists()
    assert {i.text for i in Item.objects.in_minutes().owned_by(tom)} == {
        "Arrange meetings",
        "Review the release notes",
    }
    assert_kept()


def test_deleting_items_in_the_admin_counts_again(admin_client, owner):
    item = make_item("Arrange meetings", make_meeting(participants=[owner]), owners=[owner])
    owner.refresh_from_db()
    assert owner.open_items == 1

    admin_client.post(
        "/admin/meetings/item/",
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )

    assert not Item.objects.exists()
    owner.refresh_from_db()
    assert owner.open_items == 0
    assert Team.objects.get(slug="core").open_items == 0


def test_the_whole_table_can_be_kept_again(owner, teammate):
    meeting = make_meeting(participants=[owner, teammate])
    make_item("Arrange meetings", meeting, owners=[owner])
    make_item("Review the notes", meeting, owners=["Everyone"])
    Ownership.objects.all().delete()
    Person.objects.update(open_items=7)

    Ownership.objects.keep_all()

    assert_kept()
    assert Ownership.objects.filter(~Q(person=owner) & ~Q(person=teammate)).count() == 0


def test_the_owner_filter_read_from_the_kept_table_shows_what_the_owners_say(owner, teammate):
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    february = make_meeting("2024-02-07", participants=[teammate])
    make_item("Named", february, owners=[owner])
    make_item("Everyone in January", january, owners=["Everyone"])
    make_item("Everyone in February", february, owners=["Everyone"])
    make_item("In progress", january, owners=[owner], status=Item.Status.IN_PROGRESS)
    make_item("Done", january, owners=[owner], status=Item.Status.DONE)
    make_item("Gone from the minutes", january, owners=[owner], removed=True)
    make_item("A decision", january, owners=[owner], kind=Item.Kind.DECISION)
    make_item("Someone else's", january, owners=[teammate])
    reopened = make_item("Done, then open again", january, owners=[owner])
    reopened.set_status(None, Item.Status.DONE)
    reopened.set_status(None, Item.Status.OPEN)
    make_item("Closed since", january, owners=[owner]).set_status(None, Item.Status.DROPPED)

    for sort, order in [("raised", ("raised", "pk")), ("-raised", ("-raised", "-pk"))]:
        filterset = ItemFilter(QueryDict(f"owner=mariap&sort={sort}"))
        assert filterset.is_valid()
        shown = [item.text for item in filterset.qs]

        expected = Item.objects.open().in_minutes().of_person(owner).order_by(*order)
        assert shown == [item.text for item in expected]
    assert shown == [
        "Named",
        "Done, then open again",
        "In progress",
        "Everyone in January",
    ]
    assert_kept()


def test_the_command_rebuilds_what_drifted(owner, teammate):
    make_item("Arrange meetings", make_meeting(participants=[owner, teammate]), owners=[owner])
    Ownership.objects.all().delete()
    Team.objects.update(open_items=0)
    out = io.StringIO()

    call_command("keep_ownership", stdout=out)

    assert "1 ownerships kept" in out.getvalue()
    assert_kept()


def test_one_person_s_items_in_progress_only_come_from_the_kept_table_too(owner):
    meeting = make_meeting(participants=[owner])
    make_item("Open", meeting, owners=[owner])
    make_item("Started", meeting, owners=[owner], status=Item.Status.IN_PROGRESS)
    make_item("Done", meeting, owners=[owner], status=Item.Status.DONE)

    def shown(query):
        filterset = ItemFilter(QueryDict(query))
        assert filterset.is_valid()
        return [item.text for item in filterset.qs]

    assert shown("owner=MariaP&status=in_progress") == ["Started"]
    assert shown("owner=MariaP&status=open") == ["Open"]
    assert shown("owner=MariaP&status=open&status=done") == ["Done", "Open"]

    # Started in the browser: it leaves the open list for the one in progress at once.
    Item.objects.get(text="Open").set_status(None, Item.Status.IN_PROGRESS)

    assert shown("owner=MariaP&status=open") == []
    assert shown("owner=MariaP&status=in_progress") == ["Started", "Open"]
    assert_kept()


def test_one_person_s_open_items_are_counted_as_listed_with_other_filters_or_none(
    reader, owner, teammate
):
    core = make_meeting("2024-01-10", teams=["core"], participants=[owner])
    docs = make_meeting("2024-01-11", teams=["docs"], participants=[owner])
    for n in range(3):
        make_item(f"Core task {n}", core, owners=[owner])
    make_item("Docs task", docs, owners=[owner])
    make_item("Started", docs, owners=[owner], status=Item.Status.IN_PROGRESS)
    make_item("Tom's", docs, owners=[teammate])

    def counted(query):
        html = reader.get("/items/", query).content.decode()
        return html.split('<p class="count">', 1)[1].split("</p>", 1)[0].split()[:2]

    assert counted({"owner": "MariaP", "status": "open"}) == ["<strong>4</strong>", "items"]
    assert counted({"owner": "MariaP"}) == ["<strong>5</strong>", "items"]
    assert counted({"owner": "MariaP", "team": "docs"}) == ["<strong>2</strong>", "items"]
    person_page = reader.get("/people/mariap/").content.decode()
    assert "Open items <span" in person_page and "(5)" in person_page


def test_a_team_s_open_items_are_counted_as_listed_from_its_kept_count(reader, owner):
    core = make_meeting("2024-01-10", teams=["core"], participants=[owner])
    for n in range(3):
        make_item(f"Core task {n}", core, owners=[owner])
    make_item("Done already", core, owners=[owner], status=Item.Status.DONE)
    make_item("Gone from the minutes", core, owners=[owner], removed=True)
    make_item("Docs task", make_meeting("2024-01-11", teams=["docs"]), owners=[owner])

    def shown():
        html = reader.get("/teams/core/").content.decode()
        count = html.split('Open items <span class="count">(', 1)[1].split(")", 1)[0]
        return count, html.count('class="item"')

    assert shown() == ("3", 3)
    Item.objects.get(text="Core task 0").set_status(None, Item.Status.DONE)
    assert shown() == ("2", 2)

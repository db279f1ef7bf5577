import pytest
from django.http import QueryDict

from meetings.filters import ItemFilter, MeetingFilter
from meetings.models import Item, Mention
from tests.helpers import make_item, make_meeting, page

pytestmark = pytest.mark.django_db


def shown(query=""):
    filterset = ItemFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return [item.text for item in filterset.qs]


def test_without_a_query_the_filter_keeps_open_action_items_in_the_minutes_newest_first():
    make_item("Later", make_meeting("2024-02-01"))
    make_item("Earlier", make_meeting("2024-01-01"))
    make_item("Being done", status=Item.Status.IN_PROGRESS)
    make_item("Finished", status=Item.Status.DONE)
    make_item("A decision", kind=Item.Kind.DECISION)
    make_item("Removed", removed=True)

    assert shown() == ["Later", "Being done", "Earlier"]
    assert shown("sort=raised") == ["Earlier", "Being done", "Later"]


def test_asking_for_a_status_replaces_the_default():
    make_item("Still open")
    make_item("Finished", status=Item.Status.DONE)

    assert shown("status=done") == ["Finished"]


def test_every_status_at_once():
    for status in Item.Status.values:
        make_item(status, status=status)

    assert sorted(shown("status=open&status=in_progress&status=done&status=dropped")) == sorted(
        Item.Status.values
    )


def test_an_unknown_status_is_an_error():
    filterset = ItemFilter(QueryDict("status=finished"))

    assert not filterset.is_valid()
    assert "status" in filterset.errors


def test_an_unknown_sort_is_an_error():
    assert "sort" in ItemFilter(QueryDict("sort=owner")).errors


def test_a_meeting_that_is_not_a_number_is_an_error():
    assert "meeting" in ItemFilter(QueryDict("meeting=first")).errors


def test_an_owner_nobody_is_shows_nothing(owner):
    make_item("Arrange meetings", owners=[owner])

    assert shown("owner=Nobody") == []


def test_the_owner_filter_finds_a_person_by_handle_and_names_written_for_them(owner):
    meeting = make_meeting(participants=[owner])
    make_item("Resolved", meeting, owners=[owner])
    make_item("Written as her handle, not resolved", meeting, owners=["MariaP"])
    make_item("Someone else", meeting, owners=["RD"])

    assert shown("owner=MariaP") == ["Written as her handle, not resolved", "Resolved"]


def test_a_group_item_is_only_for_the_people_at_its_meeting(owner, outsider):
    make_item("Everyone at Marias meeting", make_meeting(participants=[owner]), owners=["All"])

    assert shown("owner=MariaP") == ["Everyone at Marias meeting"]
    assert shown("owner=ZoeQ") == []


def test_from_alone_and_to_alone():
    make_item("January", make_meeting("2024-01-10"))
    make_item("March", make_meeting("2024-03-06"))

    assert shown("from=2024-03-06") == ["March"]
    assert shown("to=2024-03-05") == ["January"]


def test_a_removed_mention_does_not_put_an_item_in_a_meeting():
    january, march = make_meeting("2024-01-10"), make_meeting("2024-03-06")
    item = make_item("January", january)
    Mention.objects.create(item=item, meeting=march, text="x", line=1, position=1, removed=True)

    assert shown(f"meeting={march.pk}") == []
    assert shown("from=2024-03-01") == []


def test_recently_changed_first_puts_never_changed_items_last(owner):
    never = make_item("Never changed")
    first = make_item("Changed first")
    then = make_item("Changed then")
    first.set_status(owner.user, Item.Status.IN_PROGRESS)
    then.set_status(owner.user, Item.Status.IN_PROGRESS)

    assert shown("sort=-changed") == [then.text, first.text, never.text]


def test_the_meetings_filter_by_team_and_title():
    make_meeting("2024-01-10", title="Core sync")
    make_meeting("2024-01-11", teams=["docs"], title="Docs sync")
    make_meeting("2024-01-12", teams=["docs"], title="Docs planning")

    by_team = MeetingFilter(QueryDict("team=docs")).qs
    by_title = MeetingFilter(QueryDict("team=docs&q=plan")).qs

    assert [m.title for m in by_team] == ["Docs planning", "Docs sync"]
    assert [m.title for m in by_title] == ["Docs planning"]


def test_a_team_there_is_not_is_named_on_the_items_and_meetings_lists(reader, owner):
    make_meeting("2024-01-10", participants=[owner])

    items = page(reader.get("/items/", {"team": "nope"}))
    meetings = page(reader.get("/meetings/", {"team": "nope"}))

    assert "team: There is no team “nope”." in items
    assert "team: There is no team “nope”." in meetings
    assert 'data-meeting="' not in meetings


def test_a_to_date_before_the_from_date_is_refused(reader, owner):
    make_item("Arrange meetings", make_meeting("2024-01-10", participants=[owner]))

    html = page(reader.get("/items/", {"from": "2024-01-01", "to": "2023-01-01"}))

    assert "to: 2023-01-01 is before the “From” date, 2024-01-01." in html
    assert "Arrange meetings" not in html

"""The next meeting's minutes, started from the team's open items."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from meetings.importing import import_many
from meetings.minutes import parse
from meetings.models import Item
from tests.test_matching import import_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def the_week_after(monkeypatch):
    """These minutes are of January 2022: the next meeting is asked for that week."""
    monkeypatch.setattr("meetings.next_minutes.today", lambda: dt.date(2022, 1, 13))


def next_agenda(team):
    out = StringIO()
    call_command("next_agenda", "--team", team, stdout=out)
    return out.getvalue()


def test_the_next_minutes_list_the_open_items_by_owner_as_last_written_grouped_by_person():
    import_meeting("2022-01-05", ["RD: Arrange meetings", "AJ: Fix the CI", "RD/AJ: Post on X"])
    import_meeting("2022-01-12", ["RD: Arrange meetings", "AJ: Write the blog post"])
    done = Item.objects.get(text="Write the blog post")
    done.set_status(get_user_model().objects.create_user("maria"), Item.Status.DONE)

    markdown = next_agenda("community")

    minutes = parse(markdown.encode(), "community/2022-01-19.md")
    assert str(minutes.date) == "2022-01-19"
    assert minutes.teams == ["community"]
    assert minutes.participants == ["RăzvanV", "RăzvanD", "AlexJ", "SergiuM"]
    assert [(a.owners, a.text) for a in minutes.action_items] == [
        (["AJ"], "Fix the CI"),
        (["RD"], "Arrange meetings"),
        (["RD", "AJ"], "Post on X"),
    ]
    # Grouped by who they are, each line written as the minutes last wrote it.
    assert "<!-- RăzvanD: 1 open item -->" in markdown
    assert "raised in 2 meetings" in markdown


def test_one_person_written_two_ways_is_one_group_in_the_next_minutes():
    import_meeting("2022-01-05", ["RD: Arrange meetings", "RăzvanD: Book the room"])

    markdown = next_agenda("community")

    assert "<!-- RăzvanD: 2 open items -->" in markdown
    assert "* RD: Arrange meetings" in markdown
    assert "* RăzvanD: Book the room" in markdown


def test_next_minutes_kept_as_they_are_carry_every_item_over():
    import_meeting("2022-01-05", ["RD: Arrange meetings", "AJ: Fix the CI"])
    before = set(Item.objects.values_list("pk", flat=True))

    markdown = next_agenda("community")
    import_many([("community/2022-01-12.md", markdown.encode())])

    assert set(Item.objects.values_list("pk", flat=True)) == before
    assert sorted(Item.objects.values_list("mention_count", flat=True)) == [2, 2]


def test_an_unknown_team_is_a_clear_error():
    import_meeting("2022-01-05", ["RD: Arrange meetings"])

    with pytest.raises(CommandError, match="no team 'kraft' \\(teams: community\\)"):
        next_agenda("kraft")


def test_a_team_that_last_met_long_ago_has_its_next_minutes_after_today(monkeypatch):
    import_meeting("2022-01-05", ["RD: Arrange meetings"])
    import_meeting("2022-01-12", ["RD: Arrange meetings"])
    # Weekly, last on 12 Jan 2022: a year on, the next is the first Wednesday from today.
    monkeypatch.setattr("meetings.next_minutes.today", lambda: dt.date(2023, 1, 13))

    assert "datetime: 2023-01-18" in next_agenda("community")

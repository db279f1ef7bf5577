"""One file's failure is its own: what it made is gone, the files after it import.

These tests commit for real (``transaction=True``), file by file, as an import
does: a row a rolled-back file made and a later file still pointed at would
only be refused at a real commit.
"""

import logging

import pytest

from meetings.importing import Outcome, import_many, writing
from meetings.models import AgendaItem, Item, Link, Meeting, Participant, Person, Team
from tests.helpers import minutes_text

pytestmark = pytest.mark.django_db(transaction=True)


def minutes(date, teams, participants, todo="* MariaP: Book the room"):
    return minutes_text(
        f"""
        ---
        datetime: {date}
        teams: [{", ".join(teams)}]
        participants: [{", ".join(participants)}]
        ---

        ## TODOs and Decisions

        {todo}
        """
    )


# The middle file brings a new team and a new person, and fails; the last shares both.
THREE_FILES = [
    ("ops/2024-01-10.md", minutes("2024-01-10", ["Core"], ["MariaP"])),
    ("ops/2024-01-17.md", minutes("2024-01-17", ["Infra"], ["MariaP", "ZedK"])),
    ("ops/2024-01-24.md", minutes("2024-01-24", ["Infra"], ["ZedK"], "* ZedK: Rack servers")),
]


def refused_by_the_database(meeting, *args):
    """For the meeting of 2024-01-17, write a row the database refuses (no line)."""
    if str(meeting.date) == "2024-01-17":
        AgendaItem.objects.create(meeting=meeting, text="x", line=None, position=0)


def raising(meeting, *args):
    if str(meeting.date) == "2024-01-17":
        raise RuntimeError("disk full")


@pytest.mark.parametrize("failure", [refused_by_the_database, raising])
def test_a_file_failing_halfway_leaves_nothing_and_the_next_file_shares_its_team_and_person(
    monkeypatch, failure
):
    monkeypatch.setattr(writing, "write_done_suggestions", failure)

    summary = import_many(THREE_FILES)

    assert [r.outcome for r in summary.results] == [
        Outcome.IMPORTED,
        Outcome.FAILED,
        Outcome.IMPORTED,
    ]
    assert sorted(Meeting.objects.values_list("source", flat=True)) == [
        "ops/2024-01-10.md",
        "ops/2024-01-24.md",
    ]
    last = Meeting.objects.get(source="ops/2024-01-24.md")
    assert [team.name for team in last.teams.all()] == ["Infra"]
    assert [p.person.handle for p in last.participations.all()] == ["ZedK"]
    assert Team.objects.filter(name="Infra").count() == 1
    assert Person.objects.filter(handle="ZedK").count() == 1
    rack = Item.objects.get(text="Rack servers")
    assert rack.owners.get().person == Person.objects.get(handle="ZedK")


def test_a_dry_run_forgets_a_failed_file_too(monkeypatch):
    monkeypatch.setattr(writing, "write_done_suggestions", refused_by_the_database)
    seen = []

    def look(result, done, total):
        if result.meeting is not None:
            seen.append([team.name for team in result.meeting.teams.all()])

    summary = import_many(THREE_FILES, dry_run=True, progress=look)

    assert [r.outcome for r in summary.results] == [
        Outcome.IMPORTED,
        Outcome.FAILED,
        Outcome.IMPORTED,
    ]
    assert seen == [["Core"], ["Infra"]]
    assert not Meeting.objects.exists()
    assert not Team.objects.exists()


def test_a_database_refusal_is_one_clear_line_and_a_logged_traceback(monkeypatch, caplog):
    monkeypatch.setattr(writing, "write_done_suggestions", refused_by_the_database)

    with caplog.at_level(logging.ERROR, logger="meetings.importing"):
        summary = import_many(THREE_FILES)

    [failed] = summary.failed
    assert failed.error == (
        "ops/2024-01-17.md: not imported: the database refused it (IntegrityError);"
        " the server log has the details"
    )
    [record] = caplog.records
    assert record.getMessage() == "the database refused ops/2024-01-17.md"
    assert "IntegrityError" in caplog.text  # the traceback, for whoever runs the server


def test_an_unexpected_error_fails_its_file_with_a_logged_traceback_naming_it(monkeypatch, caplog):
    monkeypatch.setattr(writing, "write_done_suggestions", raising)

    with caplog.at_level(logging.ERROR, logger="meetings.importing"):
        summary = import_many(THREE_FILES)

    [failed] = summary.failed
    assert failed.error == "ops/2024-01-17.md: not imported: RuntimeError: disk full"
    [record] = caplog.records
    assert record.getMessage() == "importing ops/2024-01-17.md failed"
    assert record.exc_info[0] is RuntimeError
    assert Meeting.objects.count() == 2  # the files after it still import


# Values as long as real minutes write them, on SQLite and PostgreSQL alike.

LONG_LINK = "https://docs.example.org/document/d/" + "a1B2c3D4" * 84  # 708 characters
LONG_NAME = "Maria " + "Popescu-" * 18  # a name of 150 characters


def test_a_long_link_and_a_long_name_are_stored_whole():
    data = minutes(
        "2024-01-10",
        ["Core"],
        [LONG_NAME.strip()],
        f"* MariaP: Read {LONG_LINK}",
    )

    [result] = import_many([("ops/2024-01-10.md", data)]).results

    assert result.outcome == Outcome.IMPORTED, result.error
    assert Link.objects.get().url == LONG_LINK
    assert Participant.objects.get().name == LONG_NAME.strip()
    # Learning who is who keeps the full name and gives the person a short handle.
    assert Person.objects.get().name == LONG_NAME.strip()


def test_a_name_longer_than_any_column_refuses_the_file_naming_field_and_line():
    data = minutes("2024-01-10", ["Core"], ["MariaP", "x" * 201])

    [result] = import_many([("ops/2024-01-10.md", data)]).results

    assert result.outcome == Outcome.FAILED
    assert result.error == (
        "ops/2024-01-10.md: line 4: the participant 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"
        " is 201 characters long; at most 200 fit"
    )
    assert not Meeting.objects.exists()


def test_a_name_that_grows_past_its_column_once_folded_is_refused():
    ligatures = "\ufb03" * 100  # "ﬃ" is "ffi" once folded: 300 characters
    data = minutes("2024-01-10", ["Core"], [ligatures])

    [result] = import_many([("ops/2024-01-10.md", data)]).results

    assert result.outcome == Outcome.FAILED
    assert result.error.startswith("ops/2024-01-10.md: the name ")
    assert "300 characters long with its accents and ligatures spelled out" in result.error
    assert not Person.objects.exists()


def test_a_link_too_long_to_keep_stays_in_the_text_with_a_warning():
    huge = "https://example.org/search?q=" + "a" * 2100
    data = minutes("2024-01-10", ["Core"], ["MariaP"], f"* MariaP: Read {huge}")

    [result] = import_many([("ops/2024-01-10.md", data)]).results

    assert result.outcome == Outcome.IMPORTED
    assert huge in Item.objects.get().text
    assert not Link.objects.exists()
    assert (
        "line 9: a link of 2,129 bytes is longer than the 2,000 kept for matching;"
        " it stays in the text only"
    ) in result.warnings


def test_a_title_too_long_is_cut_with_a_warning():
    data = minutes_text(
        f"""
        ---
        datetime: 2024-01-10
        title: {"Weekly sync " * 40}
        teams: [Core]
        participants: [MariaP]
        ---

        ## TODOs and Decisions

        * MariaP: Book the room
        """
    )

    [result] = import_many([("ops/2024-01-10.md", data)]).results

    assert result.outcome == Outcome.IMPORTED
    assert len(Meeting.objects.get().title) == 300
    assert "line 3: the title is 479 characters long; cut to 300" in result.warnings


def test_a_path_too_long_for_a_source_is_refused():
    source = "a/" * 260 + "2024-01-10.md"

    [result] = import_many([(source, minutes("2024-01-10", ["Core"], ["MariaP"]))]).results

    assert result.outcome == Outcome.FAILED
    assert result.error == f"{source[:60]}…: the path is 533 characters long; at most 500 fit"
    assert not Meeting.objects.exists()

"""The database going away during an import: tried again, then reported, never silent."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError, connection, transaction

from meetings import importing
from meetings.importing import Outcome, import_many, run, writing
from meetings.models import Meeting
from tests.helpers import minutes_text

pytestmark = pytest.mark.django_db(transaction=True)

LOST = "server closed the connection unexpectedly"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """The waits between attempts, recorded rather than slept."""
    waits = []
    monkeypatch.setattr(run.time, "sleep", waits.append)
    return waits


def week(n):
    date = f"2024-01-{10 + n:02d}"
    text = f"""
        ---
        datetime: {date}
        teams: [Core]
        participants: [MariaP]
        ---

        ## TODOs and Decisions

        * MariaP: Task of week {n}
        """
    return (f"core/{date}.md", minutes_text(text))


def failing(monkeypatch, error, *, times=None, from_date="2024-01-01"):
    """Make writing a file lose its connection: ``times`` times, or always from ``from_date``."""
    write = importing.Importer.write
    calls = []

    def flaky(self, prepared):
        if str(prepared.minutes.date) >= from_date and (times is None or len(calls) < times):
            calls.append(prepared.source)
            raise error(LOST)
        return write(self, prepared)

    monkeypatch.setattr(importing.Importer, "write", flaky)
    return calls


def test_a_lost_connection_is_tried_again_after_a_short_wait(monkeypatch, no_waiting):
    calls = failing(monkeypatch, OperationalError, times=2)

    summary = import_many([week(0)])

    assert [r.outcome for r in summary.results] == [Outcome.IMPORTED]
    assert calls == ["core/2024-01-10.md", "core/2024-01-10.md"]
    assert no_waiting == [0.5, 1.0]
    assert Meeting.objects.count() == 1
    assert summary.stopped is None


def test_a_file_whose_commit_went_through_as_the_line_broke_is_not_written_twice(monkeypatch):
    atomic = transaction.atomic
    entered = []

    @contextmanager
    def line_breaks_after_the_first_commit(*args, **kwargs):
        entered.append(True)
        first = len(entered) == 1
        with atomic(*args, **kwargs):
            yield
        if first:
            raise InterfaceError(LOST)

    monkeypatch.setattr(run.transaction, "atomic", line_breaks_after_the_first_commit)

    [result] = import_many([week(0)]).results

    assert result.outcome == Outcome.IMPORTED
    assert result.action_items == 1
    assert Meeting.objects.get().source == "core/2024-01-10.md"


def test_a_database_that_stays_away_stops_the_run_and_says_how_many_files_were_left(monkeypatch):
    failing(monkeypatch, OperationalError, from_date="2024-01-11")

    summary = import_many([week(n) for n in range(6)])

    assert summary.stopped == (
        "database unavailable: the connection failed 4 times (OperationalError);"
        " the import stopped (5 files not imported)"
    )
    assert [(r.source, r.outcome) for r in summary.results] == [
        ("core/2024-01-10.md", Outcome.IMPORTED),
        *((f"core/2024-01-{10 + n}.md", Outcome.FAILED) for n in range(1, 6)),
    ]
    assert summary.results[1].error == (
        "core/2024-01-11.md: not imported: the database is unavailable"
        " (the connection failed 4 times (OperationalError))"
    )
    assert summary.results[5].error == (
        "core/2024-01-15.md: not imported: the database is unavailable"
    )
    assert all(LOST not in r.error for r in summary.failed)
    assert summary.as_json()["stopped"] == summary.stopped
    assert Meeting.objects.count() == 1


def test_a_database_back_after_one_file_does_not_stop_the_run(monkeypatch):
    failing(monkeypatch, OperationalError, times=4)  # every attempt at the first file

    summary = import_many([week(n) for n in range(3)])

    assert [r.outcome for r in summary.results] == [
        Outcome.FAILED,
        Outcome.IMPORTED,
        Outcome.IMPORTED,
    ]
    assert summary.stopped is None
    assert "the database is unavailable" in summary.results[0].error


def test_a_database_away_from_the_start_stops_the_run_before_any_file(monkeypatch):
    def unreachable(self, sources, **options):
        raise OperationalError(LOST)

    monkeypatch.setattr(importing.Importer, "__init__", unreachable)

    summary = import_many([week(n) for n in range(2)])

    assert summary.stopped == (
        "database unavailable: the connection failed 4 times (OperationalError);"
        " the import stopped (2 files not imported)"
    )
    assert [r.outcome for r in summary.results] == [Outcome.FAILED, Outcome.FAILED]


def test_the_command_says_the_database_is_unavailable(monkeypatch, tmp_path):
    failing(monkeypatch, OperationalError)
    for source, data in [week(0), week(1), week(2)]:
        (tmp_path / source.split("/")[1]).write_bytes(data)

    with pytest.raises(CommandError, match=r"^database unavailable: .*\(3 files not imported\)$"):
        call_command("import_minutes", str(tmp_path), stdout=StringIO(), stderr=StringIO())


@pytest.mark.postgresql  # kills a PostgreSQL backend
def test_a_connection_the_server_ends_mid_file_is_opened_again(monkeypatch, no_waiting):
    import psycopg

    write_done_suggestions = writing.write_done_suggestions
    killed = []

    def end_own_connection_once(*args):
        if not killed:
            killed.append(connection.connection.info.backend_pid)
            config = connection.settings_dict
            with psycopg.connect(
                host=config["HOST"],
                port=config["PORT"],
                user=config["USER"],
                dbname=config["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", killed)
        return write_done_suggestions(*args)

    monkeypatch.setattr(writing, "write_done_suggestions", end_own_connection_once)

    summary = import_many([week(0), week(1)])

    assert [r.outcome for r in summary.results] == [Outcome.IMPORTED, Outcome.IMPORTED]
    assert no_waiting == [0.5]
    assert connection.connection.info.backend_pid != killed[0]
    assert Meeting.objects.count() == 2

"""What importing costs the database per file: the same few queries however much it holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.importing import Outcome, import_many
from meetings.models import Item, Meeting, Mention
from tests.helpers import minutes_text

pytestmark = pytest.mark.django_db

PEOPLE = ["MariaP", "IonV", "AnaD"]


def week(n, *, extra=""):
    """The minutes of the team's n-th weekly meeting: a carried-over item and new ones."""
    date = dt.date(2023, 1, 4) + dt.timedelta(weeks=n)
    text = f"""
        ---
        datetime: {date}
        teams: [Core]
        participants: [{", ".join(PEOPLE)}]
        ---

        ### Agenda

        * Status

        ### Discussions

        #### Status

        MP: The build is green again.

        IV: Merged https://github.com/org/repo/pull/{999 + n}, done.

        ### TODOs and Decisions

        * MariaP: Review the scheduler patch https://github.com/org/repo/pull/{1000 + n}
        * IonV, AnaD: Write the release notes of week {n}
        * MP: Keep the dashboards up to date
        * Decision: ship on Fridays{extra}
        """
    return f"core/{date}.md", minutes_text(text)


def history(weeks):
    summary = import_many([week(n) for n in range(weeks)])
    assert {r.outcome for r in summary.results} == {Outcome.IMPORTED}


def queries_to_import(upload):
    with CaptureQueriesContext(connection) as queries:
        [result] = import_many([upload]).results
    assert result.outcome == Outcome.IMPORTED
    return len(queries)


@pytest.mark.parametrize("weeks", [3, 40])
def test_importing_a_new_meeting_takes_the_same_few_queries_however_many_came_before(weeks):
    history(weeks)

    count = queries_to_import(week(weeks))

    # Writing the file, matching its lines, keeping who owns what (Ownership, up to five;
    # the items it makes have none to read first) and, once the run is over, the counts
    # of its people and teams (two).
    assert count <= 41
    # The carried-over item is one item mentioned in every meeting, not a new one each week.
    dashboards = Item.objects.get(text="Keep the dashboards up to date")
    assert dashboards.mention_count == weeks + 1
    assert Meeting.objects.count() == weeks + 1


def test_the_query_count_of_a_new_meeting_does_not_grow_with_the_rows():
    history(3)
    small = queries_to_import(week(3))
    history_rest = [week(n) for n in range(4, 40)]
    import_many(history_rest)

    large = queries_to_import(week(40))

    assert Mention.objects.count() > 150
    assert large == small


@pytest.mark.parametrize("files", [3, 30])
def test_importing_unchanged_files_again_takes_a_fixed_number_of_queries(files):
    uploads = [week(n) for n in range(files)]
    import_many(uploads)

    with CaptureQueriesContext(connection) as queries:
        summary = import_many(uploads)

    assert {r.outcome for r in summary.results} == {Outcome.UNCHANGED}
    assert sum(r.action_items for r in summary.results) == 3 * files
    assert sum(r.decisions for r in summary.results) == files
    # The meetings by source, what they hold, the neighbours of new files (none): no
    # query, and no transaction, for each file.
    assert len(queries) <= 4

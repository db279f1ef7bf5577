"""Pages cost the same few queries whether they show ten rows or two hundred."""

import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Item, Owner, Ownership
from tests.helpers import fill, make_meeting, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 200], ids=["10 rows", "200 rows"])
def world(request, settings, owner, teammate):
    settings.TRACKER_PAGE_SIZE = 200
    meeting = make_meeting(participants=[owner, teammate, make_person("Cezar")])
    make_meeting("2024-01-11", teams=["docs"])
    fill(meeting, request.param, [owner, teammate])
    return meeting


def test_the_items_list_costs_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    query = {"team": "core", "status": ["open", "in_progress"]}
    # The first visit of a query renders the filter form and keeps it (in the process),
    # and the teams' open items, to choose how to read a team's (Team.hold_many_open_items).
    with django_assert_max_num_queries(12):
        reader.get("/items/", query)
    with django_assert_max_num_queries(9):
        response = reader.get("/items/", query)

    assert response.content.decode().count('class="item"') == world.items.count()


def test_the_items_list_by_owner_costs_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    # One more than a list without an owner: who "MariaP" is.
    reader.get("/items/", {"owner": "MariaP", "status": "open"})  # keeps the filter form
    # One more than the list by team: whether her handle is also written unresolved.
    with django_assert_max_num_queries(10):
        response = reader.get("/items/", {"owner": "MariaP", "status": "open"})

    assert response.content.decode().count('class="item"') == world.items.count()


def test_the_csv_export_costs_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = reader.get("/items/", {"format": "csv"})
        rows = b"".join(response.streaming_content).decode().splitlines()

    assert len(rows) == world.items.count() + 1


def test_the_csv_export_of_10000_items_streams_in_chunks_in_bounded_memory(
    reader, owner, django_assert_max_num_queries
):
    meeting = make_meeting(participants=[owner])
    items = Item.objects.bulk_create(
        Item(text=f"Task {n}", meeting=meeting, raised=meeting.date) for n in range(10_000)
    )
    Owner.objects.bulk_create(
        Owner(item=item, name=owner.handle, key=owner.key, person=owner) for item in items
    )
    Ownership.objects.keep([item.pk for item in items])

    with django_assert_max_num_queries(20):  # a few per chunk of 2,000 rows
        response = reader.get("/items/", {"format": "csv", "owner": "MariaP"})
        assert response.streaming
        tracemalloc.start()
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    assert lines == 10_001
    # A chunk of 2,000 items at a time: about 28 MB at 6,000 rows and at 12,000 alike.
    assert peak < 40_000_000, f"{peak:,} bytes"


def test_the_person_page_costs_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    # The first visit reads their teams and spellings (four queries), and draws their
    # charts (three queries, one a chart) and keeps them for every process (seven: the
    # shared cache read and written); on her own page, her last digest too, and the
    # navigation names her from the person the page reads.
    with django_assert_max_num_queries(25):
        reader.get("/people/mariap/")
    with django_assert_max_num_queries(9):
        response = reader.get("/people/mariap/")

    assert response.content.decode().count('class="item"') == world.items.count()


def test_the_meeting_page_costs_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    # One of them once in five minutes: the teams' open items, to choose how to read
    # the items carried over (Team.hold_many_open_items). A query for each part of the
    # minutes (participants, agenda, topics with their statements and speakers), the
    # mentions, the ids carried over, and the rows of both lists with their owners and teams.
    with django_assert_max_num_queries(14):
        response = reader.get(f"/meetings/{world.pk}/")

    html = response.content.decode()
    assert html.count('class="item"') == world.items.count()
    assert html.count('class="statement"') == world.items.count()


def test_the_other_pages_cost_the_same_at_10_and_200_rows(
    reader, world, django_assert_max_num_queries
):
    item = world.items.first()
    for url, most, shown in [
        # How many I have, from the kept ownership's index; ten more on a first visit:
        # my charts drawn (three queries) and kept (seven).
        ("/", 20, "Task 0 for"),
        # One more for an owner or maintainer: the handles offered to say who an owner is;
        # and the item's comments.
        (f"/items/{item.pk}/", 13, item.text.split(" https")[0]),
        ("/meetings/", 7, 'href="/meetings/'),
        # One more than before pages: the count, bounded (BoundedPaginator).
        ("/people/", 5, 'data-person="TomK"'),
        # The team page counts from the kept Team.open_items; one more once in five
        # minutes, the teams' open items (Team.hold_many_open_items); eleven more on a
        # first visit, its charts drawn (four queries) and kept (seven).
        ("/teams/core/", 20, "Task 0 for"),
    ]:
        with django_assert_max_num_queries(most, info=url):
            assert shown in reader.get(url).content.decode()


def test_the_team_page_reads_its_charts_figures_once_a_query_each_then_keeps_them(
    reader, world, django_assert_max_num_queries
):
    # One query a chart (raised and closed, ages, people, meetings) and seven to keep
    # them for every process, then none until the team changes.
    with django_assert_max_num_queries(20):
        first = reader.get("/teams/core/").content.decode()
    with django_assert_max_num_queries(8):
        kept = reader.get("/teams/core/").content.decode()

    assert first.count("<svg") == kept.count("<svg") == 4
    assert kept.count('class="item"') == world.items.count()


def test_the_team_page_after_a_status_change_reads_no_figures(
    reader, world, django_assert_max_num_queries
):
    reader.get("/teams/core/")
    world.items.first().set_status(None, "done")

    # The charts as they stood (one read of the shared cache), and the worker asked to
    # draw them anew (one query): no figures read while the user waits.
    with django_assert_max_num_queries(10):  # the teams' total is still kept
        html = reader.get("/teams/core/").content.decode()
    # Visits soon after read them from the process's own memory (charts.OLD seconds).
    with CaptureQueriesContext(connection) as soon_after:
        again = reader.get("/teams/core/").content.decode()

    assert "0 closed (done or dropped)" in html and "being drawn anew" in html
    assert "0 closed (done or dropped)" in again and "being drawn anew" in again
    read = " ".join(query["sql"] for query in soon_after.captured_queries)
    assert "tracker_cache" not in read and "dbtaskresult" not in read
    assert len(soon_after.captured_queries) <= 8


def test_the_person_page_reads_its_charts_figures_once_a_query_each_then_keeps_them(
    reader, world, django_assert_max_num_queries
):
    # On her own page: and her last digest (one query).
    with django_assert_max_num_queries(25):
        first = reader.get("/people/mariap/").content.decode()
    with django_assert_max_num_queries(9):
        kept = reader.get("/people/mariap/").content.decode()

    assert first.count("<svg") == kept.count("<svg") == 3


def test_the_search_page_costs_the_same_at_10_and_200_results(
    reader, world, django_assert_max_num_queries
):
    # Each section: its first rows, and its count when there are more; the speakers
    # of the lines and the teams of the meetings shown.
    with django_assert_max_num_queries(14):
        html = reader.get("/search/", {"q": "core"}).content.decode()
    assert html.count("data-item=") == 10
    assert html.count("data-meeting=") == 1
    with django_assert_max_num_queries(13):
        html = reader.get("/search/", {"q": "said"}).content.decode()
    assert html.count("data-line=") == 10
    with django_assert_max_num_queries(6):
        html = reader.get("/search/", {"q": "said", "in": "lines"}).content.decode()
    assert html.count("data-line=") == world.items.count()


def test_one_persons_open_items_are_counted_from_the_kept_ownership_alone(reader, world):
    reader.get("/items/", {"owner": "MariaP"})  # keeps the filter form
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/items/", {"owner": "MariaP"})

    [count] = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "meetings_ownership" in count and "meetings_item" not in count
    shown = world.items.count()
    assert f"<strong>{shown}</strong> items" in response.content.decode()

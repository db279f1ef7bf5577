"""Many items at once: the bulk status change, its undo, stale items and a team's triage page."""

import datetime as dt
import re
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Item, Ownership, Person, StatusBatch, StatusChange, Team
from tests.helpers import make_item, make_meeting, make_person, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(owner, teammate):
    """Three of Maria's open items from an old meeting of core, and one of Tom's."""
    meeting = make_meeting("2024-01-10", participants=[owner, teammate])
    return [
        make_item("Arrange meetings", meeting, owners=[owner], line=1),
        make_item("Book a room", meeting, owners=[owner], line=2),
        make_item("Write the agenda", meeting, owners=[owner, teammate], line=3),
    ]


def ticked(*items):
    """The checkboxes of ``items`` as the list showed them."""
    return [f"{item.pk}:{item.status}:{item.status_version}" for item in items]


def bulk(client, items=(), status="done", **fields):
    data = {"status": status, "item": ticked(*items), "next": "/items/", **fields}
    return client.post("/items/status/", data)


def counts():
    """What the lists show of the open items: the kept ownership and counts."""
    return (
        sorted(Ownership.objects.values_list("person", "item", "open", "status")),
        sorted(Person.objects.values_list("handle", "open_items")),
        sorted(Team.objects.values_list("slug", "open_items")),
    )


def test_marking_ticked_items_done_records_each_change_in_one_batch(reader, owner, three):
    arrange, book, agenda = three
    before = timezone.now()

    response = bulk(reader, [arrange, agenda], note="Cleared at the retreat")

    assert response.status_code == 302
    assert response["Location"] == "/items/"
    for item in (arrange, agenda):
        item.refresh_from_db()
        assert item.status == Item.Status.DONE
        change = StatusChange.objects.get(item=item)
        assert (change.user, change.old, change.new) == (owner.user, "open", "done")
        assert change.note == "Cleared at the retreat"
        assert change.created >= before
        assert item.status_changed == change.created
    book.refresh_from_db()
    assert book.status == Item.Status.OPEN
    batch = StatusBatch.objects.get()
    assert batch.user == owner.user
    assert sorted(batch.changes.values_list("item", flat=True)) == [arrange.pk, agenda.pk]
    html = page(reader.get("/items/"))
    assert "2 items marked done." in html
    assert f'action="/items/status/{batch.pk}/undo/"' in html
    assert ">Undo</button>" in html


def test_the_history_of_each_item_shows_the_change(reader, three):
    bulk(reader, three[:2], status="dropped", note="No longer wanted")

    html = page(reader.get(f"/items/{three[0].pk}/"))

    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "MariaP changed it from open to Dropped" in text
    assert "No longer wanted" in text


def test_the_kept_ownership_and_open_counts_stay_in_step(reader, three):
    bulk(reader, three, status="done")
    bulk(reader, [Item.objects.get(pk=three[0].pk)], status="in_progress")  # back to open

    kept = counts()
    Ownership.objects.keep_all()  # counting everything again from the items

    assert counts() == kept
    assert Person.objects.get(handle="MariaP").open_items == 1
    assert Person.objects.get(handle="TomK").open_items == 0
    assert Team.objects.get(slug="core").open_items == 1


def test_anonymous_is_sent_to_log_in(client, three):
    response = bulk(client, three)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not StatusChange.objects.exists()


def test_a_get_is_not_allowed(reader):
    assert reader.get("/items/status/").status_code == 405


def test_a_post_without_the_csrf_token_is_refused(owner, three):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)

    response = bulk(client, three)

    assert response.status_code == 403
    assert not StatusChange.objects.exists()


def test_an_unknown_status_changes_nothing(reader, three):
    response = bulk(reader, three, status="finished")

    assert response.status_code == 302
    assert not StatusChange.objects.exists()
    html = page(reader.get("/items/"))
    assert "No status was changed" in html


def test_reopening_is_not_a_bulk_action(reader, three):
    bulk(reader, three, status="open")

    assert not StatusChange.objects.exists()


def test_nothing_ticked_changes_nothing(reader, three):
    bulk(reader, [])

    assert not StatusChange.objects.exists()
    assert "No item was selected." in page(reader.get("/items/"))


def test_a_forged_checkbox_changes_nothing(reader, three):
    reader.post("/items/status/", {"status": "done", "item": ["1 OR 1=1"]})

    assert not StatusChange.objects.exists()


def test_an_item_changed_by_someone_else_is_named_and_the_rest_are_changed(reader, teammate, three):
    seen = [Item.objects.get(pk=item.pk) for item in three]  # what Maria's page shows
    three[1].set_status(teammate.user, Item.Status.IN_PROGRESS, "On it")

    bulk(reader, seen, status="dropped")

    statuses = dict(Item.objects.values_list("text", "status"))
    assert statuses == {
        "Arrange meetings": "dropped",
        "Book a room": "in_progress",
        "Write the agenda": "dropped",
    }
    assert three[1].status_changes.count() == 1  # Tom's only
    html = page(reader.get("/items/"))
    assert "2 items marked dropped." in html
    assert "1 item was changed by someone else since you looked: “Book a room”." in html


def test_select_all_takes_the_items_the_filter_matches_when_sent(reader, owner, three):
    other = make_item("Docs task", make_meeting("2024-01-11", teams=["docs"]), owners=[owner])
    later = make_item("Raised since the page was shown", three[0].meeting, line=9)

    bulk(reader, [], all="1", filter="?team=core&status=open")

    done = set(Item.objects.filter(status="done").values_list("pk", flat=True))
    assert done == {item.pk for item in three} | {later.pk}
    other.refresh_from_db()
    assert other.status == Item.Status.OPEN
    assert "4 items marked done." in page(reader.get("/items/"))


def test_select_all_on_a_persons_page_takes_their_open_items(reader, teammate, three):
    html = page(reader.get("/people/tomk/"))
    assert 'name="filter" value="owner=TomK"' in html

    bulk(reader, [], all="1", filter="owner=TomK", next="/people/tomk/")

    assert dict(Item.objects.values_list("text", "status")) == {
        "Arrange meetings": "open",
        "Book a room": "open",
        "Write the agenda": "done",
    }


def test_select_all_says_which_items_were_so_already(reader, three):
    three[0].set_status(None, Item.Status.DONE)

    bulk(reader, [], all="1", filter="team=core&status=open&status=done")

    assert "2 items marked done." in page(reader.get("/items/?status=done"))
    assert Item.objects.filter(status="done").count() == 3


def test_select_all_with_a_filter_that_cannot_be_used_changes_nothing(reader, three):
    bulk(reader, [], all="1", filter="team=core&from=yesterday")

    assert not StatusChange.objects.exists()


def test_through_htmx_the_list_comes_back_with_the_message(reader, three):
    response = bulk(reader, three[:1], HTTP_HX_REQUEST="true", next="/items/?team=core")
    assert response["Location"] == "/items/?team=core"

    # htmx follows the redirect with its header: the list, with the message in it.
    html = page(reader.get("/items/?team=core", HTTP_HX_REQUEST="true"))

    assert html.lstrip().startswith('<div id="results"')
    assert "1 item marked done." in html
    assert "Book a room" in html
    assert "Arrange meetings" not in html


def test_the_same_few_queries_for_5_50_and_150_items(owner):
    meeting = make_meeting("2024-01-10", participants=[owner])
    for n in range(205):
        make_item(f"Task {n}", meeting, owners=[owner], line=n + 1)
    user = owner.user

    def queries(items):
        with CaptureQueriesContext(connection) as captured:
            result = Item.objects.filter(pk__in=[i.pk for i in items]).set_status(
                user, Item.Status.DONE, seen={i.pk: (i.status, i.status_version) for i in items}
            )
        assert len(result.changed) == len(items)
        return len(captured)

    items = list(Item.objects.order_by("pk"))
    # 150: more than bulk_create writes in one query on SQLite.
    assert queries(items[:5]) == queries(items[5:55]) == queries(items[55:205]) <= 10


def test_undo_puts_each_item_back_and_records_it(reader, owner, teammate, three):
    three[2].set_status(teammate.user, Item.Status.IN_PROGRESS)
    bulk(reader, [Item.objects.get(pk=item.pk) for item in three], status="done")
    batch = StatusBatch.objects.get()

    response = reader.post(f"/items/status/{batch.pk}/undo/", {"next": "/items/"})

    assert response["Location"] == "/items/"
    statuses = dict(Item.objects.values_list("text", "status"))
    assert statuses == {
        "Arrange meetings": "open",
        "Book a room": "open",
        "Write the agenda": "in_progress",
    }
    last = three[2].status_changes.last()
    assert (last.user, last.old, last.new) == (owner.user, "done", "in_progress")
    assert last.note.startswith("Undone")
    batch.refresh_from_db()
    assert batch.undone is not None
    assert "Undone: 3 items put back as before." in page(reader.get("/items/"))
    assert Person.objects.get(handle="MariaP").open_items == 3


def test_undo_is_refused_once_the_time_for_it_is_past(reader, settings, three):
    settings.UNDO_MINUTES = 15
    bulk(reader, three)
    batch = StatusBatch.objects.get()
    batch.created -= dt.timedelta(minutes=16)
    batch.save()

    reader.post(f"/items/status/{batch.pk}/undo/", {"next": "/items/?status=done"})

    assert Item.objects.filter(status="done").count() == 3
    assert "can no longer be undone" in page(reader.get("/items/?status=done"))


def test_undo_leaves_an_item_changed_since_and_names_it(reader, teammate, three):
    bulk(reader, three)
    batch = StatusBatch.objects.get()
    Item.objects.get(text="Book a room").set_status(teammate.user, Item.Status.DROPPED)

    reader.post(f"/items/status/{batch.pk}/undo/", {"next": "/items/"})

    statuses = dict(Item.objects.values_list("text", "status"))
    assert statuses["Book a room"] == "dropped"
    assert statuses["Arrange meetings"] == statuses["Write the agenda"] == "open"
    html = page(reader.get("/items/"))
    assert "Undone: 2 items put back as before." in html
    assert "1 item was changed by someone else since: “Book a room”." in html


def test_undo_works_once(reader, three):
    bulk(reader, three)
    batch = StatusBatch.objects.get()
    reader.post(f"/items/status/{batch.pk}/undo/")

    reader.post(f"/items/status/{batch.pk}/undo/")

    assert StatusChange.objects.count() == 6
    assert "undone already" in page(reader.get("/items/"))


def test_only_its_author_may_undo_a_change(client, teammate, reader, three):
    bulk(reader, three)
    batch = StatusBatch.objects.get()
    client.force_login(teammate.user)

    assert client.post(f"/items/status/{batch.pk}/undo/").status_code == 404
    assert Item.objects.filter(status="done").count() == 3


def test_undo_needs_a_post(reader, three):
    bulk(reader, three)
    batch = StatusBatch.objects.get()

    assert reader.get(f"/items/status/{batch.pk}/undo/").status_code == 405


# Stale items


@pytest.fixture
def ages(owner, settings):
    """Items raised long ago, raised again lately, and closed: STALE_DAYS is 90."""
    settings.STALE_DAYS = 90
    today = timezone.localdate()
    old = make_meeting((today - dt.timedelta(days=200)).isoformat(), participants=[owner])
    recent = make_meeting((today - dt.timedelta(days=10)).isoformat(), participants=[owner])
    return {
        "old": make_item("Forgotten task", old, owners=[owner]),
        "again": make_item("Raised again", old, owners=[owner], line=2, last_raised=recent.date),
        "new": make_item("Fresh task", recent, owners=[owner]),
        "done": make_item("Old but done", old, owners=[owner], line=3, status="done"),
    }


def test_an_open_item_no_meeting_raised_for_stale_days_is_labelled_stale(reader, ages):
    html = page(reader.get("/items/?status=open&status=done"))

    rows = {
        item: html.split(f'data-item="{item.pk}"')[1].split("</li>")[0] for item in ages.values()
    }
    assert ">stale</span>" in rows[ages["old"]]
    for fresh in ("again", "new", "done"):
        assert ">stale</span>" not in rows[ages[fresh]]


def test_the_stale_filter_shows_only_stale_items(reader, ages):
    html = page(reader.get("/items/?stale=1&status=open&status=done"))

    assert "Forgotten task" in html
    assert "Raised again" not in html
    assert "Fresh task" not in html
    assert "Old but done" not in html


def test_stale_days_is_a_setting(reader, ages, settings):
    settings.STALE_DAYS = 5

    html = page(reader.get("/items/?stale=1"))

    assert "Raised again" in html
    assert "Fresh task" in html


def test_select_all_of_more_than_a_thousand_says_so(reader, settings, three):
    settings.TRACKER_PAGE_SIZE = 2
    with patch("meetings.views.common.BoundedPaginator.bound", 2):
        html = page(reader.get("/items/"))

    assert "Select all matching this filter (more than 2)" in html


def test_a_reader_who_is_not_signed_in_sees_no_checkboxes(client, settings, three):
    settings.TRACKER_PUBLIC_READ = True

    html = page(client.get("/items/"))

    assert "Arrange meetings" in html
    assert 'class="select-item"' not in html
    assert 'id="bulk-form"' not in html


def test_the_lists_offer_checkboxes_and_select_all_with_the_count(reader, three):
    for url in ("/items/", "/people/mariap/", "/teams/core/"):
        html = page(reader.get(url))
        assert html.count('class="select-item"') == 3, url
        assert "Select all 3 matching this filter" in html, url


# The triage page


@pytest.fixture
def team_items(owner, teammate, settings):
    """Stale items of core owned by Tom, Maria, both or no one, and a fresh one."""
    settings.STALE_DAYS = 90
    today = timezone.localdate()
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    march = make_meeting("2024-03-10", participants=[owner, teammate])
    fresh = make_meeting((today - dt.timedelta(days=3)).isoformat(), participants=[owner])
    return {
        "tom_new": make_item("Tom's later task", march, owners=[teammate]),
        "tom_old": make_item("Tom's old task", january, owners=[teammate]),
        "maria": make_item("Maria's task", march, owners=[owner], line=2),
        "both": make_item("A shared task", january, owners=[owner, teammate], line=2),
        "nobody": make_item("A task no one took", january, owners=[], line=3),
        "fresh": make_item("Raised this week", fresh, owners=[owner]),
        "other_team": make_item("Docs task", make_meeting("2024-01-10", teams=["docs"])),
    }


def test_the_triage_page_groups_stale_items_by_owner_oldest_first(reader, team_items):
    html = page(reader.get("/teams/core/triage/"))

    headings = [part.split("<span")[0].strip() for part in html.split("<h2>")[1:]]
    assert headings == ["MariaP", "MariaP, TomK", "TomK", "No owner"]
    assert html.index("Tom's old task") < html.index("Tom's later task")
    assert "Raised this week" not in html
    assert "Docs task" not in html
    assert "(5 stale)" in html
    assert "Select all 5 matching this filter" in html
    assert 'name="filter" value="team=core&amp;stale=1"' in html


def test_select_all_on_the_triage_page_closes_the_stale_items_only(reader, team_items):
    reader.post(
        "/items/status/",
        {"status": "dropped", "all": "1", "filter": "team=core&stale=1", "next": "/"},
    )

    dropped = set(Item.objects.filter(status="dropped").values_list("text", flat=True))
    assert dropped == {
        "Tom's later task",
        "Tom's old task",
        "Maria's task",
        "A shared task",
        "A task no one took",
    }


def test_the_team_page_links_to_its_triage(reader, team_items):
    assert 'href="/teams/core/triage/"' in page(reader.get("/teams/core/"))


def test_a_team_with_nothing_stale_says_so(reader, owner):
    make_item("Raised today", make_meeting(timezone.localdate().isoformat()), owners=[owner])

    html = page(reader.get("/teams/core/triage/"))

    assert "No stale items" in html
    assert 'id="bulk-form"' not in html


def test_the_triage_page_needs_an_account_unless_public(client, team_items):
    response = client.get("/teams/core/triage/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_team_has_no_triage_page(reader):
    assert reader.get("/teams/nobody/triage/").status_code == 404


def test_the_triage_page_costs_the_same_few_queries_however_many_items(
    reader, owner, django_assert_max_num_queries
):
    meeting = make_meeting("2024-01-10", participants=[owner, make_person("Cezar")])
    for n in range(60):
        make_item(f"Task {n}", meeting, owners=[owner], line=n + 1)

    with django_assert_max_num_queries(8):
        html = page(reader.get("/teams/core/triage/"))

    assert html.count('class="select-item"') == 60


def test_a_change_of_more_items_than_one_query_holds_is_written_in_parts(
    owner, teammate, monkeypatch
):
    monkeypatch.setattr("meetings.models.CHANGED_A_QUERY", 2)
    meeting = make_meeting(participants=[owner, teammate])
    items = [make_item(f"Task {n}", meeting, owners=[owner]) for n in range(5)]
    make_item("Tom's", meeting, owners=[teammate])

    result = Item.objects.filter(pk__in=[i.pk for i in items]).set_status(
        owner.user, Item.Status.DONE
    )

    assert len(result.changed) == 5
    assert StatusChange.objects.filter(batch=result.batch).count() == 5
    assert set(Item.objects.filter(owners__person=owner).values_list("status", flat=True)) == {
        "done"
    }
    assert not Ownership.objects.filter(person=owner, open=True).exists()
    owner.refresh_from_db()
    teammate.refresh_from_db()
    assert (owner.open_items, teammate.open_items) == (0, 1)
    assert Team.objects.get().open_items == 1

    result.batch.undo(owner.user)

    owner.refresh_from_db()
    assert owner.open_items == 5
    assert Ownership.objects.filter(person=owner, open=True).count() == 5

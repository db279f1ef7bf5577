"""A person's items in a feed reader and a calendar, behind a secret they can reset."""

import pytest

from meetings.models import Item
from tests.helpers import make_item, make_meeting, make_person, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds(client, owner, item):
    """Maria's feed links, made from her page."""
    client.force_login(owner.user)
    client.post(f"/people/{owner.slug}/feed-token/")
    owner.refresh_from_db()
    client.logout()
    return owner.feed_token


def test_a_person_makes_feed_links_on_their_page_and_a_reader_needs_no_login(
    client, owner, item, feeds
):
    atom = client.get(f"/feeds/{feeds}/items.atom")

    assert atom.status_code == 200
    assert atom["Content-Type"].startswith("application/atom+xml")
    body = atom.content.decode()
    assert "<title>Arrange meetings</title>" in body
    assert f"/items/{item.pk}/" in body


def test_the_calendar_has_each_open_item_as_a_to_do(client, owner, item, feeds):
    make_item("Done already", item.meeting, owners=[owner], status=Item.Status.DONE)

    ics = client.get(f"/feeds/{feeds}/items.ics")

    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.count("BEGIN:VTODO") == 1
    assert "SUMMARY:Arrange meetings" in body
    assert "STATUS:NEEDS-ACTION" in body
    assert "Done already" not in body


def test_a_teams_feed_lists_its_items(client, owner, item, feeds):
    make_item("Docs work", make_meeting("2024-01-11", teams=["docs"]))

    body = client.get(f"/feeds/{feeds}/teams/core.atom").content.decode()

    assert "Arrange meetings" in body
    assert "Docs work" not in body
    assert client.get(f"/feeds/{feeds}/teams/nope.atom").status_code == 404


def test_a_forged_or_reset_token_is_not_found_and_says_nothing(client, owner, item, feeds):
    assert client.get("/feeds/forged-token/items.atom").status_code == 404
    assert client.get("/feeds/forged-token/items.ics").status_code == 404
    assert client.get("/feeds//items.atom").status_code == 404

    client.force_login(owner.user)
    client.post(f"/people/{owner.slug}/feed-token/")
    owner.refresh_from_db()

    assert owner.feed_token != feeds
    assert client.get(f"/feeds/{feeds}/items.atom").status_code == 404
    assert client.get(f"/feeds/{owner.feed_token}/items.atom").status_code == 200


def test_a_person_with_no_items_gets_an_empty_feed(client):
    quiet = make_person("QuietQ")
    quiet.reset_feed_token()

    atom = client.get(f"/feeds/{quiet.feed_token}/items.atom")
    ics = client.get(f"/feeds/{quiet.feed_token}/items.ics")

    assert atom.status_code == 200 and "<entry>" not in atom.content.decode()
    assert ics.status_code == 200 and "BEGIN:VTODO" not in ics.content.decode()


def test_only_the_person_may_make_or_reset_their_links(client, owner, teammate):
    client.force_login(teammate.user)

    assert client.post(f"/people/{owner.slug}/feed-token/").status_code == 403
    owner.refresh_from_db()
    assert owner.feed_token == ""
    assert client.get(f"/people/{owner.slug}/feed-token/").status_code == 405


def test_the_links_show_on_ones_own_page_only(client, owner, teammate, feeds):
    client.force_login(owner.user)
    mine = page(client.get(f"/people/{owner.slug}/"))
    client.force_login(teammate.user)
    theirs = page(client.get(f"/people/{owner.slug}/"))

    assert f"/feeds/{feeds}/items.atom" in mine
    assert "New links (the old ones stop working)" in mine
    assert feeds not in theirs
    assert "Your items elsewhere" not in theirs


def test_an_item_is_published_when_its_meeting_raised_it_not_when_it_was_imported(
    client, owner, item, feeds
):
    body = client.get(f"/feeds/{feeds}/items.atom").content.decode()

    assert "<published>2024-01-10T00:00:00" in body
    assert "<updated>2024-01-10T00:00:00" in body

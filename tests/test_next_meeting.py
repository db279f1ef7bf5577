"""The next meeting's minutes in the browser: to read, copy and download."""

import datetime as dt
import html as html_lib
import re

import pytest

from meetings.minutes import parse
from meetings.models import Item
from tests.helpers import ROOT
from tests.test_matching import import_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def the_week_after(monkeypatch):
    """These minutes are of January 2022: the next meeting is asked for that week."""
    monkeypatch.setattr("meetings.next_minutes.today", lambda: dt.date(2022, 1, 13))


@pytest.fixture
def carried_over(owner):
    """Two meetings of the community team: one item carried over, one done, one new."""
    import_meeting("2022-01-05", ["RD: Arrange meetings", "AJ: Fix the CI", "RD/AJ: Post on X"])
    import_meeting("2022-01-12", ["RD: Arrange meetings", "AJ: Write the blog post"])
    done = Item.objects.get(text="Write the blog post")
    done.set_status(owner.user, Item.Status.DONE)


def shown_markdown(response):
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<pre id="next-minutes"')
    start = html.index("<code>", start) + len("<code>")
    return html_lib.unescape(html[start : html.index("</code>", start)])


def test_the_next_minutes_on_the_page_parse_back_to_the_teams_open_items(reader, carried_over):
    markdown = shown_markdown(reader.get("/teams/community/next/"))

    minutes = parse(markdown.encode(), "community/2022-01-19.md")
    assert str(minutes.date) == "2022-01-19"
    assert minutes.teams == ["community"]
    assert sorted(a.text for a in minutes.action_items) == sorted(
        Item.objects.open().values_list("text", flat=True)
    )
    assert [(a.owners, a.text) for a in minutes.action_items] == [
        (["AJ"], "Fix the CI"),
        (["RD"], "Arrange meetings"),
        (["RD", "AJ"], "Post on X"),
    ]


def test_the_next_minutes_link_each_item_on_this_tracker(reader, carried_over):
    markdown = shown_markdown(reader.get("/teams/community/next/"))

    item = Item.objects.get(text="Arrange meetings")
    assert f"raised in 2 meetings: http://testserver/items/{item.pk}/ -->" in markdown


def test_the_page_offers_a_copy_button_and_a_download_without_outside_scripts(reader, carried_over):
    html = reader.get("/teams/community/next/").content.decode()

    assert 'id="copy-minutes"' in html
    assert (
        '<a class="button" href="/teams/community/next/?format=md" '
        'download="community-2022-01-19.md">'
    ) in html
    # The button's script is the site's own file (the CSP allows no inline script).
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attributes for attributes in scripts)
    assert "navigator.clipboard.writeText" in (ROOT / "static" / "tracker.js").read_text()


def test_the_download_is_a_markdown_attachment_named_for_the_team_and_date(reader, carried_over):
    page = shown_markdown(reader.get("/teams/community/next/"))

    response = reader.get("/teams/community/next/", {"format": "md"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="community-2022-01-19.md"'
    assert response.content.decode() == page


def test_the_team_page_links_to_the_next_meeting(reader, carried_over):
    html = reader.get("/teams/community/").content.decode()

    assert '<a href="/teams/community/next/">Minutes for the next meeting</a>' in html


def test_anonymous_visitors_log_in_first_unless_the_tracker_is_public(
    client, settings, carried_over
):
    response = client.get("/teams/community/next/", {"format": "md"})
    assert response["Location"].startswith("/accounts/login/?next=/teams/community/next/")

    settings.TRACKER_PUBLIC_READ = True
    assert client.get("/teams/community/next/", {"format": "md"}).status_code == 200


def test_an_unknown_team_has_no_next_meeting(reader):
    assert reader.get("/teams/kraft/next/").status_code == 404


def test_the_next_meeting_page_only_reads(reader, carried_over):
    assert reader.post("/teams/community/next/").status_code == 405


def test_a_team_without_open_items_gets_minutes_that_say_so(reader, carried_over):
    Item.objects.update(status=Item.Status.DONE)

    markdown = shown_markdown(reader.get("/teams/community/next/"))

    assert "<!-- No open items. -->" in markdown
    assert parse(markdown.encode(), "community/2022-01-19.md").action_items == []


def test_hostile_minutes_stay_text_in_the_next_minutes(reader):
    import_meeting("2022-01-05", ["RD: Fix <script>alert('x')</script> now"])

    html = reader.get("/teams/community/next/").content.decode()

    assert "<script>alert" not in html
    assert "Fix &lt;script&gt;alert(" in html

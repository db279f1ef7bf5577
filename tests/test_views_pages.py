import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Item, Meeting, Mention, Participant, Person
from meetings.views.common import BoundedPaginator
from tests.helpers import import_text, make_item, make_meeting, make_person, page

pytestmark = pytest.mark.django_db

MINUTES = """
    ---
    title: "Core, January 10, 2024"
    datetime: 2024-01-10T13:00:00+01:00
    teams:
      - core
    participants:
      - MariaP
      - TomK
    ---

    ## Agenda

    * Release
    * CI

    ## Discussions

    #### Release

    MP: The release is late, see https://github.com/acme/core/pull/12
    TK: I will help.

    ## TODOs and Decisions

    * MP: Arrange meetings
    * MP/TK: Post on social media
    * Everyone: Work on PRs for the 0.7 release
    * We meet next on Wednesday.
"""


# Home


def test_home_shows_my_open_items_and_not_the_others(reader, owner, teammate):
    meeting = make_meeting(participants=[owner, teammate])
    make_item("Arrange meetings", meeting, owners=[owner])
    make_item("Work on PRs", meeting, owners=["Everyone"])
    make_item("Review the docs", meeting, owners=[teammate])
    make_item("Ship 0.7", meeting, owners=[owner], status=Item.Status.DONE)

    html = page(reader.get("/"))

    assert 'Your open items <span class="count">(2)</span>' in html
    assert "Arrange meetings" in html
    assert "Work on PRs" in html
    assert "Review the docs" not in html
    assert "Ship 0.7" not in html


def test_home_lists_my_newest_items_first_and_says_how_many_there_are(reader, owner, settings):
    settings.TRACKER_PAGE_SIZE = 2
    for day, text in [("2023-05-10", "Oldest"), ("2024-01-10", "Middle"), ("2024-03-10", "Newest")]:
        make_item(text, make_meeting(day, participants=[owner]), owners=[owner])

    html = page(reader.get("/"))

    assert html.index("Newest") < html.index("Middle")
    assert "Oldest" not in html
    assert "The newest 2, first raised most recently first." in html
    assert "All 3 in the list" in html


def test_home_counts_my_items_up_to_the_lists_bound_from_the_kept_ownership(
    reader, owner, monkeypatch
):
    monkeypatch.setattr(BoundedPaginator, "bound", 2)
    meeting = make_meeting(participants=[owner])
    for text in ["One", "Two", "Three"]:
        make_item(text, meeting, owners=[owner])

    with CaptureQueriesContext(connection) as queries:
        html = page(reader.get("/"))

    assert 'Your open items <span class="count">(more than 2)</span>' in html
    assert "All of them in the list" in html
    # My items counted (the cache's own count of its rows aside): from the ownership alone.
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(") and "tracker_cache" not in q["sql"]
    ]
    assert len(counts) == 1
    assert "meetings_ownership" in counts[0] and "meetings_item" not in counts[0]


def test_home_shows_recent_meetings_and_open_items_per_team(reader, owner):
    core = make_meeting("2024-01-10", title="Core, January", participants=[owner])
    docs = make_meeting("2024-01-11", teams=["docs"], title="Docs, January")
    make_item("One", core)
    make_item("Two", core)
    make_item("Done already", core, status=Item.Status.DONE)
    make_item("Three", docs)

    html = page(reader.get("/"))

    assert "Core, January" in html
    assert "Docs, January" in html
    assert (
        '<tr data-team="core"><td><a href="/teams/core/">core</a></td><td class="number">2</td>'
        in html
    )
    assert (
        '<tr data-team="docs"><td><a href="/teams/docs/">docs</a></td><td class="number">1</td>'
        in html
    )


# The item page


def test_the_item_page_shows_its_text_owners_source_line_mentions_and_history(
    reader, owner, teammate
):
    january = make_meeting("2024-01-10", title="Core, January", participants=[owner, teammate])
    march = make_meeting("2024-03-06", title="Core, March")
    item = make_item(
        "Post on **social media**", january, owners=[owner, "RD"], line=42, mention_count=2
    )
    Mention.objects.create(item=item, meeting=march, text="Post on socials", line=7, position=7)
    item.set_status(teammate.user, Item.Status.IN_PROGRESS, "Drafting the posts")

    html = page(reader.get(f"/items/{item.pk}/"))

    assert "Post on <strong>social media</strong>" in html
    assert '<a class="owner" href="/people/mariap/">MariaP</a>' in html
    assert "RD" in html
    assert f'<a href="/meetings/{january.pk}/#L42">Core, January, line 42</a>' in html
    assert f'href="/meetings/{march.pk}/#L7"' in html
    assert "Post on socials" in html
    assert "<strong>TomK</strong> changed it from open to" in html
    assert "Drafting the posts" in html
    assert 'data-status="in_progress"' in html


def test_the_item_page_gives_htmx_its_history(reader, owner):
    item = make_item("Arrange meetings", owners=[owner])
    item.set_status(owner.user, Item.Status.DONE, "All set")

    html = page(reader.get(f"/items/{item.pk}/", HTTP_HX_REQUEST="true"))

    assert html.lstrip().startswith('<section id="history"')
    assert "All set" in html


def test_an_unknown_item_is_not_found(reader):
    assert reader.get("/items/12345/").status_code == 404


# Meetings


def test_the_meetings_list_is_newest_first_and_filters_by_team(reader):
    make_meeting("2024-01-10", title="Core, January")
    make_meeting("2024-02-07", title="Core, February")
    make_meeting("2024-01-11", teams=["docs"], title="Docs, January")

    html = page(reader.get("/meetings/"))
    assert html.index("Core, February") < html.index("Docs, January") < html.index("Core, January")

    html = page(reader.get("/meetings/", {"team": "docs"}))
    assert "Docs, January" in html
    assert "Core, January" not in html


def test_the_meeting_page_renders_the_minutes(reader, owner, teammate):
    meeting = import_text(MINUTES).meeting

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    assert "Core, January 10, 2024" in html
    assert "<h2>Agenda</h2>" in html
    assert "Release" in html
    assert '<a href="/people/mariap/" title="MariaP">MP</a>:' in html
    assert '<a href="/people/tomk/" title="TomK">TK</a>:' in html
    assert '<a href="https://github.com/acme/core/pull/12">acme/core#12</a>' in html
    assert "Arrange meetings" in html
    assert "Work on PRs for the 0.7 release" in html
    assert "<h2>Decisions</h2>" in html
    assert "We meet next on Wednesday." in html


def test_the_meeting_page_writes_each_topic_with_its_lines_and_who_said_each(
    reader, owner, teammate
):
    text = MINUTES.replace(
        "    TK: I will help.\n",
        "    MP/TK: We both review it.\n    Everyone: Thanks.\n    XY: Who is this?\n\n"
        "    A line no one said.\n\n    #### CI\n\n    #### Docs\n\n    TK: Written.\n",
    )
    meeting = import_text(text).meeting

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    discussions = html[html.index('class="discussions"') :]
    topics = discussions.split('<section class="topic"')[1:]
    assert ["<h3>Release</h3>" in t for t in topics] == [True, False, False]
    assert "<h3>CI</h3>" in topics[1] and 'class="statement"' not in topics[1]
    release = topics[0]
    assert release.count('class="statement"') == 5
    said = re.findall(r'<span class="speakers">(.*?):</span>', release)
    maria = '<a href="/people/mariap/" title="MariaP">MP</a>'
    tom = '<a href="/people/tomk/" title="TomK">TK</a>'
    assert said == [
        maria,
        f"{maria}/{tom}",
        '<span class="owner-group">Everyone</span>',
        "<span>XY</span>",
    ]
    assert release.index("We both review it.") < release.index("A line no one said.")
    assert tom in topics[2] and "Written." in topics[2]


def test_the_meeting_page_writes_who_was_there_in_order_and_a_name_of_no_one_as_written(
    reader, owner, teammate
):
    meeting = import_text(MINUTES.replace("      - TomK", "      - TomK\n      - Zed")).meeting
    Participant.objects.filter(meeting=meeting, name="Zed").update(person=None)

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    participants = html[html.index('class="participants"') :]
    participants = participants[: participants.index("</p>")]
    assert participants.index("MariaP") < participants.index("TomK") < participants.index("Zed")
    assert '<a href="/people/mariap/">MariaP</a>' in participants
    assert '<span class="owner-unresolved" title="not matched to a person yet">Zed</span>' in (
        participants
    )
    assert 'href=""' not in participants


def test_the_meeting_page_writes_its_location_as_the_minutes_mark_it_up(reader):
    meeting = make_meeting(
        location="Online, Discord (https://example.org/chat), the `#office` channel <b>4</b>"
    )

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    location = html[html.index('class="location"') :]
    location = location[: location.index("</span>")]
    assert '<a href="https://example.org/chat">https://example.org/chat</a>' in location
    assert "<code>#office</code>" in location
    assert "&lt;b&gt;4&lt;/b&gt;" in location and "<b>" not in location
    assert "<p>" not in location


def test_the_meeting_page_shows_the_live_status_and_owners_of_its_items(reader, owner, teammate):
    meeting = import_text(MINUTES).meeting
    item = Item.objects.get(text="Arrange meetings")
    item.set_status(teammate.user, Item.Status.DONE)

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    row = html[html.index(f'data-item="{item.pk}"') :]
    row = row[: row.index("</li>")]
    assert '<span class="badge badge-done">Done</span>' in row
    assert "MariaP" in row


def test_every_item_of_the_meeting_page_is_an_anchor_at_its_line(reader, owner):
    meeting = import_text(MINUTES).meeting

    html = page(reader.get(f"/meetings/{meeting.pk}/"))

    for mention in Mention.objects.filter(meeting=meeting):
        assert f'id="L{mention.line}"' in html
        assert meeting.text.splitlines()[mention.line - 1].endswith(mention.text)


def test_the_meeting_page_says_since_when_a_carried_item_is_open(reader):
    january = make_meeting("2024-01-10")
    march = make_meeting("2024-03-06")
    item = make_item("Arrange meetings", january)
    Mention.objects.create(item=item, meeting=march, text=item.text, line=3, position=3)

    html = page(reader.get(f"/meetings/{march.pk}/"))

    assert "open since" in html
    assert "10 Jan 2024" in html


def test_a_meeting_without_a_title_is_named_by_its_teams_and_date_not_its_file(reader, owner):
    untitled = MINUTES.replace('    title: "Core, January 10, 2024"\n', "").replace(
        "      - core", "      - community\n      - docs"
    )
    meeting = import_text(untitled, source="discussions/community/2024-01-10.md").meeting

    html = page(reader.get(f"/meetings/{meeting.pk}/"))
    listed = page(reader.get("/meetings/"))

    assert "<h1>Community, docs meeting, 10 Jan 2024</h1>" in html
    assert "<title>Community, docs meeting, 10 Jan 2024" in html
    assert "Community, docs meeting, 10 Jan 2024</a>" in listed
    assert "discussions/community/2024-01-10.md</a>" not in listed


def test_a_meeting_is_named_anew_when_its_teams_change():
    meeting = import_text(MINUTES.replace('    title: "Core, January 10, 2024"\n', "")).meeting
    assert str(meeting) == "Core meeting, 10 Jan 2024"
    docs = make_meeting("2024-01-11", teams=["docs"]).teams.get()

    meeting.teams.set([docs])
    meeting.keep_name()

    meeting.refresh_from_db()
    assert meeting.name == "Docs meeting, 10 Jan 2024"


def test_an_unknown_meeting_is_not_found(reader):
    assert reader.get("/meetings/999/").status_code == 404


# People


def test_the_people_list_counts_the_open_items_each_owns_by_name(reader, owner, teammate):
    meeting = make_meeting(participants=[owner, teammate])
    make_item("Hers", meeting, owners=[owner])
    make_item("Theirs", meeting, owners=[owner, teammate])
    make_item("Everyone's", meeting, owners=["Everyone"])
    make_item("Hers, done", meeting, owners=[owner], status=Item.Status.DONE)
    make_person("Nobody")

    html = page(reader.get("/people/"))

    assert 'href="/items/?owner=MariaP">2</a>' in html
    assert 'href="/items/?owner=TomK">1</a>' in html
    nobody = html[html.index('<tr data-person="Nobody">') :]
    assert '<td class="number">0</td>' in nobody[: nobody.index("</tr>")]


def test_the_person_page_lists_their_open_items(reader, owner, teammate):
    meeting = make_meeting(participants=[owner, teammate], title="Core, January")
    make_item("Arrange meetings", meeting, owners=[owner])
    make_item("Work on PRs", meeting, owners=["Everyone"])
    make_item("Review the docs", meeting, owners=[teammate])

    html = page(reader.get("/people/mariap/"))

    assert "<h1>MariaP" in html
    assert "Arrange meetings" in html
    assert "Work on PRs" in html
    assert "Review the docs" not in html
    assert "Core, January" in html
    assert '<a href="/teams/core/">core</a>' in html


def test_the_person_page_is_found_whatever_the_case_of_the_handle(reader, owner):
    make_person("RăzvanD")

    assert "<h1>RăzvanD" in page(reader.get("/people/razvand/"))


def test_an_unknown_person_is_not_found(reader):
    assert reader.get("/people/Nobody/").status_code == 404


# Teams


def test_the_team_page_lists_its_open_items_with_owners_and_age(
    reader, owner, teammate, team_reading
):
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    make_item("Arrange meetings", january, owners=[owner])
    make_item("Post on social media", january, owners=[owner, teammate])
    make_item("GSoC application", january, owners=["RD"])
    make_item("Work on PRs", january, owners=["Everyone"])
    make_item("Update the README", january)
    make_item("Done already", january, owners=[owner], status=Item.Status.DONE)
    make_item("Docs work", make_meeting("2024-01-11", teams=["docs"]), owners=[owner])

    html = page(reader.get("/teams/core/"))

    assert 'Open items <span class="count">(5)</span>' in html
    shown = [part.split("<")[0] for part in html.split('<div class="item-text md"><p>')[1:]]
    assert shown == [
        "Arrange meetings",
        "Post on social media",
        "GSoC application",
        "Work on PRs",
        "Update the README",
    ]
    social = html[html.index("Post on social media") : html.index("GSoC application")]
    assert ">MariaP</a>, <a" in social and ">TomK</a>" in social
    assert "Done already" not in html
    assert "Docs work" not in html
    assert "open since" in html
    assert "10 Jan 2024" in html


def test_the_team_page_is_paginated(reader, owner, settings):
    settings.TRACKER_PAGE_SIZE = 2
    january = make_meeting("2024-01-10", participants=[owner])
    for n in range(5):
        make_item(f"Task {n}", january, owners=[owner])

    first = page(reader.get("/teams/core/"))
    last = page(reader.get("/teams/core/", {"page": 3}))

    assert "Task 0" in first and "Task 1" in first and "Task 2" not in first
    assert "Page 1 of 3" in first
    assert "Task 4" in last and "Task 3" not in last


def test_the_team_page_says_how_old_an_item_is(reader, owner):
    raised = dt.date.today() - dt.timedelta(days=14)
    make_item("Arrange meetings", make_meeting(raised.isoformat()), owners=[owner])

    html = page(reader.get("/teams/core/"))

    assert "(2\xa0weeks)" in html


def test_an_unknown_team_is_not_found(reader):
    assert reader.get("/teams/nope/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/", "/items/", "/meetings/", "/people/", "/people/mariap/", "/teams/core/", "/items/1/"],
)
def test_pages_only_read(reader, url):
    make_item("Arrange meetings")

    assert reader.post(url).status_code == 405


def test_an_empty_tracker_says_so(reader):
    assert Meeting.objects.count() == 0 and Person.objects.count() == 1

    assert "No teams yet" in page(reader.get("/"))
    assert "No items match these filters." in page(reader.get("/items/"))
    assert "No meetings." in page(reader.get("/meetings/"))


def test_a_page_past_the_end_of_a_long_list_shows_the_last(reader, owner, settings, monkeypatch):
    from meetings.views.common import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "bound", 3)
    settings.TRACKER_PAGE_SIZE = 2
    meeting = make_meeting(participants=[owner])
    for n in range(5):
        make_item(f"Task {n}", meeting, owners=[owner])

    first = page(reader.get("/items/"))
    past = page(reader.get("/items/", {"page": 9}))

    assert "more than 3" in first
    assert "Task 4" in first and "Next" in first
    # The real last page, found by counting on this rare path: not a page mid-list.
    assert "Task 0" in past and "Page 3" in past
    assert "Next" not in past
    huge = page(reader.get("/items/", {"page": "9" * 25}))
    assert "Task 0" in huge and "Page 3" in huge

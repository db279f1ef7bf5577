"""The JSON API: the lists' own filters, the pages' own checks and history, two ways in."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from meetings.models import Event, Item, Owner, Ownership, Person, StatusChange
from meetings.views.common import BoundedPaginator
from tests.helpers import fill, make_item, make_meeting, make_person, make_user, page

pytestmark = pytest.mark.django_db


def api(client, url, data=None):
    """A JSON API answer: its status code and body."""
    response = client.get(url, data)
    return response.status_code, response.json()


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def ids(answer):
    return [row["id"] for row in answer["results"]]


def query_of(url):
    return parse_qs(urlsplit(url).query)


def html_items(client, query):
    """The items the HTML list shows for a query string, in its order."""
    return [
        int(pk) for pk in re.findall(r'data-item="(\d+)"', page(client.get(f"/items/?{query}")))
    ]


@pytest.fixture
def world(settings, owner, teammate):
    """Two teams' meetings over three months: open, in progress, done, dropped and removed
    items, a decision, an item raised twice and one nobody owns."""
    settings.TRACKER_PAGE_SIZE = 100
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    march = make_meeting("2024-03-06", participants=[owner, teammate])
    docs = make_meeting("2024-02-14", teams=["docs"], participants=[teammate])
    twice = make_item("Cut the release", january, owners=[owner], line=1)
    twice.mentions.create(meeting=march, text=twice.text, line=3, position=3)
    Item.objects.filter(pk=twice.pk).update(mention_count=2, last_raised=march.date)
    make_item("Review the release notes", march, owners=[owner, teammate], line=1)
    make_item("Write the docs", docs, owners=[teammate], status=Item.Status.IN_PROGRESS)
    make_item("Port the CI", january, owners=[teammate], status=Item.Status.DONE, line=2)
    make_item("Drop the old API", march, owners=[owner], status=Item.Status.DROPPED, line=2)
    make_item("Fix the release script", docs, owners=["RD"], line=2)
    make_item("Gone from the minutes", march, owners=[owner], removed=True, line=4)
    make_item("We use Markdown", january, owners=[owner], kind=Item.Kind.DECISION, line=5)
    return {"january": january, "march": march, "docs": docs}


QUERIES = [
    "",
    "owner=MariaP&status=open",
    "owner=MariaP&status=open&status=in_progress&kind=action&sort=raised",
    "owner=RD",
    "team=docs",
    "team=core&status=done&status=dropped",
    "kind=decision&status=open",
    "sort=raised",
    "sort=-mentions",
    "stale=1",
    "removed=1&status=open&status=done&status=dropped",
    "q=release",
    "from=2024-02-01&to=2024-03-31",
    "to=2024-01-31",
    "older_than=30",
    "mentions_min=2",
    "group=owner",
    "group=meeting&sort=raised",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_api_lists_the_items_the_html_list_shows_for_the_same_query(reader, world, query):
    status, answer = api(reader, f"/api/items/?{query}")

    assert status == 200
    assert ids(answer) == html_items(reader, query)
    assert answer["count"] == len(answer["results"])


def test_the_items_of_a_meeting_are_those_its_minutes_write(reader, world):
    march = world["march"]
    _, answer = api(reader, "/api/items/", {"meeting": march.pk})

    assert ids(answer) == html_items(reader, f"meeting={march.pk}")
    assert {row["text"] for row in answer["results"]} == {
        "Cut the release",
        "Review the release notes",
    }


def test_an_item_says_what_its_row_shows(reader, world, owner, teammate):
    item = Item.objects.get(text="Review the release notes")
    unresolved = Item.objects.get(text="Fix the release script")

    status, answer = api(reader, f"/api/items/{item.pk}/")
    _, other = api(reader, f"/api/items/{unresolved.pk}/")

    assert status == 200
    assert answer == {
        "id": item.pk,
        "kind": "action",
        "text": "Review the release notes",
        "status": "open",
        "status_version": "",
        "status_changed": None,
        "raised": "2024-03-06",
        "last_raised": "2024-03-06",
        "mentions": 1,
        "removed": False,
        "stale": True,
        "meeting": world["march"].pk,
        "teams": ["core"],
        "owners": [
            {"name": "MariaP", "person": "MariaP", "group": False},
            {"name": "TomK", "person": "TomK", "group": False},
        ],
        "url": f"http://testserver/items/{item.pk}/",
    }
    assert other["owners"] == [{"name": "RD", "person": None, "group": False}]
    assert other["teams"] == ["docs"]


def test_an_items_own_url_shows_it_whatever_the_list_shows(reader, world):
    decision = Item.objects.get(kind=Item.Kind.DECISION)
    done = Item.objects.get(status=Item.Status.DONE)

    assert api(reader, f"/api/items/{decision.pk}/")[1]["kind"] == "decision"
    assert api(reader, f"/api/items/{done.pk}/?status=open")[1]["status"] == "done"
    assert reader.get("/api/items/999999/").status_code == 404
    assert reader.get("/api/items/99999999999999999999999/").status_code == 404


def test_every_wrong_filter_is_named_in_one_answer(reader, world):
    wrong = {
        "status": "finished",
        "team": "no-such-team",
        "meeting": "first",
        "from": "2024-13-01",
        "to": "yesterday",
        "kind": "both",
        "older_than": "-1",
        "mentions_min": "0",
        "sort": "up",
        "group": "team",
        "q": "rel\x00ease",
    }

    response = reader.get("/api/items/", wrong)

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == set(wrong)
    assert errors["status"] == [
        "Select a valid choice. finished is not one of the available choices."
    ]
    assert errors["meeting"] == ["Enter a whole number."]
    assert errors["from"] == ["Enter a valid date."]
    assert errors["older_than"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["q"] == ["Null characters are not allowed."]


def test_a_wrong_filter_is_a_400_where_the_csv_export_refuses_it_too(reader, world):
    response = reader.get("/api/items/", {"status": "open", "meeting": "0"})
    csv = reader.get("/items/", {"status": "open", "meeting": "0", "format": "csv"})

    assert response.status_code == csv.status_code == 400
    assert response.json() == {"meeting": ["Ensure this value is greater than or equal to 1."]}
    assert "meeting: Ensure this value is greater than or equal to 1." in csv.content.decode()


def test_pages_are_counted_up_to_the_bound_as_the_html_list_counts(reader, world, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "bound", 3)
    everything = "status=open&status=in_progress&status=done&status=dropped&sort=raised"
    every_id = html_items(reader, everything)

    _, first = api(reader, f"/api/items/?{everything}&page_size=2")
    _, second = api(reader, first["next"])
    _, third = api(reader, second["next"])

    assert (first["count"], first["more"]) == (3, True)
    assert first["previous"] is None
    assert query_of(first["next"]) == {**query_of(f"?{everything}&page_size=2"), "page": ["2"]}
    assert ids(first) + ids(second) + ids(third) == every_id
    assert third["next"] is None
    assert query_of(second["previous"]) == query_of(f"?{everything}&page_size=2")
    assert reader.get(f"/api/items/?{everything}&page_size=2&page=4").status_code == 404


def test_a_page_number_that_is_none_is_named(reader, world):
    for number in ["0", "-1", "two", "1.5"]:
        response = reader.get("/api/items/", {"page": number})
        assert response.status_code == 400
        assert response.json() == {"page": [f"A page is a whole number from 1, not “{number}”."]}
    _, one = api(reader, "/api/items/", {"page": "2", "page_size": "1"})
    _, all_of_them = api(reader, "/api/items/", {"page_size": "1000"})  # up to 100
    assert (one["count"], one["more"], len(one["results"])) == (4, False, 1)
    assert ids(one) == ids(all_of_them)[1:2]
    assert len(all_of_them["results"]) == 4


def test_meetings_are_listed_and_filtered_as_the_meetings_page_does(reader, world):
    status, answer = api(reader, "/api/meetings/", {"team": "core"})
    html = page(reader.get("/meetings/", {"team": "core"}))

    assert status == 200
    assert ids(answer) == [int(pk) for pk in re.findall(r'data-meeting="(\d+)"', html)]
    assert ids(answer) == [world["march"].pk, world["january"].pk]
    march = answer["results"][0]
    assert march["teams"] == ["core"]
    assert march["action_items"] == 4  # raised again, new, dropped, and removed not counted
    assert march["source"] == "core/2024-03-06.md"
    assert api(reader, f"/api/meetings/{world['docs'].pk}/")[1]["teams"] == ["docs"]
    assert reader.get("/api/meetings/", {"team": "nope"}).json() == {
        "team": ["There is no team “nope”."]
    }


def test_people_are_found_as_the_people_page_finds_them(reader, world, owner, outsider):
    owner.aliases.create(text="Mary Poppins")

    _, found = api(reader, "/api/people/", {"q": "poppins"})
    html = page(reader.get("/people/", {"q": "poppins"}))
    _, everyone = api(reader, "/api/people/")
    status, maria = api(reader, f"/api/people/{owner.slug}/")

    assert [row["handle"] for row in found["results"]] == ["MariaP"]
    assert re.findall(r'<tr data-person="([^"]+)"', html) == ["MariaP"]
    assert [row["handle"] for row in everyone["results"]] == ["MariaP", "TomK", "ZoeQ"]
    assert status == 200
    assert maria["open_items"] == Person.objects.get(pk=owner.pk).open_items
    assert maria["url"] == f"http://testserver/people/{owner.slug}/"
    assert reader.get("/api/people/nobody/").status_code == 404
    assert reader.get("/api/people/a%00b/").status_code == 404


def test_teams_are_listed_with_their_open_items(reader, world):
    _, teams = api(reader, "/api/teams/")
    _, docs = api(reader, "/api/teams/docs/")
    _, found = api(reader, "/api/teams/", {"q": "DOC"})

    assert [(t["slug"], t["open_items"]) for t in teams["results"]] == [("core", 2), ("docs", 2)]
    assert docs["name"] == "docs"
    assert [t["slug"] for t in found["results"]] == ["docs"]
    assert reader.get("/api/teams/nope/").status_code == 404


# Changing items: the same checks and the same history as the pages.


def status_change(client, item, status, seen=None, note=None, **headers):
    """Send a status change as a client that read ``item`` (or ``seen``, an older copy)."""
    seen = seen or item
    body = {"status": status, "seen_status": seen.status, "seen_version": seen.status_version}
    if note is not None:
        body["note"] = note
    return post(client, f"/api/items/{item.pk}/status/", body, **headers)


def history(item):
    changes = StatusChange.objects.filter(item=item).order_by("pk")
    return [(c.user.username, c.old, c.new, c.note) for c in changes]


def test_a_status_change_writes_what_the_page_writes(reader, owner, world):
    by_page = Item.objects.get(text="Cut the release")
    by_api = Item.objects.get(text="Review the release notes")
    open_before = Person.objects.get(pk=owner.pk).open_items

    reader.post(
        f"/items/{by_page.pk}/status/",
        {"status": "done", "note": "Shipped", "seen_status": "open", "seen_version": ""},
    )
    response = status_change(reader, by_api, "done", note="Shipped")

    assert response.status_code == 200
    by_api.refresh_from_db()
    assert response.json()["status"] == "done"
    assert response.json()["status_version"] == by_api.status_version != ""
    assert history(by_api) == history(by_page) == [("maria", "open", "done", "Shipped")]
    assert by_api.status_changed == StatusChange.objects.get(item=by_api).created
    assert not Ownership.objects.filter(item__in=[by_page, by_api], open=True).exists()
    assert Person.objects.get(pk=owner.pk).open_items == open_before - 2


def test_a_stale_status_change_is_a_conflict_naming_the_change_and_writes_nothing(
    client, owner, teammate, world
):
    item = Item.objects.get(text="Cut the release")
    seen = Item.objects.get(pk=item.pk)  # what Maria's script read
    client.force_login(teammate.user)
    status_change(client, item, "done", note="Tom did it")
    item.refresh_from_db()
    client.force_login(owner.user)

    response = status_change(client, item, "dropped", seen=seen, note="Not needed")

    assert response.status_code == 409
    when = timezone.localtime(item.status_changed).strftime("%-d %b %Y, %H:%M")
    assert response.json() == {
        "detail": f"TomK changed it to done on {when}. Your change was not saved.",
        "status": "done",
        "status_version": item.status_version,
    }
    item.refresh_from_db()
    assert item.status == Item.Status.DONE
    assert history(item) == [("tom", "open", "done", "Tom did it")]


def test_a_status_change_with_a_wrong_value_names_it_and_writes_nothing(reader, world):
    item = Item.objects.get(text="Cut the release")

    wrong = status_change(reader, item, "finished")
    same = status_change(reader, item, "open")
    long_note = status_change(reader, item, "done", note="x" * 1001)
    missing = post(reader, f"/api/items/{item.pk}/status/", {"status": "done"})

    assert wrong.status_code == same.status_code == long_note.status_code == 400
    assert wrong.json() == {"status": ['"finished" is not a valid choice.']}
    assert same.json() == {"__all__": ["It is already open."]}
    assert long_note.json() == {
        "note": ["Ensure this value has at most 1000 characters (it has 1001)."]
    }
    assert set(missing.json()) == {"seen_status", "seen_version"}
    assert history(item) == []


def test_a_decision_has_no_status_to_change(reader, world):
    decision = Item.objects.get(kind=Item.Kind.DECISION)

    assert status_change(reader, decision, "done").status_code == 404
    assert history(decision) == []


def event_texts(item):
    return list(Event.objects.filter(item=item).values_list("kind", "text", "user__username"))


def test_giving_an_item_to_others_writes_what_the_page_writes(reader, world, owner):
    by_page = Item.objects.get(text="Cut the release")
    by_api = Item.objects.get(text="Drop the old API")

    reader.post(f"/items/{by_page.pk}/owners/", {"owners": "TomK, MariaP"})
    response = post(reader, f"/api/items/{by_api.pk}/owners/", {"owners": ["TomK", "MariaP"]})

    assert response.status_code == 200
    assert response.json()["owners"] == [
        {"name": "TomK", "person": "TomK", "group": False},
        {"name": "MariaP", "person": "MariaP", "group": False},
    ]
    assert (
        event_texts(by_api)
        == event_texts(by_page)
        == [("reassigned", "from MariaP to TomK, MariaP", "maria")]
    )
    assert set(Ownership.objects.filter(item=by_api).values_list("person__handle", flat=True)) == {
        "TomK",
        "MariaP",
    }


def test_only_owners_and_maintainers_give_an_item_away(client, world, outsider):
    item = Item.objects.get(text="Cut the release")
    client.force_login(outsider.user)

    response = post(client, f"/api/items/{item.pk}/owners/", {"owners": ["ZoeQ"]})

    assert response.status_code == 403
    assert list(Owner.objects.filter(item=item).values_list("name", flat=True)) == ["MariaP"]
    client.force_login(make_user("mara", is_staff=True))
    assert post(client, f"/api/items/{item.pk}/owners/", {"owners": ["ZoeQ"]}).status_code == 200
    assert list(Owner.objects.filter(item=item).values_list("name", flat=True)) == ["ZoeQ"]


def test_a_name_that_is_no_one_gives_the_item_to_no_one(reader, world):
    item = Item.objects.get(text="Cut the release")

    unknown = post(reader, f"/api/items/{item.pk}/owners/", {"owners": ["TomK", "Somebody"]})
    empty = post(reader, f"/api/items/{item.pk}/owners/", {"owners": []})
    not_a_list = post(reader, f"/api/items/{item.pk}/owners/", {"owners": "TomK"})

    assert unknown.status_code == empty.status_code == not_a_list.status_code == 400
    assert unknown.json() == {"owners": ["No one in the minutes is written “Somebody”."]}
    assert empty.json() == {"owners": ["This list may not be empty."]}
    assert not_a_list.json() == {"owners": ['Expected a list of items but got type "str".']}
    assert event_texts(item) == []


# Who may read and change, and how they say who they are.


def test_without_an_account_nothing_is_read_or_changed(client, world, settings):
    item = Item.objects.get(text="Cut the release")

    listed = client.get("/api/items/")
    changed = status_change(client, item, "done")

    assert listed.status_code == changed.status_code == 401
    assert listed["WWW-Authenticate"] == "Token"
    assert listed.json() == {"detail": "Authentication credentials were not provided."}
    settings.TRACKER_PUBLIC_READ = True
    assert ids(api(client, "/api/items/")[1]) == html_items(client, "")
    assert status_change(client, item, "done").status_code == 401
    assert post(client, f"/api/items/{item.pk}/owners/", {"owners": ["TomK"]}).status_code == 401
    assert history(item) == [] and event_texts(item) == []


def test_a_browser_session_changes_items_only_with_its_csrf_token(owner, world):
    item = Item.objects.get(text="Cut the release")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)

    refused = status_change(browser, item, "done")
    browser.get(f"/items/{item.pk}/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = status_change(browser, item, "done", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 200
    assert history(item) == [("maria", "open", "done", "")]


def make_token(client, person):
    """Make the person's API token on their page, as they would, and read it there once."""
    client.force_login(person.user)
    response = client.post(f"/people/{person.slug}/api-token/")
    assert response["Location"] == person.get_absolute_url()
    shown = page(client.get(person.get_absolute_url()))
    client.logout()
    return re.search(r'<code class="token">([0-9a-f]{40})</code>', shown).group(1)


def test_a_person_makes_a_token_on_their_page_and_it_is_shown_once(client, owner):
    client.force_login(owner.user)
    before = page(client.get(f"/people/{owner.slug}/"))
    client.post(f"/people/{owner.slug}/api-token/")
    shown = page(client.get(f"/people/{owner.slug}/"))
    again = page(client.get(f"/people/{owner.slug}/"))

    key = Token.objects.get(user=owner.user).key
    assert "New API token (any earlier one stops working)" in before
    assert key not in before
    assert f'<code class="token">{key}</code>' in shown
    assert "Your API token is ready." in shown
    assert key not in again


def test_a_token_acts_as_its_person_and_a_new_one_stops_the_old(client, owner, world):
    item = Item.objects.get(text="Cut the release")
    old = make_token(client, owner)

    listed = client.get("/api/items/", HTTP_AUTHORIZATION=f"Token {old}")
    changed = status_change(client, item, "done", HTTP_AUTHORIZATION=f"Token {old}")
    new = make_token(client, owner)
    refused = client.get("/api/items/", HTTP_AUTHORIZATION=f"Token {old}")

    assert listed.status_code == changed.status_code == 200
    assert item.pk in ids(listed.json())
    assert history(item) == [("maria", "open", "done", "")]
    assert new != old
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    assert client.get("/api/items/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_wrong_token_is_refused_even_where_anyone_may_read(client, world, settings):
    settings.TRACKER_PUBLIC_READ = True

    response = client.get("/api/items/", HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_only_the_person_makes_their_token(client, owner, teammate):
    client.force_login(teammate.user)

    assert client.post(f"/people/{owner.slug}/api-token/").status_code == 403
    assert client.get(f"/people/{owner.slug}/api-token/").status_code == 405
    assert not Token.objects.exists()
    theirs = page(client.get(f"/people/{owner.slug}/"))
    assert "Your API token" not in theirs


def test_the_token_form_is_on_ones_own_page_only(client, owner, teammate, settings):
    settings.TRACKER_PUBLIC_READ = True
    stranger = make_person("NoAccount")

    assert "Your API token" not in page(client.get(f"/people/{stranger.slug}/"))
    client.force_login(teammate.user)
    assert "Your API token" in page(client.get(f"/people/{teammate.slug}/"))
    assert "Your API token" not in page(client.get(f"/people/{owner.slug}/"))


# What a list costs: the same few queries for ten rows or two hundred.


@pytest.fixture(params=[10, 200], ids=["10 rows", "200 rows"])
def many(request, owner, teammate):
    meeting = make_meeting(participants=[owner, teammate])
    make_meeting("2024-01-11", teams=["docs"])
    fill(meeting, request.param, [owner, teammate])
    return request.param


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Session and user, who MariaP is and whether her handle is written unresolved,
        # the items from her kept ownership (counted from it), their owners and teams.
        ("/api/items/?owner=MariaP&status=open&page_size=100", 8),
        # Session and user, the teams' open items (how to read a team's), the team,
        # counting, the rows, their owners and teams.
        ("/api/items/?team=core&page_size=100", 8),
        # Session and user, counting, the meetings with their action items, their teams.
        ("/api/meetings/?page_size=100", 5),
        ("/api/people/?page_size=100", 4),
        ("/api/teams/", 4),
    ],
)
def test_a_list_costs_the_same_few_queries_at_10_and_200_rows(
    reader, many, url, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        response = reader.get(url)

    assert response.status_code == 200
    if url.startswith("/api/items/"):
        assert len(response.json()["results"]) == min(many, 100)

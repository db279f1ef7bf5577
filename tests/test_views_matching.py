"""Following an item across meetings in the browser: its mentions, links, splits and done."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from meetings.importing import import_many
from meetings.models import Candidate, DoneSuggestion, Event, Item, Mention, Verdict
from tests.helpers import make_item, make_meeting, make_person, make_user, page

pytestmark = pytest.mark.django_db

PR = "https://github.com/acme/core/pull/336"
DRIVER_PR = "https://github.com/acme/core/pull/77"


def hold_meeting(date, todos, discussion="TomK: Nothing new.", team="core"):
    """Import the minutes of a meeting of ``team`` on ``date`` with these TODO lines."""
    text = (
        f"---\ndatetime: {date}\nteams: [{team}]\nparticipants: [MariaP, TomK]\n---\n\n"
        f"## Discussions\n\n{discussion}\n\n"
        "## TODOs and Decisions\n\n" + "\n".join(f"* {todo}" for todo in todos) + "\n"
    )
    [result] = import_many([(f"{team}/{date}.md", text.encode())]).results
    assert result.meeting, result.error
    return result.meeting


def days_ago(days):
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def section(html, css_class):
    """The part of a page inside the first element of ``css_class``, up to its section's end."""
    start = html.index(f'class="{css_class}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def linked(owner, teammate):
    """Maria's pull request, raised four weeks ago and again two weeks ago in other words."""
    hold_meeting(days_ago(28), [f"MariaP: Status update: {PR}"])
    hold_meeting(days_ago(21), ["TomK: Arrange meetings"])
    hold_meeting(days_ago(14), [f"MariaP: Update on {PR}"])
    return Item.objects.get(text=f"Update on {PR}")


@pytest.fixture
def candidate(owner, teammate):
    """A later line of Tom's that is only possibly the same as Maria's earlier one."""
    hold_meeting("2024-01-10", [f"MariaP: Review the Hyper-V driver: {DRIVER_PR}"])
    hold_meeting("2024-01-17", [f"TomK: Review the Hyper-V driver again: {DRIVER_PR}"])
    return Candidate.objects.get()


@pytest.fixture
def suggestion(owner, teammate):
    """A later meeting says that Maria's pull request is merged."""
    hold_meeting("2024-01-10", [f"MariaP: Update on {PR}"])
    hold_meeting("2024-01-17", ["TomK: Arrange meetings"], discussion=f"MariaP: {PR} is merged.")
    return DoneSuggestion.objects.get()


@pytest.fixture
def staff(db):
    return make_user("root", is_staff=True)


def split(client, item, mention, **headers):
    return client.post(f"/items/{item.pk}/mentions/{mention.pk}/split/", **headers)


def decide(client, candidate, verdict, on=None, follow=False, htmx=False, **data):
    item = on or candidate.earlier
    url = f"/items/{item.pk}/candidates/{candidate.pk}/"
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, {"verdict": verdict, **data}, follow=follow, **headers)


def decide_done(client, suggestion, verdict, follow=False, htmx=False, **data):
    url = f"/items/{suggestion.item_id}/suggestions/{suggestion.pk}/"
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, {"verdict": verdict, **data}, follow=follow, **headers)


# The item page


def test_the_item_page_says_how_often_since_when_and_how_long_it_is_open(client, owner, linked):
    client.force_login(owner.user)

    html = page(client.get(f"/items/{linked.pk}/"))

    first, last = dt.date.today() - dt.timedelta(28), dt.date.today() - dt.timedelta(14)
    span = f"{first:%-d %b}" if first.year == last.year else f"{first:%-d %b %Y}"
    assert f"Raised in 2 meetings ({span} \N{EN DASH} {last:%-d %b %Y}), open for 28 days." in html


def test_the_item_page_shows_every_mention_as_written_and_why_it_was_linked(client, owner, linked):
    client.force_login(owner.user)

    html = section(page(client.get(f"/items/{linked.pk}/")), "mentions")

    first, later = linked.mentions.order_by("meeting__date")
    assert f'href="/meetings/{first.meeting_id}/#L{first.line}"' in html
    assert f'href="/meetings/{later.meeting_id}/#L{later.line}"' in html
    assert "Status update:" in html
    assert "Update on" in html
    assert "raised here" in html
    assert f"same link {PR}" in html
    assert f"score {later.score:.0f}" in html


def test_a_closed_item_counts_its_days_until_it_was_closed(client, owner):
    item = make_item("Arrange meetings", make_meeting(days_ago(30)), owners=[owner])
    item.set_status(owner.user, Item.Status.DONE)
    Item.objects.filter(pk=item.pk).update(
        status_changed=item.status_changed - dt.timedelta(days=20)
    )
    client.force_login(owner.user)

    assert "was open for 10 days." in page(client.get(f"/items/{item.pk}/"))


# Splitting a wrong link off


def test_the_owner_splits_a_wrong_link_off_and_the_history_says_who(client, owner, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(owner.user)

    response = split(client, linked, later)

    assert response.status_code == 302
    assert response["Location"] == f"/items/{linked.pk}/"
    linked.refresh_from_db()
    later.refresh_from_db()
    assert linked.mention_count == 1
    assert later.item != linked
    assert later.item.text == f"Update on {PR}"
    assert later.item.mention_count == 1
    assert linked.events.get(kind=Event.Kind.SPLIT).user == owner.user
    html = page(client.get(response["Location"]))
    assert f"Split off the mention of {dt.date.fromisoformat(days_ago(14)):%-d %b %Y}" in html
    history = section(html, "history")
    assert f"as #{later.item_id}" in history
    assert "by <strong>MariaP</strong>" in history


def test_splitting_through_htmx_gives_back_the_item_without_the_mention(client, owner, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(owner.user)

    response = split(client, linked, later, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="item-detail")

    html = page(response)
    assert html.lstrip().startswith('<article id="item-detail"')
    assert f'data-mention="{later.pk}"' not in html
    assert "Raised in 1 meeting (" in html
    assert f'name="next" value="/items/{linked.pk}/"' in html


def test_the_only_mention_has_no_split_button_and_cannot_be_split_off(client, owner, linked):
    first = linked.mentions.get(meeting__date=days_ago(28))
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(owner.user)
    assert page(client.get(f"/items/{linked.pk}/")).count(">Split off</button>") == 2
    split(client, linked, later)

    assert ">Split off</button>" not in page(client.get(f"/items/{linked.pk}/"))
    response = split(client, linked, first)

    assert response.status_code == 400
    assert Mention.objects.get(pk=first.pk).item_id == linked.pk


def test_an_outsider_sees_no_split_button_and_may_not_split(client, outsider, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(outsider.user)

    assert "Split off" not in page(client.get(f"/items/{linked.pk}/"))
    assert split(client, linked, later).status_code == 403
    assert Item.objects.get(pk=linked.pk).mention_count == 2


def test_a_teammate_may_not_split_an_item_that_is_not_theirs(client, teammate, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(teammate.user)

    assert split(client, linked, later).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_to_split(client, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))

    response = split(client, linked, later)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/items/")
    assert Item.objects.get(pk=linked.pk).mention_count == 2


def test_splitting_needs_the_csrf_token_of_the_page(owner, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)

    assert split(browser, linked, later).status_code == 403
    assert Item.objects.get(pk=linked.pk).mention_count == 2


def test_splitting_only_posts(client, owner, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(owner.user)

    assert client.get(f"/items/{linked.pk}/mentions/{later.pk}/split/").status_code == 405
    later.refresh_from_db()
    assert later.item_id == linked.pk
    assert Item.objects.get(pk=linked.pk).mention_count == 2


def test_a_mention_of_another_item_is_not_found(client, owner, linked):
    other = make_item("Post on social media", linked.meeting, owners=[owner])
    client.force_login(owner.user)

    mention = linked.mentions.first()

    assert split(client, other, mention).status_code == 404
    mention.refresh_from_db()
    assert mention.item_id == linked.pk
    assert other.mentions.count() == 1


def test_a_maintainer_may_split_any_item(client, staff, linked):
    later = linked.mentions.get(meeting__date=days_ago(14))
    client.force_login(staff)

    assert split(client, linked, later).status_code == 302
    assert Item.objects.get(pk=linked.pk).mention_count == 1


def test_everyone_at_the_meeting_decides_about_an_item_everyone_owns(client, teammate, outsider):
    hold_meeting("2024-01-10", ["Everyone: Work on PRs for the 0.7 release"])
    hold_meeting("2024-01-17", ["Everyone: Work on PRs for the 0.7 release"])
    item = Item.objects.get()
    later = item.mentions.get(meeting__date="2024-01-17")

    client.force_login(outsider.user)
    assert split(client, item, later).status_code == 403
    client.force_login(teammate.user)
    assert split(client, item, later).status_code == 302


# Possibly the same


def test_both_items_show_that_they_are_possibly_the_same(client, owner, candidate):
    client.force_login(owner.user)

    earlier = section(page(client.get(f"/items/{candidate.earlier_id}/")), "candidates")
    later = section(page(client.get(f"/items/{candidate.later_id}/")), "candidates")

    assert "Review the Hyper-V driver again" in earlier
    assert "later, raised" in earlier
    assert "Review the Hyper-V driver:" in later
    assert "earlier, raised" in later
    for html in (earlier, later):
        assert candidate.reason in html
        assert f"score {candidate.score:.0f}" in html
    # Maria owns the earlier item: she decides there; Tom's page is Tom's to decide.
    assert ">Same item</button>" in earlier
    assert ">Not the same</button>" in earlier


def test_same_item_links_the_later_one_into_the_earlier_and_says_who(client, owner, candidate):
    earlier, later = candidate.earlier, candidate.later
    client.force_login(owner.user)

    response = decide(client, candidate, "accept")

    assert response["Location"] == f"/items/{earlier.pk}/"
    assert not Item.objects.filter(pk=later.pk).exists()
    earlier.refresh_from_db()
    assert earlier.mention_count == 2
    assert earlier.events.get(kind=Event.Kind.LINKED).user == owner.user
    html = page(client.get(response["Location"]))
    assert f"Linked #{later.pk} into #{earlier.pk}: one item now." in html
    assert "linked by maria" in section(html, "mentions")
    assert "Possibly the same as" not in html


def test_same_item_from_the_later_items_page_goes_to_the_item_it_joined(client, owner, candidate):
    client.force_login(owner.user)

    response = client.post(
        f"/items/{candidate.later_id}/candidates/{candidate.pk}/",
        {"verdict": "accept"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="item-detail",
    )

    html = page(response)
    assert f'data-item="{candidate.earlier_id}"' in html
    assert response["HX-Replace-Url"] == f"/items/{candidate.earlier_id}/"


def test_not_the_same_keeps_both_items_and_records_who_said_so(client, owner, candidate):
    client.force_login(owner.user)

    response = decide(client, candidate, "dismiss", on=candidate.later)

    assert response["Location"] == f"/items/{candidate.later_id}/"
    candidate.refresh_from_db()
    assert candidate.state == Verdict.DISMISSED
    assert candidate.decided_by == owner.user
    assert Item.objects.actions().count() == 2
    html = page(client.get(f"/items/{candidate.earlier_id}/"))
    assert "Possibly the same as" not in html
    assert "by <strong>MariaP</strong>" in section(html, "history")


def test_an_outsider_sees_no_buttons_and_may_not_decide_about_a_candidate(
    client, outsider, candidate
):
    client.force_login(outsider.user)

    html = page(client.get(f"/items/{candidate.earlier_id}/"))

    assert "Review the Hyper-V driver again" in html
    assert "Same item" not in html
    assert decide(client, candidate, "accept").status_code == 403
    assert decide(client, candidate, "dismiss").status_code == 403
    candidate.refresh_from_db()
    assert candidate.state == Verdict.PENDING


def test_anonymous_visitors_are_sent_to_log_in_to_decide(client, candidate):
    response = decide(client, candidate, "accept")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Candidate.objects.get().state == Verdict.PENDING


def test_deciding_about_a_candidate_only_posts_and_needs_a_verdict(client, owner, candidate):
    client.force_login(owner.user)

    assert (
        client.get(f"/items/{candidate.earlier_id}/candidates/{candidate.pk}/").status_code == 405
    )
    refused = decide(client, candidate, "maybe", follow=True)
    assert "Nothing was changed: Select a valid choice. maybe is not one" in page(refused)
    assert refused.redirect_chain == [(f"/items/{candidate.earlier_id}/", 302)]
    assert decide(client, candidate, "maybe", htmx=True).status_code == 400
    assert Candidate.objects.get().state == Verdict.PENDING


def test_a_decided_candidate_or_one_of_another_item_is_not_found(client, owner, candidate):
    client.force_login(owner.user)
    unrelated = make_item("Something else")

    assert decide(client, candidate, "accept", on=unrelated).status_code == 404
    decide(client, candidate, "dismiss")
    assert decide(client, candidate, "accept").status_code == 404


# The maintainers' review list


@pytest.fixture
def two_candidates(owner, teammate):
    january = make_meeting("2024-01-10", participants=[owner, teammate])
    february = make_meeting("2024-02-07", participants=[owner, teammate])
    hyper_v = make_item("Continue work on Hyper-V", january, owners=[owner])
    driver = make_item("Port the Hyper-V network driver", february, owners=[owner])
    docs = make_item("Write the docs", january, owners=[teammate])
    more_docs = make_item("Write the docs for the release", february, owners=["TK"])
    return [
        Candidate.objects.create(earlier=docs, later=more_docs, score=70, reason="same words"),
        Candidate.objects.create(earlier=hyper_v, later=driver, score=80, reason="same owners"),
    ]


def test_only_maintainers_open_the_review_list(client, owner, staff):
    assert client.get("/review/")["Location"].startswith("/accounts/login/?next=/review/")
    client.force_login(owner.user)
    assert client.get("/review/").status_code == 403
    assert client.get("/review/done/").status_code == 403
    client.force_login(staff)
    assert client.get("/review/").status_code == 200
    assert client.get("/review/done/").status_code == 200
    assert client.post("/review/").status_code == 405


def test_only_maintainers_see_the_review_list_in_the_navigation(client, owner, staff):
    client.force_login(owner.user)
    assert 'href="/review/"' not in page(client.get("/items/"))
    client.force_login(staff)
    assert 'href="/review/">Review</a>' in page(client.get("/items/"))


def test_the_review_list_shows_both_items_of_each_candidate_most_likely_first(
    client, staff, two_candidates
):
    docs, hyper_v = two_candidates
    client.force_login(staff)

    html = page(client.get("/review/"))

    assert html.index(f'data-candidate="{hyper_v.pk}"') < html.index(f'data-candidate="{docs.pk}"')
    row = html[html.index(f'data-candidate="{hyper_v.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Continue work on Hyper-V" in row
    assert "Port the Hyper-V network driver" in row
    assert '<a class="owner" href="/people/mariap/">MariaP</a>' in row
    assert "10 Jan 2024" in row
    assert "7 Feb 2024" in row
    assert "same owners" in row
    assert "score 80" in row
    assert f'action="/items/{hyper_v.earlier_id}/candidates/{hyper_v.pk}/"' in row
    assert ">Same item</button>" in row
    assert ">Not the same</button>" in row


def test_a_maintainer_links_from_the_review_list_and_htmx_swaps_the_row_away(
    client, staff, two_candidates
):
    docs, hyper_v = two_candidates
    client.force_login(staff)

    response = client.post(
        f"/items/{hyper_v.earlier_id}/candidates/{hyper_v.pk}/",
        {"verdict": "accept", "next": "/review/"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"candidate-{hyper_v.pk}",
    )

    assert page(response) == ""
    assert "review-changed" in response["HX-Trigger"]
    assert not Item.objects.filter(pk=hyper_v.later_id).exists()
    assert Item.objects.get(pk=hyper_v.earlier_id).events.get().user == staff
    assert list(Candidate.objects.all()) == [docs]


def test_a_plain_post_from_the_review_list_goes_back_to_it(client, staff, two_candidates):
    docs, _ = two_candidates
    client.force_login(staff)

    response = decide(client, docs, "dismiss", next="/review/?page=1")

    assert response["Location"] == "/review/?page=1"
    html = page(client.get(response["Location"]))
    assert f"Kept #{docs.later_id} apart from #{docs.earlier_id}." in html
    assert f'data-candidate="{docs.pk}"' not in html
    assert Candidate.objects.get(pk=docs.pk).state == Verdict.DISMISSED


def test_the_review_list_never_sends_a_maintainer_off_the_site(client, staff, two_candidates):
    docs, _ = two_candidates
    client.force_login(staff)

    response = decide(client, docs, "dismiss", next="https://evil.example/")

    assert response["Location"] == f"/items/{docs.earlier_id}/"


# Done in a later meeting


def test_the_item_page_asks_whether_a_later_meeting_saw_it_done(client, owner, suggestion):
    client.force_login(owner.user)

    html = section(page(client.get(f"/items/{suggestion.item_id}/")), "suggestions")

    assert (
        f'Done in the <a href="/meetings/{suggestion.meeting_id}/#L{suggestion.line}">'
        "meeting of 17 Jan 2024</a>?"
    ) in html
    assert "is merged." in html
    assert ">Confirm: done</button>" in html
    assert ">Dismiss</button>" in html


def test_the_owner_confirms_it_done_and_the_history_says_who(client, owner, suggestion):
    client.force_login(owner.user)

    response = decide_done(client, suggestion, "accept")

    item = Item.objects.get(pk=suggestion.item_id)
    assert item.status == Item.Status.DONE
    assert item.status_changes.get().user == owner.user
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.decided_by) == (Verdict.ACCEPTED, owner.user)
    html = page(client.get(response["Location"]))
    assert "<strong>MariaP</strong> changed it from open to" in section(html, "history")
    assert "Done in the meeting of 2024-01-17" in html
    assert "Done already?" not in html


def test_dismissing_a_done_suggestion_leaves_the_item_open(client, owner, suggestion):
    client.force_login(owner.user)

    response = decide_done(client, suggestion, "dismiss")

    assert response.status_code == 302
    assert Item.objects.get(pk=suggestion.item_id).status == Item.Status.OPEN
    assert DoneSuggestion.objects.get().state == Verdict.DISMISSED
    assert "Done already?" not in page(client.get(response["Location"]))


def test_confirming_through_htmx_gives_back_the_item_done(client, owner, suggestion):
    client.force_login(owner.user)

    response = client.post(
        f"/items/{suggestion.item_id}/suggestions/{suggestion.pk}/",
        {"verdict": "accept"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="item-detail",
    )

    html = page(response)
    assert '<span class="badge badge-done">Done</span>' in html
    assert "was open for" in html


def test_an_outsider_may_not_confirm_and_sees_no_buttons(client, outsider, suggestion):
    client.force_login(outsider.user)

    html = page(client.get(f"/items/{suggestion.item_id}/"))

    assert "Done already?" in html
    assert "Confirm: done" not in html
    assert decide_done(client, suggestion, "accept").status_code == 403
    assert Item.objects.get(pk=suggestion.item_id).status == Item.Status.OPEN


def test_confirming_needs_a_verdict_and_a_pending_suggestion(client, owner, suggestion):
    client.force_login(owner.user)

    refused = decide_done(client, suggestion, "", follow=True)
    assert "Nothing was changed: This field is required." in page(refused)
    assert decide_done(client, suggestion, "", htmx=True).status_code == 400
    decide_done(client, suggestion, "dismiss")
    assert decide_done(client, suggestion, "accept").status_code == 404


def test_a_maintainer_confirms_from_the_review_list(client, staff, suggestion):
    client.force_login(staff)

    html = page(client.get("/review/done/"))
    response = client.post(
        f"/items/{suggestion.item_id}/suggestions/{suggestion.pk}/",
        {"verdict": "accept"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"suggestion-{suggestion.pk}",
    )

    assert f'data-suggestion="{suggestion.pk}"' in html
    assert "is merged." in html
    assert page(response) == ""
    assert Item.objects.get(pk=suggestion.item_id).status == Item.Status.DONE
    assert "Nothing to decide" in page(client.get("/review/done/"))


# The meeting page: what earlier meetings left open


def test_the_meeting_page_lists_open_items_of_earlier_meetings_it_left_unsaid(
    client, owner, team_reading
):
    client.force_login(owner.user)
    january = make_meeting("2024-01-10")
    february = make_meeting("2024-02-07")
    said = make_item("Arrange meetings", january)
    Mention.objects.create(item=said, meeting=february, text=said.text, line=3, position=0)
    make_item("Fix the CI", january)
    make_item("Ship 0.7", january, status=Item.Status.DONE)
    make_item("Older one", make_meeting("2023-12-06"))
    make_item("Docs work", make_meeting("2024-01-11", teams=["docs"]))
    make_item("Raised in February", february, line=4)
    make_item("Raised later", make_meeting("2024-03-06"))

    html = section(page(client.get(f"/meetings/{february.pk}/")), "carried-over")

    assert "Carried over" in html
    assert html.index("Older one") < html.index("Fix the CI")
    for absent in [
        "Arrange meetings",
        "Ship 0.7",
        "Docs work",
        "Raised in February",
        "Raised later",
    ]:
        assert absent not in html
    assert "open since" in html


def test_a_first_meeting_carries_nothing_over(client, owner):
    client.force_login(owner.user)
    meeting = make_meeting("2024-01-10")
    make_item("Arrange meetings", meeting)

    html = section(page(client.get(f"/meetings/{meeting.pk}/")), "carried-over")

    assert "Nothing carried over" in html


# The items list: age and number of meetings


@pytest.fixture
def ages(owner):
    old = make_item("Old and often", make_meeting(days_ago(60)), mention_count=5)
    middle = make_item("Middle, twice", make_meeting(days_ago(30)), mention_count=2)
    new = make_item("New, once", make_meeting(days_ago(3)))
    return old, middle, new


def listed(client, **query):
    html = page(client.get("/items/", query))
    return [text for text in ["Old and often", "Middle, twice", "New, once"] if text in html], html


def order(html, *texts):
    return sorted(texts, key=html.index)


def test_the_items_list_sorts_by_age_and_by_number_of_meetings(client, owner, ages):
    client.force_login(owner.user)
    texts = ["New, once", "Old and often", "Middle, twice"]

    _, oldest = listed(client, sort="raised")
    _, newest = listed(client, sort="-raised")
    _, most = listed(client, sort="-mentions")

    assert order(oldest, *texts) == ["Old and often", "Middle, twice", "New, once"]
    assert order(newest, *texts) == ["New, once", "Middle, twice", "Old and often"]
    assert order(most, *texts) == ["Old and often", "Middle, twice", "New, once"]


def test_the_items_list_filters_by_age(client, owner, ages):
    client.force_login(owner.user)

    assert listed(client, older_than=30)[0] == ["Old and often"]
    assert listed(client, older_than=29)[0] == ["Old and often", "Middle, twice"]
    assert listed(client, older_than=0)[0] == ["Old and often", "Middle, twice", "New, once"]


def test_the_items_list_filters_by_number_of_meetings(client, owner, ages):
    client.force_login(owner.user)

    assert listed(client, mentions_min=2)[0] == ["Old and often", "Middle, twice"]
    assert listed(client, mentions_min=3, older_than=10)[0] == ["Old and often"]


def test_a_bad_age_or_number_of_meetings_is_an_error_not_every_item(client, owner, ages):
    client.force_login(owner.user)

    for query in [{"older_than": "a month"}, {"older_than": "-1"}, {"mentions_min": "0"}]:
        found, html = listed(client, **query)
        assert found == [], query
        assert "These filters cannot be used" in html


def test_the_csv_export_follows_the_new_filters_with_the_same_columns(client, owner, ages):
    client.force_login(owner.user)

    response = client.get("/items/", {"mentions_min": 2, "format": "csv"})
    rows = b"".join(response.streaming_content).decode().splitlines()

    assert rows[0] == (
        "id,meeting_date,teams,owners,owners_as_written,text,status,first_raised,mentions,url"
    )
    assert [row.split(",")[5] for row in rows[1:]] == ['"Middle', "Old and often"]


# Hostile minutes


def test_what_matching_shows_from_the_minutes_is_inert(client, staff):
    hostile = "<script>alert('x')</script>"
    item = make_item(f"Continue work on Hyper-V {hostile}", make_meeting("2024-01-10"))
    other = make_item(f"Port the driver {hostile}", make_meeting("2024-01-17"), owners=[hostile])
    Candidate.objects.create(earlier=item, later=other, score=70, reason=hostile)
    client.force_login(staff)

    for url in ["/review/", f"/items/{item.pk}/"]:
        html = page(client.get(url))
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


# Queries: the same few whatever the size


def mentioned_in(item, meetings):
    Mention.objects.bulk_create(
        Mention(item=item, meeting=m, text=f"{item.text} again", line=5, position=0, score=90)
        for m in meetings
    )
    Item.objects.filter(pk=item.pk).refresh_from_mentions()


@pytest.mark.parametrize("size", [3, 60])
def test_the_item_page_costs_the_same_with_few_or_many_mentions(
    client, owner, teammate, size, django_assert_max_num_queries
):
    meetings = [make_meeting(days_ago(7 * n), participants=[owner]) for n in range(size, 0, -1)]
    item = make_item("Arrange meetings", meetings[0], owners=[owner])
    mentioned_in(item, meetings[1:])
    for n, meeting in enumerate(meetings[1:]):
        other = make_item(f"Look-alike {n}", meeting, owners=[owner, teammate])
        Candidate.objects.create(earlier=item, later=other, score=70, reason="same owners")
        DoneSuggestion.objects.create(item=item, meeting=meeting, text="Done.", line=n + 1)
        Event.objects.create(item=item, kind=Event.Kind.OWNERS, text="Owners changed.")
    item.set_status(owner.user, Item.Status.IN_PROGRESS)
    client.force_login(owner.user)

    # One of them the item's comments.
    with django_assert_max_num_queries(15):
        html = page(client.get(f"/items/{item.pk}/"))

    assert html.count("data-mention=") == size
    assert html.count('class="candidate"') == size - 1
    assert html.count("data-suggestion=") == size - 1


@pytest.mark.parametrize("size", [2, 40])
def test_the_review_lists_cost_the_same_with_few_or_many_rows(
    client, staff, owner, teammate, settings, size, django_assert_max_num_queries
):
    settings.TRACKER_PAGE_SIZE = 50
    meeting = make_meeting("2024-01-10", participants=[owner, teammate])
    later = make_meeting("2024-01-17", participants=[owner, teammate])
    for n in range(size):
        item = make_item(f"Task {n}", meeting, owners=[owner, teammate])
        other = make_item(f"Task {n} again", later, owners=[owner, "TK"])
        Candidate.objects.create(earlier=item, later=other, score=70 + n % 20, reason="same owners")
        DoneSuggestion.objects.create(item=item, meeting=later, text=f"Task {n} done.", line=n)
    client.force_login(staff)

    with django_assert_max_num_queries(7):
        candidates = page(client.get("/review/"))
    with django_assert_max_num_queries(6):
        done = page(client.get("/review/done/"))

    assert candidates.count("data-candidate=") == size
    assert done.count("data-suggestion=") == size


@pytest.mark.parametrize("size", [3, 80, 130])
def test_the_meeting_page_costs_the_same_with_few_or_many_items_carried_over(
    client, owner, teammate, size, django_assert_max_num_queries
):
    january = make_meeting("2024-01-10", participants=[owner], teams=["core", "docs"])
    february = make_meeting("2024-02-07", participants=[owner, teammate], teams=["core", "docs"])
    for n in range(size):
        make_item(f"Carried {n}", january, owners=[owner, "TK"])
    make_item("Said", february, owners=[teammate])
    client.force_login(owner.user)

    # One of them once in five minutes: the teams' open items (Team.hold_many_open_items).
    with django_assert_max_num_queries(15):
        html = page(client.get(f"/meetings/{february.pk}/"))

    carried = section(html, "carried-over")
    assert carried.count('class="item"') == min(size, 25)
    # Counted up to a hundred: past that, the page says so and links to them all.
    shown = f"{size}" if size <= 100 else "more than 100"
    assert f'Carried over <span class="count">({shown})</span>' in carried
    assert (f"The oldest 25 of {shown}" in carried) == (size > 25)


def test_a_person_without_an_account_owns_items_but_decides_nothing(client, linked):
    make_person("Nobody")
    client.force_login(make_user("nobody"))

    later = linked.mentions.get(meeting__date=days_ago(14))
    assert split(client, linked, later).status_code == 403


# Where each item was raised: /items/mentions.csv


def mention_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_mentions_export_has_one_row_per_line_that_raised_an_item(client, owner, linked):
    client.force_login(owner.user)

    rows = mention_rows(client.get("/items/mentions.csv"))

    assert rows[0] == [
        "item_id",
        "meeting_date",
        "source",
        "line",
        "owners_as_written",
        "text",
        "link_reason",
        "score",
    ]
    later = linked.mentions.get(meeting__date=days_ago(14))
    assert rows[1:] == [
        [str(linked.pk), days_ago(28), f"core/{days_ago(28)}.md", "13", "MariaP",
         f"Status update: {PR}", "", ""],
        [str(linked.pk), days_ago(14), f"core/{days_ago(14)}.md", "13", "MariaP",
         f"Update on {PR}", later.reason, f"{later.score:.0f}"],
        [str(Item.objects.get(text="Arrange meetings").pk), days_ago(21),
         f"core/{days_ago(21)}.md", "13", "TomK", "Arrange meetings", "", ""],
    ]  # fmt: skip
    assert later.reason.startswith(f"same link {PR}")


def test_the_mentions_export_follows_the_items_filters(client, owner, linked):
    client.force_login(owner.user)

    listed = page(client.get("/items/", {"owner": "TomK"}))
    rows = mention_rows(client.get("/items/mentions.csv", {"owner": "TomK"}))

    assert 'href="/items/mentions.csv?owner=TomK"' in listed
    assert [row[5] for row in rows[1:]] == ["Arrange meetings"]


def test_the_mentions_export_neutralises_cells_a_spreadsheet_would_run(client, owner):
    hold_meeting("2024-01-10", ["MariaP: =HYPERLINK(evil)"])
    client.force_login(owner.user)

    rows = mention_rows(client.get("/items/mentions.csv"))

    assert rows[1][5] == "'=HYPERLINK(evil)"


def test_the_mentions_export_with_a_bad_filter_says_what_is_wrong(client, owner):
    client.force_login(owner.user)

    response = client.get("/items/mentions.csv", {"status": "finished"})

    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_the_mentions_export_is_for_readers_and_only_reads(client, owner):
    assert client.get("/items/mentions.csv")["Location"].startswith("/accounts/login/")
    client.force_login(owner.user)
    assert client.post("/items/mentions.csv").status_code == 405


# Deciding several candidates at once


def bulk(client, candidates, verdict, follow=False, htmx=False, **data):
    return client.post(
        "/review/candidates/",
        {"candidate": [c.pk for c in candidates], "verdict": verdict, **data},
        follow=follow,
        **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
    )


def test_the_review_list_ranks_pairs_by_evidence_and_says_why(client, staff, two_candidates):
    docs, hyper_v = two_candidates
    client.force_login(staff)

    html = page(client.get("/review/"))

    assert html.index(f'data-candidate="{hyper_v.pk}"') < html.index(f'data-candidate="{docs.pk}"')
    assert "same owners" in html and "same words" in html
    assert f'name="candidate" value="{docs.pk}" form="bulk-candidates"' in html


def test_a_maintainer_links_several_ticked_pairs_at_once(client, staff, two_candidates):
    docs, hyper_v = two_candidates
    client.force_login(staff)

    response = bulk(client, two_candidates, "accept", next="/review/")

    assert response["Location"] == "/review/"
    assert not Candidate.objects.exists()
    assert not Item.objects.filter(pk__in=[docs.later_id, hyper_v.later_id]).exists()
    assert Item.objects.get(pk=hyper_v.earlier_id).mention_count == 2
    assert "Linked: 2 pairs." in page(client.get("/review/"))


def test_a_maintainer_keeps_several_ticked_pairs_apart_at_once(client, staff, two_candidates):
    client.force_login(staff)

    bulk(client, two_candidates, "dismiss")

    assert set(Candidate.objects.values_list("state", flat=True)) == {Verdict.DISMISSED}
    assert Item.objects.count() == 4


def test_ticking_two_pairs_with_one_later_item_makes_one_item_of_three(client, staff, owner):
    january = make_meeting("2024-01-10", participants=[owner])
    february = make_meeting("2024-02-07", participants=[owner])
    march = make_meeting("2024-03-06", participants=[owner])
    first = make_item("Continue work on Hyper-V", january, owners=[owner])
    second = make_item("Port the Hyper-V driver", february, owners=[owner])
    later = make_item("Port the Hyper-V network driver", march, owners=[owner])
    one = Candidate.objects.create(earlier=first, later=later, score=80, reason="?")
    two = Candidate.objects.create(earlier=second, later=later, score=70, reason="?")
    client.force_login(staff)

    bulk(client, [one, two], "accept")

    [item] = Item.objects.all()
    assert item.pk == first.pk
    assert item.mention_count == 3
    assert item.events.filter(kind=Event.Kind.LINKED).count() == 2


def test_only_maintainers_decide_in_bulk(client, owner, two_candidates):
    assert bulk(client, two_candidates, "accept")["Location"].startswith("/accounts/login/")
    client.force_login(owner.user)
    assert bulk(client, two_candidates, "accept").status_code == 403
    assert Candidate.objects.filter(state=Verdict.PENDING).count() == 2


def test_deciding_in_bulk_needs_ticks_and_a_verdict(client, staff, two_candidates):
    client.force_login(staff)

    assert bulk(client, [], "accept", htmx=True).status_code == 400
    assert bulk(client, two_candidates, "maybe", htmx=True).status_code == 400
    refused = bulk(client, two_candidates, "maybe", follow=True)
    assert "Nothing was changed: Select a valid choice." in page(refused)
    assert client.get("/review/candidates/").status_code == 405
    assert Candidate.objects.filter(state=Verdict.PENDING).count() == 2

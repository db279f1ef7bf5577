"""Following each action item across later meetings."""

import pytest
from django.contrib.auth import get_user_model

from meetings.importing import Outcome
from meetings.matching import accept, split
from meetings.matching.evidence import Task, Weights, Who, judge
from meetings.models import Candidate, DoneSuggestion, Event, Item, Mention, Verdict

pytestmark = pytest.mark.django_db

PR = "https://github.com/unikraft/unikraft/pull/336"


def meeting(date, todos, discussion="", team="community"):
    """Minutes of one meeting of ``team`` with these TODO lines."""
    lines = "\n".join(f"* {todo}" for todo in todos)
    return (
        f"---\ndatetime: {date}\nteams: [{team}]\n"
        "participants: [RăzvanV, RăzvanD, AlexJ, SergiuM]\n---\n\n"
        f"## Discussions\n\n{discussion or 'RD: Nothing new.'}\n\n"
        f"## TODOs and Decisions\n\n{lines}\n"
    ).encode()


def import_meeting(date, todos, **kwargs):
    from meetings.importing import import_many

    source = f"{kwargs.get('team', 'community')}/{date}.md"
    [result] = import_many([(source, meeting(date, todos, **kwargs))]).results
    assert result.outcome in (Outcome.IMPORTED, Outcome.UPDATED), result.error
    return result


@pytest.fixture
def member():
    return get_user_model().objects.create_user("member")


def test_the_same_pull_request_in_other_words_is_a_mention_of_the_open_item():
    import_meeting("2022-01-05", [f"RV: Status update: {PR}"])
    import_meeting("2022-01-12", ["RD: Arrange meetings"])
    import_meeting("2022-01-19", [f"RV: Update on {PR}"])

    item = Item.objects.get(text=f"Update on {PR}")
    assert item.mention_count == 2
    assert str(item.raised) == "2022-01-05"
    assert str(item.last_raised) == "2022-01-19"
    later = item.mentions.get(meeting__date="2022-01-19")
    assert later.text == f"Update on {PR}"
    assert later.reason.startswith(f"same link {PR}")
    assert later.score >= 85
    assert Item.objects.actions().count() == 2


def test_the_same_owners_with_nearly_the_same_text_is_the_same_item():
    import_meeting("2022-01-05", ["Everyone: Work on PRs for the 0.7 release"])
    import_meeting("2022-01-12", ["Everyone: Work on PRs for the 0.7 release"])
    import_meeting("2022-01-19", ["everyone: Work on the PRs for the 0.7 release."])

    [item] = Item.objects.actions()
    assert item.mention_count == 3
    assert [str(m.meeting.date) for m in item.mentions.order_by("meeting__date")] == [
        "2022-01-05",
        "2022-01-12",
        "2022-01-19",
    ]


def test_a_line_of_another_owner_without_a_shared_link_is_another_item():
    import_meeting("2022-01-05", ["RD: Arrange meetings with the GSoC mentors"])
    import_meeting("2022-01-12", ["AJ: Arrange meetings with the GSoC mentors"])

    assert Item.objects.actions().count() == 2


def test_review_of_one_pull_request_is_not_review_of_another():
    import_meeting("2022-01-05", ["RD: Review https://github.com/unikraft/unikraft/pull/1105"])
    import_meeting("2022-01-12", ["RD: Review https://github.com/unikraft/unikraft/pull/1152"])

    assert Item.objects.actions().count() == 2


def test_an_item_of_another_team_is_not_carried_over():
    import_meeting("2022-01-05", [f"RV: Update on {PR}"], team="community")
    import_meeting("2022-01-12", [f"RV: Update on {PR}"], team="app-compat")

    assert Item.objects.actions().count() == 2


def test_a_done_item_raised_again_is_a_new_item(member):
    import_meeting("2022-01-05", [f"RV: Update on {PR}"])
    Item.objects.get().set_status(member, Item.Status.DONE)
    import_meeting("2022-01-12", [f"RV: Update on {PR}"])

    assert Item.objects.actions().count() == 2
    assert Item.objects.open().count() == 1


def test_a_changed_owner_updates_the_item_and_its_history():
    import_meeting("2022-01-05", [f"SM: Write a benchmark for the allocator ({PR})."])
    import_meeting("2022-01-12", [f"SM/AJ: Write a benchmark for the allocator ({PR})."])

    [item] = Item.objects.actions()
    assert [o.name for o in item.owners.all()] == ["SM", "AJ"]
    [event] = item.events.all()
    assert event.kind == Event.Kind.OWNERS
    assert event.text == "Owners changed from SM to SM, AJ by the minutes of 2022-01-12."
    assert event.user is None


def test_a_weaker_match_is_a_candidate_not_a_link(settings):
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])

    assert Item.objects.actions().count() == 2
    candidate = Candidate.objects.get()
    assert candidate.earlier.text == "Continue work on the Hyper-V network driver."
    assert candidate.later.text == "Port the network driver for Hyper-V."
    assert settings.MATCH_SUGGEST_SCORE <= candidate.score < settings.MATCH_AUTO_SCORE
    assert candidate.state == Verdict.PENDING


def test_a_lower_threshold_links_what_was_only_a_candidate(settings):
    settings.MATCH_AUTO_SCORE = settings.MATCH_SUGGEST_SCORE + 1
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])

    [item] = Item.objects.actions()
    assert item.mention_count == 2
    assert not Candidate.objects.exists()


def test_accepting_a_candidate_links_the_items_and_says_who_did_it(member):
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])
    later = Item.objects.get(raised="2022-01-12")
    later.set_status(member, Item.Status.IN_PROGRESS, "started")

    accept(Candidate.objects.get(), member)

    [item] = Item.objects.actions()
    assert item.mention_count == 2
    assert item.text == "Port the network driver for Hyper-V."
    assert str(item.raised) == "2022-01-05"
    assert item.events.get(kind=Event.Kind.LINKED).user == member
    assert [c.note for c in item.status_changes.all()] == ["started"]


def test_dismissing_a_candidate_keeps_the_items_apart_and_records_it(member):
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])

    candidate = Candidate.objects.get()
    candidate.dismiss(member)

    candidate.refresh_from_db()
    assert candidate.state == Verdict.DISMISSED
    assert candidate.decided_by == member
    assert Item.objects.actions().count() == 2
    assert candidate.earlier.events.get(kind=Event.Kind.DISMISSED).user == member


def test_a_wrong_link_can_be_split_off_and_the_history_says_who(member):
    import_meeting("2022-01-05", ["Everyone: Work on PRs for the 0.7 release"])
    import_meeting("2022-01-12", ["Everyone: Work on PRs for the 0.7 release"])
    item = Item.objects.get()
    later = item.mentions.get(meeting__date="2022-01-12")

    new = split(item, later, member)

    item.refresh_from_db()
    assert item.mention_count == 1
    assert new.mention_count == 1
    assert str(new.raised) == "2022-01-12"
    assert [o.name for o in new.owners.all()] == ["Everyone"]
    assert item.events.get(kind=Event.Kind.SPLIT).user == member
    assert new.events.get(kind=Event.Kind.SPLIT).user == member


def test_the_only_mention_cannot_be_split_off(member):
    import_meeting("2022-01-05", ["RD: Arrange meetings"])
    item = Item.objects.get()

    with pytest.raises(ValueError, match="not its only one"):
        split(item, item.mentions.get(), member)


def test_a_later_meeting_saying_the_pull_request_is_merged_suggests_done(member):
    import_meeting("2022-01-05", [f"RV: Update on {PR}"])
    import_meeting("2022-01-12", ["RD: Arrange meetings"], discussion=f"RV: {PR} is merged.")

    item = Item.objects.get(text=f"Update on {PR}")
    suggestion = DoneSuggestion.objects.get()
    assert suggestion.item == item
    assert suggestion.text == f"{PR} is merged."
    assert str(suggestion.meeting.date) == "2022-01-12"
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN  # never closed silently

    suggestion.decide(member, accepted=True)

    item.refresh_from_db()
    assert item.status == Item.Status.DONE
    assert item.status_changes.get().note.startswith("Done in the meeting of 2022-01-12")


def test_a_short_pull_request_number_and_the_owners_own_word_suggest_done():
    import_meeting(
        "2022-01-05",
        ["RV: Update on https://github.com/unikraft/unikraft/pull/41", "AJ: Fix the CI runners"],
    )
    import_meeting(
        "2022-01-12",
        ["RD: Arrange meetings"],
        discussion="RV: PR #41 is merged.\n\nAJ: I fixed the CI runners.",
    )

    assert sorted(s.item.text for s in DoneSuggestion.objects.all()) == [
        "Fix the CI runners",
        "Update on https://github.com/unikraft/unikraft/pull/41",
    ]


def test_reimporting_a_meeting_never_duplicates_mentions():
    import_meeting("2022-01-05", [f"RV: Update on {PR}"])
    import_meeting("2022-01-12", [f"RV: Update on {PR}", "RD: Arrange meetings"])
    import_meeting("2022-01-12", [f"RV: Update on {PR}", "RD: Arrange meetings soon"])

    item = Item.objects.get(text=f"Update on {PR}")
    assert item.mention_count == 2
    assert Mention.objects.filter(item=item).count() == 2


def test_a_mention_whose_line_disappears_goes_away_with_it():
    import_meeting("2022-01-05", [f"RV: Update on {PR}"])
    import_meeting("2022-01-12", [f"RV: Update on {PR}", "RD: Arrange meetings"])
    import_meeting("2022-01-12", ["RD: Arrange meetings"])

    item = Item.objects.get(text=f"Update on {PR}")
    assert item.mention_count == 1
    assert str(item.last_raised) == "2022-01-05"
    assert not item.removed


def test_decisions_are_not_matched_across_meetings():
    import_meeting("2022-01-05", ["We meet next on Wednesday."])
    import_meeting("2022-01-12", ["We meet next on Wednesday."])

    assert Item.objects.decisions().count() == 2


def task(owner, text, links=()):
    return Task((Who(owner),) if owner else (), text, frozenset(links))


def test_scores_say_why():
    weights = Weights([])
    found = judge(task("rv", f"Update on {PR}", [PR]), task("rv", "Status update", [PR]), weights)
    assert found.score >= 90
    assert found.link
    assert found.reason.startswith(f"same link {PR}; ")
    assert found.reason.endswith("same owners")

    found = judge(task("rd", "Review"), task("rd", "Reply on the image library review"), weights)
    assert found.score < 65
    assert not found.link


def test_linking_keeps_the_later_items_other_look_alikes(member):
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])
    import_meeting("2022-01-19", ["RD: Write the ESXi network driver."])
    first = Item.objects.get(raised="2022-01-05")
    second = Item.objects.get(raised="2022-01-12")
    third = Item.objects.get(raised="2022-01-19")
    Candidate.objects.get_or_create(
        earlier=second, later=third, defaults={"score": 70, "reason": "?"}
    )

    accept(Candidate.objects.get(earlier=first, later=second), member)

    assert Candidate.objects.filter(earlier=first, later=third, state=Verdict.PENDING).exists()


def test_linking_a_closed_item_with_a_later_open_one_reopens_it(member):
    import_meeting("2022-01-05", ["TODO: Continue work on the Hyper-V network driver."])
    import_meeting("2022-01-12", ["RD: Port the network driver for Hyper-V."])
    first = Item.objects.get(raised="2022-01-05")
    first.set_status(member, Item.Status.DONE)

    accept(Candidate.objects.get(), member)

    first.refresh_from_db()
    assert first.status == Item.Status.OPEN
    assert first.status_changes.last().note.startswith("Linked with #")

"""The rules of following a TODO across meetings, each with lines like the real minutes'."""

import pytest
from django.contrib.auth import get_user_model

from meetings.matching.evidence import Weights, alike, stem, terms
from meetings.models import Candidate, DoneSuggestion, Item
from tests.test_matching import import_meeting

pytestmark = pytest.mark.django_db

PR = "https://github.com/unikraft/unikraft/pull/674"
OTHER_PR = "https://github.com/unikraft/unikraft/pull/675"


@pytest.fixture
def maria():
    return get_user_model().objects.create_user("maria")


def test_merged_with_a_full_stop_after_the_link_suggests_done():
    import_meeting("2023-03-01", [f"RV: Update on {PR}"])
    import_meeting("2023-03-08", ["RD: Arrange meetings"], discussion=f"RV: Merged: {PR}.")

    suggestion = DoneSuggestion.objects.get()
    assert suggestion.item.text == f"Update on {PR}"
    assert suggestion.text == f"Merged: {PR}."


def test_a_reworded_line_about_the_same_identifier_links():
    import_meeting("2023-04-11", ["RV: Synchronize `ukvmem`.", "SK: Review the scheduler PR."])
    import_meeting(
        "2023-04-25",
        ["RV: Create a PR for synchronization of `ukvmem`.", "SK: Test the scheduler PR."],
    )

    item = Item.objects.get(text="Create a PR for synchronization of `ukvmem`.")
    assert item.mention_count == 2
    assert "ukvmem" in item.mentions.last().reason


def test_a_placeholder_owner_is_no_owner_not_another_owner():
    import_meeting(
        "2023-05-02", ["TODO: [someone] Look into the emuTLS issue with the custom GCC."]
    )
    import_meeting("2023-05-16", ["RD: [someone] Look into the emuTLS issue with the custom GCC."])

    [item] = Item.objects.actions()
    assert item.mention_count == 2
    assert item.mentions.last().reason.endswith("no owner to compare")


def test_the_same_pull_request_with_another_action_is_only_a_candidate():
    import_meeting("2023-03-13", [f"RD: Convert to `posix-mmap`: {PR}"])
    import_meeting("2023-03-27", [f"RD: Ask whether {PR} is still required."])

    assert Item.objects.actions().count() == 2
    candidate = Candidate.objects.get()
    assert candidate.earlier.text == f"Convert to `posix-mmap`: {PR}"
    assert candidate.reason.startswith(f"same link {PR}; another action")


def test_the_same_pull_request_number_written_out_is_evidence_not_proof():
    import_meeting("2023-03-13", [f"RD: Convert to `posix-mmap`: {PR}"])
    import_meeting("2023-03-27", ["RD: Ask whether PR 674 is still required."])

    assert Item.objects.actions().count() == 2
    assert Candidate.objects.get().later.text == "Ask whether PR 674 is still required."


def test_another_persons_review_of_the_same_pull_request_is_a_candidate():
    import_meeting("2022-01-26", [f"AJ: Review {PR}"])
    import_meeting("2022-02-02", [f"HL: Review {PR}"])

    assert Item.objects.actions().count() == 2
    assert Candidate.objects.get().reason.endswith("other owners")


def test_a_line_listing_several_pull_requests_never_chains_two_items():
    import_meeting("2022-05-05", [f"SK: Review {PR}"])
    import_meeting("2022-05-19", [f"SK: {PR}, {OTHER_PR}"])
    import_meeting("2022-06-02", [f"SK: Review {OTHER_PR}"])

    first = Item.objects.get(text=f"Review {PR}")
    last = Item.objects.get(text=f"Review {OTHER_PR}")
    assert first.pk != last.pk
    assert not first.link_rows.filter(url=OTHER_PR).exists()


def test_a_line_sharing_only_the_teams_stock_phrase_is_not_linked():
    # The team's habit, learned from its own lines (each someone else's task).
    said = [("AJ", "CI runners"), ("SM", "release notes"), ("RV", "security policy")]
    said += [("SK", "GSoC projects"), ("AJ", "the docs site")]
    for day, (owner, topic) in zip((2, 9, 16, 23, 30), said, strict=True):
        import_meeting(
            f"2023-01-{day:02}", [f"{owner}: Add {topic} to the next maintainers meeting."]
        )
    import_meeting("2023-02-06", ["RD: Add platform / memory to the next maintainers meeting."])
    import_meeting(
        "2023-02-13", ["RD: Add kraftkit version management to the next maintainers meeting."]
    )

    later = Item.objects.get(
        text="Add kraftkit version management to the next maintainers meeting."
    )
    assert later.mention_count == 1
    assert not Candidate.objects.filter(later=later).exists()


def test_a_done_item_raised_again_as_reopened_is_the_same_item_open_again(maria):
    import_meeting("2022-01-05", ["RV: Fix the `ukvmem` page fault handler."])
    item = Item.objects.get()
    item.set_status(maria, Item.Status.DONE)

    import_meeting("2022-01-12", ["RV: Fix the `ukvmem` page fault handler (reopened)."])

    item.refresh_from_db()
    assert Item.objects.actions().count() == 1
    assert item.status == Item.Status.OPEN
    assert item.mention_count == 2
    assert item.status_changes.last().note == "Reopened by the minutes of 2022-01-12."


def test_a_done_item_raised_again_without_saying_reopened_is_a_new_item(maria):
    import_meeting("2022-01-05", ["RV: Fix the `ukvmem` page fault handler."])
    Item.objects.get().set_status(maria, Item.Status.DONE)

    import_meeting("2022-01-12", ["RV: Fix the `ukvmem` page fault handler."])

    assert Item.objects.actions().count() == 2
    assert Item.objects.open().get().raised.isoformat() == "2022-01-12"


def test_decisions_are_never_linked_even_word_for_word():
    import_meeting("2022-01-05", ["We meet next on Wednesday."])
    import_meeting("2022-01-12", ["We meet next on Wednesday."])

    assert Item.objects.decisions().count() == 2
    assert not Candidate.objects.exists()


def test_words_are_compared_by_their_stems():
    assert stem("hammering") == stem("hammer")
    assert stem("integrating") == stem("integration")
    assert terms("Continue hammering on Hyper-V.").all & terms("Hammer on Hyper-V.").all == {
        stem("hammer"),
        "hyperv",
    }


def test_a_key_term_of_one_line_counts_though_the_other_writes_it_plainly():
    # "clone" is in most of the team's lines: a stock word, unless a line quotes it.
    weights = Weights([f"Fix clone in {topic}." for topic in ("a", "b", "c", "d", "e")])

    similarity, shared = alike(
        "Continue work in integrating Musl and `clone`.",
        "Work during weekend for Musl + clone integration.",
        weights,
    )

    assert "clone" in shared.keys
    assert similarity > 0.6


def test_key_terms_are_identifiers_names_files_and_numbers_not_days_or_times():
    found = terms("Fix `uk_thread` in lib-musl/main.c for PR #41 by August 18th, 3:30pm on x86")

    assert {"ukthread", "libmusl/main.c", "#41", "x86"} <= found.keys
    assert not {"18th", "3:30pm", "fix", "august"} & found.keys


def test_a_word_most_of_a_teams_lines_use_is_a_stock_word_and_weighs_little():
    weights = Weights(
        [f"Schedule the discussion on {topic}." for topic in ("IDE", "runu", "Xen", "KVM")]
        + ["Port the network driver.", "Write the blog post."]
    )

    assert weights.is_stock(stem("schedule"))
    assert not weights.is_stock("runu")
    assert weights(stem("schedule")) < weights("runu")
    similarity, _ = alike(
        "Schedule the discussion on IDE.", "Schedule the discussion on runu.", weights
    )
    assert similarity == 0.0


def test_lines_linking_to_other_things_are_other_tasks_though_worded_alike():
    import_meeting(
        "2022-07-04", ["RD: Check Maria's code: https://github.com/mariasfiraiala/scs-work"]
    )
    import_meeting(
        "2022-08-01",
        [
            "RD: Check Maria's PR for "
            "[`redis`](https://github.com/unikraft/app-redis/pulls?q=is%3Apr+is%3Aclosed)."
        ],
    )

    assert Item.objects.actions().count() == 2
    assert not Candidate.objects.exists()


def stock_words(date, team="community"):
    """A meeting of other people's lines that make the team's stock words, as in real minutes."""
    topics = ("alpha", "beta", "gamma", "delta", "epsilon")
    import_meeting(
        date,
        [f"ZZ: Continue to investigate and use the support for {topic}." for topic in topics]
        + [f"ZZ: Test, work on and provide updates on {topic}." for topic in topics],
        team=team,
    )


def test_a_later_line_without_the_identifier_the_item_is_about_is_another_task():
    for team in ("community", "smp"):
        stock_words("2022-07-01", team)
        earlier = "MS: Continue to investigate complex apps on `AArch64`."
        import_meeting("2022-08-01", [earlier], team=team)
    import_meeting("2022-08-08", ["MS: Use Shadow Stack support for complex apps."])
    later = "MS: Use Shadow Stack support for complex apps on AArch64."
    import_meeting("2022-08-08", [later], team="smp")

    mine = Item.objects.actions().filter(owners__name="MS")
    community = mine.filter(meeting__teams__name="community")
    assert sorted(item.mention_count for item in community) == [1, 1]
    assert not Candidate.objects.exists()
    [smp] = mine.filter(meeting__teams__name="smp")
    assert smp.mention_count == 2


def test_a_reworded_line_at_the_teams_next_meeting_links_at_a_lower_bar():
    import_meeting("2023-11-29", ["RN: Update website to fix missing links."])
    import_meeting("2023-12-13", ["RN: Add links to the missing items."])
    import_meeting("2023-11-29", ["RN: Update website to fix missing links."], team="docs")
    import_meeting("2024-01-10", ["RN: Add links to the missing items."], team="docs")

    [linked] = Item.objects.actions().filter(meeting__teams__name="community")
    assert linked.mention_count == 2
    assert linked.mentions.last().reason.endswith("the likeliest of both meetings")
    # Six weeks on, the same two lines are too little alike to link.
    assert Item.objects.actions().filter(meeting__teams__name="docs").count() == 2


def test_one_word_in_common_months_apart_is_neither_linked_nor_asked():
    for team, later in (("community", "2023-03-08"), ("vmm", "2022-12-14")):
        stock_words("2022-11-01", team)
        import_meeting("2022-11-23", ["AT: Provide updates on your Firecraker work."], team=team)
        import_meeting(later, ["AT: Test vsock on Firecraker."], team=team)

    mine = Item.objects.actions().filter(owners__name="AT")
    assert mine.filter(meeting__teams__name="community").count() == 2
    assert not Candidate.objects.exists()
    # Three weeks on, the same two lines are one task.
    [vmm] = mine.filter(meeting__teams__name="vmm")
    assert vmm.mention_count == 2


def test_a_task_raised_every_week_does_not_make_its_own_subject_a_stock_word():
    stock_words("2023-03-01", "kraft")
    for date in ("2023-03-15", "2023-03-22", "2023-03-29", "2023-04-05", "2023-04-12"):
        import_meeting(date, ["AJ: Work on networking support."], team="kraft")
    import_meeting("2023-06-07", ["AJ: Complete networking support."], team="kraft")

    [item] = Item.objects.actions().filter(owners__name="AJ")
    assert item.mention_count == 6
    assert item.text == "Complete networking support."

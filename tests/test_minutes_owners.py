"""Speaker and owner prefixes of one line (MINUTES_FORMAT.md, sections 4 and 5)."""

import time

import pytest

from meetings.minutes.owners import Names, Prefix, name_line, owner_prefix, speaker_prefix
from meetings.names import first_name, is_initials

PARTICIPANTS = ["RăzvanD", "AlexJ", "Cezar", "Andrei Topală", "Marco", "Vlad", "Maria", "Radu"]
NAMES = Names(PARTICIPANTS)


def speaker(line, names=NAMES):
    return speaker_prefix(line, names)


def owner(line, names=NAMES):
    return owner_prefix(line, names)


@pytest.mark.parametrize("word", ["RD", "AJ", "MSK", "ABCD", "RdS", "SjK"])
def test_two_to_four_capitals_are_initials(word):
    assert is_initials(word)


@pytest.mark.parametrize("word", ["R", "ABCDE", "Rd", "rD", "RdSk", "MSch", "APv", "TODO", "R2"])
def test_other_words_are_not_initials(word):
    assert not is_initials(word)


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        ("RăzvanD", "Răzvan"),
        ("RaduNichita", "Radu"),
        ("Andrei Topală", "Andrei"),
        ("Cezar", "Cezar"),
        ("AJ", None),
        ("", None),
    ],
)
def test_first_name_of_a_handle_or_a_full_name(handle, expected):
    assert first_name(handle) == expected


def test_speaker_prefix_is_the_names_before_the_first_colon():
    assert speaker("AJ: CI/CD: 2 things:") == Prefix(["AJ"], "CI/CD: 2 things:")


def test_names_are_split_on_slashes():
    assert speaker("RD/AJ: Post on social media") == Prefix(["RD", "AJ"], "Post on social media")


def test_names_are_split_on_commas():
    assert speaker("RD, AJ: Review") == Prefix(["RD", "AJ"], "Review")


def test_names_are_split_on_and():
    assert speaker("RD and AJ: Review") == Prefix(["RD", "AJ"], "Review")


def test_names_are_split_on_plus_and_ampersand():
    assert speaker("RD + AJ & MP: Review") == Prefix(["RD", "AJ", "MP"], "Review")


def test_spaced_slashes_and_an_oxford_comma_are_separators_too():
    assert speaker("EM / RD / Michalis: GCOV:", Names(["Michalis"])) == Prefix(
        ["EM", "RD", "Michalis"], "GCOV:"
    )
    assert speaker("RD, AJ, and Marco: Review") == Prefix(["RD", "AJ", "Marco"], "Review")


def test_participant_handle_is_a_name_case_and_accent_insensitively():
    assert speaker("razvand: Hi") == Prefix(["razvand"], "Hi")
    assert speaker("RazvanD: Hi") == Prefix(["RazvanD"], "Hi")


def test_first_name_of_a_camel_case_handle_is_a_name():
    assert speaker("Razvan: Hi") == Prefix(["Razvan"], "Hi")


def test_full_name_and_its_first_name_are_names():
    assert speaker("Andrei Topală: Hi") == Prefix(["Andrei Topală"], "Hi")
    assert speaker("andrei: Hi") == Prefix(["andrei"], "Hi")


def test_handle_built_on_a_participants_first_name_is_a_name():
    assert speaker("RaduN: Hi") == Prefix(["RaduN"], "Hi")


@pytest.mark.parametrize(
    "group", ["Everyone", "everyone", "All", "all", "Community leaders", "Mentors"]
)
def test_groups_are_names(group):
    assert speaker(f"{group}: Review PRs") == Prefix([group], "Review PRs")


@pytest.mark.parametrize(
    "line",
    [
        "Timeline: end of March",
        "Deadline: Friday",
        "CloudFest: May 20-23, 2023",
        "TODO: Update README",
        "Note: this is recorded",
        "Update: no news",
        "http: see the docs",
        "Ping people SMP + Firecracker support: now",
        "Discussion item for next meeting, this release or next one:",
        "https://github.com/unikraft/unikraft/pull/1: merged",
    ],
)
def test_labels_before_a_colon_are_not_speakers(line):
    assert speaker(line) is None


def test_unknown_first_name_alone_is_a_label():
    assert speaker("Lukas: Hi") is None


def test_unknown_first_name_beside_known_names_is_a_name():
    assert owner("Razvan, Vlad and Maria to meet next Monday", Names(["Maria", "Vlad"])) == Prefix(
        ["Razvan", "Vlad", "Maria"], "meet next Monday"
    )


def test_bare_prefix_has_no_text():
    assert speaker("MS:") == Prefix(["MS"], "")
    assert speaker("MS:   ") == Prefix(["MS"], "")


def test_line_without_colon_has_no_speaker():
    assert speaker("We meet next on Wednesday") is None


def test_owners_to_verb():
    assert owner("AJ to fix merge pipeline for libs.") == Prefix(
        ["AJ"], "fix merge pipeline for libs."
    )


def test_names_to_verb():
    assert owner("Vlad and Maria to meet next on Monday") == Prefix(
        ["Vlad", "Maria"], "meet next on Monday"
    )


@pytest.mark.parametrize(
    "line",
    [
        "Plan to release at end of October 2022.",
        "Everyone who has been assigned PRs to perform reviews.",
        "We need to fix the CI",
    ],
)
def test_words_that_are_no_names_before_to_are_no_owners(line):
    assert owner(line) is None


def test_to_verb_is_no_speaker_prefix():
    assert speaker("AJ to fix merge pipeline for libs.") is None


def test_colon_prefix_comes_before_to_verb():
    assert owner("RD: Ask RM to review") == Prefix(["RD"], "Ask RM to review")


def test_todo_alone_makes_an_unowned_item():
    assert owner("TODO: Update README") == Prefix([], "Update README")


def test_todo_before_an_owner_prefix():
    assert owner("TODO RD: GSoC application") == Prefix(["RD"], "GSoC application")


def test_todo_colon_then_owner():
    assert owner("TODO: Everyone: work on the release") == Prefix(
        ["Everyone"], "work on the release"
    )


def test_todo_colon_then_owner_to_verb():
    assert owner("TODO: MP to review") == Prefix(["MP"], "review")


def test_todo_without_colon_or_owner_is_no_prefix():
    assert owner("TODO list for the release") is None


def test_name_line_is_a_bare_prefix():
    assert name_line("RăzvanD / Teo", Names(["RazvanD", "Teo"])) == Prefix(["RăzvanD", "Teo"], "")
    assert name_line("Radu:", NAMES) == Prefix(["Radu"], "")
    assert name_line("Work for later", NAMES) is None


def test_prefix_is_looked_for_only_at_the_start_of_a_line():
    assert speaker("x" * 200 + " RD: late colon") is None


def test_a_500_kb_line_is_read_fast():
    lines = [
        "RD" + " " * 500_000 + ": x",
        "RD/" * 170_000 + ": x",
        "RD to " * 85_000,
        "TODO: " + "& " * 250_000,
    ]
    started = time.perf_counter()
    for line in lines:
        speaker(line)
        owner(line)
    assert time.perf_counter() - started < 0.5


def test_a_camelcase_handle_next_to_initials_is_an_owner_though_no_participant():
    assert owner("MS / TeoTiron: https://github.com/acme/core/pull/7") == Prefix(
        ["MS", "TeoTiron"], "https://github.com/acme/core/pull/7"
    )


def test_a_camelcase_word_alone_is_still_a_label():
    assert owner("CloudFest: we have a booth") is None


@pytest.mark.parametrize("group", ["Mentees", "Owners", "Everybody", "Community leaders"])
def test_groups_are_owners(group):
    assert owner(f"{group}: start working on projects") == Prefix(
        [group], "start working on projects"
    )

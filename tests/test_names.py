"""The rules about names, written once for the parser, the resolver and the pages.

Where the parser and the resolver used to answer differently, a test below
shows the case and the one answer both now give.
"""

import pytest

from meetings.minutes import parse
from meetings.minutes.owners import Names, Prefix, owner_prefix
from meetings.names import Kind, first_name, is_group, is_initials, name_key, spelling


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("RăzvanD", "razvand"),
        ("Plat Re-Arch", "plat-rearch"),
        ("Community leaders", "COMMUNITY-LEADERS"),
    ],
)
def test_case_accents_spaces_and_hyphens_do_not_change_who_a_name_is(one, other):
    assert name_key(one) == name_key(other)


def test_a_group_written_with_a_hyphen_is_the_group_for_the_parser_as_for_the_resolver():
    # The parser compared names case- and accent-folded but with their hyphens,
    # the resolver by key: "Community-leaders: ..." was a decision, its owner a group.
    names = Names(["RăzvanD"])

    assert is_group("Community-leaders")
    assert owner_prefix("Community-leaders: review the applications", names) == Prefix(
        ["Community-leaders"], "review the applications"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("RăzvanD", "Răzvan"),
        ("Andrei Topală", "Andrei"),
        ("Cezar", "Cezar"),
        ("Marc Rittinghaus (MR)", "Marc"),
        # The parser's own rule cut at the next capital and gave "Radu-".
        ("Radu-Nichita", "Radu"),
        ("AJ", None),
        ("", None),
    ],
)
def test_the_first_name_of_a_handle_or_full_name(name, expected):
    assert first_name(name) == expected


def test_a_handle_built_on_a_hyphenated_participants_first_name_owns_an_item():
    minutes = parse(
        b"---\ndatetime: 2024-01-10\nparticipants: [Radu-Nichita, AlexJ]\n---\n\n"
        b"## TODOs\n\n* RaduN: fix the build\n",
        "core/2024-01-10.md",
    )

    assert [(item.owners, item.text) for item in minutes.action_items] == [
        (["RaduN"], "fix the build")
    ]
    assert spelling("RaduN").handle_key == "radun"
    assert spelling("Radu-Nichita").initials == {"rn"}


@pytest.mark.parametrize("name", ["RD", "RdS", "ȘJ", "S\u0326J", "ABCD"])
def test_initials_whatever_their_accents_or_how_they_are_encoded(name):
    # The parser's rule refused a decomposed accent (S + combining comma), the resolver's took it.
    assert is_initials(name)
    assert spelling(name).kind == Kind.INITIALS


@pytest.mark.parametrize("label", ["TODO", "FYI", "WIP", "NOTE", "HINT"])
def test_a_label_shaped_like_initials_is_no_one(label):
    # The resolver's rule read "FYI" or "WIP" as someone's initials; the parser never did.
    assert not is_initials(label)
    assert spelling(label).kind == Kind.PLACEHOLDER


@pytest.mark.parametrize("name", ["RD中", "R2D"])
def test_initials_are_letters_that_have_a_case(name):
    assert not is_initials(name)

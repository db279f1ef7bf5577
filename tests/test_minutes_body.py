"""The body of minutes: sections, agenda, topics, statements, action items and
decisions (MINUTES_FORMAT.md, sections 2 to 5)."""

import time
from textwrap import dedent

import pytest

from meetings.minutes import ActionItem, AgendaItem, Decision, Statement, Topic, parse
from meetings.minutes.body import parse_body


def read(markdown, participants=(), first_line=1):
    return parse_body(dedent(markdown), participants=list(participants), first_line=first_line)


def actions(markdown, participants=()):
    return read("## TODOs and Decisions\n" + dedent(markdown), participants)


def discussions(markdown, participants=()):
    return read("## Discussions\n" + dedent(markdown), participants)


# Sections


@pytest.mark.parametrize("hashes", ["#", "##", "###", "####"])
def test_sections_are_found_whatever_the_heading_level(hashes):
    body = read(f"""\
        {hashes} Agenda
        - SMP
        {hashes} Discussions
        RV: The spinlock PR has been merged.
        {hashes} TODOs and Decisions
        RD: Arrange meetings
        """)
    assert body.agenda == [AgendaItem("SMP", 2)]
    assert body.topics == [Topic(None, [Statement(["RV"], "The spinlock PR has been merged.", 4)])]
    assert body.action_items == [ActionItem(["RD"], "Arrange meetings", [], 6)]
    assert body.warnings == []


def test_emoji_and_shortcode_prefixes_are_stripped_from_headings():
    body = read("""\
        ## :dart: Agenda
        - SMP
        ## 📕 Discussions
        RV: Merged.
        ## :wrench: :hammer: TODOs and Decisions
        RD: Arrange meetings
        """)
    assert [a.text for a in body.agenda] == ["SMP"]
    assert [t.statements[0].text for t in body.topics] == ["Merged."]
    assert [a.text for a in body.action_items] == ["Arrange meetings"]
    assert body.warnings == []


@pytest.mark.parametrize(
    "title", ["Discussions", "Discussion", "Notes", "Summary of Activities", "DISCUSSIONS"]
)
def test_discussion_section_names(title):
    body = read(f"## {title}\nRV: Merged.\n")
    assert body.topics == [Topic(None, [Statement(["RV"], "Merged.", 2)])]


@pytest.mark.parametrize(
    "title",
    [
        "TODOs and Decisions",
        "Decisions and TODOs",
        "Tasks / Decisions",
        "TODOs",
        "TODO",
        "Tasks",
        "Action Items",
        "Decisions",
        "Next Steps",
        "TODOs & Next Steps",
        "Action Items, Decisions",
    ],
)
def test_action_section_names_are_made_of_action_words_in_any_order(title):
    body = read(f"## {title}\nRD: Arrange meetings\n")
    assert body.action_items == [ActionItem(["RD"], "Arrange meetings", [], 2)]


def test_a_heading_with_other_words_is_no_action_section():
    body = read("""\
        ## TODOs and Decisions
        RD: Arrange meetings
        ### PR Tasks
        MR: https://github.com/unikraft/unikraft/pull/790
        """)
    assert [(a.owners, a.line) for a in body.action_items] == [(["RD"], 2), (["MR"], 4)]


def test_next_steps_below_the_section_level_is_a_topic():
    body = read("""\
        ## Agenda
        - Next steps
        ## Discussions
        MK: Works.
        ### Next Steps
        RD: Ping Alex.
        """)
    assert body.topics == [
        Topic(None, [Statement(["MK"], "Works.", 4)]),
        Topic("Next Steps", [Statement(["RD"], "Ping Alex.", 6)], line=5),
    ]
    assert body.action_items == []
    assert "no actions section" in body.warnings


def test_next_steps_at_the_section_level_is_the_action_section():
    body = read("""\
        ## Discussions
        MK: Works.
        ## Next Steps
        RD: Ping Alex.
        """)
    assert body.action_items == [ActionItem(["RD"], "Ping Alex.", [], 4)]


def test_a_section_runs_to_the_next_heading_of_the_same_level():
    body = read("""\
        ## Agenda
        - SMP
        ### Part two
        - ARM
        ## Logistics
        - Room 3
        """)
    assert [a.text for a in body.agenda] == ["SMP", "ARM"]
    assert "line 6: text outside the agenda, discussions and actions is skipped" in body.warnings


def test_text_before_the_first_section_is_skipped_with_a_warning():
    body = read("""\
        # KraftKit meeting
        Some words.
        ## Agenda
        - SMP
        """)
    assert [a.text for a in body.agenda] == ["SMP"]
    assert "line 2: text outside the agenda, discussions and actions is skipped" in body.warnings


def test_missing_sections_are_warnings_not_errors():
    body = read("## Agenda\n- SMP\n")
    assert body.warnings == ["no discussions section", "no actions section"]


def test_an_empty_body_warns_of_every_missing_section():
    body = read("")
    assert body == parse_body("", participants=[])
    assert body.warnings == ["no agenda section", "no discussions section", "no actions section"]


def test_a_heading_at_the_section_level_inside_the_discussions_is_read_as_a_topic():
    body = read("""\
        ## Discussions
        ## Werror
        MP: It's not easy.
        ## TODOs
        MP: Enable it.
        """)
    assert body.topics == [Topic("Werror", [Statement(["MP"], "It's not easy.", 3)], line=2)]
    assert body.warnings == [
        "line 2: heading 'Werror' read as a discussion topic",
        "no agenda section",
    ]


# Agenda


def test_each_agenda_list_item_is_an_item():
    body = read("""\
        ### Agenda

        * Community events (reminders)
        * ~~SMP~~ (No update).
        """)
    assert body.agenda == [
        AgendaItem("Community events (reminders)", 3),
        AgendaItem("~~SMP~~ (No update).", 4),
    ]


def test_nested_agenda_items_are_items_too():
    body = read("""\
        ## Agenda
        - Releases
          - 0.16
            - Deadline
        - Events
        """)
    assert [(a.text, a.line) for a in body.agenda] == [
        ("Releases", 2),
        ("0.16", 3),
        ("Deadline", 4),
        ("Events", 5),
    ]


def test_an_agenda_without_a_list_has_one_item_per_line():
    body = read("""\
        ### Agenda

        Status update

        Next steps
        Other topics
        """)
    assert body.agenda == [
        AgendaItem("Status update", 3),
        AgendaItem("Next steps", 5),
        AgendaItem("Other topics", 6),
    ]


def test_agenda_text_is_trimmed_and_keeps_its_markdown():
    body = read("## Agenda\n*   [Docs](https://unikraft.org)   \n")
    assert body.agenda == [AgendaItem("[Docs](https://unikraft.org)", 2)]


# Discussions


def test_a_statement_starts_with_its_speakers():
    body = discussions("RD/AJ: Post on social media\n")
    assert body.topics == [Topic(None, [Statement(["RD", "AJ"], "Post on social media", 2)])]


def test_following_lines_belong_to_the_statement():
    body = discussions("""\
        PV: Still debugging on the serial console.
        It was not booting anymore.
        """)
    assert body.topics[0].statements == [
        Statement(["PV"], "Still debugging on the serial console.\nIt was not booting anymore.", 2)
    ]


def test_a_line_with_a_speaker_of_its_own_starts_a_new_statement():
    body = discussions("""\
        AJ: one.
        AJ: two.
        but longer.
        RD: three.
        """)
    assert body.topics[0].statements == [
        Statement(["AJ"], "one.", 2),
        Statement(["AJ"], "two.\nbut longer.", 3),
        Statement(["RD"], "three.", 5),
    ]


def test_a_list_under_a_statement_belongs_to_it():
    body = discussions("""\
        AJ: CI/CD: 2 things:

        1. We migrated the server infrastructure.
           We didn't migrate the release website.
        1. Auto-bump libraries.
        """)
    assert body.topics[0].statements == [
        Statement(
            ["AJ"],
            "CI/CD: 2 things:\n\n"
            "1. We migrated the server infrastructure.\n"
            "   We didn't migrate the release website.\n"
            "1. Auto-bump libraries.",
            2,
        )
    ]


def test_a_code_block_under_a_statement_belongs_to_it():
    body = discussions("""\
        SK: Run it like this:

        ```
        make menuconfig
        ```
        """)
    assert body.topics[0].statements == [
        Statement(["SK"], "Run it like this:\n\n```\nmake menuconfig\n```", 2)
    ]


def test_a_paragraph_without_a_speaker_is_a_statement_without_speaker():
    body = discussions("""\
        Best effort PRs:

        - https://github.com/unikraft/unikraft/pull/964
        """)
    assert body.topics[0].statements == [
        Statement([], "Best effort PRs:\n\n- https://github.com/unikraft/unikraft/pull/964", 2)
    ]


def test_a_label_is_no_speaker():
    body = discussions("Timeline: end of March.\n")
    assert body.topics[0].statements == [Statement([], "Timeline: end of March.", 2)]


def test_todo_in_the_discussions_is_a_label():
    body = discussions("TODO RD: ask Simon.\n")
    assert body.topics[0].statements == [Statement([], "TODO RD: ask Simon.", 2)]
    assert body.action_items == []


def test_list_items_with_speakers_are_statements():
    body = discussions("""\
        - AJ: Hi, i'll be minuting the meeting today.
        - CC: Could not focus on fixdep.
          Current progress relies on `gcc`.
        """)
    assert body.topics[0].statements == [
        Statement(["AJ"], "Hi, i'll be minuting the meeting today.", 2),
        Statement(["CC"], "Could not focus on fixdep.\nCurrent progress relies on `gcc`.", 3),
    ]


def test_a_nested_list_under_a_list_item_is_part_of_its_statement():
    body = discussions("""\
        - RD: Cosmin, Teo, look into running other applications:
          - Run existing `static-pie-apps`
          - Build them dynamically
        """)
    assert body.topics[0].statements == [
        Statement(
            ["RD"],
            "Cosmin, Teo, look into running other applications:\n"
            "- Run existing `static-pie-apps`\n"
            "- Build them dynamically",
            2,
        )
    ]


def test_sub_headings_start_topics():
    body = read("""\
        ### Discussions

        MP: Before any topic.

        #### SMP

        CV: Review required from Marc.

        ##### ARM
        """)
    assert body.topics == [
        Topic(None, [Statement(["MP"], "Before any topic.", 3)]),
        Topic("SMP", [Statement(["CV"], "Review required from Marc.", 7)], line=5),
        Topic("ARM", [], line=9),
    ]


def test_no_untitled_topic_when_the_discussions_start_with_a_sub_heading():
    body = read("## Discussions\n### :rocket: kraft\nRD: I will rebase it.\n")
    assert body.topics == [Topic("kraft", [Statement(["RD"], "I will rebase it.", 3)], line=2)]


def test_a_name_line_over_a_list_in_a_summary_of_activities_names_the_speakers():
    body = read(
        """\
        ## Summary of Activities

        RăzvanD / Teo
        * We worked on Nyx and kAFL.
        * We found that Nyx is complicated.

        Cezar:
        * Did a pass over all PRs.
        """,
        participants=["RazvanD", "Teo", "Cezar"],
    )
    assert body.topics[0].statements == [
        Statement(["RăzvanD", "Teo"], "We worked on Nyx and kAFL.", 4),
        Statement(["RăzvanD", "Teo"], "We found that Nyx is complicated.", 5),
        Statement(["Cezar"], "Did a pass over all PRs.", 8),
    ]


def test_a_name_line_outside_a_summary_of_activities_is_an_ordinary_statement():
    body = discussions("Cezar\n* Did a pass over all PRs.\n", participants=["Cezar"])
    assert body.topics[0].statements == [Statement([], "Cezar\n* Did a pass over all PRs.", 2)]


def test_a_bare_speaker_over_a_list_speaks_each_list_item():
    body = discussions("FP:\n\n- Checked the PR.\n- Found a bug.\n")
    assert body.topics[0].statements == [
        Statement(["FP"], "Checked the PR.", 4),
        Statement(["FP"], "Found a bug.", 5),
    ]


# Action items and decisions


def test_owners_prefix_makes_an_action_item():
    body = actions("RD/AJ: Post on social media\n")
    assert body.action_items == [ActionItem(["RD", "AJ"], "Post on social media", [], 2)]
    assert body.decisions == []


@pytest.mark.parametrize("owners", ["RD/AJ", "RD, AJ", "RD and AJ", "RD + AJ", "RD & AJ"])
def test_owners_are_separated_by_slash_comma_and_plus_or_ampersand(owners):
    body = actions(f"{owners}: Post on social media\n")
    assert body.action_items == [ActionItem(["RD", "AJ"], "Post on social media", [], 2)]


def test_owners_to_verb_makes_an_action_item():
    body = actions("* AJ to fix merge pipeline for libs.\n")
    assert body.action_items == [ActionItem(["AJ"], "fix merge pipeline for libs.", [], 2)]


def test_participants_to_verb_makes_an_action_item():
    body = actions("Vlad and Maria to meet next on Monday\n", participants=["Vlad", "Maria"])
    assert body.action_items == [ActionItem(["Vlad", "Maria"], "meet next on Monday", [], 2)]


def test_plan_to_is_a_decision():
    body = actions("Plan to release at end of October 2022.\n")
    assert body.action_items == []
    assert body.decisions == [Decision("Plan to release at end of October 2022.", [], 2)]


def test_a_line_without_owner_is_a_decision():
    body = actions("We meet next on Wednesday, December 8, 2021.\n")
    assert body.decisions == [Decision("We meet next on Wednesday, December 8, 2021.", [], 2)]


def test_a_bare_owner_over_a_list_makes_one_item_per_list_item():
    body = actions("""\
        MS:
        - Use clang
        - Search for the LLVM implementation
        """)
    assert body.action_items == [
        ActionItem(["MS"], "Use clang", [], 3),
        ActionItem(["MS"], "Search for the LLVM implementation", [], 4),
    ]


def test_owners_with_text_over_a_list_make_one_item_with_the_list_as_its_details():
    body = actions("""\
        AM: In 3 weeks time:
        - Make procfs work with 0.12
        - Use streambuf
        """)
    assert body.action_items == [
        ActionItem(["AM"], "In 3 weeks time:\n- Make procfs work with 0.12\n- Use streambuf", [], 2)
    ]


def test_a_bare_owner_over_a_paragraph_makes_that_paragraph_the_text():
    body = actions("""\
        RD:

        Arrange meetings
        with the mentors.
        """)
    assert body.action_items == [ActionItem(["RD"], "Arrange meetings\nwith the mentors.", [], 2)]


def test_a_bare_owner_with_nothing_after_it_is_skipped_with_a_warning():
    body = actions("FP:\n\nCS: Look into tests for JDK.\n")
    assert body.action_items == [ActionItem(["CS"], "Look into tests for JDK.", [], 4)]
    assert "line 2: 'FP:' is followed by no text" in body.warnings


def test_todo_makes_an_unowned_action_item():
    body = actions("TODO: Update README\n")
    assert body.action_items == [ActionItem([], "Update README", [], 2)]
    assert body.decisions == []


def test_todo_before_owners():
    body = actions("TODO RD: GSoC application\nTODO: Everyone: work on the release\n")
    assert body.action_items == [
        ActionItem(["RD"], "GSoC application", [], 2),
        ActionItem(["Everyone"], "work on the release", [], 3),
    ]


def test_a_bare_todo_over_a_list_makes_unowned_items():
    body = actions("TODO:\n- Update README\n- Tag the release\n")
    assert body.action_items == [
        ActionItem([], "Update README", [], 3),
        ActionItem([], "Tag the release", [], 4),
    ]


def test_a_line_with_an_owner_of_its_own_starts_a_new_item():
    body = actions("""\
        MS: Use clang.
        Also gcc-12.
        VB: Review.
        AJ to fix the CI.
        """)
    assert body.action_items == [
        ActionItem(["MS"], "Use clang.\nAlso gcc-12.", [], 2),
        ActionItem(["VB"], "Review.", [], 4),
        ActionItem(["AJ"], "fix the CI.", [], 5),
    ]


def test_each_paragraph_and_list_item_is_one_item():
    body = actions("""\
        * RD: Arrange meetings
        * Everyone: Work on PRs for the 0.7 release

        Ping people about SMP:

        https://github.com/unikraft/unikraft/pull/1121
        """)
    assert body.action_items == [
        ActionItem(["RD"], "Arrange meetings", [], 2),
        ActionItem(["Everyone"], "Work on PRs for the 0.7 release", [], 3),
    ]
    assert body.decisions == [
        Decision("Ping people about SMP:", [], 5),
        Decision(
            "https://github.com/unikraft/unikraft/pull/1121",
            ["https://github.com/unikraft/unikraft/pull/1121"],
            7,
        ),
    ]


def test_an_unowned_paragraph_does_not_take_a_list_of_owned_items():
    body = actions("""\
        Release 0.13 is planned for May 1, 2023.

        - RD: Schedule security meetings.
        - RD: Assemble the task force.
        """)
    assert body.decisions == [Decision("Release 0.13 is planned for May 1, 2023.", [], 2)]
    assert body.action_items == [
        ActionItem(["RD"], "Schedule security meetings.", [], 4),
        ActionItem(["RD"], "Assemble the task force.", [], 5),
    ]


def test_an_unowned_paragraph_takes_a_list_without_owners():
    body = actions("SMP meeting:\n- https://github.com/unikraft/unikraft/pull/759\n")
    assert body.decisions == [
        Decision(
            "SMP meeting:\n- https://github.com/unikraft/unikraft/pull/759",
            ["https://github.com/unikraft/unikraft/pull/759"],
            2,
        )
    ]


def test_text_keeps_its_markdown_and_its_links_are_listed_once_in_order():
    body = actions(
        "RD: Ask Simon (https://github.com/u/u/pull/1145), see [PR](https://github.com/u/u/pull/1144)"
        " and `https://github.com/u/u/pull/1145`.\n"
    )
    assert body.action_items == [
        ActionItem(
            ["RD"],
            "Ask Simon (https://github.com/u/u/pull/1145), see [PR](https://github.com/u/u/pull/1144)"
            " and `https://github.com/u/u/pull/1145`.",
            ["https://github.com/u/u/pull/1145", "https://github.com/u/u/pull/1144"],
            2,
        )
    ]


def test_links_lose_trailing_punctuation():
    body = actions(
        "RD: Ask Simon if https://github.com/u/u/pull/1145, https://x.org/a_(b). are in.\n"
    )
    assert body.action_items[0].links == ["https://github.com/u/u/pull/1145", "https://x.org/a_(b)"]


def test_links_of_decisions_are_listed_too():
    body = actions("Booting meeting: https://github.com/unikraft/unikraft/pull/779.\n")
    assert body.decisions[0].links == ["https://github.com/unikraft/unikraft/pull/779"]


def test_html_comments_are_no_statements_or_decisions():
    body = actions("<!-- fill in after the meeting -->\n\nRD: Arrange meetings\n")
    assert body.action_items == [ActionItem(["RD"], "Arrange meetings", [], 4)]
    assert body.decisions == []


# Lines and robustness


def test_lines_are_lines_of_the_file_counted_from_the_first_body_line():
    body = read(
        """\
        ## Agenda
        - SMP
        ## Discussions
        ### ARM
        RV: Merged.
        ## TODOs
        Meet on Monday.
        RD: Arrange meetings
        """,
        first_line=12,
    )
    assert body.agenda[0].line == 13
    assert body.topics[0].line == 15
    assert body.topics[0].statements[0].line == 16
    assert body.decisions[0].line == 18
    assert body.action_items[0].line == 19


def assert_todo_section_survives(nested):
    body = read(nested + "\n\n## TODOs and Decisions\n\n- RD: Arrange meetings\n")
    assert [(a.owners, a.text) for a in body.action_items] == [(["RD"], "Arrange meetings")]
    assert any("nested too deep to parse" in warning for warning in body.warnings)


def test_a_5000_level_list_on_one_line_does_not_hide_the_todo_section():
    assert_todo_section_survives("## Discussions\n" + "- " * 5000 + "deep")


def test_a_5000_level_list_over_5000_lines_does_not_hide_the_todo_section():
    assert_todo_section_survives(
        "## Discussions\n" + "\n".join("  " * depth + f"- level {depth}" for depth in range(5000))
    )


def test_a_5000_level_quote_does_not_hide_the_todo_section():
    assert_todo_section_survives("## Discussions\n" + "> " * 5000 + "deep")


def test_a_deep_list_in_a_whole_file_does_not_hide_its_todo_section():
    front_matter = "---\ndatetime: 2022-01-12\n---\n"
    deep_list = "## Discussions\n" + "- " * 5000 + "deep\n"
    minutes = parse(front_matter + deep_list + "## TODOs\nRD: Arrange meetings\n", "a.md")
    assert minutes.action_items == [ActionItem(["RD"], "Arrange meetings", [], 7)]


def test_lines_nested_too_deep_are_kept_as_text_of_their_statement():
    nested = "\n".join("  " * depth + f"- level {depth}" for depth in range(30))
    body = read("## Discussions\n" + nested + "\n")
    [statement] = body.topics[0].statements
    assert statement.text.startswith("level 0\n- level 1\n")
    assert all(f"- level {depth}\n" in statement.text for depth in range(1, 29))
    assert statement.text.endswith("- level 29")
    assert body.warnings[0] == (
        "line 21: lists or quotes nested too deep to parse; the deeper lines are kept as text"
    )


def test_a_500_kb_line_parses_fast():
    started = time.perf_counter()
    for line in ["RD: " + "a" * 500_000, "RD" + " " * 500_000 + ": x", "[" * 500_000]:
        body = actions(line + "\n")
        assert len(body.action_items) + len(body.decisions) == 1
    assert time.perf_counter() - started < 2

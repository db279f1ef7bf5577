"""Whatever Markdown-ish text comes in, the parser never crashes and every line
number it gives points into the input."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.minutes import MinutesError, parse
from meetings.minutes.body import parse_body

FRONT_MATTER = "---\ndatetime: 2022-01-12T13:00:00+01:00\nparticipants:\n  - RăzvanD\n---\n"
PARTICIPANTS = ["RăzvanD", "AlexJ", "Andrei Topală"]

heading = st.builds(
    lambda hashes, decoration, title: f"{hashes} {decoration}{title}",
    st.sampled_from(["#", "##", "###", "####", "#######"]),
    st.sampled_from(["", ":dart: ", "🎯 ", ":wrench::x: "]),
    st.sampled_from(
        [
            "Agenda",
            "Discussions",
            "Notes",
            "Summary of Activities",
            "TODOs and Decisions",
            "Tasks / Decisions",
            "Next Steps",
            "SMP",
            "PR Tasks",
            "",
        ]
    ),
)
marker = st.sampled_from(["", "", "- ", "* ", "+ ", "1. ", "2) ", "> ", "    ", "  - ", "\t"])
prefix = st.sampled_from(
    [
        "",
        "RD: ",
        "RD/AJ: ",
        "RD, AJ and Marco: ",
        "RD + AJ & MP: ",
        "MS:",
        "AJ to ",
        "Vlad and Maria to ",
        "Plan to ",
        "TODO: ",
        "TODO RD: ",
        "TODO: Everyone: ",
        "Timeline: ",
        "RăzvanD / Teo",
        "Razvan:",
        "http: ",
        ": ",
    ]
)
words = st.text(
    alphabet=st.sampled_from(list("abc XYZ:/,&+()[]`*_~#>-.\\|<!ăȘ🎯\u200b"))
    | st.characters(codec="utf-8"),
    max_size=30,
)
line = st.one_of(
    heading,
    st.builds(lambda m, p, w: m + p + w, marker, prefix, words),
    st.sampled_from(
        ["", "", "```", "~~~", "---", "===", "https://x.org/a_(b)).", "[1]: https://x.org"]
    ),
)
markdown = st.lists(line, max_size=40).map("\n".join)

quick = settings(max_examples=200, deadline=None)


def line_numbers(result):
    topics = result.topics
    for thing in [*result.agenda, *result.action_items, *result.decisions, *topics]:
        if thing.line is not None:
            yield thing.line
    for topic in topics:
        for statement in topic.statements:
            yield statement.line


@quick
@given(markdown, st.integers(min_value=1, max_value=50))
def test_any_body_parses_with_line_numbers_inside_it(body, first_line):
    result = parse_body(body, participants=PARTICIPANTS, first_line=first_line)

    last_line = first_line + body.count("\n")
    assert all(first_line <= number <= last_line for number in line_numbers(result))
    assert all(
        thing.text.strip() for thing in [*result.agenda, *result.action_items, *result.decisions]
    )


@quick
@given(markdown)
def test_any_file_with_front_matter_parses_with_line_numbers_inside_it(body):
    data = FRONT_MATTER + body
    try:
        result = parse(data.encode("utf-8"), "community/2022-01-12.md")
    except MinutesError:
        return

    # Line ends as the file has them: CRLF and a lone CR count as one.
    last_line = data.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert all(6 <= number <= last_line for number in line_numbers(result))


@quick
@given(st.text(st.characters(codec="utf-8"), max_size=300) | markdown)
def test_any_text_parses_or_is_refused_with_a_minutes_error(text):
    with contextlib.suppress(MinutesError):
        parse(text.encode("utf-8"), "2022-01-12.md")

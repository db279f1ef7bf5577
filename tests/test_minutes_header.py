"""Reading the front matter of a minutes file: what is refused, what is read anyway."""

import datetime as dt
import json
import textwrap

import pytest

from meetings.minutes import MinutesError
from meetings.minutes.header import FrontMatterLoader, read_header

SOURCE = "team/2024-01-10.md"
CET = dt.timezone(dt.timedelta(hours=1))


def text(markdown):
    """Markdown written in a test, indented like the test."""
    return textwrap.dedent(markdown).lstrip("\n")


def read(markdown, source=SOURCE, **options):
    return read_header(text(markdown), source, **options)


def refusal(data, source=SOURCE, **options):
    """The one-line message read_header() refuses ``data`` with."""
    if isinstance(data, str):
        data = text(data)
    with pytest.raises(MinutesError) as error:
        read_header(data, source, **options)
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.fixture
def no_construction(monkeypatch):
    """Fail the test if any YAML value is built."""

    def construct_document(loader, node):
        pytest.fail("the front matter was constructed")

    monkeypatch.setattr(FrontMatterLoader, "construct_document", construct_document)


MEETING = """
    ---
    datetime: 2024-01-10T13:00:00+01:00
    location: Online, Discord
    teams:
      - community
    participants:
      - RăzvanD
      - AlexJ
    ---

    ## Agenda
    """


def test_a_tidy_file_is_read_without_warnings():
    header = read(MEETING)

    assert header.date == dt.date(2024, 1, 10)
    assert header.datetime == dt.datetime(2024, 1, 10, 13, 0, tzinfo=CET)
    assert header.title is None
    assert header.location == "Online, Discord"
    assert header.teams == ["community"]
    assert header.participants == ["RăzvanD", "AlexJ"]
    assert header.body == "\n## Agenda\n"
    assert header.body_line == 10
    assert header.warnings == []


# Refused


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded():
    # Not UTF-8 either: the size is checked first.
    message = refusal(b"\xff" * 11, max_bytes=10)

    assert message == f"{SOURCE}: the file is too large (11 bytes; the limit is 10)"


def test_the_default_size_limit_is_two_mebibytes():
    data = text(MEETING).encode()
    data += b"x" * (2 * 1024 * 1024 - len(data))

    assert read_header(data, SOURCE).date == dt.date(2024, 1, 10)
    assert refusal(data + b"x") == (
        f"{SOURCE}: the file is too large (2,097,153 bytes; the limit is 2,097,152)"
    )


def test_a_file_that_is_not_utf8_is_refused_with_the_offset_of_the_bad_byte():
    message = refusal(b"# Minutes ab\xff cd\n", "notes/x.md")

    assert message == "notes/x.md: not UTF-8 text (invalid byte 0xff at offset 12)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image, not a Markdown file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive, not a Markdown file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "an ELF executable, not a Markdown file"),
        (b"\x00" * 90 + b"2024-01-10", "a binary file (90 control bytes), not Markdown"),
        (b"\x01\x02\x03\x04 some text", "a binary file (4 control bytes), not Markdown"),
    ],
    ids=["png", "zip", "elf", "mostly-nul", "mostly-control"],
)
def test_a_binary_file_is_refused(data, message):
    assert refusal(data) == f"{SOURCE}: {message}"


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n", b"\xef\xbb\xbf\n", "\u200b\n\u200e"])
def test_an_empty_file_is_refused(data):
    assert refusal(data) == f"{SOURCE}: the file is empty"


def test_broken_yaml_is_refused_with_its_line_in_the_file():
    message = refusal(
        """
        ---
        datetime: 2024-01-10
        location: Online: Discord
        ---
        ## Agenda
        """
    )

    assert message == (
        f"{SOURCE}: broken YAML in the front matter, line 3:"
        " mapping values are not allowed in this context"
    )


def test_yaml_object_tags_are_refused_and_nothing_runs(tmp_path, no_construction):
    marker = tmp_path / "ran"
    message = refusal(
        f"""
        ---
        datetime: 2024-01-10
        title: !!python/object/apply:os.system ["touch {marker}"]
        ---
        ## Agenda
        """
    )

    assert message == (
        f"{SOURCE}: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system'"
        " are not allowed in the front matter (line 3)"
    )
    assert not marker.exists()


BILLION_LAUGHS = """
    ---
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    participants: *i
    ---
    ## Agenda
    """


def test_a_billion_laughs_is_refused_before_anything_is_built(no_construction):
    message = refusal(BILLION_LAUGHS)

    assert message == (
        f"{SOURCE}: YAML anchors and aliases are not allowed in the front matter (line 2)"
    )


def test_a_single_alias_is_refused_too(no_construction):
    message = refusal(
        """
        ---
        teams: &teams [community]
        participants: *teams
        ---
        ## Agenda
        """
    )

    assert "anchors and aliases are not allowed" in message


def test_deeply_nested_front_matter_is_refused():
    deep = "[" * 5000 + "]" * 5000
    message = refusal(f"---\ndatetime: 2024-01-10\nteams: {deep}\n---\n## Agenda\n")

    assert message.startswith(f"{SOURCE}: ")
    assert "front matter" in message


def test_an_impossible_date_in_the_front_matter_is_refused():
    message = refusal(
        """
        ---
        datetime: 2022-02-30
        ---
        ## Agenda
        """
    )

    assert message == f"{SOURCE}: 2022-02-30 in datetime is not a real date"


def test_an_impossible_date_in_a_quoted_datetime_is_refused():
    message = refusal(
        """
        ---
        datetime: "2022-02-30T13:00:00+01:00"
        ---
        ## Agenda
        """
    )

    assert message == f"{SOURCE}: 2022-02-30 in datetime is not a real date"


def test_an_impossible_date_in_the_file_name_is_refused():
    message = refusal("## Agenda\n", "team/2022-02-30.md")

    assert message == "team/2022-02-30.md: 2022-02-30 in the file name is not a real date"


def test_a_file_with_no_date_anywhere_is_refused():
    message = refusal(
        """
        ---
        location: Online
        ---
        ## Agenda
        """,
        "team/topics.md",
    )

    assert message == (
        "team/topics.md: no meeting date"
        " (no datetime in the front matter; no yyyy-mm-dd in the file name)"
    )


def test_a_file_with_no_front_matter_and_no_date_in_its_name_is_refused():
    message = refusal("## Topics\n", "team/topics.md")

    assert message == (
        "team/topics.md: no meeting date (no front matter; no yyyy-mm-dd in the file name)"
    )


@pytest.mark.parametrize("below", ["", "\n", "\n  \n\t\n"], ids=["nothing", "newline", "blanks"])
def test_front_matter_with_nothing_below_it_is_refused(below):
    message = refusal(f"---\ndatetime: 2024-01-10\n---\n{below}")

    assert message == f"{SOURCE}: there is nothing below the front matter"


def test_front_matter_that_is_never_closed_is_refused():
    message = refusal("---\ndatetime: 2024-01-10\n## Agenda\n")

    assert message == (
        f"{SOURCE}: the front matter opened on line 1 is never closed by a '---' line"
    )


def test_front_matter_that_is_not_key_value_lines_is_refused():
    message = refusal("---\n- community\n- gsoc\n---\n## Agenda\n")

    assert message == f"{SOURCE}: the front matter is not a list of `key: value` lines"


# Line ends, BOM and where the body starts


def test_front_matter_after_a_bom_and_crlf_line_ends_is_read():
    data = b"\xef\xbb\xbf" + text(MEETING).replace("\n", "\r\n").encode()

    header = read_header(data, SOURCE)

    assert header.datetime == dt.datetime(2024, 1, 10, 13, 0, tzinfo=CET)
    assert header.participants == ["RăzvanD", "AlexJ"]
    assert header.body == "\n## Agenda\n"
    assert header.body_line == 10
    assert header.warnings == []


def test_lone_cr_line_ends_are_line_ends():
    data = text(MEETING).replace("\n", "\r").encode()

    header = read_header(data, SOURCE)

    assert header.teams == ["community"]
    assert header.body == "\n## Agenda\n"
    assert header.body_line == 10


@pytest.mark.parametrize(
    ("markdown", "body", "body_line"),
    [
        ("---\nteams: [a]\n---\n## Agenda\n", "## Agenda\n", 4),
        ("---\nteams: [a]\n---\n\n\n## Agenda\n", "\n\n## Agenda\n", 4),
        ("---  \nteams: [a]\n---\t\n## Agenda\n", "## Agenda\n", 4),
        ("---\n\nteams: [a]\n\n---\n   \n## Agenda\n", "   \n## Agenda\n", 6),
        ("-----\nteams: [a]\n-----\n## Agenda\n", "## Agenda\n", 4),
        ("---\nteams: [a]\n---\n## Agenda\n---\nmore\n", "## Agenda\n---\nmore\n", 4),
        ("## Agenda\n", "## Agenda\n", 1),
    ],
    ids=[
        "heading-right-after",
        "blank-lines-after",
        "spaces-after-fences",
        "whitespace-line-after",
        "long-fences",
        "rule-in-body",
        "no-front-matter",
    ],
)
def test_body_line_is_the_line_of_the_file_the_body_starts_on(markdown, body, body_line):
    header = read_header(markdown, SOURCE)

    assert header.body == body
    assert header.body_line == body_line
    assert markdown.split("\n")[body_line - 1 :] == body.split("\n")


def test_a_broken_yaml_line_is_counted_from_the_top_of_the_file():
    message = refusal("---\n\n\nteams: [a\nlocation: x: y\n---\n## Agenda\n")

    assert ", line 5: " in message


# Dates


def test_no_front_matter_takes_the_date_from_the_file_name():
    header = read("## Agenda\n", "discussions/app-compat/app-compat-2023-03-08.md")

    assert header.date == dt.date(2023, 3, 8)
    assert header.datetime is None
    assert header.warnings == ["no front matter; the date is taken from the file name"]
    assert header.body == "## Agenda\n"
    assert header.body_line == 1


def test_front_matter_without_datetime_takes_the_date_from_the_file_name():
    header = read(
        """
        ---
        teams: [gsoc]
        participants: [Maria]
        ---
        ## Agenda
        """
    )

    assert header.date == dt.date(2024, 1, 10)
    assert header.datetime is None
    assert header.warnings == [
        "no datetime in the front matter; the date is taken from the file name"
    ]


def test_a_date_key_is_read_like_datetime():
    header = read(
        """
        ---
        date: 2024-01-10
        teams: [gsoc]
        participants: [Maria]
        ---
        ## Agenda
        """
    )

    assert header.date == dt.date(2024, 1, 10)
    assert header.datetime is None
    assert header.warnings == []


def test_a_bare_date_is_a_date_without_a_time():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: [gsoc]
        participants: [Maria]
        ---
        ## Agenda
        """
    )

    assert header.date == dt.date(2024, 1, 10)
    assert header.datetime is None
    assert header.warnings == []


@pytest.mark.parametrize(
    ("written", "datetime"),
    [
        ("2024-01-10T13:00:00+01:00", dt.datetime(2024, 1, 10, 13, tzinfo=CET)),
        ("2024-01-10 13:00:00 +01:00", dt.datetime(2024, 1, 10, 13, tzinfo=CET)),
        ("2024-01-10T12:00:00Z", dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC)),
        ("2024-01-10T13:00+01:00", dt.datetime(2024, 1, 10, 13, tzinfo=CET)),  # YAML: a string
        ('"2024-01-10T13:00:00+01:00"', dt.datetime(2024, 1, 10, 13, tzinfo=CET)),
        ("2024-01-10 13:00", dt.datetime(2024, 1, 10, 13)),
    ],
)
def test_an_iso_datetime_is_read_with_its_offset(written, datetime):
    header = read_header(f"---\ndatetime: {written}\n---\n## Agenda\n", SOURCE)

    assert header.datetime == datetime
    assert header.datetime.tzinfo == datetime.tzinfo
    assert header.date == dt.date(2024, 1, 10)


def test_a_free_text_datetime_takes_the_date_from_the_file_name():
    header = read(
        """
        ---
        datetime: January 12, 2022 at 1 PM
        teams: [community]
        participants: [Cezar]
        ---
        ## Agenda
        """,
        "community/2022-01-12.md",
    )

    assert header.date == dt.date(2022, 1, 12)
    assert header.datetime is None
    assert header.warnings == [
        "line 2: datetime: 'January 12, 2022 at 1 PM' is not an ISO 8601 date;"
        " the date is taken from the file name"
    ]


def test_a_mistyped_datetime_takes_the_date_from_the_file_name():
    # As in the real vmm/2023-05-10.md: not May 1st.
    header = read_header(
        "---\ndatetime: 2023-05-010T08:30:00+02:00\n---\n## Agenda\n", "vmm/2023-05-10.md"
    )

    assert header.date == dt.date(2023, 5, 10)
    assert "datetime: '2023-05-010T08:30:00+02:00' is not an ISO 8601 date" in header.warnings[-1]


def test_a_datetime_unlike_the_file_name_wins_with_a_warning():
    header = read(MEETING, "community/2024-01-17.md")

    assert header.date == dt.date(2024, 1, 10)
    assert header.warnings == [
        "line 2: datetime: 2024-01-10 is not the date in the file name (2024-01-17)"
    ]


# Odd values


def test_participants_written_as_one_line_are_split_on_commas():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: [gsoc]
        participants: Alex, Cristi,, Cezar,
        ---
        ## Agenda
        """
    )

    assert header.participants == ["Alex", "Cristi", "Cezar"]
    assert header.warnings == [
        "line 4: participants: one line of text rather than a list; split on commas"
    ]


def test_names_are_split_stripped_and_kept_once_in_order():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams:
          - app-compat, syscall , bincompat
          - community
          - syscall
        participants:
          - "Alexander Jun "
          - RăzvanD, AlexJ
          - AlexJ
        ---
        ## Agenda
        """
    )

    assert header.teams == ["app-compat", "syscall", "bincompat", "community"]
    assert header.participants == ["Alexander Jun", "RăzvanD", "AlexJ"]
    assert header.warnings == []


def test_a_team_that_is_a_number_is_kept_as_written_with_a_warning():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: 2023
        participants:
          - 42
          - 007
        ---
        ## Agenda
        """
    )

    assert header.teams == ["2023"]
    assert header.participants == ["42", "007"]
    assert header.warnings == [
        "line 3: teams: one line of text rather than a list; split on commas",
        "line 3: teams: '2023' is a number; kept as a name",
        "line 4: participants: '42' is a number; kept as a name",
        "line 4: participants: '007' is a number; kept as a name",
    ]


def test_empty_participants_are_no_participants():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: [gsoc]
        participants:
        ---
        ## Agenda
        """
    )

    assert header.participants == []
    assert header.warnings == ["line 4: participants: empty"]


def test_empty_entries_are_dropped_with_a_warning():
    # As in the real community/2022/2022-01-19.md.
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: [gsoc]
        participants:
          -
          - Alexander Jun
          - ""
          - Sergiu Moga
        ---
        ## Agenda
        """
    )

    assert header.participants == ["Alexander Jun", "Sergiu Moga"]
    assert header.warnings == ["line 4: participants: dropped 2 empty entries"]


def test_nested_lists_are_read_in_order_and_mappings_dropped():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams:
          - [app-compat, [syscall]]
          - community
        participants:
          - Alex
          - Cristi: notes
          - Cezar
        ---
        ## Agenda
        """
    )

    assert header.teams == ["app-compat", "syscall", "community"]
    assert header.participants == ["Alex", "Cezar"]
    assert header.warnings == [
        "line 3: teams: a list inside the list, read as part of it",
        "line 6: participants: dropped {'Cristi': 'notes'}, a mapping",
    ]


def test_yaml_11_oddities_are_read_as_written_and_nulls_are_no_name():
    header = read(
        """
        ---
        datetime: 2024-01-10
        title: 12:30
        location: off
        teams: [yes, no, on, off, 1e3, 0x1F, 1_000, ~, null, true, .inf]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.title == "12:30"
    assert header.location == "off"
    assert header.teams == [
        "yes",
        "no",
        "on",
        "off",
        "1e3",
        "0x1F",
        "1_000",
        "true",
        ".inf",
    ]
    assert header.warnings == ["line 5: teams: dropped 2 empty entries"]


def test_a_date_in_a_list_of_names_is_read_as_written_with_a_warning():
    header = read(
        """
        ---
        datetime: 2024-01-10
        teams: [community, 2024-01-10]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.teams == ["community", "2024-01-10"]
    assert header.warnings == ["line 3: teams: 2024-01-10 is not text; read as text"]


def test_title_and_location_are_stripped_and_empty_is_none():
    header = read(
        """
        ---
        datetime: 2024-01-10
        title: "  Community Gathering  "
        location: ""
        teams: [community]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.title == "Community Gathering"
    assert header.location is None
    assert header.warnings == []


def test_title_and_location_that_are_not_text_are_converted_with_a_warning():
    header = read(
        """
        ---
        datetime: 2024-01-10
        title: 2024-01-10
        location: [Online, Discord]
        teams: [community]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.title == "2024-01-10"
    assert header.location == "Online, Discord"
    assert header.warnings == [
        "line 3: title: 2024-01-10 is not text; read as text",
        "line 4: location: a list, joined with commas",
    ]


def test_a_title_that_is_a_mapping_is_dropped_with_a_warning():
    header = read(
        """
        ---
        datetime: 2024-01-10
        title: {name: Gathering}
        teams: [community]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.title is None
    assert header.warnings == ["line 3: title: {'name': 'Gathering'} is not text; ignored"]


def test_other_keys_are_ignored():
    header = read(
        """
        ---
        datetime: 2024-01-10
        tags: [unikraft, {odd: [1, 2]}]
        draft: yes
        teams: [community]
        participants: [Alex]
        ---
        ## Agenda
        """
    )

    assert header.teams == ["community"]
    assert header.warnings == []


def test_missing_teams_and_participants_are_warned_about():
    header = read("---\ndatetime: 2024-01-10\n---\n## Agenda\n")

    assert header.teams == []
    assert header.participants == []
    assert header.warnings == [
        "no teams in the front matter",
        "no participants in the front matter",
    ]


# Invisible characters


def test_invisible_characters_are_removed_with_one_warning_and_lines_kept():
    markdown = (
        "---\ndatetime: 2024-01-10\x00\nteams: [com\u200bmunity]\n"
        "participants: [\u202eAlex\u202c, Cris\u2060ti\ufeff]\n---\n"
        "## Agenda\n\x00\nWe 👩\u200d💻 \u2066code\u2069.\u200f\n"
    )

    header = read_header(markdown, SOURCE)

    assert header.teams == ["community"]
    assert header.participants == ["Alex", "Cristi"]
    assert header.body == "## Agenda\n\nWe 👩\u200d💻 code.\n"
    assert header.body_line == 6
    assert header.warnings == ["removed invisible characters: 2 NUL, 3 zero-width, 5 bidi control"]


# Size and speed


def test_a_500_kb_line_is_fine_in_the_front_matter_and_in_the_body():
    line = "x" * 500_000
    header = read_header(f"---\ndatetime: 2024-01-10\ntitle: {line}\n---\n{line}\n", SOURCE)

    assert header.title == "x" * 299 + "…"  # the longest title the tracker stores
    assert "line 3: the title is 500,000 characters long; cut to 300" in header.warnings
    assert header.body == line + "\n"


def test_a_500_kb_line_of_dashes_and_spaces_is_not_front_matter():
    markdown = "-" * 250_000 + " " * 250_000 + "x\n"

    header = read_header(markdown, SOURCE)

    assert header.body == markdown


# Real minutes


def test_every_real_minutes_file_is_read(corpus):
    not_minutes = "discussions/maintainers/2022/topics.md"  # a list of topics, no date anywhere
    failures = []
    for path in sorted(corpus.rglob("*.md")):
        source = path.relative_to(corpus).as_posix()
        if source == "README.md" or source == not_minutes:
            continue
        try:
            read_header(path.read_bytes(), source)
        except MinutesError as error:
            failures.append(str(error))

    assert failures == []
    assert "no meeting date" in refusal((corpus / not_minutes).read_bytes(), not_minutes)


def test_real_headers_match_the_hand_checked_examples(corpus):
    examples = corpus.parent / "examples"
    if not examples.is_dir():
        pytest.skip(f"the hand-checked examples are not at {examples}")
    for path in sorted(examples.rglob("*.json")):
        expected = json.loads(path.read_text())
        header = read_header((corpus / expected["source"]).read_bytes(), expected["source"])

        when = header.datetime or header.date
        assert when.isoformat() == expected["datetime"]
        assert header.title == expected["title"]
        assert header.location == expected["location"]
        assert header.teams == expected["teams"]
        assert header.participants == expected["participants"]

"""``lint_minutes``: what an import would refuse and warn of, for a minutes repository's CI."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from meetings.importing import linting
from meetings.models import Alias, Person
from meetings.people.unwritten import has_tracker_database
from tests.helpers import import_text, minutes_text

pytestmark = pytest.mark.django_db

# The real files whose front matter dates them otherwise than their name:
# (file, line of `datetime:`, its date, the file name's). The front matter wins.
REDATED = [
    ("discussions/app-compat/2022-08-03.md", 4, "2022-07-15", "2022-08-03"),
    ("discussions/app-compat/2022-10-25.md", 4, "2022-10-18", "2022-10-25"),
    ("discussions/app-compat/app-compat-2023-07-12.md", 4, "2023-07-05", "2023-07-12"),
    ("discussions/bootloaders/2022-12-22.md", 4, "2023-03-16", "2022-12-22"),
    ("discussions/community/2022/2022-04-07.md", 2, "2022-05-07", "2022-04-07"),
    ("discussions/community/2022/2022-06-16.md", 2, "2022-05-16", "2022-06-16"),
    ("discussions/community/2022/2022-07-14.md", 4, "2022-04-14", "2022-07-14"),
    ("discussions/community/2022/2022-10-21.md", 4, "2022-07-15", "2022-10-21"),
    ("discussions/gsoc/plat-rearch-2023-06-27.md", 2, "2023-06-13", "2023-06-27"),
    ("discussions/gsoc/ss-2022-08-11.md", 4, "2022-08-08", "2022-08-11"),
    ("discussions/ide/2022-01-25.md", 2, "2022-01-19", "2022-01-25"),
    ("discussions/kraft/2022-07-27.md", 4, "2022-07-15", "2022-07-27"),
    ("discussions/kraft/2022-09-21.md", 4, "2022-07-15", "2022-09-21"),
    ("discussions/kraft/2023-07-12.md", 4, "2023-07-05", "2023-07-12"),
    ("discussions/maintainers/2023/2023-11-13.md", 4, "2023-07-24", "2023-11-13"),
    ("discussions/plat-rearch/2023-09-06.md", 2, "2022-09-06", "2023-09-06"),
    ("discussions/smp/2023-01-10.md", 4, "2023-01-15", "2023-01-10"),
    ("discussions/vmm/2022-11-02.md", 4, "2022-10-02", "2022-11-02"),
    ("discussions/vmm/2022-12-07.md", 4, "2022-11-07", "2022-12-07"),
    ("discussions/vmm/2023-03-01.md", 4, "2023-03-02", "2023-03-01"),
]

GOOD = """
    ---
    datetime: 2024-01-10T10:00:00+01:00
    teams: [core]
    participants: [Simon Kuenzer, Alice Doe]
    ---
    ## Agenda
    - Release
    ## Discussions
    SK: The release is ready.
    ## TODOs
    - AD: Tag the release
    """


def more(line):
    """GOOD with one more line at its end."""
    return f"{GOOD.rstrip()}\n    {line}\n"


def lint(*arguments, output="text"):
    """The command's lines, its exit status (0 or 1) and what it said on failing."""
    out = StringIO()
    try:
        call_command("lint_minutes", *map(str, arguments), f"--format={output}", stdout=out)
    except CommandError as error:
        return out.getvalue().splitlines(), error.returncode, str(error)
    return out.getvalue().splitlines(), 0, ""


@pytest.fixture
def minutes(tmp_path, monkeypatch):
    """A minutes folder to write files into, the working directory: paths print short."""
    monkeypatch.chdir(tmp_path)

    def write(path, markdown):
        file = tmp_path / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(markdown if isinstance(markdown, bytes) else minutes_text(markdown))

    return write


def test_the_real_minutes_pass_with_a_warning_on_each_file_dated_otherwise(corpus):
    lines, status, _ = lint(corpus)

    assert status == 0
    assert not [line for line in lines if ": error: " in line]
    prefix = f"{corpus}/"
    redated = sorted(
        tuple(line.removeprefix(prefix).split(":", 2))
        for line in lines
        if "is not the date" in line
    )
    assert redated == [
        (
            path,
            str(line),
            f" warning: datetime: {date} is not the date in the file name ({named})",
        )
        for path, line, date, named in REDATED
    ]
    # The 21st: a datetime that is no date at all, so the file name's is taken.
    assert (
        f"{prefix}discussions/vmm/2023-05-10.md:4: warning: datetime:"
        " '2023-05-010T08:30:00+02:00' is not an ISO 8601 date;"
        " the date is taken from the file name"
    ) in lines
    # A file copied to a new name but not redated claims its original's meeting.
    assert (
        f"{prefix}discussions/kraft/2022-09-21.md:1: warning: another meeting of the same team"
        f" on 2022-07-15: {prefix}discussions/kraft/2022-07-27.md"
    ) in lines
    warnings = sum(1 for line in lines if ": warning: " in line)
    assert lines[-1] == (
        f"255 files checked (2 skipped: not minutes): 0 errors, {warnings} warnings"
    )


def test_the_findings_are_sorted_by_file_and_line(corpus):
    lines, _, _ = lint(corpus / "discussions" / "community")

    found = [line.split(":", 2)[:2] for line in lines[:-1]]
    assert found == sorted(found, key=lambda f: (f[0], int(f[1])))
    assert len(found) > 10


def test_files_that_will_not_import_fail_naming_file_and_line(minutes):
    minutes("core/2024-01-10.md", GOOD)
    minutes(
        "core/2024-01-17.md",
        """
        ---
        datetime: 2024-01-17
        teams: [core
        participants: [Alice Doe]
        ---
        ## Agenda
        """,
    )
    minutes("core/notes-of-the-week.md", "---\nteams: [core]\n---\n## Agenda\n- Release\n")
    minutes("core/2024-01-24.md", b"---\ndatetime: 2024-01-24\n---\n## Agenda\n- Caf\xe9\n")
    minutes("core/2024-01-31.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    lines, status, message = lint("core")

    assert status == 1
    assert message == "4 files will not import"
    assert lines == [
        "core/2024-01-17.md:4: error: broken YAML in the front matter, line 4:"
        " did not find expected ',' or ']'",
        "core/2024-01-24.md:5: error: not UTF-8 text (invalid byte 0xe9 at offset 44)",
        "core/2024-01-31.md:1: error: a PNG image, not a Markdown file",
        "core/notes-of-the-week.md:1: error: no meeting date (no datetime in the front matter;"
        " no yyyy-mm-dd in the file name)",
        "5 files checked: 4 errors, 0 warnings",
    ]


def test_a_date_that_is_not_a_real_one_fails_at_its_line(minutes):
    minutes("core/2024-01-10.md", GOOD.replace("2024-01-10T10:00:00+01:00", "2024-02-30"))

    lines, status, _ = lint("core")

    assert status == 1
    assert lines[0] == "core/2024-01-10.md:2: error: 2024-02-30 in datetime is not a real date"


def test_a_datetime_unlike_the_file_name_is_a_warning_at_its_line(minutes):
    minutes("core/2024-01-17.md", GOOD)

    lines, status, _ = lint("core")

    assert status == 0
    assert lines == [
        "core/2024-01-17.md:2: warning: datetime: 2024-01-10 is not the date in the file name"
        " (2024-01-17)",
        "1 file checked: 0 errors, 1 warning",
    ]


def test_a_missing_section_is_a_warning_on_the_file(minutes):
    minutes("core/2024-01-10.md", GOOD.split("    ## TODOs")[0])

    lines, _, _ = lint("core")

    assert lines[0] == "core/2024-01-10.md:1: warning: no actions section"


def test_a_todo_with_no_owner_is_a_warning_at_its_line(minutes):
    minutes("core/2024-01-10.md", more("- TODO: Write the release notes"))

    lines, _, _ = lint("core")

    assert lines[0] == (
        "core/2024-01-10.md:12: warning: '- TODO: Write the release notes' is a TODO with no owner"
    )


def test_an_owner_no_one_fits_is_a_warning_naming_the_owner(minutes):
    minutes("core/2024-01-10.md", more("- XZ: Book the room"))

    lines, _, _ = lint("core")

    assert lines[0] == (
        "core/2024-01-10.md:12: warning: owner 'XZ' resolves to nobody: no one in the minutes fits"
    )


def test_an_owner_two_participants_fit_is_a_warning_naming_both(minutes):
    minutes(
        "core/2024-01-10.md",
        more("- SK: Review the tag").replace("Alice Doe]", "Alice Doe, Sergiu Koala]"),
    )

    lines, _, _ = lint("core")

    assert lines[0] == (
        "core/2024-01-10.md:12: warning: owner 'SK' is not resolved: it could be Sergiu Koala"
        " or Simon Kuenzer (participants)"
    )


def test_owners_are_known_from_the_other_files_given(minutes):
    """`AD` did not attend on the 17th, but took part in the team's meeting a week before."""
    minutes("core/2024-01-10.md", GOOD)
    minutes(
        "core/2024-01-17.md",
        more("- XZ: Book the room").replace("10T10", "17T10").replace(", Alice Doe", ""),
    )

    lines, _, _ = lint("core")
    alone, _, _ = lint("core/2024-01-17.md")

    assert lines == [
        "core/2024-01-17.md:12: warning: owner 'XZ' resolves to nobody: no one in the minutes fits",
        "2 files checked: 0 errors, 1 warning",
    ]
    assert alone[0] == (
        "core/2024-01-17.md:11: warning: owner 'AD' resolves to nobody: no one in the minutes fits"
    )


def test_two_files_of_a_team_on_one_date_are_a_warning_naming_the_other(minutes):
    minutes("core/2024-01-10.md", GOOD)
    minutes("core/2024-01-10-copy.md", GOOD)

    lines, _, _ = lint("core")

    assert lines == [
        "core/2024-01-10.md:1: warning: another meeting of the same team on 2024-01-10:"
        " core/2024-01-10-copy.md",
        "2 files checked: 0 errors, 1 warning",
    ]


def test_a_file_dated_like_a_meeting_of_the_tracker_is_warned_of(minutes):
    import_text(GOOD, source="core/2024-01-10.md")
    minutes("elsewhere/2024-01-10.md", GOOD)

    lines, _, _ = lint("elsewhere")

    assert lines[0] == (
        "elsewhere/2024-01-10.md:1: warning: another meeting of the same team on 2024-01-10:"
        " core/2024-01-10.md"
    )


def test_a_maintainers_alias_in_the_tracker_resolves_an_owner(minutes):
    minutes("core/2024-01-10.md", more("- XZ: Book the room"))
    Alias.objects.create(text="XZ", person=Person.objects.create(handle="XeniaZ"))

    lines, _, _ = lint("core")

    assert lines == ["1 file checked: 0 errors, 0 warnings"]


def test_github_format_annotates_the_lines(minutes):
    minutes("core/2024-01-17.md", more("- XZ: Book the room, 100%"))
    minutes("core/2024-01-24.md", b"---\ndatetime: 2024-01-24\n---\n## Agenda\n- Caf\xe9\n")

    lines, status, _ = lint("core", output="github")

    assert status == 1
    assert lines == [
        "::warning file=core/2024-01-17.md,line=2::datetime: 2024-01-10 is not the date in the"
        " file name (2024-01-17)",
        "::warning file=core/2024-01-17.md,line=12::owner 'XZ' resolves to nobody:"
        " no one in the minutes fits",
        "::error file=core/2024-01-24.md,line=5::not UTF-8 text (invalid byte 0xe9 at offset 44)",
        "2 files checked: 1 error, 2 warnings",
    ]


def test_a_message_with_a_line_break_is_one_annotation():
    finding = linting.Finding("a,b:c.md", 3, linting.WARNING, "50% done\nand more")

    assert finding.as_github() == "::warning file=a%2Cb%3Ac.md,line=3::50%25 done%0Aand more"


def test_linting_writes_nothing_to_the_database(corpus):
    import_text(GOOD)
    before = {model: model.objects.count() for model in apps.get_models()}

    lint(corpus)

    assert {model: model.objects.count() for model in apps.get_models()} == before


def test_without_a_tracker_database_it_asks_nothing_of_it(
    minutes, monkeypatch, django_assert_num_queries
):
    """A minutes repository's CI has no tracker: the files alone say who is who."""
    assert has_tracker_database()
    minutes("core/2024-01-10.md", more("- SK: Review the tag"))
    monkeypatch.setattr(linting, "has_tracker_database", lambda: False)

    with django_assert_num_queries(0):
        lines, _, _ = lint("core")

    assert lines == ["1 file checked: 0 errors, 0 warnings"]


def test_a_path_that_is_not_there_is_an_error(minutes):
    with pytest.raises(CommandError, match="missing: no such file or folder"):
        call_command("lint_minutes", "missing", stdout=StringIO())


def test_a_folder_of_the_tracker_minutes_is_checked_against_them_from_its_root(minutes):
    import_text(GOOD, source="core/2024-01-10.md")
    minutes("core/2024-01-10.md", more("- AD: Announce it"))

    lines, _, _ = lint("core", "--root=.")

    assert lines == ["1 file checked: 0 errors, 0 warnings"]

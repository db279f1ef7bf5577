import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from meetings.importing import Outcome, import_many, import_paths, writing
from meetings.models import Item, Meeting, Mention, Person, Speaker, Statement, Team
from tests.helpers import import_text, minutes_text

pytestmark = pytest.mark.django_db

JANUARY = """
    ---
    datetime: 2024-01-10T13:00:00+01:00
    teams:
      - Plat Re-Arch
    participants:
      - RăzvanD, AlexJ
      - Maria
    ---

    ## Agenda

    * Release
    * CI

    ## Discussions

    #### Release

    RD: The release is late.
    AJ: I will help.

    ## TODOs and Decisions

    * RD: Arrange meetings
    * RD/AJ: Post on social media
    * Everyone: Work on PRs for the 0.7 release
    * We meet next on Wednesday.
"""


def test_importing_a_file_writes_the_meeting_and_all_it_says():
    result = import_text(JANUARY)

    assert result.outcome == Outcome.IMPORTED
    meeting = Meeting.objects.get()
    assert meeting.source == "team/2024-01-10.md"
    assert str(meeting.date) == "2024-01-10"
    assert [t.name for t in meeting.teams.all()] == ["Plat Re-Arch"]
    assert [p.name for p in meeting.participations.all()] == ["RăzvanD", "AlexJ", "Maria"]
    assert [a.text for a in meeting.agenda.all()] == ["Release", "CI"]
    statements = Statement.objects.filter(topic__meeting=meeting)
    assert [s.text for s in statements] == ["The release is late.", "I will help."]
    assert [s.name for s in Speaker.objects.order_by("statement__position")] == ["RD", "AJ"]

    actions = Item.objects.actions().order_by("mentions__position")
    assert [(i.text, [o.name for o in i.owners.all()]) for i in actions] == [
        ("Arrange meetings", ["RD"]),
        ("Post on social media", ["RD", "AJ"]),
        ("Work on PRs for the 0.7 release", ["Everyone"]),
    ]
    assert all(i.status == Item.Status.OPEN for i in actions)
    assert [d.text for d in Item.objects.decisions()] == ["We meet next on Wednesday."]
    assert actions[2].owners.get().is_group


def test_every_item_points_at_its_line_in_the_minutes():
    import_text(JANUARY)

    mention = Mention.objects.get(item__text="Arrange meetings")
    lines = Meeting.objects.get().text.splitlines()
    assert lines[mention.line - 1] == "* RD: Arrange meetings"


def test_a_participant_handle_is_a_person_and_accents_do_not_make_another():
    import_text(JANUARY)
    import_text(
        JANUARY.replace("RăzvanD", "RazvanD").replace("2024-01-10", "2024-01-17"),
        source="team/2024-01-17.md",
    )

    assert Person.objects.filter(key="razvand").count() == 1
    assert Person.objects.get(key="razvand").handle == "RăzvanD"


def test_team_names_written_differently_are_one_team_shown_as_first_written():
    import_text(JANUARY)
    import_text(
        JANUARY.replace("Plat Re-Arch", "plat-rearch").replace("2024-01-10", "2024-01-17"),
        source="team/2024-01-17.md",
    )

    assert [(t.name, t.slug) for t in Team.objects.all()] == [("Plat Re-Arch", "plat-re-arch")]
    assert Team.objects.get().meetings.count() == 2


def test_importing_the_same_file_twice_changes_nothing():
    import_text(JANUARY)
    item_ids = sorted(Item.objects.values_list("pk", flat=True))

    again = import_text(JANUARY)

    assert again.outcome == Outcome.UNCHANGED
    assert Meeting.objects.count() == 1
    assert sorted(Item.objects.values_list("pk", flat=True)) == item_ids
    assert Mention.objects.count() == len(item_ids)


def test_an_edited_file_keeps_item_ids_and_statuses_of_lines_still_there():
    import_text(JANUARY)
    user = get_user_model().objects.create_user("maria")
    arrange = Item.objects.get(text="Arrange meetings")
    arrange.set_status(user, Item.Status.DONE, "Met on Monday")
    social = Item.objects.get(text="Post on social media")
    social.set_status(user, Item.Status.IN_PROGRESS)

    edited = JANUARY.replace("Arrange meetings", "Arange meetings")  # a typo slips in
    edited = edited.replace("    * RD/AJ: Post on social media\n", "")
    edited = edited.replace("* We meet", "* AJ: Fix the CI pipeline\n    * We meet")
    result = import_text(edited)

    assert result.outcome == Outcome.UPDATED
    arrange.refresh_from_db()
    assert arrange.status == Item.Status.DONE
    assert arrange.text == "Arange meetings"
    social.refresh_from_db()
    assert social.removed
    assert social.status == Item.Status.IN_PROGRESS
    assert Item.objects.get(text="Fix the CI pipeline").status == Item.Status.OPEN
    assert result.removed == ["Post on social media"]
    assert result.added == ["Fix the CI pipeline"]
    assert result.changed == [("Arrange meetings", "Arange meetings")]


def test_a_line_reworded_in_place_keeps_its_item_and_history():
    import_text(JANUARY)
    arrange = Item.objects.get(text="Arrange meetings")
    arrange.set_status(get_user_model().objects.create_user("maria"), Item.Status.IN_PROGRESS)

    edited = JANUARY.replace("Arrange meetings", "Arrange meetings and book the rooms")
    result = import_text(edited)

    arrange.refresh_from_db()
    assert arrange.text == "Arrange meetings and book the rooms"
    assert arrange.status == Item.Status.IN_PROGRESS
    assert not arrange.removed
    assert result.changed == [("Arrange meetings", "Arrange meetings and book the rooms")]
    assert not Item.objects.filter(removed=True).exists()


def test_another_task_written_in_a_lines_place_is_a_new_item():
    import_text(JANUARY)
    arrange = Item.objects.get(text="Arrange meetings")

    result = import_text(JANUARY.replace("Arrange meetings", "Update the release calendar"))

    arrange.refresh_from_db()
    assert arrange.removed
    assert result.added == ["Update the release calendar"]


def test_a_line_that_comes_back_brings_its_item_back():
    import_text(JANUARY)
    social = Item.objects.get(text="Post on social media")
    import_text(JANUARY.replace("    * RD/AJ: Post on social media\n", ""))
    import_text(JANUARY)

    social.refresh_from_db()
    assert not social.removed
    assert Item.objects.filter(text="Post on social media").count() == 1


def test_two_files_of_one_team_on_the_same_date_are_two_meetings_with_a_warning():
    import_text(JANUARY, source="team/2024-01-10.md")
    second = import_text(JANUARY, source="team/copy-of-2024-01-10.md")

    assert second.outcome == Outcome.IMPORTED
    assert Meeting.objects.count() == 2
    assert any("another meeting of the same team on 2024-01-10" in w for w in second.warnings)


def test_a_file_uploaded_alone_finds_its_meeting_by_name_date_and_teams():
    import_text(JANUARY, source="discussions/plat/2024-01-10.md")

    result = import_text(JANUARY.replace("Release", "Releases"), source="2024-01-10.md")

    assert result.outcome == Outcome.UPDATED
    assert Meeting.objects.get().source == "discussions/plat/2024-01-10.md"


def test_a_broken_file_writes_nothing_and_the_others_still_import():
    summary = import_many(
        [
            ("team/2024-01-10.md", minutes_text(JANUARY)),
            ("team/2024-01-17.md", b"\xff\xfe not utf-8 at all"),
        ]
    )

    outcomes = {r.source: r.outcome for r in summary.results}
    assert outcomes == {
        "team/2024-01-10.md": Outcome.IMPORTED,
        "team/2024-01-17.md": Outcome.FAILED,
    }
    assert "team/2024-01-17.md" in summary.failed[0].error
    assert Meeting.objects.get().source == "team/2024-01-10.md"


def test_a_failure_halfway_through_writing_a_file_leaves_nothing_of_it(monkeypatch):
    def break_on_owners(meeting, new, resolver):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "create_items", break_on_owners)

    result = import_text(JANUARY)

    assert result.outcome == Outcome.FAILED
    assert result.error == "team/2024-01-10.md: not imported: RuntimeError: disk full"
    assert not Meeting.objects.exists()
    assert not Team.objects.exists()
    assert not Person.objects.exists()


def test_a_dry_run_writes_nothing_but_reports_what_it_would_do():
    result = import_text(JANUARY, dry_run=True)

    assert result.outcome == Outcome.IMPORTED
    assert result.action_items == 3
    assert not Meeting.objects.exists()
    assert not Item.objects.exists()


BAD_FILES = {
    "not UTF-8": b"---\ndatetime: 2024-01-10\n---\n\n## Agenda\n\n* caf\xe9\n",
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "empty": b"",
    "broken YAML": b"---\ndatetime: [2024-01-10\nteams: x\n---\n\n## Agenda\n",
    "object tag": b"---\ndatetime: !!python/object/apply:os.system ['true']\n---\n\nx\n",
    "alias bomb": (
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        b"participants: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ndatetime: 2024-01-10\n---\n\nx\n"
    ),
    "impossible date": b"---\ndatetime: 2024-02-30\n---\n\n## Agenda\n\n* x\n",
    "no date": b"---\nteams: [a]\n---\n\n## Agenda\n\n* x\n",
}


@pytest.mark.parametrize("problem", BAD_FILES)
def test_bad_input_is_refused_with_one_line_naming_the_file(problem):
    summary = import_many([("team/notes.md", BAD_FILES[problem])])

    [result] = summary.results
    assert result.outcome == Outcome.FAILED
    assert result.error.startswith("team/notes.md: ")
    assert "\n" not in result.error
    assert not Meeting.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(settings, monkeypatch):
    settings.MINUTES_MAX_BYTES = 1000

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    # Neither its front matter nor its body is read.
    monkeypatch.setattr("yaml.load", must_not_parse)
    monkeypatch.setattr("meetings.minutes.body.parse_body", must_not_parse)
    big = minutes_text(JANUARY) + b"x" * 1000

    result = import_many([("team/2024-01-10.md", big)]).results[0]

    assert result.outcome == Outcome.FAILED
    assert "team/2024-01-10.md" in result.error
    assert "limit" in result.error
    assert not Meeting.objects.exists()


def test_a_bom_and_crlf_line_ends_do_not_hide_the_front_matter():
    data = b"\xef\xbb\xbf" + minutes_text(JANUARY).replace(b"\n", b"\r\n")

    result = import_many([("team/2024-01-10.md", data)]).results[0]

    assert result.outcome == Outcome.IMPORTED
    assert [t.name for t in Meeting.objects.get().teams.all()] == ["Plat Re-Arch"]
    assert Item.objects.actions().count() == 3


def test_a_folder_is_read_recursively_and_other_markdown_is_passed_over(tmp_path):
    (tmp_path / "plat" / "2024").mkdir(parents=True)
    (tmp_path / "plat" / "2024" / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    (tmp_path / "README.md").write_text("# Our minutes\n\nOne file a meeting.\n")
    (tmp_path / "plat" / "notes.txt").write_text("not markdown")

    summary = import_paths([tmp_path])

    assert [r.source for r in summary.results] == ["plat/2024/2024-01-10.md"]
    assert summary.skipped == ["README.md"]
    assert Meeting.objects.get().source == "plat/2024/2024-01-10.md"


def test_a_file_named_alone_counts_its_source_from_the_root_given(tmp_path):
    path = tmp_path / "plat" / "2024-01-10.md"
    path.parent.mkdir()
    path.write_bytes(minutes_text(JANUARY))

    import_paths([path], root=tmp_path)

    assert Meeting.objects.get().source == "plat/2024-01-10.md"


def test_the_command_prints_a_json_summary_and_fails_when_a_file_failed(tmp_path):
    (tmp_path / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    (tmp_path / "2024-01-17.md").write_bytes(b"")
    out = StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("import_minutes", str(tmp_path), "--json", stdout=out, stderr=StringIO())

    summary = json.loads(out.getvalue())
    assert summary["imported"] == 1
    assert summary["updated"] == 0
    assert summary["unchanged"] == 0
    assert summary["failed"] == [
        {"source": "2024-01-17.md", "error": summary["failed"][0]["error"]}
    ]
    assert "2024-01-17.md" in summary["failed"][0]["error"]
    assert summary["meetings"] == 1
    assert summary["action_items"] == 3
    assert summary["decisions"] == 1
    assert isinstance(summary["warnings"], list)


def test_the_command_without_json_prints_progress_lines_and_a_summary(tmp_path):
    (tmp_path / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    out, err = StringIO(), StringIO()

    call_command("import_minutes", str(tmp_path), stdout=out, stderr=err)
    call_command("import_minutes", str(tmp_path), stdout=out, stderr=err)

    assert "imported: 2024-01-10.md" in err.getvalue()
    assert "1 imported, 0 updated, 0 unchanged, 0 failed" in out.getvalue()
    assert "0 imported, 0 updated, 1 unchanged, 0 failed" in out.getvalue()


def test_the_command_dry_run_writes_nothing(tmp_path):
    (tmp_path / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    out = StringIO()

    call_command("import_minutes", str(tmp_path), "--dry-run", stdout=out, stderr=StringIO())

    assert "Dry run, nothing written. Would have: 1 imported" in out.getvalue()
    assert not Meeting.objects.exists()


def test_a_missing_path_is_a_clear_command_error():
    with pytest.raises(CommandError, match=r"nowhere\.md: no such file or folder"):
        call_command("import_minutes", "nowhere.md", stdout=StringIO(), stderr=StringIO())


def test_parse_minutes_prints_the_json_of_section_6_and_writes_nothing(tmp_path):
    path = tmp_path / "2024-01-10.md"
    path.write_bytes(minutes_text(JANUARY))
    out = StringIO()

    call_command("parse_minutes", str(path), "--json", stdout=out)

    [parsed] = json.loads(out.getvalue())
    assert parsed["source"] == str(path)
    assert parsed["datetime"] == "2024-01-10T13:00:00+01:00"
    assert parsed["teams"] == ["Plat Re-Arch"]
    assert parsed["participants"] == ["RăzvanD", "AlexJ", "Maria"]
    assert [a["text"] for a in parsed["agenda"]] == ["Release", "CI"]
    assert parsed["action_items"][1] == {
        "owners": ["RD", "AJ"],
        "text": "Post on social media",
        "links": [],
        "line": 25,
    }
    assert parsed["decisions"] == [{"text": "We meet next on Wednesday.", "line": 27}]
    assert parsed["error"] is None
    assert not Meeting.objects.exists()


def test_parse_minutes_reports_a_bad_file_in_the_json_and_exits_non_zero(tmp_path):
    (tmp_path / "2024-01-03.md").write_bytes(b"\xff\xfe")
    (tmp_path / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("parse_minutes", str(tmp_path), "--json", stdout=out, stderr=StringIO())

    parsed = json.loads(out.getvalue())
    assert [p["source"] for p in parsed] == [
        str(tmp_path / "2024-01-03.md"),
        str(tmp_path / "2024-01-10.md"),
    ]
    assert parsed[0]["error"].startswith(str(tmp_path / "2024-01-03.md") + ": not UTF-8")
    assert parsed[0]["action_items"] == []
    assert parsed[1]["error"] is None


def test_parse_minutes_passes_over_a_readme_in_a_folder_and_says_so(tmp_path):
    (tmp_path / "README.md").write_text("# Our minutes\n")
    (tmp_path / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    out, err = StringIO(), StringIO()

    call_command("parse_minutes", str(tmp_path), "--json", stdout=out, stderr=err)

    assert [p["source"] for p in json.loads(out.getvalue())] == [str(tmp_path / "2024-01-10.md")]
    assert f"skipped: {tmp_path / 'README.md'}" in err.getvalue()

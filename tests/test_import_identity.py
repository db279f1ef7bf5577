"""Which meeting a file is: by its path, or, for a file uploaded alone, by what it says."""

import pytest

from meetings.importing import Outcome, import_many, import_paths
from meetings.models import Item, Meeting
from tests.helpers import minutes_text

pytestmark = pytest.mark.django_db


def minutes(team, todos, date="2024-04-10", extra=""):
    lines = "\n".join(f"* {todo}" for todo in todos)
    return (
        minutes_text(
            f"""
        ---
        datetime: {date}
        teams: [{team}]
        participants: [MariaP, TomK]
        {extra}
        ---

        ## TODOs and Decisions

        """
        )
        + lines.encode()
        + b"\n"
    )


SECURITY = minutes("Security", ["MariaP: Audit the login", "TomK: Rotate keys", "Ship it"])
VMM = minutes("VMM", ["TomK: Fix the page tables"])


def upload(source, data, **options):
    """A file as the admin takes it: by the name it was uploaded with."""
    [result] = import_many([(source, data)], **options).results
    return result


def test_another_teams_file_of_the_same_name_and_date_is_a_new_meeting():
    upload("2024-04-10.md", SECURITY)
    security = Meeting.objects.get()

    result = upload("2024-04-10.md", VMM)

    assert result.outcome == Outcome.IMPORTED
    assert not result.teams_changed
    assert result.removed == []
    security.refresh_from_db()
    assert [team.name for team in security.teams.all()] == ["Security"]
    assert security.text == SECURITY.decode()
    assert sorted(
        Item.objects.filter(meeting=security, removed=False).values_list("text", flat=True)
    ) == [
        "Audit the login",
        "Rotate keys",
        "Ship it",
    ]
    vmm = Meeting.objects.exclude(pk=security.pk).get()
    assert vmm.source == "vmm/2024-04-10.md"
    assert [team.name for team in vmm.teams.all()] == ["VMM"]
    assert [item.text for item in Item.objects.filter(meeting=vmm)] == ["Fix the page tables"]


def test_a_preview_of_another_teams_file_says_new_meeting_and_changes_nothing():
    upload("2024-04-10.md", SECURITY)

    result = upload("2024-04-10.md", VMM, dry_run=True)

    assert result.outcome == Outcome.IMPORTED
    assert Meeting.objects.count() == 1
    assert not Item.objects.filter(removed=True).exists()


def test_the_same_teams_edited_file_uploaded_alone_updates_its_meeting():
    upload("2024-04-10.md", SECURITY)
    meeting = Meeting.objects.get()

    edited = SECURITY.replace(b"* Ship it\n", b"")
    result = upload("2024-04-10.md", edited)

    assert result.outcome == Outcome.UPDATED
    assert result.meeting.pk == meeting.pk
    assert result.removed == ["Ship it"]
    assert not result.teams_changed


def test_a_file_known_by_its_path_may_change_its_teams_and_the_result_says_so():
    upload("security/2024-04-10.md", SECURITY)

    result = upload("security/2024-04-10.md", VMM)

    assert result.outcome == Outcome.UPDATED
    assert result.teams_changed
    assert result.teams_before == ["Security"]
    assert result.removed == ["Audit the login", "Rotate keys", "Ship it"]
    assert Meeting.objects.count() == 1


def test_a_flat_folder_named_on_the_command_line_is_known_by_path(tmp_path):
    path = tmp_path / "2024-04-10.md"
    path.write_bytes(SECURITY)
    import_paths([tmp_path])

    path.write_bytes(VMM)
    [result] = import_paths([tmp_path]).results

    assert result.outcome == Outcome.UPDATED
    assert result.teams_changed
    assert Meeting.objects.count() == 1


def test_a_file_uploaded_alone_that_replaces_another_takes_its_meeting_whatever_its_teams():
    upload("security/2024-04-10.md", SECURITY)
    meeting = Meeting.objects.get()

    replacing = minutes(
        "VMM", ["TomK: Fix the page tables"], extra="replaces: security/2024-04-10.md"
    )
    result = upload("2024-04-10.md", replacing)

    assert result.outcome == Outcome.UPDATED
    assert result.meeting.pk == meeting.pk
    assert result.teams_changed
    assert result.removed == ["Audit the login", "Rotate keys", "Ship it"]
    meeting.refresh_from_db()
    assert meeting.source == "security/2024-04-10.md"  # a bare name says less than the path
    assert [team.name for team in meeting.teams.all()] == ["VMM"]


def test_a_moved_file_that_says_what_it_replaces_takes_its_meeting_and_its_new_path():
    upload("security/2024-04-10.md", SECURITY)
    item_ids = sorted(Item.objects.values_list("pk", flat=True))
    moved = minutes(
        "Security",
        ["MariaP: Audit the login", "TomK: Rotate keys", "Ship it"],
        extra="replaces: security/2024-04-10.md",
    )

    result = upload("archive/2024/security-2024-04-10.md", moved)
    again = upload("archive/2024/security-2024-04-10.md", moved)

    assert result.outcome == Outcome.UPDATED
    assert not result.teams_changed
    assert Meeting.objects.get().source == "archive/2024/security-2024-04-10.md"
    assert sorted(Item.objects.values_list("pk", flat=True)) == item_ids
    assert again.outcome == Outcome.UNCHANGED
    assert again.warnings == []


def test_replacing_a_file_never_imported_is_a_new_meeting_with_a_warning():
    replacing = minutes("VMM", ["TomK: Fix the page tables"], extra="replaces: vmm/old.md")

    result = upload("2024-04-10.md", replacing)

    assert result.outcome == Outcome.IMPORTED
    assert "replaces: no meeting was imported from vmm/old.md; a new meeting" in result.warnings


def test_a_replaced_file_imported_with_the_one_replacing_it_is_refused():
    upload("security/2024-04-10.md", SECURITY)
    moved = minutes(
        "Security", ["MariaP: Audit the login"], extra="replaces: security/2024-04-10.md"
    )

    summary = import_many(
        [("archive/2024-04-10.md", moved), ("security/2024-04-10.md", SECURITY + b"* Later\n")]
    )

    assert [(r.source, r.outcome) for r in summary.results] == [
        ("archive/2024-04-10.md", Outcome.UPDATED),
        ("security/2024-04-10.md", Outcome.FAILED),
    ]
    assert "another file of this import (one that replaces it" in summary.results[1].error
    assert Meeting.objects.get().source == "archive/2024-04-10.md"

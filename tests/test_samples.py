"""The sample minutes of `make run`: apart from a community's own, and gone when asked."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from meetings.models import Item, Meeting, Person, Team
from tests.helpers import SAMPLES, import_text, make_user

pytestmark = pytest.mark.django_db

REAL = """
    ---
    datetime: 2026-05-06
    teams: [docs]
    participants: [TomK, RosaM]
    ---

    ## TODOs and Decisions

    * TK: Publish the handbook
    * RM: Fix the broken links
"""


def setup_demo(*args):
    out = io.StringIO()
    call_command("setup_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_samples_have_their_own_teams_and_paths():
    said = setup_demo("--samples", str(SAMPLES))

    files = len(list(SAMPLES.glob("*/*.md")))
    assert f"Imported {files} sample minutes" in said
    assert set(Team.objects.values_list("name", flat=True)) == {"quarry-core", "quarry-docs"}
    assert all(
        source.startswith("sample_minutes/")
        for source in Meeting.objects.values_list("source", flat=True)
    )
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


def test_removing_the_samples_leaves_a_communitys_own_minutes_and_people():
    setup_demo("--samples", str(SAMPLES))
    import_text(REAL, source="docs/2026-05-06.md")
    tom = Person.objects.get(handle="TomK")  # in the samples and in the real minutes
    alex = Person.objects.get(handle="AlexL")  # in the samples only
    alex.user = make_user("alex")  # but has an account: stays
    alex.save()

    out = io.StringIO()
    call_command("remove_samples", stdout=out)

    assert list(Meeting.objects.values_list("source", flat=True)) == ["docs/2026-05-06.md"]
    assert sorted(Item.objects.values_list("text", flat=True)) == [
        "Fix the broken links",
        "Publish the handbook",
    ]
    assert list(Team.objects.values_list("name", flat=True)) == ["docs"]
    assert set(Person.objects.values_list("handle", flat=True)) == {"TomK", "RosaM", "AlexL"}
    tom.refresh_from_db()
    assert tom.open_items == 1
    files = len(list(SAMPLES.glob("*/*.md")))
    assert f"Removed {files} sample meetings" in out.getvalue()


def test_ones_own_minutes_start_the_tracker_instead(tmp_path):
    folder = tmp_path / "minutes"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "2026-05-06.md").write_text(
        "\n".join(line[4:] for line in REAL.splitlines()), encoding="utf-8"
    )

    said = setup_demo(str(folder))

    assert "Imported 1 minutes" in said
    assert list(Meeting.objects.values_list("source", flat=True)) == ["docs/2026-05-06.md"]


def test_a_folder_that_is_not_there_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder of minutes"):
        setup_demo(str(tmp_path / "nowhere"))

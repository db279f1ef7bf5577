"""Previews and imports of many files run in the task worker; the admin follows their progress.

A real worker (``manage.py db_worker``) runs against the test database, as
it would in production: nothing here runs a task inline.
"""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import uploads
from meetings.admin import logs as import_logs
from meetings.importing import import_many
from meetings.models import ImportLog, Item, Meeting, Upload
from meetings.preview import preview_files
from tests.helpers import import_text, make_user, minutes_text
from tests.processes import environment, running, wait_until, worker_command

# The worker reads what the tests write: no test transaction may hide it.
pytestmark = pytest.mark.django_db(transaction=True)

IMPORT = reverse("admin:meetings_meeting_import")


TASKS = [
    "Arrange meetings",
    "Book the room",
    "Write the release notes",
    "Fix the login page",
    "Answer the security report",
    "Plan the next sprint",
    "Order new laptops",
    "Renew the domain name",
]


def minutes(day, team="core", owner="RD", text=None):
    text = text or TASKS[day % len(TASKS)]
    return minutes_text(f"""
        ---
        datetime: 2024-03-{day:02d}
        teams:
          - {team}
        participants:
          - RăzvanD
        ---

        ## TODOs

        * {owner}: {text}
        * We meet again.
    """)


def folder(count, team="core"):
    """A zip of a minutes folder of ``count`` meetings: ``core/2024-03-01.md``..."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for day in range(1, count + 1):
            archive.writestr(f"minutes/{team}/2024-03-{day:02d}.md", minutes(day, team))
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def few_files_inline(settings, tmp_path):
    """Up to two files in the request; more go to the worker, which shares the storage."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_INLINE_FILES = 2


def send(client, name, data):
    response = client.post(IMPORT, {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def text(response):
    return " ".join(response.content.decode().split())


def follow(client, url):
    """Poll the page as htmx does until it asks for a reload; the page then."""
    polled = []

    def ready():
        response = client.get(url, headers={"HX-Request": "true"})
        polled.append(text(response))
        return response.headers.get("HX-Refresh") == "true"

    wait_until(ready, what=f"the work behind {url}")
    return text(client.get(url)), polled


def test_a_preview_of_many_files_is_made_by_the_worker_while_the_page_shows_progress(
    client, maintainer, task_worker
):
    preview_url = send(client, "minutes.zip", folder(6))

    first = text(client.get(preview_url))
    assert "Reading the files for the preview" in first
    assert f'hx-get="{preview_url}"' in first
    page, polled = follow(client, preview_url)

    assert "Preview: import minutes" in page
    assert "6 files: 6 new, 0 updated, 0 unchanged, 0 with errors." in page
    assert "Plan the next sprint" in page
    assert "Import 6 files" in page
    assert all("of 6 files" in poll for poll in polled[:-1])
    assert not Meeting.objects.exists()


def test_an_import_of_many_files_runs_in_the_worker_and_its_log_shows_progress_then_the_result(
    client, maintainer, task_worker
):
    preview_url = send(client, "minutes.zip", folder(6))
    follow(client, preview_url)

    response = client.post(preview_url, {"confirm": "Import"})
    log = ImportLog.objects.get()
    log_url = reverse("admin:meetings_importlog_change", args=[log.pk])
    assert response["Location"] == log_url
    page, _ = follow(client, log_url)

    assert "6 new, 0 updated, 0 unchanged, 0 failed" in page
    log.refresh_from_db()
    assert (log.state, log.done, log.total) == (ImportLog.State.DONE, 6, 6)
    assert log.finished is not None
    assert Meeting.objects.count() == 6
    assert Item.objects.actions().count() == 6
    assert not Upload.objects.exists()


def test_without_a_worker_the_page_says_that_none_has_started(client, maintainer, monkeypatch):
    monkeypatch.setattr(import_logs, "WORKER_MISSING_AFTER", 0)
    preview_url = send(client, "minutes.zip", folder(3))

    page = text(client.get(preview_url))

    assert "No task worker has started on this yet. Is one running?" in page
    assert "manage.py db_worker" in page


def test_an_interrupted_import_is_shown_so_and_runs_again_without_importing_twice(
    client, maintainer, task_worker, settings
):
    preview_url = send(client, "minutes.zip", folder(6))
    follow(client, preview_url)
    upload = Upload.objects.get()
    # What a worker killed after three files leaves: three meetings, a log left running.
    import_many(uploads.load(upload).files[:3])
    stale = timezone.now() - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    log = ImportLog.objects.create(
        user=maintainer, upload=upload, state="running", done=3, total=6, updated=stale
    )
    log_url = reverse("admin:meetings_importlog_change", args=[log.pk])

    page = text(client.get(log_url))

    assert "Interrupted</span> after 3 of 6 files." in page
    assert "The import stopped part-way (its worker ended); run it again to finish it." in page
    listing = text(client.get(reverse("admin:meetings_importlog_changelist")))
    assert "interrupted: 3 of 6 files" in listing

    client.post(reverse("admin:meetings_importlog_resume", args=[log.pk]))
    page, _ = follow(client, log_url)

    assert "3 new, 0 updated, 3 unchanged, 0 failed" in page
    assert Meeting.objects.count() == 6
    assert Item.objects.count() == 12
    log.refresh_from_db()
    assert log.state == ImportLog.State.DONE


def test_a_preview_whose_worker_died_is_started_again(client, maintainer, settings, tmp_path):
    preview_url = send(client, "minutes.zip", folder(3))
    upload = Upload.objects.get()
    # A worker took the preview and died: its task stays "running", the upload does not move on.
    DBTaskResult.objects.filter(pk=upload.task).update(status="RUNNING")
    stale = timezone.now() - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    Upload.objects.update(updated=stale)

    with running(worker_command(), environment(), tmp_path / "worker.log"):
        first = text(client.get(preview_url))
        page, _ = follow(client, preview_url)

    assert "The preview stopped part-way (its worker ended); it runs again." in first
    assert Upload.objects.get().task != upload.task
    assert "3 files: 3 new, 0 updated, 0 unchanged, 0 with errors." in page


def test_a_preview_that_fails_says_so_and_imports_nothing(client, maintainer, monkeypatch):
    def broken(files, progress=None):
        raise ValueError("a bug")

    monkeypatch.setattr("meetings.tasks.preview_files", broken)
    preview_url = send(client, "2024-03-01.md", minutes(1))  # one file: made in the request

    page = text(client.get(preview_url, follow=True))

    assert "The preview could not be made (ValueError: a bug). Nothing was imported" in page
    assert not Upload.objects.exists()
    assert not Meeting.objects.exists()


def test_running_again_an_import_that_is_not_interrupted_is_refused(client, maintainer):
    log = ImportLog.objects.create(user=maintainer, state="done")

    response = client.post(reverse("admin:meetings_importlog_resume", args=[log.pk]), follow=True)

    assert "That import is not interrupted: nothing to run again." in text(response)


# The preview reads and never writes nor locks


def writes_or_locks(sql):
    sql = sql.lstrip().upper()
    return sql.startswith(("INSERT", "UPDATE", "DELETE", "SAVEPOINT")) or " FOR UPDATE" in sql


@pytest.mark.django_db
def test_a_preview_writes_nothing_and_takes_no_lock():
    import_text(
        """
        ---
        datetime: 2024-03-01
        teams: [core]
        participants: [RăzvanD]
        ---

        ## TODOs

        * RD: Arrange meetings
        * RD: Book the room
        """,
        source="core/2024-03-01.md",
    )
    files = [("core/2024-03-01.md", minutes(1)), ("core/2024-03-02.md", minutes(2))]

    with CaptureQueriesContext(connection) as queries:
        preview = preview_files(files)

    written = [q["sql"] for q in queries if writes_or_locks(q["sql"])]
    assert written == []
    assert [f["outcome"] for f in preview["files"]] == ["updated", "imported"]
    assert Meeting.objects.count() == 1


@pytest.mark.django_db
def test_a_preview_that_would_change_a_meetings_teams_or_remove_items_says_so_in_red(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    user = make_user("mara", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="add_meeting"))
    client.force_login(user)
    import_text(minutes(1, team="security").decode(), source="2024-03-01.md")
    # A file of another team is another meeting, unless it says which one it replaces.
    edited = minutes(1, team="vmm", text="Something else").replace(
        b"---\n", b"---\nreplaces: 2024-03-01.md\n", 1
    )

    preview_url = send(client, "2024-03-01.md", edited)
    page = text(client.get(preview_url))

    assert (
        '<li class="danger">2024-03-01.md changes the teams of the meeting of 2024-03-01 '
        "(2024-03-01.md) from security to vmm</li>"
    ) in page
    assert "marks 1 item of the meeting of 2024-03-01 (2024-03-01.md) removed" in page
    assert 'name="accept"' in page

    refused = client.post(preview_url, {"confirm": "Import"})
    assert refused.status_code == 400
    assert "Tick the box to say you mean it" in text(refused)
    assert list(Meeting.objects.get().teams.values_list("name", flat=True)) == ["security"]

    client.post(preview_url, {"confirm": "Import", "accept": "1"})
    assert list(Meeting.objects.get().teams.values_list("name", flat=True)) == ["vmm"]

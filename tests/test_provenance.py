"""Where a meeting's minutes came from: the git commit and path, or the admin upload."""

import hashlib
import subprocess
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from meetings.models import ImportLog, Meeting, Mention
from tests.helpers import make_user, minutes_text
from tests.test_settings import refusal, settings_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_uploads")]

TEMPLATE = "https://github.com/example/minutes/blob/{commit}/{path}#L{line}"

JANUARY = """
    ---
    datetime: 2024-01-10T10:00:00+01:00
    teams: [core]
    participants: [Simon Kuenzer, Alice Doe]
    ---
    ## Agenda
    - Release
    ## TODOs
    - AD: Tag the release
    - The release is on Friday.
    """


def git(repo, *arguments):
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A git repository whose minutes folder holds January's minutes, committed."""
    folder = tmp_path / "repo" / "minutes" / "core"
    folder.mkdir(parents=True)
    (folder / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    git(tmp_path / "repo", "init", "--quiet")
    git(tmp_path / "repo", "add", ".")
    git(tmp_path / "repo", "commit", "--quiet", "-m", "January")
    return tmp_path / "repo"


def import_minutes(path):
    call_command("import_minutes", str(path), stdout=StringIO(), stderr=StringIO())


def test_a_meeting_imported_from_a_git_work_tree_records_the_commit_and_path(repo):
    import_minutes(repo / "minutes")

    meeting = Meeting.objects.get()
    assert meeting.source == "core/2024-01-10.md"
    assert meeting.commit == git(repo, "rev-parse", "HEAD")
    assert len(meeting.commit) == 40
    assert meeting.commit_path == "minutes/core/2024-01-10.md"


def test_a_file_named_alone_records_its_commit_too(repo):
    import_minutes(repo / "minutes" / "core" / "2024-01-10.md")

    assert Meeting.objects.get().commit_path == "minutes/core/2024-01-10.md"


def test_a_file_modified_since_its_commit_records_none(repo):
    file = repo / "minutes" / "core" / "2024-01-10.md"
    file.write_bytes(file.read_bytes() + b"- SK: Announce it\n")

    import_minutes(repo / "minutes")

    meeting = Meeting.objects.get()
    assert meeting.mentions.count() == 3  # imported, as the file now is
    assert (meeting.commit, meeting.commit_path) == ("", "")


def test_a_file_not_committed_records_none(repo):
    (repo / "minutes" / "core" / "2024-01-17.md").write_bytes(
        minutes_text(JANUARY.replace("2024-01-10", "2024-01-17"))
    )

    import_minutes(repo / "minutes")

    assert dict(Meeting.objects.values_list("source", "commit_path")) == {
        "core/2024-01-10.md": "minutes/core/2024-01-10.md",
        "core/2024-01-17.md": "",
    }


def test_a_staged_change_records_none(repo):
    file = repo / "minutes" / "core" / "2024-01-10.md"
    file.write_bytes(file.read_bytes() + b"- SK: Announce it\n")
    git(repo, "add", ".")

    import_minutes(repo / "minutes")

    assert Meeting.objects.get().commit == ""


def test_outside_a_git_work_tree_there_is_no_commit_and_no_error(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "2024-01-10.md").write_bytes(minutes_text(JANUARY))

    import_minutes(tmp_path)

    assert Meeting.objects.values_list("source", "commit").get() == ("core/2024-01-10.md", "")


def test_a_file_committed_after_its_import_gets_its_commit_when_imported_again(repo):
    file = repo / "minutes" / "core" / "2024-01-10.md"
    file.write_bytes(file.read_bytes() + b"- SK: Announce it\n")
    import_minutes(repo / "minutes")
    git(repo, "commit", "--quiet", "-am", "Announce it")

    import_minutes(repo / "minutes")

    assert Meeting.objects.get().commit == git(repo, "rev-parse", "HEAD")


def test_each_mention_links_to_its_line_at_the_commit(repo, client, maintainer, settings):
    settings.MINUTES_SOURCE_URL = TEMPLATE
    import_minutes(repo / "minutes")
    meeting = Meeting.objects.get()
    commit = git(repo, "rev-parse", "HEAD")
    tag = Mention.objects.get(text="Tag the release")
    blob = f"https://github.com/example/minutes/blob/{commit}/minutes/core/2024-01-10.md"

    page = client.get(meeting.get_absolute_url()).content.decode()
    item_page = client.get(tag.item.get_absolute_url()).content.decode()

    assert tag.line == 9
    file_link = f'<a class="source" href="{blob}">minutes/core/2024-01-10.md at {commit[:10]}</a>'
    assert file_link in page
    assert f'<a class="source" href="{blob}#L9"' in page
    assert f'<a class="source" href="{blob}#L10"' in page  # the decision
    assert f'<a class="source" href="{blob}#L9"' in item_page


def test_without_a_url_template_the_commit_and_path_are_shown_as_text(
    repo, client, maintainer, settings
):
    settings.MINUTES_SOURCE_URL = ""
    import_minutes(repo / "minutes")
    short = git(repo, "rev-parse", "HEAD")[:10]
    tag = Mention.objects.get(text="Tag the release")

    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()
    item_page = client.get(tag.item.get_absolute_url()).content.decode()

    assert "github.com" not in page
    assert f"minutes/core/2024-01-10.md at <code>{short}</code>" in page
    assert f"minutes/core/2024-01-10.md:9 at <code>{short}</code>" in item_page


def test_a_meeting_not_from_git_shows_no_source(tmp_path, client, maintainer, settings):
    settings.MINUTES_SOURCE_URL = TEMPLATE
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    import_minutes(tmp_path)

    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()

    assert 'class="source"' not in page
    assert 'class="provenance"' not in page


def upload_and_import(client, name, data):
    preview = client.post(
        reverse("admin:meetings_meeting_import"),
        {"files": [SimpleUploadedFile(name, data)]},
        follow=True,
    )
    return client.post(preview.redirect_chain[-1][0], {"confirm": "Import"}, follow=True)


def test_an_upload_shows_its_uploader_and_digest_to_staff(client, maintainer):
    data = minutes_text(JANUARY)
    upload_and_import(client, "2024-01-10.md", data)
    log = ImportLog.objects.get()
    meeting = Meeting.objects.get()

    page = " ".join(client.get(meeting.get_absolute_url()).content.decode().split())
    admin_page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert meeting.import_log == log
    assert log.user == maintainer
    assert len(log.digest) == 64
    assert f"by {maintainer.username}; the upload's SHA-256 is" in page
    assert f'<code class="digest">{log.digest}</code>' in page
    assert reverse("admin:meetings_importlog_change", args=[log.pk]) in page
    assert f"an upload by {maintainer.username} on" in admin_page.content.decode()
    assert log.digest in admin_page.content.decode()


def test_readers_see_that_a_meeting_was_uploaded_but_not_by_whom(client, maintainer):
    upload_and_import(client, "2024-01-10.md", minutes_text(JANUARY))
    digest = ImportLog.objects.get().digest
    client.force_login(make_user("reader"))

    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()

    assert "Uploaded in the admin on" in page
    assert maintainer.username not in page
    assert digest not in page


def test_the_digest_is_the_uploads_not_the_files(client, maintainer):
    """A hash over what the upload held (its manifest and files), as the upload recorded it."""
    data = minutes_text(JANUARY)
    upload_and_import(client, "2024-01-10.md", data)

    assert ImportLog.objects.get().digest != hashlib.sha256(data).hexdigest()
    assert Meeting.objects.get().content_hash == hashlib.sha256(data).hexdigest()


def test_importing_from_disk_again_clears_the_upload_it_came_from(client, maintainer, repo):
    upload_and_import(client, "2024-01-10.md", minutes_text(JANUARY.replace("Friday", "Thursday")))
    assert Meeting.objects.get().import_log is not None

    import_minutes(repo / "minutes")

    meeting = Meeting.objects.get()
    assert meeting.import_log is None
    assert meeting.commit == git(repo, "rev-parse", "HEAD")


def test_the_url_template_may_use_only_commit_path_and_line():
    assert settings_with({"MINUTES_SOURCE_URL": TEMPLATE}, "MINUTES_SOURCE_URL") == {
        "MINUTES_SOURCE_URL": TEMPLATE
    }
    assert refusal({"MINUTES_SOURCE_URL": "https://git.example.org/{repo}/{commit}"}) == (
        "django.core.exceptions.ImproperlyConfigured: MINUTES_SOURCE_URL may use"
        " {commit}, {path}, {line}; not {repo}"
    )

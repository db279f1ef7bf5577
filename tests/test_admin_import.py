"""Importing minutes through the admin: upload, preview, confirm, result, re-import."""

import datetime as dt
import io
import uuid
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import uploads
from meetings.models import ImportLog, Item, Meeting, Mention, Upload
from meetings.preview import preview_files
from tests.helpers import import_text, make_user, minutes_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_uploads")]

IMPORT = reverse("admin:meetings_meeting_import")
MEETINGS = reverse("admin:meetings_meeting_changelist")

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

    ## TODOs and Decisions

    * RD: Arrange meetings
    * Everyone: Work on PRs for the 0.7 release
    * CC: Book the room
    * We meet next on Wednesday.
"""

# January's minutes, edited: a typo fixed, a line gone, a line added.
JANUARY_EDITED = """
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

    ## TODOs and Decisions

    * RD: Arrange meetings.
    * Everyone: Work on PRs for the 0.7 release
    * AJ: Write the release notes
    * We meet next on Wednesday.
"""

FEBRUARY = """
    ---
    datetime: 2024-02-07
    teams:
      - docs
    participants:
      - Maria
    ---

    ## TODOs

    * Maria: Proofread the guide
"""

GOOD = ("2024-02-07.md", minutes_text(FEBRUARY))


def upload(client, *files):
    """Post files to the import form; the response after redirects (the preview)."""
    uploaded = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(IMPORT, {"files": uploaded}, follow=True)


def zipped(*members, name="minutes.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return name, buffer.getvalue()


def confirm(client, preview, **ticks):
    """Press "Import" on a preview page; the response after redirects (the result)."""
    return client.post(preview.redirect_chain[-1][0], {"confirm": "Import", **ticks}, follow=True)


def keep(*files):
    """Keep an upload of these files, as the form does; its id."""
    batch = uploads.read_uploads([SimpleUploadedFile(name, data) for name, data in files])
    return uploads.keep(batch, None).pk


def text(response):
    """The page's HTML, its runs of white space made one space."""
    return " ".join(response.content.decode().split())


def january():
    return ("2024-01-10.md", minutes_text(JANUARY))


# Links and permissions


def test_the_admin_index_and_the_meetings_list_link_to_the_import(client, maintainer):
    assert f'href="{IMPORT}"' in text(client.get(reverse("admin:index")))
    assert f'href="{IMPORT}"' in text(client.get(MEETINGS))


def test_staff_who_may_not_add_meetings_see_no_link_and_may_not_import(client):
    user = make_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client.force_login(user)

    assert f'href="{IMPORT}"' not in text(client.get(reverse("admin:index")))
    assert f'href="{IMPORT}"' not in text(client.get(MEETINGS))
    assert client.get(IMPORT).status_code == 403
    assert upload(client, january()).status_code == 403
    assert not Meeting.objects.exists()


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    client.force_login(make_user("member"))

    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.post(IMPORT, {"files": [SimpleUploadedFile(*january())]})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Meeting.objects.exists()


def test_a_preview_is_refused_to_staff_who_may_not_add_meetings(client, maintainer):
    preview = upload(client, january())
    client.force_login(make_user("viewer", is_staff=True))

    assert client.get(preview.redirect_chain[-1][0]).status_code == 403
    assert client.post(preview.redirect_chain[-1][0], {"confirm": "Import"}).status_code == 403
    assert not Meeting.objects.exists()


def test_an_upload_without_the_forms_csrf_token_is_refused(maintainer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(maintainer)

    response = upload(client, january())

    assert response.status_code == 403
    assert "CSRF verification failed" in text(response)
    assert not Upload.objects.exists()


def test_the_reimport_action_is_offered_only_to_those_who_may_import(client, maintainer):
    import_text(JANUARY)
    assert 'value="reimport"' in text(client.get(MEETINGS))

    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client.force_login(viewer)
    assert 'value="reimport"' not in text(client.get(MEETINGS))


# Upload and preview


def test_the_form_asks_for_markdown_files_or_a_zip(client, maintainer):
    page = text(client.get(IMPORT))

    assert 'type="file" name="files"' in page
    assert "multiple" in page
    assert "One or more Markdown (.md) files, or one .zip of a minutes folder." in page


def test_the_import_pages_are_styled_by_the_admins_media_not_inline(client, maintainer):
    form = text(client.get(IMPORT))
    preview = upload(client, january())
    result = confirm(client, preview)

    assert 'href="/static/admin/css/forms.css"' in form
    for page in (text(preview), text(result)):
        assert 'href="/static/meetings/import.css"' in page
        assert "<style" not in page


def test_uploading_nothing_asks_for_a_file(client, maintainer):
    page = text(client.post(IMPORT, {}))

    assert "This field is required." in page


def test_a_zip_and_markdown_files_together_are_refused(client, maintainer):
    page = text(upload(client, january(), zipped(GOOD)))

    assert "Upload one .zip on its own, or Markdown files without a zip." in page
    assert not Upload.objects.exists()


def test_the_preview_shows_the_meeting_and_what_it_will_create_and_writes_nothing(
    client, maintainer
):
    preview = upload(client, january())
    page = text(preview)

    assert preview.status_code == 200
    assert "2024-01-10.md" in page
    assert '<span class="outcome outcome-imported">new</span>' in page
    assert "Wed 10 Jan 2024" in page
    assert "<dd>Plat Re-Arch</dd>" in page
    assert "<dd>RăzvanD, AlexJ, Maria</dd>" in page
    assert "Arrange meetings" in page
    assert "RD (person: RăzvanD)" in page
    assert "Everyone (group: everyone at the meeting)" in page
    assert "We meet next on Wednesday." in page
    assert "Import 1 file" in page
    assert not Meeting.objects.exists()
    assert not Item.objects.exists()


def test_an_unresolved_owner_links_to_mapping_the_name(client, maintainer):
    page = text(upload(client, january()))

    add_alias = reverse("admin:meetings_alias_add")
    assert f'CC (unresolved: <a href="{add_alias}?text=CC"' in page
    assert "map it</a>" in page


def test_an_unresolved_owner_has_no_map_link_for_who_may_not_map_names(client, maintainer):
    maintainer.user_permissions.remove(Permission.objects.get(codename="add_alias"))

    page = text(upload(client, january()))

    assert "CC (unresolved)" in page
    assert "map it" not in page


def test_file_names_are_shown_as_text_not_html(client, maintainer):
    page = text(upload(client, ("<em>x.md", b"")))

    assert "&lt;em&gt;x.md: the file is empty" in page
    assert "<em>x.md" not in page


def test_the_preview_shows_the_parser_warnings(client, maintainer):
    page = text(upload(client, ("2024-03-06.md", b"## TODOs\n\n* RD: Arrange meetings\n")))

    assert "the date is taken from the file name" in page


def test_several_files_are_previewed_together(client, maintainer):
    page = text(upload(client, january(), GOOD))

    assert "2 files: 2 new, 0 updated, 0 unchanged, 0 with errors" in page
    assert "Proofread the guide" in page
    assert "Arrange meetings" in page
    assert "Import 2 files" in page


def test_a_zip_of_the_minutes_folder_is_previewed_by_source(client, maintainer):
    preview = upload(
        client,
        zipped(
            ("minutes/core/2024-01-10.md", minutes_text(JANUARY)),
            ("minutes/docs/2024-02-07.md", GOOD[1]),
            ("minutes/README.md", b"# Our minutes\n"),
        ),
    )
    page = text(preview)

    assert "From <strong>minutes.zip</strong>: 2 files" in page
    assert "core/2024-01-10.md" in page
    assert "docs/2024-02-07.md" in page
    assert "README.md: not minutes (no front matter, no date in its name), skipped" in page

    confirm(client, preview)

    assert set(Meeting.objects.values_list("source", flat=True)) == {
        "core/2024-01-10.md",
        "docs/2024-02-07.md",
    }


def test_previewing_takes_a_few_queries_whatever_the_files_items(
    client, maintainer, django_assert_max_num_queries
):
    import_text(JANUARY, source="2024-01-10.md")
    upload = Upload.objects.get(pk=keep(("2024-01-10.md", minutes_text(JANUARY_EDITED))))

    # Two more than before who is who was learned from the corpus: the directory of people
    # and their spellings.
    with django_assert_max_num_queries(14):
        preview = preview_files(uploads.load(upload).files)

    assert len(preview["files"][0]["actions"]) == 3


# Confirm and result


def test_confirming_imports_what_the_preview_showed_and_logs_it(client, maintainer):
    result = confirm(client, upload(client, january(), GOOD))
    page = text(result)

    assert set(Meeting.objects.values_list("source", flat=True)) == {
        "2024-01-10.md",
        "2024-02-07.md",
    }
    assert Item.objects.actions().count() == 4
    log = ImportLog.objects.get()
    assert log.user == maintainer
    assert sorted(log.files) == ["2024-01-10.md", "2024-02-07.md"]
    assert log.summary["imported"] == 2
    assert log.summary["origin"] == "2024-01-10.md, 2024-02-07.md"
    assert result.redirect_chain[-1][0] == reverse("admin:meetings_importlog_change", args=[log.pk])
    assert "Imported: 2 new, 0 updated, 0 unchanged, 0 failed." in page
    assert '<span class="outcome outcome-imported">imported</span>' in page
    meeting = Meeting.objects.get(source="2024-01-10.md")
    assert reverse("admin:meetings_meeting_change", args=[meeting.pk]) in page


def test_confirming_deletes_the_kept_upload(client, maintainer, kept_uploads):
    preview = upload(client, january())
    kept = Upload.objects.get()
    assert [path.name for path in kept_uploads.iterdir()] == [f"{kept.pk}.zip"]

    confirm(client, preview)

    assert list(kept_uploads.iterdir()) == []
    assert not Upload.objects.exists()
    assert ImportLog.objects.get().state == ImportLog.State.DONE


def test_cancelling_deletes_the_upload_and_imports_nothing(client, maintainer, kept_uploads):
    preview = upload(client, january())

    page = text(client.post(preview.redirect_chain[-1][0], {"cancel": "Cancel"}, follow=True))

    assert "Nothing was imported, and the upload is deleted." in page
    assert list(kept_uploads.iterdir()) == []
    assert not Upload.objects.exists()
    assert not Meeting.objects.exists()


def test_confirming_twice_imports_once(client, maintainer):
    preview = upload(client, january())
    confirm(client, preview)

    page = text(confirm(client, preview))

    assert "That preview is out of date" in page
    assert ImportLog.objects.count() == 1


def test_uploading_the_same_file_again_is_unchanged(client, maintainer):
    confirm(client, upload(client, january()))

    preview = upload(client, january())
    page = text(preview)

    assert '<span class="outcome outcome-unchanged">unchanged</span>' in page
    assert "Imported already, as it is: nothing to do." in page
    assert "Nothing to import." in page


def test_an_edited_file_updates_its_meeting_and_keeps_the_statuses(client, maintainer):
    confirm(client, upload(client, january()))
    arrange = Item.objects.get(text="Arrange meetings")
    arrange.set_status(maintainer, Item.Status.DONE)
    work = Item.objects.get(text__startswith="Work on PRs")
    work.set_status(maintainer, Item.Status.IN_PROGRESS)

    preview = upload(client, ("2024-01-10.md", minutes_text(JANUARY_EDITED)))
    page = text(preview)

    assert '<span class="outcome outcome-updated">updated</span>' in page
    assert "<li>Added: Write the release notes</li>" in page
    assert "<li>Text changed: “Arrange meetings” → “Arrange meetings.”</li>" in page
    assert "Removed from the minutes (kept, marked removed): Book the room</li>" in page
    assert "2024-01-10.md marks 1 item of the meeting of 2024-01-10 (2024-01-10.md) removed" in page
    assert "“Arrange meetings.” stays Done" in page
    assert "“Work on PRs for the 0.7 release” stays In progress" in page
    assert Item.objects.get(pk=arrange.pk).text == "Arrange meetings"  # nothing written yet

    refused = text(confirm(client, preview))
    assert "Tick the box to say you mean it, or cancel. Nothing was imported." in refused
    assert Item.objects.get(pk=arrange.pk).text == "Arrange meetings"

    result = text(confirm(client, preview, accept="1"))

    assert "Imported: 0 new, 1 updated, 0 unchanged, 0 failed." in result
    arrange.refresh_from_db()
    work.refresh_from_db()
    assert (arrange.text, arrange.status) == ("Arrange meetings.", Item.Status.DONE)
    assert work.status == Item.Status.IN_PROGRESS
    assert Mention.objects.get(text="Book the room").removed
    assert Meeting.objects.count() == 1


def test_a_file_uploaded_alone_updates_the_meeting_imported_from_its_folder(client, maintainer):
    import_text(JANUARY, source="team/2024-01-10.md")

    confirm(client, upload(client, ("2024-01-10.md", minutes_text(JANUARY_EDITED))), accept="1")

    assert list(Meeting.objects.values_list("source", flat=True)) == ["team/2024-01-10.md"]
    assert Item.objects.filter(text="Write the release notes").exists()


def test_a_file_uploaded_alone_as_it_was_imported_from_its_folder_is_unchanged(client, maintainer):
    import_text(JANUARY, source="team/2024-01-10.md")

    preview = upload(client, january())
    assert '<span class="outcome outcome-unchanged">unchanged</span>' in text(preview)
    result = text(confirm(client, preview))

    assert "Imported: 0 new, 0 updated, 1 unchanged, 0 failed." in result
    assert "changed between the preview and the import" not in result
    assert list(Meeting.objects.values_list("source", flat=True)) == ["team/2024-01-10.md"]


def test_a_confirm_for_another_upload_is_refused(client, maintainer):
    upload(client, january())
    other = reverse("admin:meetings_meeting_import_preview", args=[uuid.uuid4()])

    page = text(client.post(other, {"confirm": "Import"}, follow=True))

    assert "That preview is out of date" in page
    assert "Nothing was imported; upload the files again." in page
    assert not Meeting.objects.exists()


def test_an_import_that_stops_says_so_and_offers_to_run_it_again(client, maintainer, monkeypatch):
    preview = upload(client, january())

    def broken(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr("meetings.tasks.import_many", broken)
    page = text(confirm(client, preview))

    assert "Interrupted</span> after 0 of 1 files." in page
    assert "The import stopped: RuntimeError. Run it again to finish it." in page
    assert "Run the import again" in page
    assert ImportLog.objects.get().state == ImportLog.State.INTERRUPTED
    assert Upload.objects.exists()  # kept, to run it again


def test_another_users_upload_cannot_be_previewed_or_confirmed(client, maintainer):
    preview = upload(client, january())
    other = make_user("olga", is_staff=True)
    other.user_permissions.add(*Permission.objects.filter(codename="add_meeting"))
    client.force_login(other)

    page = text(confirm(client, preview))

    assert "That preview is out of date" in page
    assert not Meeting.objects.exists()
    assert Upload.objects.exists()


def test_an_expired_preview_cannot_be_confirmed(client, maintainer, kept_uploads):
    preview = upload(client, january())
    Upload.objects.update(created=timezone.now() - dt.timedelta(seconds=uploads.MAX_AGE + 1))

    page = text(confirm(client, preview))

    assert "That preview is out of date" in page
    assert not Upload.objects.exists()
    assert list(kept_uploads.iterdir()) == []
    assert not Meeting.objects.exists()


def test_the_result_says_when_the_database_changed_since_the_preview(client, maintainer):
    preview = upload(client, january())
    import_text(JANUARY, source="2024-01-10.md")  # someone else, meanwhile

    page = text(confirm(client, preview))

    assert "2024-01-10.md (previewed as new, now unchanged)" in page


# The import log


def test_the_import_log_is_listed_read_only(client, maintainer):
    confirm(client, upload(client, january()))
    log = ImportLog.objects.get()

    listing = text(client.get(reverse("admin:meetings_importlog_changelist")))
    change = reverse("admin:meetings_importlog_change", args=[log.pk])

    assert "mara" in listing
    assert "1 new, 0 updated, 0 unchanged, 0 failed" in listing
    assert client.get(reverse("admin:meetings_importlog_add")).status_code == 403
    assert client.post(change, {"files": "[]", "summary": "{}"}).status_code == 403
    assert client.post(reverse("admin:meetings_importlog_delete", args=[log.pk])).status_code == 403
    log.refresh_from_db()
    assert log.summary["imported"] == 1


# Bad input: named on the page, nothing of it written, the others still import


def upload_beside_a_good_file(client, name, data):
    """Upload a bad file with a good one, confirm; the preview's and the result's pages."""
    preview = upload(client, (name, data), GOOD)
    result = confirm(client, preview)
    assert list(Meeting.objects.values_list("source", flat=True)) == ["2024-02-07.md"]
    return text(preview), text(result)


def assert_named_error(pages, message):
    for page in pages:
        assert message in page


def test_a_file_that_is_not_utf8_is_named_and_not_imported(client, maintainer):
    data = minutes_text(JANUARY).replace(b"Release", b"Caf\xe9")

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(pages, "2024-01-10.md: not UTF-8 text (invalid byte 0xe9")


def test_a_binary_file_is_named_and_not_imported(client, maintainer):
    pages = upload_beside_a_good_file(client, "2024-01-10.md", b"\x89PNG\r\n\x1a\n" + b"\0" * 99)

    assert_named_error(pages, "2024-01-10.md: a PNG image, not a Markdown file")


def test_an_empty_file_is_named_and_not_imported(client, maintainer):
    pages = upload_beside_a_good_file(client, "2024-01-10.md", b"")

    assert_named_error(pages, "2024-01-10.md: the file is empty")


def test_a_file_of_front_matter_only_is_named_and_not_imported(client, maintainer):
    data = b"---\ndatetime: 2024-01-10\nteams: [core]\n---\n"

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(pages, "2024-01-10.md: there is nothing below the front matter")


def test_broken_yaml_is_named_and_not_imported(client, maintainer):
    data = b"---\ndatetime: 2024-01-10\nteams: [core\n---\n\n## TODOs\n\n* RD: x\n"

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(pages, "2024-01-10.md: broken YAML in the front matter")


def test_yaml_aliases_that_would_blow_up_are_named_and_not_imported(client, maintainer):
    data = (
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ndatetime: 2024-01-10\n---\n\n## TODOs\n\n* x\n"
    )

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(
        pages, "2024-01-10.md: YAML anchors and aliases are not allowed in the front matter"
    )


def test_yaml_tags_that_would_run_code_are_named_and_not_imported(client, maintainer):
    data = b"---\ndatetime: !!python/object/apply:os.system ['true']\n---\n\n## TODOs\n\n* x\n"

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(pages, "2024-01-10.md: YAML tags such as")


def test_a_file_without_a_date_is_named_and_not_imported(client, maintainer):
    data = b"---\nteams: [core]\n---\n\n## TODOs\n\n* RD: Arrange meetings\n"

    pages = upload_beside_a_good_file(client, "notes.md", data)

    assert_named_error(pages, "notes.md: no meeting date")


def test_a_file_over_the_size_limit_is_named_and_not_imported(client, maintainer, settings):
    settings.MINUTES_MAX_BYTES = len(GOOD[1])
    data = minutes_text(JANUARY)

    pages = upload_beside_a_good_file(client, "2024-01-10.md", data)

    assert_named_error(
        pages, f"2024-01-10.md: the file is too large ({len(data):,} bytes; the limit is "
    )


def test_a_zip_over_the_uncompressed_limit_is_named_and_nothing_of_it_imported(
    client, maintainer, settings
):
    settings.MINUTES_ZIP_MAX_BYTES = 5_000
    name, data = zipped(("2024-02-07.md", GOOD[1]), ("notes.txt", b" " * 5_000))

    page = text(upload(client, (name, data)))

    assert "minutes.zip: the zip holds 5," in page
    assert "bytes uncompressed; the limit is 5,000 bytes" in page
    assert "Nothing to import." in page
    assert not Meeting.objects.exists()


def test_a_zip_over_the_file_count_limit_is_named_and_nothing_of_it_imported(
    client, maintainer, settings
):
    settings.MINUTES_ZIP_MAX_FILES = 2
    members = [(f"m/{n}.txt", b"x") for n in range(2)] + [("m/2024-02-07.md", GOOD[1])]

    page = text(upload(client, zipped(*members)))

    assert "minutes.zip: the zip holds 3 files; the limit is 2" in page
    assert not Meeting.objects.exists()


def test_a_zip_member_whose_header_understates_its_size_is_named_and_not_imported(
    client, maintainer
):
    name, data = zipped(("m/2024-01-10.md", minutes_text(JANUARY)), ("m/2024-02-07.md", GOOD[1]))
    data = bytearray(data)
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")

    preview = upload(client, (name, bytes(data)))
    confirm(client, preview)

    assert "2024-01-10.md: cannot be read from the zip (Bad CRC-32" in text(preview)
    assert list(Meeting.objects.values_list("source", flat=True)) == ["2024-02-07.md"]


@pytest.mark.parametrize("member", ["../2024-01-10.md", "/etc/2024-01-10.md"])
def test_a_zip_member_outside_the_zip_is_named_and_not_imported(client, maintainer, member):
    preview = upload(client, zipped((member, minutes_text(JANUARY)), GOOD))
    confirm(client, preview)

    assert f"{member}: its path leaves the zip&#x27;s folder; refused" in text(preview)
    assert list(Meeting.objects.values_list("source", flat=True)) == ["2024-02-07.md"]


def test_a_zip_member_that_is_not_markdown_is_skipped_with_a_note(client, maintainer):
    preview = upload(client, zipped(("m/notes.txt", b"Buy milk"), ("m/2024-02-07.md", GOOD[1])))
    confirm(client, preview)

    assert "notes.txt: not a Markdown (.md) file, skipped" in text(preview)
    assert list(Meeting.objects.values_list("source", flat=True)) == ["2024-02-07.md"]


def test_the_same_file_twice_in_one_upload_is_named_and_imported_once(client, maintainer):
    preview = upload(client, january(), january(), GOOD)
    result = text(confirm(client, preview))

    assert "2024-01-10.md: given twice in this upload; imported once" in text(preview)
    assert "2024-01-10.md: given twice in this upload; imported once" in result
    assert "turned out otherwise" not in result
    assert Meeting.objects.filter(source="2024-01-10.md").count() == 1
    assert Meeting.objects.count() == 2


def test_two_files_claiming_one_source_are_named_and_neither_imported(client, maintainer):
    edited = ("2024-01-10.md", minutes_text(JANUARY_EDITED))

    preview = upload(client, january(), edited, GOOD)
    confirm(client, preview)

    assert (
        "2024-01-10.md: 2 different files in this upload are named 2024-01-10.md; "
        "none is imported" in text(preview)
    )
    assert list(Meeting.objects.values_list("source", flat=True)) == ["2024-02-07.md"]


# Requests over the upload limits get a page, not an error


def test_more_files_than_one_request_may_send_get_a_friendly_page(client, maintainer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2

    response = upload(client, january(), GOOD, ("2024-03-06.md", b"x"))

    assert response.status_code == 413
    assert "This upload holds more than 2 files" in text(response)
    assert "Upload them as one .zip instead." in text(response)
    assert not Meeting.objects.exists()


def test_more_form_data_than_the_server_accepts_gets_a_friendly_page(client, maintainer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = client.post(IMPORT, {"note": "x" * 200, "files": [SimpleUploadedFile(*GOOD)]})

    assert response.status_code == 413
    assert "This upload holds more form data than the server accepts." in text(response)


def test_an_upload_larger_than_a_zip_may_be_gets_a_friendly_page(client, maintainer, settings):
    settings.MINUTES_ZIP_MAX_BYTES = 1_000
    big = ("2024-01-10.md", b"x" * (uploads.FORM_ROOM + 2_000))

    response = upload(client, big)

    assert response.status_code == 413
    assert "one upload may send 66,536 bytes at most" in text(response)
    assert not Upload.objects.exists()


# Re-import from disk


@pytest.fixture
def minutes_root(tmp_path, settings):
    settings.MINUTES_ROOT = str(tmp_path)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "2024-01-10.md").write_bytes(minutes_text(JANUARY))
    import_text(JANUARY, source="team/2024-01-10.md")
    return tmp_path


def reimport(client, *meetings):
    return client.post(
        MEETINGS,
        {"action": "reimport", "_selected_action": [m.pk for m in meetings]},
        follow=True,
    )


def test_reimporting_a_changed_file_previews_the_update_and_imports_it(
    client, maintainer, minutes_root
):
    (minutes_root / "team" / "2024-01-10.md").write_bytes(minutes_text(JANUARY_EDITED))
    meeting = Meeting.objects.get()

    preview = reimport(client, meeting)

    assert f"From <strong>{minutes_root}</strong>" in text(preview)
    assert '<span class="outcome outcome-updated">updated</span>' in text(preview)
    assert not Item.objects.filter(text="Write the release notes").exists()
    confirm(client, preview, accept="1")
    assert Item.objects.filter(text="Write the release notes").exists()
    assert ImportLog.objects.get().files == ["team/2024-01-10.md"]


def test_reimporting_an_unchanged_file_says_so(client, maintainer, minutes_root):
    page = text(reimport(client, Meeting.objects.get()))

    assert '<span class="outcome outcome-unchanged">unchanged</span>' in page


def test_reimporting_without_a_minutes_folder_says_it_is_not_configured(
    client, maintainer, settings
):
    settings.MINUTES_ROOT = ""
    meeting = Meeting.objects.get(pk=import_text(JANUARY).meeting.pk)

    page = text(reimport(client, meeting))

    assert "none is configured: set MINUTES_ROOT to it. Nothing was re-imported." in page


def test_reimporting_a_meeting_whose_file_is_gone_names_it(client, maintainer, minutes_root):
    (minutes_root / "team" / "2024-01-10.md").unlink()

    page = text(reimport(client, Meeting.objects.get()))

    assert f"No file under {minutes_root} for: team/2024-01-10.md." in page
    assert not Upload.objects.exists()

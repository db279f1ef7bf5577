"""Reading uploaded minutes within limits, and keeping them from preview to confirm."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import uploads
from meetings.models import ImportLog, Upload
from meetings.uploads import Batch, UploadError, read_uploads

MINUTES = b"---\ndatetime: 2024-01-10\n---\n\n## TODOs\n\n* RD: Arrange meetings\n"
OTHER = b"---\ndatetime: 2024-01-17\n---\n\n## TODOs\n\n* RD: Book the room\n"

# Every test keeps its uploads in its own storage folder.
pytestmark = pytest.mark.usefixtures("kept_uploads")


def zipped(*members, compression=zipfile.ZIP_DEFLATED):
    """A zip holding ``(name, bytes)`` members, as an upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return SimpleUploadedFile("minutes.zip", buffer.getvalue())


def md(name, data=MINUTES):
    return SimpleUploadedFile(name, data)


def errors(batch):
    return {source: str(data) for source, data in batch.files if isinstance(data, UploadError)}


def readable(batch):
    return {source: data for source, data in batch.files if isinstance(data, bytes)}


# Markdown files


def test_markdown_files_are_read_under_their_names():
    batch = read_uploads([md("2024-01-10.md"), md("2024-01-17.md", OTHER)])

    assert batch.files == [("2024-01-10.md", MINUTES), ("2024-01-17.md", OTHER)]
    assert batch.origin == "2024-01-10.md, 2024-01-17.md"


def test_a_file_over_the_size_limit_is_refused_unread(settings):
    settings.MINUTES_MAX_BYTES = 10

    batch = read_uploads([md("2024-01-10.md")])

    assert errors(batch) == {
        "2024-01-10.md": f"the file is too large ({len(MINUTES)} bytes; the limit is 10)"
    }


def test_a_file_that_is_neither_markdown_nor_a_zip_is_skipped_with_a_note():
    batch = read_uploads([md("2024-01-10.md"), md("photo.png", b"\x89PNG")])

    assert list(readable(batch)) == ["2024-01-10.md"]
    assert batch.skipped == ["photo.png: not a Markdown (.md) file or a zip, skipped"]


def test_the_same_file_twice_is_read_once_and_the_copy_refused():
    batch = read_uploads([md("2024-01-10.md"), md("2024-01-10.md"), md("copy.md")])

    assert batch.files[0] == ("2024-01-10.md", MINUTES)
    assert [str(data) for _, data in batch.files[1:]] == [
        "given twice in this upload; imported once",
        "the same file as 2024-01-10.md in this upload; imported once",
    ]


def test_different_files_under_one_name_are_all_refused():
    batch = read_uploads([md("2024-01-10.md"), md("2024-01-10.md", OTHER)])

    assert [str(data) for _, data in batch.files] == [
        "2 different files in this upload are named 2024-01-10.md; none is imported"
    ] * 2


# Zips


def test_a_zip_of_a_folder_names_its_minutes_from_inside_the_folder():
    upload = zipped(("minutes/core/2024-01-10.md", MINUTES), ("minutes/docs/2024-01-17.md", OTHER))

    batch = read_uploads([upload])

    assert readable(batch) == {"core/2024-01-10.md": MINUTES, "docs/2024-01-17.md": OTHER}
    assert batch.origin == "minutes.zip"


def test_a_zip_without_one_top_folder_keeps_its_paths():
    batch = read_uploads([zipped(("core/2024-01-10.md", MINUTES), ("2024-01-17.md", OTHER))])

    assert list(readable(batch)) == ["core/2024-01-10.md", "2024-01-17.md"]


def test_members_that_are_not_markdown_or_not_minutes_are_skipped_with_a_note():
    upload = zipped(
        ("m/2024-01-10.md", MINUTES),
        ("m/logo.png", b"\x89PNG"),
        ("m/README.md", b"# About these minutes\n"),
        ("__MACOSX/m/._2024-01-10.md", b"\x00\x05\x16\x07"),
    )

    batch = read_uploads([upload])

    assert list(readable(batch)) == ["2024-01-10.md"]
    assert batch.skipped == [
        "__MACOSX/: macOS metadata (1 files), skipped",
        "logo.png: not a Markdown (.md) file, skipped",
        "README.md: not minutes (no front matter, no date in its name), skipped",
    ]


@pytest.mark.parametrize("name", ["../2024-01-10.md", "a/../../x.md", "/etc/x.md", "C:/x.md"])
def test_a_member_whose_path_leaves_the_zip_is_refused(name):
    batch = read_uploads([zipped((name, MINUTES), ("2024-01-17.md", OTHER))])

    assert errors(batch) == {name: "its path leaves the zip's folder; refused"}
    assert list(readable(batch)) == ["2024-01-17.md"]


def test_a_zip_with_more_files_than_the_limit_is_refused_whole(settings):
    settings.MINUTES_ZIP_MAX_FILES = 2
    upload = zipped(("a/2024-01-10.md", MINUTES), ("a/2024-01-17.md", OTHER), ("a/x.txt", b"x"))

    batch = read_uploads([upload])

    assert batch.files == [("minutes.zip", batch.files[0][1])]
    assert errors(batch) == {"minutes.zip": "the zip holds 3 files; the limit is 2"}


def test_a_zip_over_the_uncompressed_limit_is_refused_whole_by_its_headers(settings):
    settings.MINUTES_ZIP_MAX_BYTES = 10_000
    upload = zipped(("2024-01-10.md", MINUTES), ("padding.txt", b"x" * 20_000))

    batch = read_uploads([upload])

    assert errors(batch) == {
        "minutes.zip": f"the zip holds {20_000 + len(MINUTES):,} bytes uncompressed; "
        "the limit is 10,000 bytes"
    }


def test_a_zip_larger_than_the_limit_itself_is_refused_unopened(settings):
    settings.MINUTES_ZIP_MAX_BYTES = 100
    upload = zipped(("2024-01-10.md", MINUTES), compression=zipfile.ZIP_STORED)

    batch = read_uploads([upload])

    assert errors(batch) == {
        "minutes.zip": f"the zip is {upload.size} bytes; a zip may hold 100 bytes at most"
    }


def test_members_are_counted_as_they_are_read_whatever_the_headers_say(settings):
    """A zip reader that trusted the headers would read past them: the count stops it."""
    settings.MINUTES_ZIP_MAX_BYTES = len(MINUTES) + len(OTHER) - 1

    class Lying:
        """A zip whose headers say each member holds one byte."""

        members = {"2024-01-10.md": MINUTES, "2024-01-17.md": OTHER}

        def infolist(self):
            infos = [zipfile.ZipInfo(name) for name in self.members]
            for info in infos:
                info.file_size = 1
            return infos

        def open(self, info):
            return io.BytesIO(self.members[info.filename])

    with pytest.raises(UploadError, match="though its headers say less"):
        uploads.read_members(Lying())


def test_a_member_over_the_size_limit_is_refused_alone(settings):
    settings.MINUTES_MAX_BYTES = len(MINUTES)
    batch = read_uploads([zipped(("2024-01-10.md", MINUTES + b"more"), ("2024-01-17.md", OTHER))])

    assert errors(batch) == {
        "2024-01-10.md": f"the file is too large ({len(MINUTES) + 4} bytes; the limit is "
        f"{len(MINUTES)})"
    }
    assert list(readable(batch)) == ["2024-01-17.md"]


def test_a_member_whose_header_understates_its_size_cannot_be_read():
    upload = zipped(("2024-01-10.md", MINUTES), ("2024-01-17.md", OTHER))
    data = bytearray(upload.read())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (5).to_bytes(4, "little")  # uncompressed size

    batch = read_uploads([SimpleUploadedFile("minutes.zip", bytes(data))])

    assert errors(batch) == {
        "2024-01-10.md": "cannot be read from the zip (Bad CRC-32 for file '2024-01-10.md')"
    }
    assert list(readable(batch)) == ["2024-01-17.md"]


def test_a_file_that_is_not_a_zip_is_refused():
    batch = read_uploads([SimpleUploadedFile("minutes.zip", b"not a zip at all")])

    assert errors(batch) == {"minutes.zip": "not a zip file, or a damaged one"}


def test_two_members_claiming_one_path_are_both_refused():
    batch = read_uploads([zipped(("m/2024-01-10.md", MINUTES), ("m/./2024-01-10.md", OTHER))])

    assert set(errors(batch).values()) == {
        "2 different files in this upload are named 2024-01-10.md; none is imported"
    }


def test_zip_members_are_never_written_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")

    read_uploads([zipped(("../escaped.md", MINUTES), ("2024-01-17.md", OTHER))])

    assert list(tmp_path.rglob("*")) == [tmp_path / "inside"]


# Re-reading from the minutes folder


def test_meetings_files_are_read_again_from_the_folder_and_missing_ones_named(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "2024-01-10.md").write_bytes(MINUTES)

    batch, missing = uploads.read_from_root(tmp_path, ["core/2024-01-10.md", "core/gone.md"])

    assert batch.files == [("core/2024-01-10.md", MINUTES)]
    assert missing == ["core/gone.md"]


def test_a_source_outside_the_folder_is_not_read(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "secret.md").write_bytes(MINUTES)

    batch, missing = uploads.read_from_root(tmp_path / "root", ["../secret.md"])

    assert batch.files == []
    assert missing == ["../secret.md"]


# Keeping a batch from preview to confirm: in the storage, with a row


def age(upload, seconds):
    Upload.objects.filter(pk=upload.pk).update(
        created=timezone.now() - dt.timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_a_kept_batch_is_in_the_storage_with_its_row_and_loads_whole(kept_uploads):
    batch = Batch("minutes.zip", [("a.md", MINUTES), ("b.md", UploadError("bad"))], ["x: skipped"])

    upload = uploads.keep(batch, None)

    assert [p.name for p in kept_uploads.iterdir()] == [f"{upload.pk}.zip"]
    assert (upload.origin, upload.count, upload.digest) == ("minutes.zip", 2, batch.digest)
    loaded = uploads.load(Upload.objects.get())
    assert loaded.files[0] == ("a.md", MINUTES)
    assert str(loaded.files[1][1]) == "bad"
    assert loaded.skipped == ["x: skipped"]


@pytest.mark.django_db
def test_a_kept_batch_whose_bytes_are_not_what_was_uploaded_does_not_load():
    upload = uploads.keep(Batch("a.md", [("a.md", MINUTES)]), None)
    upload.digest = "0" * 64

    assert uploads.load(upload) is None


def test_the_digest_changes_with_any_byte():
    one = Batch("a.md", [("a.md", MINUTES)])
    other = Batch("a.md", [("a.md", MINUTES + b" ")])

    assert one.digest != other.digest


@pytest.mark.django_db
def test_discarding_an_upload_deletes_its_row_and_its_bytes(kept_uploads):
    upload = uploads.keep(Batch("a.md", [("a.md", MINUTES)]), None)

    uploads.discard(upload)
    uploads.discard(upload)  # a second time is no error

    assert not Upload.objects.exists()
    assert list(kept_uploads.iterdir()) == []
    assert uploads.load(upload) is None


@pytest.mark.django_db
def test_keeping_a_batch_sweeps_out_expired_ones(kept_uploads):
    stale = uploads.keep(Batch("a.md", [("a.md", MINUTES)]), None)
    age(stale, uploads.MAX_AGE + 1)

    fresh = uploads.keep(Batch("b.md", [("b.md", OTHER)]), None)

    assert list(Upload.objects.all()) == [fresh]
    assert [p.name for p in kept_uploads.iterdir()] == [f"{fresh.pk}.zip"]


@pytest.mark.django_db
def test_the_files_of_an_unfinished_import_are_kept_to_run_it_again_for_a_while():
    interrupted = uploads.keep(Batch("a.md", [("a.md", MINUTES)]), None)
    ImportLog.objects.create(upload=interrupted, state=ImportLog.State.INTERRUPTED)
    age(interrupted, uploads.MAX_AGE + 1)
    abandoned = uploads.keep(Batch("b.md", [("b.md", OTHER)]), None)
    ImportLog.objects.create(upload=abandoned, state=ImportLog.State.INTERRUPTED)
    age(abandoned, uploads.RESUME_MAX_AGE + 1)

    uploads.sweep()

    assert list(Upload.objects.all()) == [interrupted]

"""Minutes uploaded through the admin: read within limits, and kept from preview to confirm.

Nothing uploaded is written where its name says. A zip's members are read in
memory one by one, their paths checked and their bytes counted while they are
read, so that neither ``../../x.md`` nor a zip whose headers understate its
sizes can do harm. What was read waits for the maintainer's confirmation in
Django's storage (``FOLDER``) with an ``Upload`` row, so that any web server
can show its preview and import it, bound to its content by a hash
(``Batch.digest``). It is deleted on cancel, once imported, or by ``sweep``
(run each time an upload is kept) after ``MAX_AGE``; an unfinished import's
files are kept for ``RESUME_MAX_AGE``, to run it again.

Shared by the admin's import pages (``meetings.admin.imports``) and the task
worker (``meetings.tasks``), so it lives outside the admin package.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from meetings.importing import looks_like_minutes
from meetings.models import ImportLog, Upload

# How long an upload waits for its confirmation.
MAX_AGE = 60 * 60
# How long the files of an unfinished import are kept, to run it again.
RESUME_MAX_AGE = 7 * 24 * 60 * 60
# Where uploads wait, in the default storage.
FOLDER = "minutes-uploads"
# What the form around the files may add to a request, over the zip limit.
FORM_ROOM = 64 * 1024
DRIVE = re.compile(r"^[A-Za-z]:")


class UploadError(Exception):
    """Why an uploaded file is refused before it is parsed; the message does not name it."""


@dataclass
class Batch:
    """Minutes files to import: what a preview shows and its confirmation imports.

    ``files`` are (source, bytes) pairs, or (source, UploadError) for a file
    refused while reading; ``skipped`` are notes on what was passed over.
    """

    origin: str
    files: list[tuple[str, bytes | UploadError]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def digest(self):
        """A hash over everything the batch holds: which upload a preview is of."""
        digest = hashlib.sha256(json.dumps(self.manifest(), ensure_ascii=False).encode())
        for _, data in self.files:
            if isinstance(data, bytes):
                digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def manifest(self):
        return {
            "origin": self.origin,
            "skipped": self.skipped,
            "files": [
                {"source": source, "error": None if isinstance(data, bytes) else str(data)}
                for source, data in self.files
            ],
        }

    @property
    def sources(self):
        return [source for source, _ in self.files]


def request_limit():
    """The most one upload request may send: a zip at its limit, and the form around it."""
    return settings.MINUTES_ZIP_MAX_BYTES + FORM_ROOM


def size(count):
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / (1024 * 1024):.1f} MB"


# Reading


def read_uploads(uploads) -> Batch:
    """Read uploaded files: ``.md`` files, or a ``.zip`` of a minutes folder."""
    batch = Batch(origin=", ".join(upload.name for upload in uploads))
    for upload in uploads:
        name = upload.name
        if name.lower().endswith(".zip"):
            read_zip(upload, name, batch)
        elif name.lower().endswith(".md"):
            batch.files.append((name, read_file(upload)))
        else:
            batch.skipped.append(f"{name}: not a Markdown (.md) file or a zip, skipped")
    batch.files = without_duplicates(batch.files)
    return batch


def read_file(upload):
    limit = settings.MINUTES_MAX_BYTES
    if upload.size > limit:
        return UploadError(too_large(upload.size, limit))
    data = upload.read(limit + 1)
    return UploadError(too_large(len(data), limit)) if len(data) > limit else data


def too_large(count, limit):
    # The parser's words, for a file it never gets to see.
    return f"the file is too large ({count:,} bytes; the limit is {limit:,})"


def read_zip(upload, name, batch):
    """Add the minutes in a zip to ``batch``; a zip over a limit adds one error, for itself."""
    total_limit = settings.MINUTES_ZIP_MAX_BYTES
    if upload.size > total_limit:
        refusal = f"the zip is {size(upload.size)}; a zip may hold {size(total_limit)} at most"
        batch.files.append((name, UploadError(refusal)))
        return
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        batch.files.append((name, UploadError("not a zip file, or a damaged one")))
        return
    with archive:
        try:
            files, skipped = read_members(archive)
        except UploadError as refusal:
            batch.files.append((name, refusal))
            return
    batch.files.extend(files)
    batch.skipped.extend(skipped)


def read_members(archive):
    """The minutes in a zip, read in memory; raises UploadError when the zip is over a limit."""
    max_files, total_limit = settings.MINUTES_ZIP_MAX_FILES, settings.MINUTES_ZIP_MAX_BYTES
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > max_files:
        raise UploadError(f"the zip holds {len(members):,} files; the limit is {max_files:,}")
    declared = sum(m.file_size for m in members)
    if declared > total_limit:
        raise UploadError(
            f"the zip holds {size(declared)} uncompressed; the limit is {size(total_limit)}"
        )

    files, skipped = [], []
    paths = [m.filename.replace("\\", "/") for m in members]
    junk = {path for path in paths if is_macos_metadata(path)}
    if junk:
        skipped.append(f"__MACOSX/: macOS metadata ({len(junk)} files), skipped")
    folder = common_folder([p for p in paths if p not in junk])
    # Counted as they are read: a header may understate what a member holds.
    left = total_limit
    for member, path in zip(members, paths, strict=True):
        if path in junk:
            continue
        if is_outside(path):
            files.append((path, UploadError("its path leaves the zip's folder; refused")))
            continue
        source = "/".join(p for p in path.removeprefix(folder).split("/") if p not in ("", "."))
        if not source.lower().endswith(".md"):
            skipped.append(f"{source}: not a Markdown (.md) file, skipped")
            continue
        limit = settings.MINUTES_MAX_BYTES
        if member.file_size > limit:
            files.append((source, UploadError(too_large(member.file_size, limit))))
            continue
        try:
            with archive.open(member) as stream:
                data = stream.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
            files.append((source, UploadError(f"cannot be read from the zip ({e})")))
            continue
        left -= len(data)
        if left < 0:
            raise UploadError(
                f"the zip holds more than {size(total_limit)} uncompressed, though its "
                "headers say less"
            )
        if len(data) > limit:
            files.append((source, UploadError(too_large(len(data), limit))))
        elif not looks_like_minutes(Path(source).name, data):
            skipped.append(f"{source}: not minutes (no front matter, no date in its name), skipped")
        else:
            files.append((source, data))
    return files, skipped


def is_outside(path):
    """Whether a member's path would leave the folder it were unpacked in."""
    return path.startswith("/") or bool(DRIVE.match(path)) or ".." in path.split("/")


def is_macos_metadata(path):
    return path.startswith("__MACOSX/") or Path(path).name.startswith("._")


def common_folder(paths):
    """The one folder all members are in (a zip of ``minutes/``): sources count from it.

    So a zip of the minutes folder names its meetings as ``import_minutes``
    does that folder.
    """
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        return tops.pop() + "/"
    return ""


def without_duplicates(files):
    """Refuse a file given twice (imported once) and files claiming one source (neither)."""
    contents = defaultdict(set)
    for source, data in files:
        if isinstance(data, bytes):
            contents[source].add(hashlib.sha256(data).digest())
    first = {}
    kept = []
    for source, data in files:
        if not isinstance(data, bytes):
            kept.append((source, data))
            continue
        digest = hashlib.sha256(data).digest()
        if len(contents[source]) > 1:
            count = len(contents[source])
            refusal = f"{count} different files in this upload are named {source}; none is imported"
            kept.append((source, UploadError(refusal)))
        elif digest in first:
            same = first[digest]
            given = "given twice" if same == source else f"the same file as {same}"
            kept.append((source, UploadError(f"{given} in this upload; imported once")))
        else:
            first[digest] = source
            kept.append((source, data))
    return kept


def read_from_root(root: Path, sources):
    """Read meetings' source files again from the minutes folder on disk.

    Returns the batch, and the sources with no file under ``root``.
    """
    batch = Batch(origin=str(root))
    missing = []
    limit = settings.MINUTES_MAX_BYTES
    for source in sources:
        path = (root / source).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            missing.append(source)
            continue
        try:
            with path.open("rb") as file:
                data = file.read(limit + 1)
        except OSError as error:
            batch.files.append((source, UploadError(f"cannot be read ({error.strerror})")))
            continue
        if len(data) > limit:
            data = UploadError(too_large(path.stat().st_size, limit))
        batch.files.append((source, data))
    return batch, missing


# Keeping a batch until it is confirmed


def keep(batch, user) -> Upload:
    """Keep a batch in the storage, with its row; expired uploads are swept on the way."""
    sweep()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as kept:
        kept.writestr("batch.json", json.dumps(batch.manifest(), ensure_ascii=False))
        for number, (_, data) in enumerate(batch.files):
            if isinstance(data, bytes):
                kept.writestr(str(number), data)
    upload = Upload(user=user, digest=batch.digest, origin=batch.origin, count=len(batch.files))
    upload.file = default_storage.save(f"{FOLDER}/{upload.pk}.zip", ContentFile(buffer.getvalue()))
    upload.save()
    return upload


def load(upload) -> Batch | None:
    """The batch an upload keeps, if it is still there and is what was uploaded."""
    try:
        with default_storage.open(upload.file) as stored, zipfile.ZipFile(stored) as kept:
            manifest = json.loads(kept.read("batch.json"))
            files = [
                (entry["source"], kept.read(str(number)))
                if entry["error"] is None
                else (entry["source"], UploadError(entry["error"]))
                for number, entry in enumerate(manifest["files"])
            ]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    batch = Batch(manifest["origin"], files, manifest["skipped"])
    return batch if batch.digest == upload.digest else None


def discard(upload):
    """Delete an upload, its row and its bytes."""
    Upload.objects.filter(pk=upload.pk).delete()
    # Gone already, perhaps: what matters is the row.
    with contextlib.suppress(OSError):
        default_storage.delete(upload.file)


def expired(upload):
    return upload.created < timezone.now() - dt.timedelta(seconds=MAX_AGE)


def sweep():
    """Delete the uploads that waited too long for a confirmation, or whose import is long over.

    An upload whose import is unfinished (interrupted, say) is kept for
    ``RESUME_MAX_AGE``, so that the import can be run again.
    """
    now = timezone.now()
    unfinished = ImportLog.objects.filter(upload=OuterRef("pk")).exclude(state=ImportLog.State.DONE)
    stale = Upload.objects.filter(created__lt=now - dt.timedelta(seconds=MAX_AGE)).filter(
        ~Exists(unfinished) | Q(created__lt=now - dt.timedelta(seconds=RESUME_MAX_AGE))
    )
    for upload in stale[:500]:
        discard(upload)

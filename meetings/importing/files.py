"""Reading minutes files: from disk, and each one parsed, or known unchanged by its hash."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from meetings import minutes as parser
from meetings.importing.results import Refused
from meetings.models import Meeting, Person, name_key

DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")

# Files the parser refuses sort first: they have no date.
NO_DATE = timezone.datetime.min.date()


def read_minutes(paths: Iterable[Path]) -> tuple[list[tuple[Path, bytes | OSError]], list[Path]]:
    """Read the files named, and the ``.md`` files below the folders named, sorted.

    Returns (path, content or the error reading it) pairs, and the paths
    passed over: Markdown in a folder that is not minutes, such as a README.
    """
    found, skipped = [], []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        scanned = path.is_dir()
        files = sorted(p for p in path.rglob("*.md") if p.is_file()) if scanned else [path]
        for file in files:
            try:
                data = file.read_bytes()
            except OSError as error:
                found.append((file, error))
                continue
            if scanned and not looks_like_minutes(file.name, data):
                skipped.append(file)
                continue
            found.append((file, data))
    return found, skipped


def looks_like_minutes(file_name, data):
    """Whether a Markdown file found in a folder is minutes rather than other docs.

    Minutes have front matter or a date in their name; a README or a list of
    topics beside them has neither, and is passed over rather than failed.
    """
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"---") or bool(
        DATE_IN_NAME.search(file_name)
    )


def default_root(paths: list[Path]) -> Path:
    """Where source paths are counted from when no root is given.

    The folder named on the command line; for files named alone, the top of
    the git work tree that holds the first one, else its folder.
    """
    first = paths[0].resolve()
    if first.is_dir():
        return first
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=first.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        top = ""
    return Path(top) if top else first.parent


def source_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


@dataclass
class Prepared:
    """A file read: parsed, or failed, or (no minutes, a meeting) unchanged since imported."""

    source: str
    content_hash: str
    text: str = ""
    minutes: parser.Minutes | None = None
    error: str | None = None
    # The line of the file the error is about, when it is about one.
    error_line: int | None = None
    meeting: Meeting | None = None

    @property
    def date(self):
        return self.minutes.date if self.minutes else NO_DATE


def prepare(source, data, existing: Meeting | None) -> Prepared:
    """Read and parse one file; a file as ``existing`` holds it is recognised without parsing."""
    content_hash = hashlib.sha256(data).hexdigest()
    prepared = Prepared(source, content_hash)
    if existing and existing.content_hash == content_hash:
        prepared.meeting = existing
        return prepared
    try:
        prepared.minutes = parser.parse(data, source, max_bytes=settings.MINUTES_MAX_BYTES)
        check_fits(prepared.minutes)
    except (parser.MinutesError, Refused) as error:
        prepared.error = str(error)
        prepared.error_line = getattr(error, "line", None)
        prepared.minutes = None
        return prepared
    # The parser refuses anything that is not UTF-8, so this cannot fail.
    prepared.text = data.decode("utf-8-sig", errors="replace").replace("\x00", "")
    prepared.meeting = existing
    return prepared


def check_fits(minutes):
    """Refuse what the parser passed but the columns cannot hold: the path, folded names."""
    source = minutes.source
    limit = Meeting._meta.get_field("source").max_length
    if len(source) > limit:
        raise Refused(
            f"{source[:60]}…: the path is {len(source):,} characters long; at most {limit:,} fit"
        )
    limit = Meeting._meta.get_field("file_name").max_length
    if len(Path(source).name) > limit:
        raise Refused(f"{source}: the file name is longer than {limit:,} characters")
    names = [*minutes.teams, *minutes.participants]
    names += [o for a in minutes.action_items for o in a.owners]
    names += [n for t in minutes.topics for s in t.statements for n in s.speakers]
    limit = Person._meta.get_field("key").max_length
    for name in names:
        if len(name_key(name)) > limit:
            raise Refused(
                f"{source}: the name {name[:40]!r}… is {len(name_key(name)):,} characters"
                f" long with its accents and ligatures spelled out; at most {limit:,} fit"
            )

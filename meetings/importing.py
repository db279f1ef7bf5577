"""Writing parsed minutes into the database: the one path the command and the admin share.

Each file is imported in a transaction of its own, so a broken file writes
nothing and the others still import; what the importer remembers from a file
(the teams and people it made) is forgotten with it. A lost connection is
tried again a few times; a database that stays away stops the run, saying so.
Importing is idempotent: a meeting is known by its source path (relative to
the minutes root) and its content hash tells an unchanged file from an edited
one. A file without its folder (uploaded alone) is a meeting already there
only when the date and teams agree, or when its front matter names the file it
``replaces``. An edited file updates its meeting in place; its items keep their
ids and statuses where the minutes still write them (or nearly: a typo fix),
and an item whose line is gone is marked removed, never deleted.
"""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.text import slugify
from rapidfuzz import fuzz

from meetings import minutes as parser
from meetings.matching import Match, Matcher, Said, reopen, suggest_done
from meetings.models import (
    AgendaItem,
    Candidate,
    DoneSuggestion,
    Event,
    Item,
    Link,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
    Verdict,
    free_handle,
    name_key,
)
from meetings.names import Kind, spelling
from meetings.people import Directory, is_group, learn, resolve
from meetings.people.resolving import SCOPED_MEETINGS

logger = logging.getLogger(__name__)

DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")

# Waits (seconds) before trying a file again when the connection failed: a
# database restarting is back within them. Files failing so this many times
# in a row stop the run: the database is down, the other files would fail too.
RETRY_DELAYS = (0.5, 1.0, 2.0)
UNAVAILABLE_AFTER = 3

# How alike an edited line must be to count as the same item (rapidfuzz ratio, 0-100).
SAME_ITEM_SIMILARITY = 90


class Outcome:
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class FileResult:
    source: str
    outcome: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    meeting: Meeting | None = None
    action_items: int = 0
    decisions: int = 0
    # What an update did to the meeting's items: texts, for previews and summaries.
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: int = 0
    # New lines that became mentions of open items from earlier meetings.
    linked: int = 0
    # An update gives the meeting other teams than it had (``teams_before``):
    # with ``removed``, what a preview must warn of before anyone confirms.
    teams_changed: bool = False
    teams_before: list[str] = field(default_factory=list)


@dataclass
class Summary:
    results: list[FileResult] = field(default_factory=list)
    # Markdown files in the folders read that are not minutes (a README).
    skipped: list[str] = field(default_factory=list)
    # Why the run stopped before its end (the database is unavailable), or None.
    stopped: str | None = None

    def count(self, outcome):
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self):
        return [r for r in self.results if r.outcome == Outcome.FAILED]

    def as_json(self):
        done = [r for r in self.results if r.outcome != Outcome.FAILED]
        return {
            "imported": self.count(Outcome.IMPORTED),
            "updated": self.count(Outcome.UPDATED),
            "unchanged": self.count(Outcome.UNCHANGED),
            "failed": [{"source": r.source, "error": r.error} for r in self.failed],
            "skipped": self.skipped,
            "stopped": self.stopped,
            "meetings": len(done),
            "action_items": sum(r.action_items for r in done),
            "decisions": sum(r.decisions for r in done),
            "warnings": [
                {"source": r.source, "warning": warning}
                for r in self.results
                for warning in r.warnings
            ],
        }


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


def import_paths(
    paths: list[Path],
    *,
    root: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[FileResult, int, int], None] | None = None,
) -> Summary:
    """Import the minutes files at ``paths`` (files or folders), oldest meeting first.

    Paths under a root given, or under the folders named, name their meetings
    even without a folder of their own; a file named alone is known by its path
    only when that has folders.
    """
    by_path = root is not None or all(path.is_dir() for path in paths)
    root = root or default_root(paths)
    found, skipped = read_minutes(paths)
    uploads = [(source_name(path, root), data) for path, data in found]
    summary = import_many(uploads, dry_run=dry_run, progress=progress, by_path=by_path)
    summary.skipped = [source_name(path, root) for path in skipped]
    return summary


def import_many(uploads, *, dry_run=False, progress=None, by_path=False) -> Summary:
    """Import ``(source, bytes)`` pairs, oldest meeting first, one transaction each.

    A dry run goes through exactly the same steps and rolls them all back.
    ``by_path``: every source is a path from the minutes root, even a bare file
    name; otherwise a bare name is a file uploaded without its folder, which
    names no meeting by itself.
    """
    summary = Summary()
    readable = []
    for source, data in uploads:
        if isinstance(data, Exception):
            summary.results.append(FileResult(source, Outcome.FAILED, error=f"{source}: {data}"))
        else:
            readable.append((source, data))
    try:
        importer, pending = retried(lambda: _start(readable, by_path))
    except DatabaseUnavailable as error:
        _stop(summary, [source for source, _ in readable], error, progress)
        return summary
    # A real run commits file by file; a dry run wraps them all to roll them back.
    with transaction.atomic() if dry_run else nullcontext():
        unavailable = 0  # files in a row the database did not answer for
        for done, prepared in enumerate(pending, 1):
            try:
                result = importer.run(prepared)
            except DatabaseUnavailable as error:
                unavailable += 1
                if unavailable >= UNAVAILABLE_AFTER or error.transaction_lost:
                    rest = [p.source for p in pending[done - 1 :]]
                    _stop(
                        summary,
                        rest,
                        error,
                        progress,
                        done=done - 1,
                        total=len(pending),
                        before=unavailable - 1,
                    )
                    break
                result = FileResult(prepared.source, Outcome.FAILED, error=error.message(prepared))
            else:
                if result.outcome != Outcome.FAILED or prepared.minutes is not None:
                    unavailable = 0  # the database answered
            summary.results.append(result)
            if progress:
                progress(result, done, len(pending))
        if importer.needs_learning:
            # New spellings of people: who is who, learned again from the whole corpus.
            learn()
        importer.keep_counts()
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _start(readable, by_path):
    importer = Importer((source for source, _ in readable), by_path=by_path)
    pending = [importer.prepare(source, data) for source, data in readable]
    importer.look_around(pending)
    # Date order, so that an item raised again later is a mention of the earlier one.
    pending.sort(key=lambda p: (p.minutes.date if p.minutes else _NO_DATE, p.source))
    return importer, pending


def _stop(summary, sources, error, progress, *, done=0, total=None, before=0):
    """End the run: the database is unavailable, and ``sources`` are not imported.

    ``before`` files just before them failed for it too and are counted with them.
    """
    count = before + len(sources)
    summary.stopped = (
        f"database unavailable: {error.reason}; the import stopped"
        f" ({count} file{'s' if count != 1 else ''} not imported)"
    )
    total = total or len(sources)
    for source in sources:
        result = FileResult(
            source, Outcome.FAILED, error=f"{source}: not imported: the database is unavailable"
        )
        summary.results.append(result)
        done += 1
        if progress:
            progress(result, done, total)


class DatabaseUnavailable(Exception):
    """The connection to the database failed, again after waiting: the database is down."""

    def __init__(self, error, attempts, *, transaction_lost=False):
        super().__init__(str(error))
        self.reason = (
            f"the connection failed {attempts} time{'s' if attempts != 1 else ''}"
            f" ({type(error).__name__})"
        )
        # Inside a transaction that enclosed the run (a dry run) nothing can be tried again.
        self.transaction_lost = transaction_lost

    def message(self, prepared):
        return f"{prepared.source}: not imported: the database is unavailable ({self.reason})"


def retried(step):
    """``step()``, run again after a short wait while the connection to the database fails.

    Raises DatabaseUnavailable when it still fails after the last wait, or at
    once when a transaction around this call was lost with the connection.
    """
    connection = transaction.get_connection()
    for attempt, delay in enumerate((*RETRY_DELAYS, None), 1):
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if connection.needs_rollback:
                logger.exception("database connection lost inside a transaction")
                raise DatabaseUnavailable(error, attempt, transaction_lost=True) from error
            if delay is None:
                logger.exception("database unavailable after %d attempts", attempt)
                raise DatabaseUnavailable(error, attempt) from error
            logger.warning("database error, trying again in %.1f s: %s", delay, error)
            if not connection.in_atomic_block:
                # A broken connection is not reopened by itself outside a request.
                connection.close_if_unusable_or_obsolete()
            time.sleep(delay)
    raise AssertionError("unreachable")


_NO_DATE = timezone.datetime.min.date()


@dataclass
class Prepared:
    source: str
    content_hash: str
    text: str = ""
    minutes: parser.Minutes | None = None
    error: str | None = None
    meeting: Meeting | None = None


class Refused(Exception):
    """A file the importer will not write; the message names the file and says why."""


class Importer:
    """Imports files one by one, remembering teams and people across files.

    What a file adds to that memory is forgotten when its transaction rolls
    back, so a later file never refers to a row that is not there.
    """

    def __init__(self, sources, *, by_path=False):
        self.by_path = by_path
        self.teams = {}
        self._directory = None
        # A participant no one is yet: learning runs once, after the last file.
        self.needs_learning = False
        # Meetings this run has written: a later file may not take them over.
        self.claimed = set()
        # How to forget what the file being written added to the above.
        self.undo = []
        # Whose counts to keep once the run is over: the people and teams of its items.
        self.counted_people = set()
        self.counted_teams = set()
        self.started = timezone.now()
        # What the database already holds that the files may meet, read in a few
        # queries up front rather than a few for each file.
        sources = list(sources)
        self.files = len(sources)
        self.existing = {
            meeting.source: meeting
            for chunk in _chunks(sources)
            for meeting in Meeting.objects.filter(source__in=chunk)
        }
        self.by_name_and_date = {}
        self.by_team_and_date = {}

    def keep_counts(self):
        """Count again what the lists show of the people and teams the run wrote items of."""
        Person.objects.filter(pk__in=self.counted_people).keep_counts()
        Team.objects.filter(pk__in=self.counted_teams).keep_counts()

    def look_around(self, pending):
        """Read the meetings that new files may be another copy of, or share a date with."""
        new = [
            p.minutes
            for p in pending
            if p.minutes and (p.meeting is None or self.is_loose(p.source))
        ]
        names = {(Path(m.source).name, m.date) for m in new}
        for chunk in _chunks(sorted({name for name, _ in names})):
            for meeting in Meeting.objects.filter(file_name__in=chunk).prefetch_related("teams"):
                if (meeting.file_name, meeting.date) in names:
                    key = (meeting.file_name, meeting.date)
                    self.by_name_and_date.setdefault(key, []).append(meeting)
        Through = Meeting.teams.through
        for chunk in _chunks(sorted({m.date for m in new})):
            for team_id, date, source in Through.objects.filter(
                meeting__date__in=chunk
            ).values_list("team_id", "meeting__date", "meeting__source"):
                self.by_team_and_date.setdefault((team_id, date), []).append(source)

    def prepare(self, source, data) -> Prepared:
        """Read and parse one file; unchanged files are recognised without parsing."""
        content_hash = hashlib.sha256(data).hexdigest()
        prepared = Prepared(source, content_hash)
        existing = self.existing.get(source)
        if existing and existing.content_hash == content_hash:
            prepared.meeting = existing
            return prepared
        try:
            prepared.minutes = parser.parse(data, source, max_bytes=settings.MINUTES_MAX_BYTES)
            _check_fits(prepared.minutes)
        except (parser.MinutesError, Refused) as error:
            prepared.error = str(error)
            prepared.minutes = None
            return prepared
        # The parser refuses anything that is not UTF-8, so this cannot fail.
        prepared.text = data.decode("utf-8-sig", errors="replace").replace("\x00", "")
        prepared.meeting = existing
        return prepared

    def run(self, prepared: Prepared) -> FileResult:
        """Write one file in a transaction of its own; a failure becomes its FileResult.

        Raises DatabaseUnavailable when the connection fails and keeps failing.
        """
        if prepared.error:
            return FileResult(prepared.source, Outcome.FAILED, error=prepared.error)
        attempts = 0

        def attempt():
            nonlocal attempts
            attempts += 1
            self.undo = []
            try:
                with transaction.atomic():
                    if prepared.minutes is None:
                        return self.unchanged(prepared.meeting, prepared.source)
                    if attempts > 1:
                        done = self.written_already(prepared)
                        if done:
                            return done
                    return self.write(prepared)
            except BaseException:
                self.forget()
                raise

        try:
            return retried(attempt)
        except DatabaseUnavailable:
            raise
        except Refused as error:
            return FileResult(prepared.source, Outcome.FAILED, error=str(error))
        except DatabaseError as error:
            logger.exception("the database refused %s", prepared.source)
            return FileResult(
                prepared.source,
                Outcome.FAILED,
                error=(
                    f"{prepared.source}: not imported: the database refused it"
                    f" ({type(error).__name__}); the server log has the details"
                ),
            )
        except Exception as error:  # one broken file must not stop the others
            logger.exception("importing %s failed", prepared.source)
            first_line = (str(error).splitlines() or [""])[0][:200]
            return FileResult(
                prepared.source,
                Outcome.FAILED,
                error=f"{prepared.source}: not imported: {type(error).__name__}: {first_line}",
            )

    def forget(self):
        """Forget what the file whose transaction rolled back added to the importer's memory."""
        for undo in reversed(self.undo):
            undo()
        self.undo = []

    def remember(self, cache, key, value):
        cache[key] = value
        self.undo.append(lambda: cache.pop(key, None))

    def claim(self, meeting):
        if meeting.pk not in self.claimed:
            self.claimed.add(meeting.pk)
            self.undo.append(lambda: self.claimed.discard(meeting.pk))

    def unchanged(self, meeting, source):
        self.claim(meeting)
        counts = _item_counts(meeting)
        return FileResult(source, Outcome.UNCHANGED, meeting=meeting, warnings=[], **counts)

    def written_already(self, prepared):
        """The meeting an earlier attempt wrote, when its commit went through as the line broke."""
        minutes = prepared.minutes
        meeting = Meeting.objects.filter(
            file_name=Path(prepared.source).name,
            date=minutes.date,
            content_hash=prepared.content_hash,
            updated__gte=self.started,
        ).first()
        if meeting is None:
            return None
        outcome = Outcome.UPDATED if prepared.meeting else Outcome.IMPORTED
        result = FileResult(prepared.source, outcome, meeting=meeting, **_item_counts(meeting))
        result.warnings = list(meeting.warnings)
        self.claim(meeting)
        return result

    def write(self, prepared: Prepared) -> FileResult:
        # What a file that fails adds to the directory is gone with its transaction.
        self.undo.append(self.forget_directory)
        minutes = prepared.minutes
        teams = list(dict.fromkeys(self.team(name) for name in minutes.teams))
        warnings = list(minutes.warnings)
        meeting, source = self.meeting_of(prepared, teams, warnings)
        if meeting is not None and meeting.content_hash == prepared.content_hash:
            # This very file, given with another path or by the meeting it replaces.
            return self.unchanged(meeting, prepared.source)
        result = FileResult(prepared.source, Outcome.UPDATED if meeting else Outcome.IMPORTED)
        result.warnings = warnings
        if meeting is None:
            meeting = Meeting(source=source, created=timezone.now())
            result.warnings.extend(self.same_date_warnings(minutes, teams, source))
        else:
            meeting.source = source
            before = list(meeting.teams.all())
            if {team.pk for team in before} != {team.pk for team in teams}:
                result.teams_changed = True
                result.teams_before = [team.name for team in before]
        meeting.file_name = Path(prepared.source).name
        meeting.date = minutes.date
        meeting.datetime = _aware(minutes.datetime)
        meeting.title = minutes.title or ""
        meeting.location = minutes.location or ""
        meeting.text = prepared.text
        meeting.content_hash = prepared.content_hash
        meeting.warnings = result.warnings
        meeting.updated = timezone.now()
        meeting.save()
        if result.outcome == Outcome.UPDATED:
            meeting.teams.set(teams)
        else:
            Meeting.teams.through.objects.bulk_create(
                Meeting.teams.through(meeting=meeting, team=team) for team in teams
            )
        self.claim(meeting)

        participants = self.write_participants(meeting, minutes.participants, result.outcome)
        unsure = [name for person, name in participants if person is None]
        participants = [(person, name) for person, name in participants if person is not None]
        self.directory.add_meeting(meeting, [team.pk for team in teams], participants, unsure)
        self.directory.add_written(*owners_and_speakers(meeting.pk, minutes))
        # Owners and speakers are resolved as they are written, not updated after.
        resolver = self.directory.resolver(meeting.pk)
        if result.outcome == Outcome.UPDATED:
            meeting.agenda.all().delete()
            meeting.topics.all().delete()
        self.write_discussion(meeting, minutes, resolver)
        self.write_items(meeting, teams, minutes, result, resolver)
        self.write_done_suggestions(meeting, teams, minutes, result.outcome)
        if result.outcome == Outcome.UPDATED:
            # The items kept, under the participants and teams the file gives now.
            resolve(meetings=[meeting], directory=self.directory)
        written = Mention.objects.filter(meeting=meeting).values_list("item", flat=True)
        self.counted_people |= Ownership.objects.keep(written, counts=False)
        self.counted_people.update(person.pk for person, _ in participants)
        self.counted_teams.update(team.pk for team in teams)
        result.meeting = meeting
        result.action_items = len(minutes.action_items)
        result.decisions = len(minutes.decisions)
        return result

    # Teams and people

    def team(self, name):
        key = name_key(name)
        if key not in self.teams:
            team = Team.objects.filter(key=key).first()
            if team is None:
                team = Team(name=name)
                team.slug = _free_slug(team.name)
                team.save()
            self.remember(self.teams, key, team)
        return self.teams[key]

    @property
    def directory(self):
        if self._directory is None:
            # A few files ask the database who was around each meeting; many read it all.
            self._directory = Directory.load(activity=self.files > SCOPED_MEETINGS)
        return self._directory

    def forget_directory(self):
        self._directory = None

    def person_for(self, name):
        """The person a participant's name is, made when no one has it; None when unsure."""
        read = spelling(name)
        if read.kind in (Kind.INITIALS, Kind.GROUP, Kind.PLACEHOLDER):
            self.needs_learning |= read.kind == Kind.INITIALS
            return None
        fits = self.directory.named(read)
        if len(fits) == 1:
            return fits[0]
        self.needs_learning = True
        if fits:
            return None  # `Alex` among four: learning decides, by team and time
        person = Person(handle=free_handle(read.text), name=read.text)
        person.save()
        return person

    def write_participants(self, meeting, names, outcome):
        """The meeting's participants as (person, name as written) pairs, placeholders aside."""
        if outcome == Outcome.UPDATED:
            meeting.participations.all().delete()
        seen = set()
        rows = []
        for position, name in enumerate(names):
            read = spelling(name)
            if not name_key(name) or read.kind in (Kind.GROUP, Kind.PLACEHOLDER):
                continue
            person = self.person_for(name)
            if person is not None and person.pk in seen:
                continue
            if person is not None:
                seen.add(person.pk)
            rows.append(Participant(meeting=meeting, person=person, name=name, position=position))
        Participant.objects.bulk_create(rows)
        return [(row.person, row.name) for row in rows]

    # Which meeting a file is

    def meeting_of(self, prepared, teams, warnings):
        """The meeting this file is (None for a new one), and the source it is known by.

        A path with its folders names its meeting. A file given without them
        is the meeting of that name only when it is the same meeting (date and
        teams), else the one its front matter says it ``replaces``, else one
        file name, date and teams tell; failing all, a new meeting.
        """
        minutes, source = prepared.minutes, prepared.source
        by_source = prepared.meeting
        if by_source and by_source.pk in self.claimed:
            raise Refused(
                f"{source}: not imported: another file of this import (one that replaces it,"
                " or it without its folder) has written its meeting already"
            )
        if by_source and (
            not self.is_loose(source) or self.same_meeting(by_source, minutes, teams)
        ):
            return by_source, source
        if minutes.replaces:
            replaced = self.replaced(minutes.replaces, source, warnings)
            if replaced is not None:
                # It takes the file's path, unless that is a bare file name.
                return replaced, replaced.source if self.is_loose(source) else source
        found = self.meeting_uploaded_elsewhere(minutes, teams, prepared)
        if found is not None:
            return found, found.source
        return None, self.free_source(source, teams) if by_source else source

    def is_loose(self, source):
        """Whether a file was given by its name alone, without the folders it sits in."""
        return not self.by_path and "/" not in source

    def same_meeting(self, meeting, minutes, teams):
        if meeting.pk in self.claimed or meeting.date != minutes.date:
            return False
        return {team.pk for team in meeting.teams.all()} == {team.pk for team in teams}

    def replaced(self, path, source, warnings):
        """The meeting a file's ``replaces:`` names, or None with a warning saying why."""
        meeting = Meeting.objects.filter(source=path.strip().removeprefix("./")).first()
        if meeting is None:
            warnings.append(f"replaces: no meeting was imported from {path}; a new meeting")
        elif meeting.pk in self.claimed:
            warnings.append(f"replaces: {path} was imported in this run already; not replaced")
        else:
            return meeting
        return None

    def free_source(self, source, teams):
        """A source for a new meeting whose bare file name is another meeting's source.

        Its teams become its folder (``vmm/2024-04-10.md``), as they would be on disk.
        """
        folder = "+".join(team.slug for team in teams) or "no-team"
        path = PurePosixPath(folder, source)
        candidate, n = str(path), 1
        while Meeting.objects.filter(source=candidate).exists():
            n += 1
            candidate = str(path.with_stem(f"{path.stem}-{n}"))
        return candidate

    def meeting_uploaded_elsewhere(self, minutes, teams, prepared):
        """The one meeting with this file name, date and teams, for a file given alone."""
        team_ids = {team.pk for team in teams}
        candidates = [
            meeting
            for meeting in self.by_name_and_date.get((Path(prepared.source).name, minutes.date), [])
            if meeting.pk not in self.claimed
            and {team.pk for team in meeting.teams.all()} == team_ids
        ]
        return candidates[0] if len(candidates) == 1 else None

    def same_date_warnings(self, minutes, teams, source):
        """Warn of another meeting of one of these teams on this date, and remember this one."""
        others = []
        for team in teams:
            sources = self.by_team_and_date.setdefault((team.pk, minutes.date), [])
            others.extend(s for s in sources if s not in others)
            sources.append(source)
            self.undo.append(lambda sources=sources: sources.remove(source))
        return [f"another meeting of the same team on {minutes.date}: {other}" for other in others]

    # Content

    def write_discussion(self, meeting, minutes, resolver):
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, text=item.text, line=item.line, position=position)
            for position, item in enumerate(minutes.agenda)
        )
        topics = Topic.objects.bulk_create(
            Topic(meeting=meeting, title=t.title or "", line=t.line, position=position)
            for position, t in enumerate(minutes.topics)
        )
        statements = Statement.objects.bulk_create(
            Statement(topic=topic, text=s.text, line=s.line, position=position)
            for topic, parsed in zip(topics, minutes.topics, strict=True)
            for position, s in enumerate(parsed.statements)
        )
        parsed_statements = [s for t in minutes.topics for s in t.statements]
        Speaker.objects.bulk_create(
            _name_ref(Speaker, name, position, resolver, statement=statement)
            for statement, parsed in zip(statements, parsed_statements, strict=True)
            for position, name in enumerate(parsed.speakers)
        )

    def write_items(self, meeting, teams, minutes, result, resolver):
        lines = _lines(minutes)
        old = (
            list(meeting.mentions.select_related("item"))
            if result.outcome == Outcome.UPDATED
            else []
        )
        pairs, new = _pair_mentions(old, lines)
        for mention, line in pairs:
            if _normal(mention.text) != _normal(line.text):
                result.changed.append((mention.text, line.text))
            elif mention.removed:
                result.added.append(line.text)
            else:
                result.kept += 1
            mention.text = line.text
            mention.line = line.line
            mention.position = line.position
            mention.owners = line.owners
            mention.removed = False
        paired = {mention.pk for mention, _ in pairs}
        gone = [m for m in old if m.pk not in paired and not m.removed]
        for mention in gone:
            mention.removed = True
            result.removed.append(mention.text)
        touched = [mention for mention, _ in pairs] + gone
        Mention.objects.bulk_update(touched, ["text", "line", "position", "owners", "removed"])

        actions = [line for line in new if line.kind == Item.Kind.ACTION]
        if actions:
            found = Matcher(meeting, teams, resolver).match(actions)
            for line, guess in zip(actions, found, strict=True):
                line.match, line.weaker = guess.match, guess.weaker
        repeated = [line for line in new if line.match]
        self.add_mentions(meeting, repeated, resolver)
        fresh = [line for line in new if not line.match]
        self.create_items(meeting, fresh, resolver)
        result.added.extend(line.text for line in new)
        result.linked = len(repeated)
        Item.objects.filter(pk__in={m.item_id for m in touched}).refresh_from_mentions()

    def write_done_suggestions(self, meeting, teams, minutes, outcome):
        """What this meeting says is done, as suggestions on the open items it names."""
        if outcome == Outcome.UPDATED:
            DoneSuggestion.objects.filter(meeting=meeting, state=Verdict.PENDING).delete()
        said = [
            Said(s.text, s.line, tuple(s.speakers)) for t in minutes.topics for s in t.statements
        ] + [Said(d.text, d.line) for d in minutes.decisions]
        DoneSuggestion.objects.bulk_create(
            suggest_done(meeting, teams, said), ignore_conflicts=True
        )

    def add_mentions(self, meeting, repeated, resolver):
        """Lines that repeat an open item become mentions of it; owners follow the minutes."""
        Mention.objects.bulk_create(
            Mention(
                item=line.match.earlier.item,
                meeting=meeting,
                owners=line.owners,
                text=line.text,
                line=line.line,
                position=line.position,
                reason=_fit(Mention, "reason", line.match.reason),
                score=line.match.score,
            )
            for line in repeated
        )
        Link.objects.bulk_create(
            (
                Link(item=line.match.earlier.item, url=url)
                for line in repeated
                for url in line.match.links
            ),
            ignore_conflicts=True,
        )
        reopen([line.match.earlier.item for line in repeated if line.match.reopens], meeting)
        # Kept in step here rather than recounted: an item carried over for
        # years has hundreds of mentions.
        for line in repeated:
            item = line.match.earlier.item
            item.mention_count += 1
            if meeting.date >= (item.last_raised or item.raised):
                item.text, item.last_raised = line.text, meeting.date
        Item.objects.bulk_update(
            [line.match.earlier.item for line in repeated],
            ["mention_count", "text", "last_raised"],
        )
        changed = [
            (line, line.match.earlier)
            for line in repeated
            if sorted(name_key(o) for o in line.owners) != line.match.earlier.owner_keys
        ]
        if not changed:
            return
        Owner.objects.filter(item__in=[earlier.item for _, earlier in changed]).delete()
        Owner.objects.bulk_create(
            _name_ref(Owner, name, position, resolver, item=earlier.item)
            for line, earlier in changed
            for position, name in enumerate(line.owners)
        )
        Event.objects.bulk_create(
            Event(
                item=earlier.item,
                kind=Event.Kind.OWNERS,
                text=(
                    f"Owners changed from {', '.join(earlier.owners) or 'none'} "
                    f"to {', '.join(line.owners) or 'none'} by the minutes of {meeting.date}."
                ),
            )
            for line, earlier in changed
        )

    def create_items(self, meeting, lines, resolver):
        items = Item.objects.bulk_create(
            Item(
                kind=line.kind,
                text=line.text,
                meeting=meeting,
                raised=meeting.date,
                last_raised=meeting.date,
            )
            for line in lines
        )
        Mention.objects.bulk_create(
            Mention(
                item=item,
                meeting=meeting,
                owners=line.owners,
                text=line.text,
                line=line.line,
                position=line.position,
            )
            for item, line in zip(items, lines, strict=True)
        )
        Owner.objects.bulk_create(
            _name_ref(Owner, name, position, resolver, item=item)
            for item, line in zip(items, lines, strict=True)
            for position, name in enumerate(line.owners)
        )
        Link.objects.bulk_create(
            Link(item=item, url=url)
            for item, line in zip(items, lines, strict=True)
            for url in line.links
        )
        Candidate.objects.bulk_create(
            (
                Candidate(
                    earlier=match.earlier.item,
                    later=item,
                    score=match.score,
                    reason=_fit(Candidate, "reason", match.reason),
                )
                for item, line in zip(items, lines, strict=True)
                for match in line.weaker
            ),
            ignore_conflicts=True,
        )


@dataclass
class Line:
    """An action item or decision as this file writes it, and where."""

    kind: str
    owners: list[str]
    text: str
    links: list[str]
    line: int
    position: int = 0
    # An open item of an earlier meeting that this line repeats, or weaker guesses.
    match: Match | None = None
    weaker: list[Match] = field(default_factory=list)


def owners_and_speakers(meeting_id, minutes):
    """A file's (meeting id, owners) and (meeting id, speaker) pairs, for the directory."""
    owners = [(meeting_id, line.owners) for line in _lines(minutes)]
    speakers = [
        (meeting_id, name) for t in minutes.topics for s in t.statements for name in s.speakers
    ]
    return owners, speakers


def _lines(minutes):
    lines = [
        Line(Item.Kind.ACTION, list(a.owners), a.text, list(a.links), a.line)
        for a in minutes.action_items
    ] + [Line(Item.Kind.DECISION, [], d.text, list(d.links), d.line) for d in minutes.decisions]
    for position, line in enumerate(lines):
        line.position = position
    return lines


def _pair_mentions(old, lines):
    """Pair the meeting's existing mentions with the lines the edited file writes.

    Returns (mention, line) pairs and the lines left over. Exact matches first,
    then a line whose owners are the same and whose text is nearly the same
    (a typo fix).
    """
    free = list(old)
    pairs, left = [], []
    for line in lines:
        text = _normal(line.text)
        match = _take(free, line, lambda m, t=text: _normal(m.text) == t)
        (pairs.append((match, line)) if match else left.append(line))
    new = []
    for line in left:
        text = _normal(line.text)
        match = _take(
            free, line, lambda m, t=text: fuzz.ratio(_normal(m.text), t) >= SAME_ITEM_SIMILARITY
        )
        (pairs.append((match, line)) if match else new.append(line))
    return pairs, new


def _take(free, line, same_text):
    keys = sorted(name_key(o) for o in line.owners)
    for mention in free:
        if (
            mention.item.kind == line.kind
            and sorted(name_key(o) for o in mention.owners) == keys
            and same_text(mention)
        ):
            free.remove(mention)
            return mention
    return None


def _check_fits(minutes):
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


def _fit(model, field_name, text):
    """``text`` cut to the column's size: a reason quotes a link, and links are long."""
    limit = model._meta.get_field(field_name).max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chunks(values, size=500):
    """Slices of a list short enough for any database's limit on query parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _name_ref(model, name, position, resolver, **fields):
    """An owner or speaker as written, and who it is."""
    found = resolver.resolve(name)
    return model(
        name=name,
        key=name_key(name),
        is_group=found.is_group or is_group(name),
        person=found.person,
        evidence=found.evidence[:300],
        candidates=list(found.candidates),
        position=position,
        **fields,
    )


def _item_counts(meeting):
    counts = {"action_items": 0, "decisions": 0}
    for kind in meeting.mentions.filter(removed=False).values_list("item__kind", flat=True):
        counts["action_items" if kind == Item.Kind.ACTION else "decisions"] += 1
    return counts


def _normal(text):
    return " ".join(text.split()).casefold()


def _aware(value):
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def _free_slug(name):
    base = slugify(name)[:90] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug

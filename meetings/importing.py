"""Writing parsed minutes into the database: the one path the command and the admin share.

Each file is imported in a transaction of its own, so a broken file writes
nothing and the others still import. Importing is idempotent: a meeting is
known by its source path (relative to the minutes root) and its content hash
tells an unchanged file from an edited one. An edited file updates its meeting
in place; its items keep their ids and statuses where the minutes still write
them (or nearly: a typo fix), and an item whose line is gone is marked removed,
never deleted.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from rapidfuzz import fuzz

from meetings import minutes as parser
from meetings.matching import Match, Matcher, Said, suggest_done
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
    Participant,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
    Verdict,
    name_key,
)
from meetings.people import Directory, is_group, learn, resolve
from meetings.people.names import Kind, spelling

DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")

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


@dataclass
class Summary:
    results: list[FileResult] = field(default_factory=list)
    # Markdown files in the folders read that are not minutes (a README).
    skipped: list[str] = field(default_factory=list)

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
    """Import the minutes files at ``paths`` (files or folders), oldest meeting first."""
    root = root or default_root(paths)
    found, skipped = read_minutes(paths)
    uploads = [(source_name(path, root), data) for path, data in found]
    summary = import_many(uploads, dry_run=dry_run, progress=progress)
    summary.skipped = [source_name(path, root) for path in skipped]
    return summary


def import_many(uploads, *, dry_run=False, progress=None) -> Summary:
    """Import ``(source, bytes)`` pairs, oldest meeting first, one transaction each.

    A dry run goes through exactly the same steps and rolls them all back.
    """
    summary = Summary()
    readable = []
    for source, data in uploads:
        if isinstance(data, Exception):
            summary.results.append(FileResult(source, Outcome.FAILED, error=f"{source}: {data}"))
        else:
            readable.append((source, data))
    importer = Importer(source for source, _ in readable)
    pending = [importer.prepare(source, data) for source, data in readable]
    importer.look_around(pending)
    # Date order, so that an item raised again later is a mention of the earlier one.
    pending.sort(key=lambda p: (p.minutes.date if p.minutes else _NO_DATE, p.source))
    # A real run commits file by file; a dry run wraps them all to roll them back.
    with transaction.atomic() if dry_run else nullcontext():
        for done, prepared in enumerate(pending, 1):
            result = importer.run(prepared)
            summary.results.append(result)
            if progress:
                progress(result, done, len(pending))
        if importer.needs_learning:
            # New spellings of people: who is who, learned again from the whole corpus.
            learn()
        if dry_run:
            transaction.set_rollback(True)
    return summary


_NO_DATE = timezone.datetime.min.date()


@dataclass
class Prepared:
    source: str
    content_hash: str
    text: str = ""
    minutes: parser.Minutes | None = None
    error: str | None = None
    meeting: Meeting | None = None


class Importer:
    """Imports files one by one, remembering teams and people across files."""

    def __init__(self, sources):
        self.teams = {}
        self._directory = None
        # A participant no one is yet: learning runs once, after the last file.
        self.needs_learning = False
        # Meetings this run has written: a later file may not take them over.
        self.claimed = set()
        # What the database already holds that the files may meet, read in a few
        # queries up front rather than a few for each file.
        self.existing = {
            meeting.source: meeting
            for chunk in _chunks(list(sources))
            for meeting in Meeting.objects.filter(source__in=chunk)
        }
        self.by_name_and_date = {}
        self.by_team_and_date = {}

    def look_around(self, pending):
        """Read the meetings that new files may be another copy of, or share a date with."""
        new = [p.minutes for p in pending if p.minutes and p.meeting is None]
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
        except parser.MinutesError as error:
            prepared.error = str(error)
            return prepared
        # The parser refuses anything that is not UTF-8, so this cannot fail.
        prepared.text = data.decode("utf-8-sig", errors="replace").replace("\x00", "")
        prepared.meeting = existing
        return prepared

    def run(self, prepared: Prepared) -> FileResult:
        if prepared.error:
            return FileResult(prepared.source, Outcome.FAILED, error=prepared.error)
        if prepared.minutes is None:
            meeting = prepared.meeting
            self.claimed.add(meeting.pk)
            counts = _item_counts(meeting)
            return FileResult(
                prepared.source, Outcome.UNCHANGED, meeting=meeting, warnings=[], **counts
            )
        try:
            with transaction.atomic():
                return self.write(prepared)
        except Exception as error:  # one broken file must not stop the others
            return FileResult(prepared.source, Outcome.FAILED, error=f"{prepared.source}: {error}")

    def write(self, prepared: Prepared) -> FileResult:
        minutes = prepared.minutes
        teams = list(dict.fromkeys(self.team(name) for name in minutes.teams))
        meeting = prepared.meeting or self.meeting_uploaded_elsewhere(minutes, teams, prepared)
        result = FileResult(prepared.source, Outcome.UPDATED if meeting else Outcome.IMPORTED)
        result.warnings = list(minutes.warnings)
        if meeting is None:
            meeting = Meeting(source=prepared.source, created=timezone.now())
            result.warnings.extend(self.same_date_warnings(minutes, teams, prepared.source))
        meeting.file_name = Path(prepared.source).name
        meeting.date = minutes.date
        meeting.datetime = _aware(minutes.datetime)
        meeting.title = (minutes.title or "")[:300]
        meeting.location = (minutes.location or "")[:500]
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
        self.claimed.add(meeting.pk)

        participants = self.write_participants(meeting, minutes.participants, result.outcome)
        unsure = [name for person, name in participants if person is None]
        participants = [(person, name) for person, name in participants if person is not None]
        self.directory.add_meeting(meeting, [team.pk for team in teams], participants, unsure)
        if result.outcome == Outcome.UPDATED:
            meeting.agenda.all().delete()
            meeting.topics.all().delete()
        self.write_discussion(meeting, minutes)
        self.write_items(meeting, teams, minutes, result)
        self.write_done_suggestions(meeting, teams, minutes, result.outcome)
        self.directory.add_written(
            [(meeting.pk, line.owners) for line in _lines(minutes)],
            [
                (meeting.pk, name)
                for t in minutes.topics
                for s in t.statements
                for name in s.speakers
            ],
        )
        resolve(meetings=[meeting], directory=self.directory)
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
                team = Team(name=name[:100])
                team.slug = _free_slug(team.name)
                team.save()
            self.teams[key] = team
        return self.teams[key]

    @property
    def directory(self):
        if self._directory is None:
            self._directory = Directory.load()
        return self._directory

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
        person = Person(handle=_free_handle(read.text[:100]), name=read.text[:100])
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
            rows.append(
                Participant(meeting=meeting, person=person, name=name[:100], position=position)
            )
        Participant.objects.bulk_create(rows)
        return [(row.person, row.name) for row in rows]

    # Which meeting a file is

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
        return [f"another meeting of the same team on {minutes.date}: {other}" for other in others]

    # Content

    def write_discussion(self, meeting, minutes):
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, text=item.text, line=item.line, position=position)
            for position, item in enumerate(minutes.agenda)
        )
        topics = Topic.objects.bulk_create(
            Topic(meeting=meeting, title=(t.title or "")[:300], line=t.line, position=position)
            for position, t in enumerate(minutes.topics)
        )
        statements = Statement.objects.bulk_create(
            Statement(topic=topic, text=s.text, line=s.line, position=position)
            for topic, parsed in zip(topics, minutes.topics, strict=True)
            for position, s in enumerate(parsed.statements)
        )
        parsed_statements = [s for t in minutes.topics for s in t.statements]
        Speaker.objects.bulk_create(
            _name_ref(Speaker, name, position, statement=statement)
            for statement, parsed in zip(statements, parsed_statements, strict=True)
            for position, name in enumerate(parsed.speakers)
        )

    def write_items(self, meeting, teams, minutes, result):
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
            found = Matcher(meeting, teams).match(actions)
            for line, (match, weaker) in zip(actions, found, strict=True):
                line.match, line.weaker = match, weaker
        repeated = [line for line in new if line.match]
        self.add_mentions(meeting, repeated)
        fresh = [line for line in new if not line.match]
        self.create_items(meeting, fresh)
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

    def add_mentions(self, meeting, repeated):
        """Lines that repeat an open item become mentions of it; owners follow the minutes."""
        Mention.objects.bulk_create(
            Mention(
                item=line.match.item,
                meeting=meeting,
                owners=line.owners,
                text=line.text,
                line=line.line,
                position=line.position,
                reason=line.match.reason,
                score=line.match.score,
            )
            for line in repeated
        )
        Link.objects.bulk_create(
            (Link(item=line.match.item, url=url) for line in repeated for url in line.links),
            ignore_conflicts=True,
        )
        # Kept in step here rather than recounted: an item carried over for
        # years has hundreds of mentions.
        for line in repeated:
            item = line.match.item
            item.mention_count += 1
            if meeting.date >= (item.last_raised or item.raised):
                item.text, item.last_raised = line.text, meeting.date
        Item.objects.bulk_update(
            [line.match.item for line in repeated],
            ["mention_count", "text", "last_raised"],
        )
        changed = [
            (line, line.match.item)
            for line in repeated
            if sorted(name_key(o) for o in line.owners) != sorted(line.match.item.owner_keys)
        ]
        if not changed:
            return
        Owner.objects.filter(item__in=[item for _, item in changed]).delete()
        Owner.objects.bulk_create(
            _name_ref(Owner, name, position, item=item)
            for line, item in changed
            for position, name in enumerate(line.owners)
        )
        Event.objects.bulk_create(
            Event(
                item=item,
                kind=Event.Kind.OWNERS,
                text=(
                    f"Owners changed from {', '.join(item.owner_names) or 'none'} "
                    f"to {', '.join(line.owners) or 'none'} by the minutes of {meeting.date}."
                ),
            )
            for line, item in changed
        )

    def create_items(self, meeting, lines):
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
            _name_ref(Owner, name, position, item=item)
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
                Candidate(item=match.item, other=item, score=match.score, reason=match.reason)
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


def _chunks(values, size=500):
    """Slices of a list short enough for any database's limit on query parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _name_ref(model, name, position, **fields):
    """An owner or speaker as written; who it is, is resolved once the meeting is written."""
    return model(
        name=name[:100],
        key=name_key(name)[:100],
        is_group=is_group(name),
        position=position,
        **fields,
    )


def _free_handle(handle):
    free, n = handle, 1
    while Person.objects.filter(key=name_key(free)).exists():
        n += 1
        free = f"{handle[:95]}{n}"
    return free


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

"""Checking minutes files without importing them: what an import would refuse and warn of.

For a minutes repository's CI or pre-commit hook (``lint_minutes``). The
steps are the importer's, without its writes: files are found and read as
``import_paths`` finds them (``read_minutes``) and parsed as it parses them
(``prepare``), so a file that fails here fails to import, and the parser's
warnings are the ones an import records. Two files of a team on one date are
found as the importer finds them (``MeetingDays``), and each owner is resolved
as after an import (``people.unwritten``): from the files' participants, and
the tracker's people and maintainers' aliases when the database has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from meetings import minutes as parser
from meetings.importing.files import default_root, prepare, read_minutes, source_name
from meetings.importing.known import MeetingDays
from meetings.models import Meeting, name_key
from meetings.people.unwritten import UnwrittenMeeting, directory_of, has_tracker_database

ERROR = "error"
WARNING = "warning"

# A warning about one line starts so (the parser's and the importer's alike).
LINE_PREFIX = re.compile(r"line (\d+): ")


@dataclass(frozen=True, order=True)
class Finding:
    """Something wrong in a file, at a line (1 for the file as a whole)."""

    path: str
    line: int
    level: str
    message: str

    def as_text(self):
        return f"{self.path}:{self.line}: {self.level}: {self.message}"

    def as_github(self):
        """A workflow command: GitHub shows it on the file's line in the pull request."""
        return (
            f"::{self.level} file={escape(self.path, True)},line={self.line}"
            f"::{escape(self.message)}"
        )


def escape(text, is_property=False):
    """GitHub's escaping of a workflow command's message, and its properties' values."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


@dataclass
class Report:
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Markdown in the folders read that is not minutes (a README): not checked.
    skipped: list[str] = field(default_factory=list)

    @property
    def errors(self):
        return sum(1 for f in self.findings if f.level == ERROR)

    @property
    def warnings(self):
        return len(self.findings) - self.errors

    @property
    def summary(self):
        skipped = f" ({len(self.skipped)} skipped: not minutes)" if self.skipped else ""
        return (
            f"{plural(self.files, 'file')} checked{skipped}: {plural(self.errors, 'error')},"
            f" {plural(self.warnings, 'warning')}"
        )


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class Read:
    """A file that would import: where it is, the source an import gives it, what it says."""

    path: str
    source: str
    minutes: parser.Minutes
    meeting: UnwrittenMeeting


def lint_paths(paths: list[Path], *, root: Path | None = None) -> Report:
    """Check the minutes files at ``paths`` (files or folders); the database is only read.

    Findings are sorted by file and line; a file that will not import is an
    error. ``root`` is the minutes root, as for ``import_paths``: the tracker's
    meetings with the files' sources are the files, not others.
    """
    root = root or default_root(paths)
    found, skipped = read_minutes(paths)
    report = Report(files=len(found), skipped=[str(path) for path in skipped])
    files = []
    for path, data in found:
        shown = str(path)
        if isinstance(data, OSError):
            report.findings.append(Finding(shown, 1, ERROR, f"cannot be read: {data.strerror}"))
            continue
        prepared = prepare(shown, data, None)
        if prepared.error:
            message = prepared.error.removeprefix(f"{shown}: ")
            report.findings.append(Finding(shown, prepared.error_line or 1, ERROR, message))
            continue
        minutes = prepared.minutes
        report.findings += [at_line(shown, warning) for warning in minutes.warnings]
        meeting = UnwrittenMeeting(
            pk=-len(files) - 1,
            date=minutes.date,
            teams=minutes.teams,
            participants=minutes.participants,
            owners=[item.owners for item in minutes.action_items],
            speakers=[name for t in minutes.topics for s in t.statements for name in s.speakers],
        )
        files.append(Read(shown, source_name(path, root), minutes, meeting))
    # In the importer's order, so that the later of two files is the one warned of.
    files.sort(key=lambda read: (read.minutes.date, read.path))
    database = has_tracker_database()
    replaced = [read.source for read in files]
    directory, team_of = directory_of(
        [read.meeting for read in files], database=database, replaced=replaced
    )
    report.findings += same_date_findings(files, team_of, database, replaced)
    report.findings += owner_findings(files, directory)
    report.findings.sort()
    return report


def at_line(path, warning):
    found = LINE_PREFIX.match(warning)
    if found is None:
        return Finding(path, 1, WARNING, warning)
    return Finding(path, int(found.group(1)), WARNING, warning[found.end() :])


def same_date_findings(files, team_of, database, replaced):
    """Two files of one team on one date, or a file and a meeting the database has."""
    days = MeetingDays()
    if database:
        dates = sorted({read.minutes.date for read in files})
        for team_id, date, source in (
            Meeting.teams.through.objects.filter(meeting__date__in=dates)
            .exclude(meeting__source__in=replaced)
            .values_list("team_id", "meeting__date", "meeting__source")
        ):
            days.add(team_id, date, source)
    findings = []
    for read in files:
        teams = [team_of[key] for key in dict.fromkeys(map(name_key, read.minutes.teams))]
        for warning in days.claim(teams, read.minutes.date, read.path):
            findings.append(Finding(read.path, 1, WARNING, warning))
    return findings


def owner_findings(files, directory):
    """Owners an import would leave unresolved: nobody fits, or more than one person does."""
    findings = []
    for read in files:
        resolver = directory.resolver(read.meeting.pk)
        for item in read.minutes.action_items:
            for name in item.owners:
                found = resolver.resolve(name)
                if found.person is not None or found.is_group:
                    continue
                if found.candidates:
                    message = f"owner {name!r} is not resolved: it {found.evidence}"
                else:
                    message = f"owner {name!r} resolves to nobody: {found.evidence}"
                findings.append(Finding(read.path, item.line, WARNING, message))
    return findings

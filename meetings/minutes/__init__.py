"""The minutes parser: Markdown text in, dataclasses out. No Django here.

The format is described in MINUTES_FORMAT.md (shared with the community that
writes the minutes). ``parse()`` is the one entry point; ``Minutes.as_json()``
gives the public JSON shape of ``parse_minutes --json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Decision",
    "Minutes",
    "MinutesError",
    "Statement",
    "Topic",
    "parse",
]


class MinutesError(ValueError):
    """A file that cannot be read as minutes. The message names what is wrong.

    ``line`` is the line of the file at fault, when one is (a linter points at it).
    """

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class AgendaItem:
    text: str
    line: int

    def as_json(self):
        return {"text": self.text, "line": self.line}


@dataclass
class Statement:
    speakers: list[str]
    text: str
    line: int

    def as_json(self):
        return {"speakers": self.speakers, "text": self.text, "line": self.line}


@dataclass
class Topic:
    title: str | None
    statements: list[Statement] = field(default_factory=list)
    line: int | None = None

    def as_json(self):
        return {
            "title": self.title,
            "line": self.line,
            "statements": [s.as_json() for s in self.statements],
        }


@dataclass
class ActionItem:
    owners: list[str]
    text: str
    links: list[str]
    line: int

    def as_json(self):
        return {"owners": self.owners, "text": self.text, "links": self.links, "line": self.line}


@dataclass
class Decision:
    text: str
    links: list[str]
    line: int

    def as_json(self):
        return {"text": self.text, "line": self.line}


@dataclass
class Minutes:
    source: str
    # The meeting's date and, when the front matter gives one, its full datetime.
    date: dt.date | None = None
    datetime: dt.datetime | None = None
    title: str | None = None
    location: str | None = None
    teams: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    # The file this one takes the place of, as the front matter's `replaces:` names it.
    replaces: str | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self):
        if self.datetime is not None:
            when = self.datetime.isoformat()
        elif self.date is not None:
            when = self.date.isoformat()
        else:
            when = None
        return {
            "source": self.source,
            "datetime": when,
            "title": self.title,
            "location": self.location,
            "teams": self.teams,
            "participants": self.participants,
            "agenda": [a.as_json() for a in self.agenda],
            "topics": [t.as_json() for t in self.topics],
            "action_items": [a.as_json() for a in self.action_items],
            "decisions": [d.as_json() for d in self.decisions],
            "warnings": self.warnings,
            "error": self.error,
        }


def parse(data: bytes | str, source: str, *, max_bytes: int | None = None) -> Minutes:
    """Parse one minutes file.

    ``source`` is the file's name as given, used in messages and for the date
    when the front matter has none. Raises MinutesError, whose message names
    ``source``, when the file cannot be read as minutes.
    """
    from meetings.minutes.body import parse_body
    from meetings.minutes.header import read_header
    from meetings.minutes.limits import check_body

    header = read_header(data, source, max_bytes=max_bytes)
    body = parse_body(header.body, participants=header.participants, first_line=header.body_line)
    check_body(source, body)
    return Minutes(
        source=source,
        date=header.date,
        datetime=header.datetime,
        title=header.title,
        location=header.location,
        teams=header.teams,
        participants=header.participants,
        replaces=header.replaces,
        agenda=body.agenda,
        topics=body.topics,
        action_items=body.action_items,
        decisions=body.decisions,
        warnings=header.warnings + body.warnings,
    )


def parse_error(source: str, error: MinutesError) -> Minutes:
    """The JSON-ready result for a file that could not be read."""
    return Minutes(source=source, error=str(error))

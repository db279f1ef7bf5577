"""How long a value the minutes give may be: the columns the tracker stores it in.

The models size their columns with these numbers, so a file the parser
accepts fits the database, on SQLite (which would store anything) and on
PostgreSQL (which refuses what is too long) alike. The sizes leave room for
what real minutes write: the longest name in the community's 256 files has
21 characters, the longest link 119; a shared document's link can have 700.

A name longer than its column refuses the file (cut short, it could be
someone else's name); a title, a place or a heading is cut, with a warning;
a link too long to keep for matching stays in its item's text only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from meetings.minutes import MinutesError

if TYPE_CHECKING:
    from meetings.minutes.body import Body

# A team, participant, owner or speaker: a handle, initials, a full name.
NAME = 200
# The meeting's title, a topic's heading.
TITLE = 300
LOCATION = 500
# Counted in UTF-8 bytes: PostgreSQL indexes at most about 2,700 bytes a row.
LINK = 2000


def refuse(source: str, field: str, value: str, limit: int, line: int | None) -> None:
    """Raise the error for a value longer than its column: the field, its line, the value."""
    where = f"line {line}: " if line else ""
    raise MinutesError(
        f"{source}: {where}the {field} {value[:40] + '…'!r} is {len(value):,} characters"
        f" long; at most {limit:,} fit",
        line,
    )


def cut(value: str, limit: int) -> str:
    return value[: limit - 1].rstrip() + "…"


def cut_warning(field: str, value: str, limit: int, line: int | None) -> str:
    where = f"line {line}: " if line else ""
    return f"{where}the {field} is {len(value):,} characters long; cut to {limit:,}"


def check_body(source: str, body: Body) -> None:
    """Refuse a name in the body too long to store; cut a heading that is, with a warning."""
    for topic in body.topics:
        if topic.title and len(topic.title) > TITLE:
            body.warnings.append(cut_warning("heading", topic.title, TITLE, topic.line))
            topic.title = cut(topic.title, TITLE)
        for statement in topic.statements:
            for name in statement.speakers:
                if len(name) > NAME:
                    refuse(source, "speaker", name, NAME, statement.line)
    for item in body.action_items:
        for name in item.owners:
            if len(name) > NAME:
                refuse(source, "owner", name, NAME, item.line)


def link_fits(url: str) -> bool:
    return len(url.encode()) <= LINK

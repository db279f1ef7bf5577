"""What a file is to the database: which meeting, and which of its lines are items already.

Decisions only: these read what ``Known`` holds (and, rarely, one row), and
write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rapidfuzz import fuzz

from meetings.importing.results import Refused
from meetings.matching import Match
from meetings.models import Item, Meeting, name_key

# How alike an edited line must be to count as the same item (rapidfuzz ratio, 0-100).
SAME_ITEM_SIMILARITY = 90
# A line edited in place, its words much the same (rapidfuzz's token set ratio).
EDITED_IN_PLACE = 60


def meeting_of(known, prepared, teams, warnings):
    """The meeting this file is (None for a new one), and the source it is known by.

    A path with its folders names its meeting. A file given without them
    is the meeting of that name only when it is the same meeting (date and
    teams), else the one its front matter says it ``replaces``, else one
    file name, date and teams tell; failing all, a new meeting.
    """
    minutes, source = prepared.minutes, prepared.source
    by_source = prepared.meeting
    if by_source and by_source.pk in known.claimed:
        raise Refused(
            f"{source}: not imported: another file of this import (one that replaces it,"
            " or it without its folder) has written its meeting already"
        )
    if by_source and (not known.is_loose(source) or same_meeting(known, by_source, minutes, teams)):
        return by_source, source
    if minutes.replaces:
        found = replaced(known, minutes.replaces, warnings)
        if found is not None:
            # It takes the file's path, unless that is a bare file name.
            return found, found.source if known.is_loose(source) else source
    found = uploaded_elsewhere(known, minutes, teams, prepared)
    if found is not None:
        return found, found.source
    return None, free_source(source, teams) if by_source else source


def same_meeting(known, meeting, minutes, teams):
    if meeting.pk in known.claimed or meeting.date != minutes.date:
        return False
    return {team.pk for team in meeting.teams.all()} == {team.pk for team in teams}


def replaced(known, path, warnings):
    """The meeting a file's ``replaces:`` names, or None with a warning saying why."""
    meeting = Meeting.objects.filter(source=path.strip().removeprefix("./")).first()
    if meeting is None:
        warnings.append(f"replaces: no meeting was imported from {path}; a new meeting")
    elif meeting.pk in known.claimed:
        warnings.append(f"replaces: {path} was imported in this run already; not replaced")
    else:
        return meeting
    return None


def free_source(source, teams):
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


def uploaded_elsewhere(known, minutes, teams, prepared):
    """The one meeting with this file name, date and teams, for a file given alone."""
    team_ids = {team.pk for team in teams}
    candidates = [
        meeting
        for meeting in known.by_name_and_date.get((Path(prepared.source).name, minutes.date), [])
        if meeting.pk not in known.claimed and {team.pk for team in meeting.teams.all()} == team_ids
    ]
    return candidates[0] if len(candidates) == 1 else None


def same_date_warnings(known, minutes, teams, source):
    """Warn of another meeting of one of these teams on this date, and remember this one."""
    return known.same_date([team.pk for team in teams], minutes.date, source)


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


def lines_of(minutes):
    lines = [
        Line(Item.Kind.ACTION, list(a.owners), a.text, list(a.links), a.line)
        for a in minutes.action_items
    ] + [Line(Item.Kind.DECISION, [], d.text, list(d.links), d.line) for d in minutes.decisions]
    for position, line in enumerate(lines):
        line.position = position
    return lines


def owners_and_speakers(meeting_id, minutes):
    """A file's (meeting id, owners) and (meeting id, speaker) pairs, for the directory."""
    owners = [(meeting_id, line.owners) for line in lines_of(minutes)]
    speakers = [
        (meeting_id, name) for t in minutes.topics for s in t.statements for name in s.speakers
    ]
    return owners, speakers


def pair_mentions(old, lines):
    """Pair the meeting's existing mentions with the lines the edited file writes.

    Returns (mention, line) pairs and the lines left over. Exact matches first,
    then a line whose owners are the same and whose text is nearly the same
    (a typo fix), then a line of the same owners at the very place of the list
    where the mention was, which says much the same in more or other words
    ("Provide link to GDB stub" edited to "... and its docs"): the item keeps its
    history rather than starting over.
    """
    free = list(old)
    pairs, left = [], []
    for line in lines:
        text = normal(line.text)
        match = _take(free, line, lambda m, t=text: normal(m.text) == t)
        (pairs.append((match, line)) if match else left.append(line))
    new = []
    for line in left:
        text = normal(line.text)
        match = _take(
            free, line, lambda m, t=text: fuzz.ratio(normal(m.text), t) >= SAME_ITEM_SIMILARITY
        )
        (pairs.append((match, line)) if match else new.append(line))
    unpaired, new = new, []
    for line in unpaired:
        text = normal(line.text)
        match = _take(
            free,
            line,
            lambda m, t=text, at=line.position: (
                m.position == at and fuzz.token_set_ratio(normal(m.text), t) >= EDITED_IN_PLACE
            ),
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


def normal(text):
    return " ".join(text.split()).casefold()

"""What the database holds that a run's files may meet, read up front, and what the run wrote.

The meetings the files name by path, and those they may be another copy of
or share a date with, are read in a few queries for the whole run rather
than a few for each file. What a file adds to this memory is forgotten when
its transaction rolls back, so a later file never refers to a row that is
not there.
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from meetings.models import Item, Meeting, Mention


class Known:
    def __init__(self, sources, *, by_path=False):
        self.by_path = by_path
        self.started = timezone.now()
        sources = list(sources)
        self.files = len(sources)
        self.existing = {
            meeting.source: meeting
            for chunk in chunks(sources)
            for meeting in Meeting.objects.filter(source__in=chunk)
        }
        self.by_name_and_date = {}  # (file name, date) → meetings
        self.days = MeetingDays()  # by team id
        # Action items and decisions of the meetings whose files are unchanged.
        self.counts = {}  # meeting id → {"action_items": n, "decisions": n}
        # Meetings this run has written: a later file may not take them over.
        self.claimed = set()
        # How to forget what the file being written added to the above.
        self.undo = []

    def look_around(self, pending):
        """Read the meetings that new files may be another copy of, or share a date with.

        And what the unchanged files' meetings hold, so that they need no query of their own.
        """
        unchanged = sorted(p.meeting.pk for p in pending if p.meeting and not p.minutes)
        for chunk in chunks(unchanged):
            self.counts.update({pk: {"action_items": 0, "decisions": 0} for pk in chunk})
            rows = (
                Mention.objects.filter(meeting__in=chunk, removed=False)
                .order_by()
                .values_list("meeting_id", "item__kind")
                .annotate(n=Count("pk"))
            )
            for meeting_id, kind, n in rows:
                key = "action_items" if kind == Item.Kind.ACTION else "decisions"
                self.counts[meeting_id][key] += n
        new = [
            p.minutes
            for p in pending
            if p.minutes and (p.meeting is None or self.is_loose(p.source))
        ]
        names = {(Path(m.source).name, m.date) for m in new}
        for chunk in chunks(sorted({name for name, _ in names})):
            for meeting in Meeting.objects.filter(file_name__in=chunk).prefetch_related("teams"):
                if (meeting.file_name, meeting.date) in names:
                    key = (meeting.file_name, meeting.date)
                    self.by_name_and_date.setdefault(key, []).append(meeting)
        Through = Meeting.teams.through
        for chunk in chunks(sorted({m.date for m in new})):
            for team_id, date, source in Through.objects.filter(
                meeting__date__in=chunk
            ).values_list("team_id", "meeting__date", "meeting__source"):
                self.days.add(team_id, date, source)

    def is_loose(self, source):
        """Whether a file was given by its name alone, without the folders it sits in."""
        return not self.by_path and "/" not in source

    def remember(self, cache, key, value):
        cache[key] = value
        self.undo.append(lambda: cache.pop(key, None))

    def claim(self, meeting):
        if meeting.pk not in self.claimed:
            self.claimed.add(meeting.pk)
            self.undo.append(lambda: self.claimed.discard(meeting.pk))

    def same_date(self, team_ids, date, source):
        """Warnings of other meetings of these teams on this date; this one is remembered."""
        return self.days.claim(team_ids, date, source, undo=self.undo)

    def forget(self):
        """Forget what the file whose transaction rolled back added to this memory."""
        for undo in reversed(self.undo):
            undo()
        self.undo = []


class MeetingDays:
    """The meetings each team has on each date, by source: a second one on a day is warned of.

    Teams by id; the linter gives a team the database does not have an id no row has.
    """

    def __init__(self):
        self.sources = {}  # (team, date) → sources

    def add(self, team, date, source):
        self.sources.setdefault((team, date), []).append(source)

    def claim(self, teams, date, source, *, undo=None):
        """Warn of the other meetings of these teams on this date; this one is added.

        ``undo`` collects how to take it out again.
        """
        others = []
        for team in teams:
            sources = self.sources.setdefault((team, date), [])
            others.extend(s for s in sources if s not in others)
            sources.append(source)
            if undo is not None:
                undo.append(lambda sources=sources: sources.remove(source))
        return [f"another meeting of the same team on {date}: {other}" for other in others]


def chunks(values, size=500):
    """Slices of a list short enough for any database's limit on query parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]

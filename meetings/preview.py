"""What importing files would do, found by reading alone.

A preview writes nothing and takes no lock: it parses each file, finds the
meeting it would update (through the importer's own rules), pairs that
meeting's items with the lines the file writes as an update would, and
resolves owners without creating anyone. So a preview of two thousand files
keeps no one waiting; it runs in the task worker when it is long.

The result is plain JSON (it is kept on the upload's row and shown from there),
one entry per file, with ``danger``: what an update would do that a maintainer
must agree to (a meeting's teams changed, items marked removed).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from meetings.importing.deciding import (
    lines_of,
    normal,
    owners_and_speakers,
    pair_mentions,
    uploaded_elsewhere,
)
from meetings.importing.files import prepare
from meetings.importing.known import Known
from meetings.importing.results import Outcome
from meetings.importing.writing import item_counts
from meetings.matching import Matcher
from meetings.models import Item, Meeting, Person, Team
from meetings.names import Kind, name_key, spelling
from meetings.people import Directory, is_group

# Never a meeting's id: the stand-in for a meeting a new file would create.
NOT_SAVED = 0


def preview_files(files, progress: Callable[[int, int], None] | None = None) -> dict:
    """Preview ``(source, bytes | Exception)`` pairs; ``progress(done, total)`` after each."""
    readable = [(source, data) for source, data in files if not isinstance(data, Exception)]
    known = Known(source for source, _ in readable)
    pending = []
    total = len(files)
    entries = []
    for source, data in files:
        if isinstance(data, Exception):
            entries.append(failed(source, f"{source}: {data}"))
        else:
            pending.append(prepare(source, data, known.existing.get(source)))
    known.look_around(pending)
    pending.sort(key=lambda p: (p.date, p.source))
    reader = Reader(pending)
    for prepared in pending:
        entries.append(reader.entry(known, prepared))
        if progress:
            progress(len(entries), total)
    counts = {
        outcome: sum(1 for entry in entries if entry["outcome"] == outcome)
        for outcome in (Outcome.IMPORTED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
    }
    return {"files": entries, "counts": counts}


def failed(source, error):
    return {"source": source, "outcome": Outcome.FAILED, "error": error, "danger": []}


class Reader:
    """Reads, for a batch, the teams its files name and who is who, in a few queries."""

    def __init__(self, pending):
        parsed = [p.minutes for p in pending if p.minutes]
        team_keys = {name_key(name) for m in parsed for name in m.teams}
        self.teams = {team.key: team for team in Team.objects.filter(key__in=team_keys)}
        self.directory = Directory.load()
        # Stand-ins for the meetings the files would write and the people they would
        # add, as the directory knows them: ids no row has.
        self.stand_ins = 0
        self.newcomers = 0

    def team(self, name):
        key = name_key(name)
        return self.teams.get(key) or Team(name=name, key=key)

    def resolver(self, minutes, teams):
        """Who the file's names are, as the import would resolve them, creating no one."""
        self.stand_ins -= 1
        meeting = SimpleNamespace(pk=self.stand_ins, date=minutes.date)
        present, unsure = [], []
        for name in minutes.participants:
            read = spelling(name)
            if not name_key(name) or read.kind in (Kind.GROUP, Kind.PLACEHOLDER):
                continue
            fits = self.directory.named(read) if read.kind != Kind.INITIALS else []
            if len(fits) == 1:
                present.append((fits[0], name))
            elif not fits and read.kind != Kind.INITIALS:
                # Someone the import would add: a person the preview makes up, never saved.
                self.newcomers -= 1
                present.append((Person(pk=self.newcomers, handle=name, name=name), name))
            else:
                unsure.append(name)
        team_ids = [team.pk for team in teams if team.pk]
        self.directory.add_meeting(meeting, team_ids, present, unsure)
        self.directory.add_written(*owners_and_speakers(meeting.pk, minutes))
        return self.directory.resolver(meeting.pk)

    def entry(self, known, prepared):
        source = prepared.source
        if prepared.error:
            return failed(source, prepared.error)
        if prepared.minutes is None:
            return unchanged(source, prepared.meeting)
        minutes = prepared.minutes
        teams = list({name_key(n): self.team(n) for n in minutes.teams}.values())
        meeting = prepared.meeting or uploaded_elsewhere(known, minutes, teams, prepared)
        if meeting is not None and meeting.content_hash == prepared.content_hash:
            # This very file without its folder: as the import will find it (Importer.write).
            return unchanged(source, meeting)
        handles = [h for h in minutes.participants if name_key(h)]
        saved = [team for team in teams if team.pk]
        resolver = self.resolver(minutes, teams)
        entry = {
            "source": source,
            "outcome": Outcome.UPDATED if meeting else Outcome.IMPORTED,
            "date": minutes.date.isoformat(),
            "teams": [team.name for team in teams],
            "new_teams": [team.name for team in teams if not team.pk],
            "participants": list(dict.fromkeys(handles)),
            "warnings": list(minutes.warnings),
            "action_items": len(minutes.action_items),
            "decisions": len(minutes.decisions),
            "added": [],
            "changed": [],
            "removed": [],
            "kept": 0,
            "danger": [],
        }
        lines = lines_of(minutes)
        old = list(meeting.mentions.select_related("item")) if meeting else []
        pairs, new = pair_mentions(old, lines)
        rows = {}
        for mention, line in pairs:
            change = ""
            if normal(mention.text) != normal(line.text):
                entry["changed"].append([mention.text, line.text])
                change = "text changed"
            elif mention.removed:
                entry["added"].append(line.text)
                change = "new"
            else:
                entry["kept"] += 1
            rows[line.position] = row(line, resolver, mention.item.get_status_display(), change)
            if mention.item.meeting_id != meeting.pk:
                rows[line.position]["raised"] = mention.item.raised.isoformat()
        paired = {mention.pk for mention, _ in pairs}
        entry["removed"] = [m.text for m in old if m.pk not in paired and not m.removed]

        stand_in = meeting or Meeting(pk=NOT_SAVED, date=minutes.date)
        actions = [line for line in new if line.kind == Item.Kind.ACTION]
        matcher = Matcher(stand_in, saved, resolver, written=[m.item_id for m in old])
        found = matcher.match(actions) if actions and saved else []
        matches = {line.position: f.match for line, f in zip(actions, found, strict=False)}
        for line in new:
            match = matches.get(line.position)
            earlier = match.earlier.item if match else None
            status = earlier.get_status_display() if earlier else Item.Status.OPEN.label
            rows[line.position] = row(line, resolver, status, "new" if meeting else "")
            if earlier:
                rows[line.position]["raised"] = earlier.raised.isoformat()
            entry["added"].append(line.text)
        ordered = [rows[line.position] for line in lines]
        entry["actions"] = [r for r in ordered if r["kind"] == Item.Kind.ACTION]
        entry["decisions_rows"] = [r for r in ordered if r["kind"] == Item.Kind.DECISION]
        entry["kept_statuses"] = [
            r for r in entry["actions"] if r["change"] != "new" and r["status"] != "Open"
        ]

        if meeting:
            before = [team.name for team in meeting.teams.all()]
            if {name_key(n) for n in before} != {team.key for team in teams}:
                entry["teams_before"] = before
                entry["danger"].append(
                    f"changes the teams of the meeting of {meeting.date} ({meeting.source}) "
                    f"from {', '.join(before) or 'none'} to "
                    f"{', '.join(t.name for t in teams) or 'none'}"
                )
            if entry["removed"]:
                count = len(entry["removed"])
                entry["danger"].append(
                    f"marks {count} item{'s' if count != 1 else ''} of the meeting of "
                    f"{meeting.date} ({meeting.source}) removed"
                )
        return entry


def unchanged(source, meeting):
    return {
        "source": source,
        "outcome": Outcome.UNCHANGED,
        "date": meeting.date.isoformat(),
        "teams": [team.name for team in meeting.teams.all()],
        "participants": [p.name for p in meeting.participations.all()],
        "danger": [],
        "warnings": [],
        **item_counts(meeting),
    }


def row(line, resolver, status, change):
    return {
        "kind": line.kind,
        "text": line.text,
        "status": status,
        "change": change,
        "raised": None,
        "owners": [owner(name, resolver) for name in line.owners],
    }


def owner(name, resolver):
    if is_group(name):
        return {"name": name, "resolves": "group"}
    found = resolver.resolve(name)
    if found.person is not None:
        return {
            "name": name,
            "resolves": "person",
            "person": found.person.handle,
            "evidence": found.evidence,
        }
    return {"name": name, "resolves": "unresolved", "evidence": found.evidence}

"""Writing one parsed file as a meeting, with the teams and people it names.

``Importer`` keeps what a run has learned across its files (teams, who is
who, the meetings it wrote); the decisions are in ``deciding``, the rows
written in ``writing``.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from meetings.importing import deciding, writing
from meetings.importing.files import prepare
from meetings.importing.known import Known
from meetings.importing.results import FileResult, Outcome
from meetings.models import (
    Meeting,
    Ownership,
    Participant,
    Person,
    Team,
    free_handle,
    meeting_name,
    name_key,
)
from meetings.names import Kind, spelling
from meetings.people import Directory, resolve
from meetings.people.resolving import SCOPED_MEETINGS


class Importer:
    """Imports files one by one, remembering teams and people across files.

    What a file adds to that memory is forgotten when its transaction rolls
    back, so a later file never refers to a row that is not there.
    """

    def __init__(self, sources, *, by_path=False, origins=None):
        self.known = Known(sources, by_path=by_path)
        # {source: the commit and path of a file as committed in git}
        self.origins = origins or {}
        self.teams = {}
        self._directory = None
        # A participant no one is yet: learning runs once, after the last file.
        self.needs_learning = False
        # Whose counts to keep once the run is over: the people and teams of its items.
        self.counted_people = set()
        self.counted_teams = set()

    def keep_counts(self):
        """Count again what the lists show of the people and teams the run wrote items of."""
        Person.objects.filter(pk__in=self.counted_people).keep_counts()
        Team.objects.filter(pk__in=self.counted_teams).keep_counts()

    def prepare(self, source, data):
        return prepare(source, data, self.known.existing.get(source))

    def look_around(self, pending):
        self.known.look_around(pending)

    def forget(self):
        """Forget what the file whose transaction rolled back added to the importer's memory."""
        self.known.forget()

    def unchanged(self, meeting, source):
        self.known.claim(meeting)
        origin = self.origins.get(source)
        if origin and not meeting.commit:
            # Committed since it was imported: its lines can link to the commit now.
            meeting.commit, meeting.commit_path = origin.commit, origin.path
            Meeting.objects.filter(pk=meeting.pk).update(
                commit=origin.commit, commit_path=origin.path
            )
        counts = self.known.counts.get(meeting.pk) or writing.item_counts(meeting)
        return FileResult(source, Outcome.UNCHANGED, meeting=meeting, warnings=[], **counts)

    def written_already(self, prepared):
        """The meeting an earlier attempt wrote, when its commit went through as the line broke."""
        meeting = Meeting.objects.filter(
            file_name=Path(prepared.source).name,
            date=prepared.minutes.date,
            content_hash=prepared.content_hash,
            updated__gte=self.known.started,
        ).first()
        if meeting is None:
            return None
        outcome = Outcome.UPDATED if prepared.meeting else Outcome.IMPORTED
        result = FileResult(
            prepared.source, outcome, meeting=meeting, **writing.item_counts(meeting)
        )
        result.warnings = list(meeting.warnings)
        self.known.claim(meeting)
        return result

    def write(self, prepared) -> FileResult:
        # What a file that fails adds to the directory is gone with its transaction.
        self.known.undo.append(self.forget_directory)
        minutes = prepared.minutes
        teams = list(dict.fromkeys(self.team(name) for name in minutes.teams))
        warnings = list(minutes.warnings)
        meeting, source = deciding.meeting_of(self.known, prepared, teams, warnings)
        if meeting is not None and meeting.content_hash == prepared.content_hash:
            # This very file, given with another path or by the meeting it replaces.
            return self.unchanged(meeting, prepared.source)
        result = FileResult(prepared.source, Outcome.UPDATED if meeting else Outcome.IMPORTED)
        result.warnings = warnings
        if meeting is None:
            meeting = Meeting(source=source, created=timezone.now())
            result.warnings.extend(deciding.same_date_warnings(self.known, minutes, teams, source))
        else:
            meeting.source = source
            before = list(meeting.teams.all())
            if {team.pk for team in before} != {team.pk for team in teams}:
                result.teams_changed = True
                result.teams_before = [team.name for team in before]
        meeting.file_name = Path(prepared.source).name
        meeting.date = minutes.date
        meeting.datetime = writing.aware(minutes.datetime)
        meeting.title = minutes.title or ""
        meeting.name = meeting_name(meeting.title, [team.name for team in teams], minutes.date)
        meeting.location = minutes.location or ""
        meeting.text = prepared.text
        meeting.content_hash = prepared.content_hash
        meeting.warnings = result.warnings
        origin = self.origins.get(prepared.source)
        meeting.commit = origin.commit if origin else ""
        meeting.commit_path = origin.path if origin else ""
        # An upload's import says it wrote the meeting once done (``tasks``).
        meeting.import_log = None
        meeting.updated = timezone.now()
        meeting.save()
        if result.outcome == Outcome.UPDATED:
            meeting.teams.set(teams)
        else:
            Meeting.teams.through.objects.bulk_create(
                Meeting.teams.through(meeting=meeting, team=team) for team in teams
            )
        self.known.claim(meeting)

        participants = self.write_participants(meeting, minutes.participants, result.outcome)
        unsure = [name for person, name in participants if person is None]
        participants = [(person, name) for person, name in participants if person is not None]
        self.directory.add_meeting(meeting, [team.pk for team in teams], participants, unsure)
        self.directory.add_written(*deciding.owners_and_speakers(meeting.pk, minutes))
        # Owners and speakers are resolved as they are written, not updated after.
        resolver = self.directory.resolver(meeting.pk)
        if result.outcome == Outcome.UPDATED:
            meeting.agenda.all().delete()
            meeting.topics.all().delete()
        writing.write_discussion(meeting, minutes, resolver)
        written, made = writing.write_items(meeting, teams, minutes, result, resolver)
        writing.write_done_suggestions(meeting, teams, minutes, result.outcome)
        if result.outcome == Outcome.UPDATED:
            # The items kept, under the participants and teams the file gives now.
            resolve(meetings=[meeting], directory=self.directory)
        # Who owns what, kept for the lists; the counts once the run is over.
        self.counted_people |= Ownership.objects.keep(written, counts=False, new=made)
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
                team.slug = writing.free_slug(team.name)
                team.save()
            self.known.remember(self.teams, key, team)
        return self.teams[key]

    @property
    def directory(self):
        if self._directory is None:
            # A few files ask the database who was around each meeting; many read it all.
            self._directory = Directory.load(activity=self.known.files > SCOPED_MEETINGS)
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
            rows.append(
                Participant(
                    meeting=meeting, person=person, name=name, position=position, date=meeting.date
                )
            )
        Participant.objects.bulk_create(rows)
        return [(row.person, row.name) for row in rows]

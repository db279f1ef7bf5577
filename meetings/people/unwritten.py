"""Who is who in minutes not imported: the importer's learning, kept in memory.

Importing files ends with ``learn`` grouping every participant into humans,
then each owner and speaker is resolved against that. ``directory_of`` does
the same for meetings read from files and written nowhere: the participants
of the database (when it has any) and of the files are grouped as ``learn``
groups them, each human is the database's person where one has their
spelling and a person in memory otherwise, and the ``Directory`` holds every
meeting, so that a ``Resolver`` decides exactly as after an import. Nothing
is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, connection

from meetings.models import Alias, Meeting, Participant, Person, Team, name_key
from meetings.names import Kind, spelling
from meetings.people.directory import _pinned, _written_keys, group_participants
from meetings.people.resolving import Directory


@dataclass
class UnwrittenMeeting:
    """A meeting as a file gives it; ``pk`` is negative, no row's."""

    pk: int
    date: dt.date
    teams: list[str]
    participants: list[str]
    # Each action item's owners, and each statement's speaker, as written.
    owners: list[list[str]] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)


def has_tracker_database():
    """Whether the database is the tracker's, migrated: a minutes repository's CI has none."""
    try:
        return Person._meta.db_table in connection.introspection.table_names()
    except DatabaseError:
        return False


def directory_of(meetings: list[UnwrittenMeeting], *, database: bool, replaced=()):
    """A Directory with the database's meetings (when ``database``) and these.

    ``replaced`` are the sources of the database's meetings that these files
    are again: left out, as an import would update them. Returns the directory
    and {team name key: team id}, the ids its meetings are in.
    """
    rows, dates, team_ids = [], {}, defaultdict(set)
    people, aliases, pinned, team_of = {}, [], {}, {}
    if database:
        kept = Meeting.objects.exclude(source__in=list(replaced))
        dates = dict(kept.values_list("pk", "date"))
        for meeting_id, team_id in Meeting.teams.through.objects.filter(
            meeting__in=kept
        ).values_list("meeting", "team"):
            team_ids[meeting_id].add(team_id)
        rows = list(
            Participant.objects.filter(meeting__in=kept).values_list(
                "pk", "meeting_id", "name", "person_id"
            )
        )
        people = Person.objects.in_bulk()
        aliases = list(Alias.objects.select_related("team"))
        pinned = _pinned()
        team_of = dict(Team.objects.values_list("key", "pk"))
    written = {}
    for meeting in meetings:
        dates[meeting.pk] = meeting.date
        for team in meeting.teams:
            # A team the database does not know yet: an id no row has.
            team_ids[meeting.pk].add(team_of.setdefault(name_key(team), -len(team_of) - 1))
        for name in participants(meeting):
            rows.append((-len(rows) - 1, meeting.pk, name, None))
        keys = {name_key(name) for names in meeting.owners for name in names}
        written[meeting.pk] = keys | {name_key(name) for name in meeting.speakers}

    def written_keys(meeting_ids):
        found = _written_keys({pk for pk in meeting_ids if pk > 0}) if database else {}
        return defaultdict(set, {**found, **written})

    clusters, assigned = group_participants(
        rows, dates, team_ids, written_keys=written_keys, pinned=pinned
    )
    person_of = persons_of(clusters.humans, people)
    directory = Directory({**people, **{p.pk: p for p in person_of.values()}}, aliases)
    present = defaultdict(list)
    unsure = defaultdict(list)
    for pk, meeting_id, name, _ in rows:
        human = assigned[pk]
        if human is not None:
            present[meeting_id].append((person_of[human], name))
        elif spelling(name).kind not in (Kind.GROUP, Kind.PLACEHOLDER):
            unsure[meeting_id].append(name)
    for meeting_id, date in dates.items():
        directory.add_meeting(
            Meeting(pk=meeting_id, date=date),
            team_ids[meeting_id],
            present[meeting_id],
            unsure[meeting_id],
        )
    for meeting in meetings:
        directory.add_written([(meeting.pk, names) for names in meeting.owners])
        directory.add_written(speakers=[(meeting.pk, name) for name in meeting.speakers])
    return directory, team_of


def participants(meeting):
    """The names an import makes participants of: placeholders and groups are no one."""
    for name in meeting.participants:
        if name_key(name) and spelling(name).kind not in (Kind.GROUP, Kind.PLACEHOLDER):
            yield name


def persons_of(humans, people):
    """{human: person}: the database's person with one of their spellings, else one in memory.

    As ``learn`` would name a person it makes, with an id no row has.
    """
    by_key = {person.key: person for person in people.values()}
    next_pk = max(people, default=0) + 1
    found = {}
    for human in humans:
        if not human.spellings and human.person is None:
            continue
        person = human.person or next(
            (by_key[key] for key in sorted(human.keys) if key in by_key), None
        )
        if person is None:
            handle = human.best_handle
            person = Person(pk=next_pk, handle=handle, name=human.full_name or handle)
            person.key = name_key(handle)
            next_pk += 1
        found[human] = person
    return found

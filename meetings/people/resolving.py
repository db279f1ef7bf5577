"""Which person a name written in a meeting's minutes stands for, and why.

In order, and at each step only when exactly one person fits:

0. what a maintainer or an item's owner said: an alias for one of the
   meeting's teams, then one for every team;
1. the meeting's participants: by handle, full name, first name or nickname,
   or by initials (``SK`` for Simon Kuenzer, who attended as ``Simon``); a
   participant whose surname the minutes never give fits initials that start
   with their first name's letter. Two participants fit: no one;
2. the people who took part in the team's meetings around then (owners often
   name people who were absent: reviewers of a pull request);
3. everyone in the minutes: a name one person has; initials one person has
   who took part in some meeting within a year.

A wrong owner is worse than none: where two people fit, the name stays
unresolved with both as candidates. The evidence is kept on each owner and
speaker, to be shown and corrected.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from meetings.bulk import update_rows
from meetings.models import (
    Alias,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Speaker,
)
from meetings.names import Kind, name_key, plain, spelling
from meetings.people.directory import Human

CORPUS_WINDOW_DAYS = 365
# Up to this many meetings are resolved with a directory that asks the database
# who was around each, rather than reading every participation up front.
SCOPED_MEETINGS = 20


class Found(NamedTuple):
    person: Person | None
    evidence: str
    candidates: tuple = ()
    is_group: bool = False


class Directory:
    """Every person with the names the minutes know them by, and when and where they took part.

    Loaded in a few queries; a meeting imported since can be added.
    """

    def __init__(self, people, aliases=()):
        self.people = people  # {pk: Person}
        self.humans = {pk: Human(person=person) for pk, person in people.items()}
        for person in people.values():
            self.humans[person.pk].add(spelling(person.handle), 0)
            if person.name and person.name != person.handle:
                self.humans[person.pk].add(spelling(person.name), 0)
        self.team_aliases = {}
        self.global_aliases = {}
        for alias in aliases:
            if alias.team_id is None:
                self.global_aliases[alias.key] = alias
            else:
                self.team_aliases[(alias.key, alias.team_id)] = alias
        self.present = defaultdict(dict)  # meeting id → {person id: name as written}
        # meeting id → [(name, ids of the people it may be)]: `Maria` where there are two.
        self.unsure = defaultdict(list)
        self.meetings = {}  # meeting id → (date, team ids)
        self.by_team = defaultdict(list)  # team id → sorted [(date, person id)]
        self.by_date = []  # sorted [(date, person id)]: who took part when, in any team
        # meeting id → the initials-shaped owners and speakers its minutes write.
        self.written = defaultdict(set)
        self.read_written = set()
        self._inner = {}
        self._indexed = False
        # The lists above appended to since last sorted: team ids, None for by_date.
        self._unsorted = set()
        # Whether every participation is read (else the database is asked per meeting).
        self.activity = True

    @classmethod
    def load(cls, *, activity=True):
        """Everyone, and every spelling of theirs; with ``activity``, who took part where and when.

        Without it (an import of a few files) the people around a meeting are
        asked of the database for each meeting resolved, rather than every
        participation of the corpus read up front.
        """
        # Each person with every name they sign in with, in one query.
        people, spellings = {}, []
        rows = Person.objects.order_by().values_list(
            "pk", "handle", "name", "key", "participations__name"
        )
        for pk, handle, name, key, written in rows.distinct():
            if pk not in people:
                people[pk] = Person(pk=pk, handle=handle, name=name, key=key)
            if written:
                spellings.append((pk, written))
        directory = cls(people, Alias.objects.select_related("team"))
        for person_id, name in spellings:
            directory.humans[person_id].add(spelling(name), 0)
        directory.activity = activity
        if activity:
            directory.load_meetings(None)
        return directory

    def load_meetings(self, meeting_ids):
        """Dates, teams and participants of these meetings (None: of all of them)."""
        everything = meeting_ids is None
        meetings = (
            Meeting.objects.all() if everything else Meeting.objects.filter(pk__in=meeting_ids)
        )
        links = Meeting.teams.through.objects.all()
        rows = Participant.objects.order_by()
        if not everything:
            links = links.filter(meeting__in=meeting_ids)
            rows = rows.filter(meeting__in=meeting_ids)
        teams = defaultdict(set)
        for meeting_id, team_id in links.values_list("meeting", "team"):
            teams[meeting_id].add(team_id)
        for meeting_id, date in meetings.values_list("pk", "date"):
            self.meetings[meeting_id] = (date, frozenset(teams[meeting_id]))
        unsure = []
        for meeting_id, person_id, name in rows.values_list("meeting_id", "person_id", "name"):
            if person_id is None:
                unsure.append((meeting_id, name))
            else:
                self._attend(meeting_id, person_id, name)
        for meeting_id, name in unsure:
            self.add_unsure(meeting_id, name)

    def load_written(self, meeting_ids):
        """Read the initials the minutes of these meetings write, where not read yet."""
        missing = sorted(set(meeting_ids) - self.read_written)
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            self.add_written(
                Mention.objects.filter(meeting__in=chunk).values_list("meeting_id", "owners"),
                Speaker.objects.filter(statement__topic__meeting__in=chunk).values_list(
                    "statement__topic__meeting_id", "name"
                ),
            )
            self.read_written.update(chunk)

    def add_written(self, owners=(), speakers=()):
        """(meeting id, owner names) and (meeting id, speaker name) pairs: initials they use."""
        for meeting_id, _ in [*owners, *speakers]:
            self.read_written.add(meeting_id)
        for meeting_id, names in owners:
            self.written[meeting_id].update(
                name_key(name) for name in names if spelling(name).kind == Kind.INITIALS
            )
        for meeting_id, name in speakers:
            if spelling(name).kind == Kind.INITIALS:
                self.written[meeting_id].add(name_key(name))

    def with_initials(self, text):
        """The people whose initials ``text`` is: `SK`, or `SjK` with a letter of the first name."""
        key = name_key(text)
        found = self.by_initials.get(key, set()) | self.by_key.get(key, set())
        inner = [c for c in plain(text)[1:-1] if c.islower()]
        if not inner or len(key) != 3:
            return set(found)
        if key not in self._inner:
            first, middle, last = key
            self._inner[key] = {
                pk
                for pk, human in self.humans.items()
                if last in human.letters
                and any(f[:1] == first and middle in f[1:] for f in human.firsts)
            }
        return set(found) | self._inner[key]

    def add_unsure(self, meeting_id, name):
        """A participant no one is for sure: a name several people have."""
        fits = {person.pk for person in self.named(spelling(name))}
        if fits:
            self.unsure[meeting_id].append((name, fits))

    def add_meeting(self, meeting, team_ids, participants, unsure=()):
        """A meeting written since loading: ``participants`` are (person, name) pairs.

        ``unsure`` are the names of participants no one is yet.
        """
        self.meetings[meeting.pk] = (meeting.date, frozenset(team_ids))
        self.present.pop(meeting.pk, None)
        self.unsure.pop(meeting.pk, None)
        for name in unsure:
            self.add_unsure(meeting.pk, name)
        for person, name in participants:
            if person.pk not in self.people:
                self.people[person.pk] = person
                self.humans[person.pk] = Human(person=person)
                self.humans[person.pk].add(spelling(person.handle), 0)
                self._indexed = False
            self._attend(meeting.pk, person.pk, name)

    def _attend(self, meeting_id, person_id, name):
        human = self.humans.get(person_id)
        if human is None:
            return
        date, team_ids = self.meetings[meeting_id]
        self.present[meeting_id][person_id] = name
        if name not in human.spellings:
            # A spelling new to them: the name indexes are built again when next asked.
            human.add(spelling(name), 0)
            self._indexed = False
        human.seen.append((date, team_ids))
        self.by_date.append((date, person_id))
        for team_id in team_ids:
            self.by_team[team_id].append((date, person_id))
        self._unsorted.update({None, *team_ids})

    def _index(self):
        # Only the lists a meeting was added to: sorting them all each time grew with the corpus.
        for team_id in self._unsorted:
            (self.by_date if team_id is None else self.by_team[team_id]).sort()
        self._unsorted.clear()
        if self._indexed:
            return
        self._inner = {}
        self.by_key = defaultdict(set)
        self.by_first = defaultdict(set)
        self.by_initials = defaultdict(set)
        self.unknown_surname = defaultdict(set)  # first letter → people without a surname
        for pk, human in self.humans.items():
            for key in human.keys:
                self.by_key[key].add(pk)
            for first in human.firsts:
                self.by_first[first].add(pk)
                if not human.surname_known:
                    self.unknown_surname[first[:1]].add(pk)
            for initials in human.initials:
                self.by_initials[initials].add(pk)
        self._indexed = True

    def named(self, read):
        """The people a participant's spelling fits by itself: by name, else by first name."""
        self._index()
        fits = self.by_key.get(read.key) or (
            self.by_first.get(read.first) if read.kind == Kind.FIRST else None
        )
        return [self.people[pk] for pk in sorted(fits or ())]

    def meeting(self, meeting_id):
        """(date, team ids) of a meeting, read when not read yet."""
        if meeting_id not in self.meetings:
            self.load_meetings([meeting_id])
        return self.meetings[meeting_id]

    def around(self, meeting_id, days):
        """The people who took part in the meeting's teams' meetings within ``days`` of it."""
        self._index()
        date, team_ids = self.meeting(meeting_id)
        low, high = date - dt.timedelta(days=days), date + dt.timedelta(days=days)
        if not self.activity:
            rows = Participant.objects.filter(
                person__isnull=False,
                meeting__teams__in=team_ids,
                meeting__date__range=(low, high),
            )
            return set(rows.order_by().values_list("person_id", flat=True).distinct())
        found = set()
        for team_id in team_ids:
            entries = self.by_team[team_id]
            start = bisect.bisect_left(entries, (low, 0))
            for when, person_id in entries[start:]:
                if when > high:
                    break
                found.add(person_id)
        return found

    def recent(self, date, days):
        """Everyone who took part in any meeting within ``days`` of ``date``."""
        window = dt.timedelta(days=days)
        if not self.activity:
            rows = Participant.objects.filter(
                person__isnull=False, meeting__date__range=(date - window, date + window)
            )
            return set(rows.order_by().values_list("person_id", flat=True).distinct())
        self._index()
        start = bisect.bisect_left(self.by_date, (date - window, 0))
        end = bisect.bisect_right(self.by_date, (date + window, float("inf")))
        return {person_id for _, person_id in self.by_date[start:end]}

    def resolver(self, meeting_id):
        return Resolver(self, meeting_id)


class Resolver:
    """Resolves the names written in one meeting's minutes; see the module's docstring."""

    def __init__(self, directory, meeting_id):
        directory._index()
        self.directory = directory
        self.meeting_id = meeting_id
        self.date, self.team_ids = directory.meeting(meeting_id)
        self.present = directory.present.get(meeting_id, {})
        self.unsure = directory.unsure.get(meeting_id, [])
        self._around = None
        self._recent = None
        self._found = {}  # name: Found (a meeting writes its few names many times)

    def around(self):
        if self._around is None:
            self._around = self.directory.around(self.meeting_id, settings.PEOPLE_WINDOW_DAYS)
        return self._around

    def recent(self):
        """Everyone who took part in any meeting within a year of this one."""
        if self._recent is None:
            self._recent = self.directory.recent(self.date, CORPUS_WINDOW_DAYS)
        return self._recent

    def resolve(self, name) -> Found:
        if name not in self._found:
            self._found[name] = self._resolve(name)
        return self._found[name]

    def _resolve(self, name) -> Found:
        read = spelling(name)
        if read.kind == Kind.GROUP:
            return Found(None, "a group: everyone at the meeting", is_group=True)
        if read.kind == Kind.PLACEHOLDER:
            return Found(None, "a placeholder, not a person")
        d = self.directory
        for team_id in sorted(self.team_ids):
            alias = d.team_aliases.get((read.key, team_id))
            if alias is not None:
                return self.found(alias.person_id, f"mapped to {{name}} in {alias.team}")
        alias = d.global_aliases.get(read.key)
        if alias is not None:
            return self.found(alias.person_id, "mapped to {name} in every team")

        initials = read.kind == Kind.INITIALS
        if initials:
            exact = d.with_initials(read.text)
            possible = d.unknown_surname.get(read.key[:1], set()) if len(read.key) == 2 else set()
            possible = possible - exact
            what = "initials of {name}"
        else:
            exact = set(d.by_key.get(read.key, set()))
            if read.kind == Kind.FIRST and not exact:
                exact = set(d.by_first.get(read.first, set()))
            possible = set()
            what = "{name}"

        present = set(self.present)
        recent = self.recent()
        fits, could = exact & present, possible & present
        # `Maria` attended, and there are two: the initials `MS` fit one of them, if
        # she took part in any meeting within a year of this one.
        unsure = {}
        for written, people in self.unsure:
            for pk in (people & exact & recent) - present:
                unsure.setdefault(pk, written)
        # One participant the minutes give these initials outweighs one whose surname
        # is unknown, or one whose first name others share.
        if len(fits) == 1:
            return self.found(fits, what + ", who attended{spelled}")
        if len(fits) > 1:
            return self.unresolved(fits, "participants")
        if len(unsure) == 1 and not could:
            pk, written = next(iter(unsure.items()))
            return self.found(pk, what + f", who attended as {written}")
        if len(could | set(unsure)) > 1:
            return self.unresolved(could | set(unsure), "participants")

        around = self.around()
        fits = exact & around
        if could:
            # A participant whose surname is unknown may be the one, unless someone of
            # the team whom these initials fit was about then, or the meeting writes
            # other initials that could be them too (`AS` and `AP`, Andra there).
            if fits:
                return self.unresolved(could | fits, "a participant or people of the team")
            if self.other_initials(read.key):
                return self.unresolved(could, "participants")
            return self.found(
                could,
                "the only participant these initials fit: {name}, whose surname the minutes "
                "do not give",
            )
        if len(fits) == 1:
            return self.found(fits, what + ", who took part in the team's meetings around then")
        if len(fits) > 1:
            return self.unresolved(fits, "people of the team around then")

        # Everyone in the minutes: one person only, and one who took part within a year.
        if len(exact) == 1 and exact <= (recent if initials else exact):
            where = "these initials" if initials else "this name"
            return self.found(exact, "{name}: the only person in the minutes with " + where)
        if len(exact & recent) > 1 or (initials and len(exact) > 1 and exact & recent):
            return self.unresolved(exact & recent or exact, "people in the minutes")
        return Found(None, "no one in the minutes fits")

    def other_initials(self, key):
        """Other initials the meeting writes that start with the same letter."""
        return {
            other
            for other in self.directory.written.get(self.meeting_id, ())
            if len(other) == 2 and other[0] == key[0] and other != key
        }

    def found(self, person_ids, template):
        pk = person_ids if isinstance(person_ids, int) else next(iter(person_ids))
        person = self.directory.people[pk]
        written = self.present.get(pk, "")
        spelled = f" as {written}" if written and written != person.name else ""
        return Found(person, template.format(name=person.name, spelled=spelled))

    def unresolved(self, person_ids, among):
        people = sorted((self.directory.people[pk] for pk in person_ids), key=lambda p: p.name)
        if len(people) == 1:
            names = f"{people[0].name}, not for sure"
        else:
            names = ", ".join(p.name for p in people[:-1]) + f" or {people[-1].name}"
        return Found(None, f"could be {names} ({among})", tuple(p.pk for p in people))


def resolve(meetings=None, keys=None, *, unresolved=False, dry_run=False, directory=None):
    """Resolve again the owners and speakers written in the minutes; returns how many changed.

    ``meetings`` (a queryset or a list), ``keys`` (name keys) and ``unresolved``
    (only names no one is yet) narrow what is resolved; by default everything
    is. Idempotent: a second run changes nothing. Reads in a fixed number of
    queries and writes in bulk.
    """
    refs = written_names(meetings, keys, state="unresolved" if unresolved else None)
    if not refs:
        return 0
    meeting_ids = {ref.meeting_id for ref in refs}
    # A few meetings: ask who was around each; many: read every participation once.
    directory = directory or Directory.load(activity=len(meeting_ids) > SCOPED_MEETINGS)
    directory.load_written(meeting_ids)
    # Their dates, teams and participants in one go rather than meeting by meeting.
    missing = meeting_ids - set(directory.meetings)
    if missing:
        directory.load_meetings(missing)
    resolvers = {}
    changed = defaultdict(dict)  # model → {pk: (person id, group, evidence, candidates)}
    for ref in refs:
        if ref.meeting_id not in resolvers:
            resolvers[ref.meeting_id] = directory.resolver(ref.meeting_id)
        found = resolvers[ref.meeting_id].resolve(ref.name)
        person_id = found.person.pk if found.person else None
        now = (person_id, found.is_group, found.evidence[:300], list(found.candidates))
        if now != (ref.person_id, ref.is_group, ref.evidence, ref.candidates):
            changed[ref.model][ref.pk] = now
    if not dry_run:
        with transaction.atomic():
            for model, rows in changed.items():
                update_rows(model, ["person", "is_group", "evidence", "candidates"], rows)
            owners, items = list(changed.get(Owner, {})), set()
            for start in range(0, len(owners), 500):
                chunk = Owner.objects.filter(pk__in=owners[start : start + 500])
                items.update(chunk.values_list("item", flat=True))
            Ownership.objects.keep(items)
    return sum(len(rows) for rows in changed.values())


class Written(NamedTuple):
    """An owner or a speaker as resolving sees it: the name, who it is, and in which meeting."""

    model: type
    pk: int
    name: str
    key: str
    person_id: int | None
    is_group: bool
    evidence: str
    candidates: list
    meeting_id: int


def written_names(meetings=None, keys=None, *, state=None):
    """The owners and speakers written in ``meetings``, with ``keys``, in a ``state``.

    ``state`` is "unresolved" (no person, no group), "resolved" (a person) or
    None (any). A speaker's meeting is its statement's. An owner's is the
    meeting whose minutes wrote the item's owners as they stand: the first
    that raised the item, or a later one that named other owners (matching
    across meetings lets the latest minutes say who owns an item).
    """
    fields = ["pk", "name", "key", "person_id", "is_group", "evidence", "candidates"]
    speakers = _narrowed(Speaker.objects.all(), keys, state)
    owners = _narrowed(Owner.objects.all(), keys, state)
    if meetings is not None:
        speakers = speakers.filter(statement__topic__meeting__in=meetings)
        owners = owners.filter(item__in=Mention.objects.filter(meeting__in=meetings).values("item"))
    found = [
        Written(Speaker, *row)
        for row in speakers.values_list(*fields, "statement__topic__meeting_id")
    ]
    owners = list(owners.values_list(*fields, "item_id", "item__meeting_id"))
    if not owners:
        return found
    everything = meetings is None and keys is None and state is None
    writers = _owners_written_in(None if everything else {row[-2] for row in owners})
    for *row, item_id, raised_in in owners:
        found.append(Written(Owner, *row, writers.get(item_id, raised_in)))
    return found


def _narrowed(rows, keys, state):
    if keys is not None:
        rows = rows.filter(key__in=keys)
    if state == "unresolved":
        rows = rows.filter(person=None, is_group=False)
    elif state == "resolved":
        rows = rows.filter(person__isnull=False)
    return rows


def _owners_written_in(item_ids):
    """{item id: the meeting whose minutes first wrote its owners as they stand} (all: None)."""
    owners = Owner.objects.all() if item_ids is None else Owner.objects.filter(item__in=item_ids)
    keys = defaultdict(set)
    for item_id, key in owners.values_list("item_id", "key"):
        keys[item_id].add(key)
    mentions = Mention.objects.filter(removed=False)
    if item_ids is not None:
        mentions = mentions.filter(item__in=item_ids)
    writers = {}
    rows = mentions.order_by("meeting__date", "meeting_id").values_list(
        "item_id", "meeting_id", "owners"
    )
    for item_id, meeting_id, written in rows:
        if item_id not in writers and {name_key(o) for o in written} == keys[item_id]:
            writers[item_id] = meeting_id
    return writers

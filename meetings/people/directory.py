"""Who the people of the minutes are, learned from every way the minutes write them.

Participants sign in as full names (``Simon Kuenzer``), handles (``SimonK``,
``RăzvanD``), first names (``Simon``) or nicknames (``Marin (`adminy`)``).
``learn`` reads all of them across the corpus and groups them into humans:

1. full names, one human per first name and surname; a first name that is
   the beginning of another (``Cristi Vijelie``, ``Cristian Vijelie``) or a
   surname cut short (``Alexander Jun``) is the same human;
2. handles, to the one full name they abbreviate (``SimonK`` → Simon
   Kuenzer, ``AlexJ`` → Alexander Jung), else a human of their own;
3. first names and nicknames, to the one human who has them; a typo of a
   long first name (``Antoinne``) to the one it is close to;
4. a spelling more than one human fits (``Alex``, ``RaduN``) is decided per
   meeting: the one of them who takes part in that team's meetings around
   then, or no one;
5. initials signed in as a name (``SK``) are resolved as owners are.

What maintainers said comes first: a global alias puts its spelling with its
person, and a merge that was undone keeps the two apart. Each human becomes
one ``Person``; the records it was spread over are merged into it, and the
merge is recorded so that it can be undone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from rapidfuzz import fuzz

from meetings.bulk import update_rows
from meetings.models import (
    Alias,
    Item,
    Meeting,
    Merge,
    Ownership,
    Participant,
    Person,
    Team,
    free_handle,
)
from meetings.names import Kind, Spelling, name_key, spelling, words

# A typo of a first name this long or longer may be recognised (Antoinne, Gaulthier).
TYPO_MIN_LENGTH = 6
TYPO_SIMILARITY = 85


@dataclass(eq=False)
class Human:
    """One person as the minutes know them: every spelling, and where and when they took part."""

    spellings: Counter = field(default_factory=Counter)
    firsts: set = field(default_factory=set)
    surnames: set = field(default_factory=set)
    letters: set = field(default_factory=set)  # the surname's initial
    declared: set = field(default_factory=set)
    nicknames: set = field(default_factory=set)
    person: Person | None = None
    # The meetings whose participants name them, and which of their teams.
    seen: list = field(default_factory=list)

    def add(self, read: Spelling, count=1):
        self.spellings[read.text] += count
        if read.kind == Kind.FIRST and read.key in self.nicknames:
            return  # `adminy` is a nickname, not a first name starting with A
        if read.first:
            self.firsts.add(read.first)
        if read.surname:
            self.surnames.add(read.surname)
        if read.initial:
            self.letters.add(read.initial)
        self.declared.update(read.declared)
        self.nicknames.update(read.nicknames)

    @property
    def keys(self):
        """Every name key that means this human alone: spellings, handles, nicknames."""
        found = {name_key(text) for text in self.spellings} | self.nicknames
        found |= {first + letter for first in self.firsts for letter in self.letters}
        found |= {first + surname for first in self.firsts for surname in self.surnames}
        if self.person is not None:
            found |= {self.person.key, name_key(self.person.name)}
        return found - {""}

    @property
    def initials(self):
        found = {first[0] + letter for first in self.firsts for letter in self.letters}
        return found | self.declared

    @property
    def surname_known(self):
        return bool(self.letters or self.declared)

    def could_have_initials(self, key):
        """Two-letter initials that fit a human whose surname the minutes never give."""
        return (
            not self.surname_known and len(key) == 2 and any(f[:1] == key[0] for f in self.firsts)
        )

    def active(self, team_ids, date, days):
        """Whether they took part in a meeting of one of these teams within ``days`` of ``date``."""
        window = dt.timedelta(days=days)
        return any(
            abs(seen_date - date) <= window and (team_ids is None or teams & team_ids)
            for seen_date, teams in self.seen
        )

    # Handle keys that more than one human could sign in with (`RaduN`): set by Clusters.
    shared_handles: frozenset = frozenset()

    @property
    def best_handle(self):
        """First name and surname initial, as the community signs in, where that is theirs alone.

        Else the full name in one word (``RaduNiculae``), else the most written spelling.
        """
        handles = [
            (n, t)
            for t, n in self.spellings.items()
            if spelling(t).kind == Kind.HANDLE and name_key(t) not in self.shared_handles
        ]
        if handles:
            first, *_, last = words(max(handles)[1])
            return first + last[0].upper()  # `Ștefan J.` signs in as ȘtefanJ
        # `RaduNichita`, signed in as one word: that is their handle.
        camel = [(n, t) for t, n in self.spellings.items() if " " not in t and len(words(t)) > 1]
        if camel:
            return max(camel)[1]
        full = self.full_name
        if full:
            first, *_, last = full.split()
            short = first + last[0].upper()
            return short if name_key(short) not in self.shared_handles else first + last
        return self.spellings.most_common(1)[0][0] if self.spellings else ""

    @property
    def full_name(self):
        """The full name most written, CamelCase spelled out: `TeoTiron` → Teo Tiron."""
        names = [(n, t) for t, n in self.spellings.items() if spelling(t).kind == Kind.FULL]
        if not names:
            return ""
        text = max(names)[1]
        return text if " " in text else " ".join(words(text))


def same_first(a, b):
    """Whether two first names (keys) can be one person's: equal, one the start of the other."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short)


def is_typo(a, b):
    """``Antoinne`` for Antoine; not ``Teodora`` for Teodor, another name that starts the same."""
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= TYPO_MIN_LENGTH
        and a[0] == b[0]
        and not long.startswith(short)
        and fuzz.ratio(a, b) >= TYPO_SIMILARITY
    )


class Clusters:
    """Groups the spellings of the corpus into humans; see the module's docstring."""

    def __init__(self, counts, together, pinned=None):
        # counts: {spelling text: how many meetings}; together: {key: meeting ids}.
        self.read = {text: spelling(text) for text in counts}
        self.count = Counter()
        for text, n in counts.items():
            self.count[self.read[text].key] += n
        self.together = together
        self.humans = []
        self.of_key = {}  # spelling key → Human, where one human has it
        self.ambiguous = {}  # spelling key → the humans it may be
        for person, texts in (pinned or {}).items():
            # What a maintainer tied to a person goes with them, and names nothing else.
            human = Human(person=person)
            human.add(spelling(person.handle), 0)
            self.humans.append(human)
            for text in texts:
                self.of_key[name_key(text)] = human
        self.build()

    def free(self, kind):
        return [
            read
            for _, read in sorted(self.read.items())
            if read.kind == kind and read.key not in self.of_key
        ]

    def put(self, read, human):
        human.add(read, self.count.get(read.key, 0))
        self.of_key[read.key] = human

    def settle(self, read, fits):
        """One human fits: theirs. None: a human of its own. Several: decided per meeting."""
        if len(fits) == 1:
            self.put(read, fits[0])
        elif not fits:
            self.humans.append(Human())
            self.put(read, self.humans[-1])
        else:
            self.ambiguous[read.key] = fits

    def build(self):
        for read in self.free(Kind.FULL):
            self.settle(read, [h for h in self.humans if self.same_full(h, read)])
        for read in self.free(Kind.HANDLE):
            fits = [
                h
                for h in self.humans
                if read.initial in h.letters and any(f.startswith(read.first) for f in h.firsts)
            ]
            exact = [h for h in fits if read.first in h.firsts]
            self.settle(read, exact if len(exact) == 1 else fits)
        for read in self.free(Kind.FIRST):
            fits = [h for h in self.humans if read.first in h.firsts or read.key in h.nicknames]
            if not fits:
                fits = [h for h in self.humans if any(is_typo(read.first, f) for f in h.firsts)]
                fits = [h for h in fits if not self.met_together(h, read)]
            self.settle(read, fits)
        handles = Counter(
            first + letter
            for human in self.humans
            for first in human.firsts
            for letter in human.letters
        )
        shared = frozenset(key for key, n in handles.items() if n > 1)
        for human in self.humans:
            human.shared_handles = shared

    def same_full(self, human, read):
        if human.person is not None and not human.surnames:
            return False  # a maintainer's person takes only what is mapped to it
        for surname in human.surnames:
            for first in human.firsts:
                if surname == read.surname and (
                    same_first(first, read.first) or is_typo(first, read.first)
                ):
                    return True
                if first == read.first and (
                    same_first(surname, read.surname) or is_typo(surname, read.surname)
                ):
                    return True
                # `Gabi Mocanu`, `Gabriel Mocanu`: one surname, a short form, never together.
                if (
                    surname == read.surname
                    and len(surname) >= 4
                    and first[:3] == read.first[:3]
                    and not self.met_together(human, read)
                ):
                    return True
        return False

    def met_together(self, human, read):
        mine = set().union(*(self.together.get(name_key(t), set()) for t in human.spellings))
        return bool(mine & self.together.get(read.key, set()))


@dataclass
class Learned:
    """What ``learn`` did: people made and merged, participants who are someone now."""

    created: int = 0
    merged: list = field(default_factory=list)
    removed: int = 0
    reassigned: int = 0
    resolved: int = 0


def learn(*, resolve_names=True) -> Learned:
    """Group the participants of all meetings into humans, one ``Person`` each; see above.

    Idempotent: a second run changes nothing. Then resolves every owner and
    speaker again, unless ``resolve_names`` is false.
    """
    from meetings.people.resolving import Directory, resolve

    learned = Learned()
    with transaction.atomic():
        rows = list(Participant.objects.values_list("pk", "meeting_id", "name", "person_id"))
        meetings = dict(Meeting.objects.values_list("pk", "date"))
        teams = defaultdict(set)
        for meeting_id, team_id in Meeting.teams.through.objects.values_list("meeting", "team"):
            teams[meeting_id].add(team_id)
        clusters, assigned = group_participants(
            rows, meetings, teams, written_keys=_written_keys, pinned=_pinned()
        )
        people = Person.objects.in_bulk()
        by_key = {person.key: person for person in people.values()}

        # One person per human: the one a maintainer or an account chose, else the busiest.
        current = defaultdict(Counter)
        for pk, _, _, person_id in rows:
            if assigned[pk] is not None and person_id:
                current[assigned[pk]][person_id] += 1
        claimed = set()
        pinned = {human.person.pk for human in clusters.humans if human.person is not None}
        for human in clusters.humans:
            if not human.spellings and human.person is None:
                continue
            # The records that are spellings of this human; `Alex`, which four humans
            # may be, is none of theirs: its participants are decided one by one.
            keys = human.keys
            found = [people[pk] for pk in current[human] if people[pk].key in keys]
            found += [by_key[key] for key in keys if key in by_key]
            found = list({p.pk: p for p in found}.values())
            tied = [p for p in found if p.pk in pinned and p.pk != getattr(human.person, "pk", 0)]
            if human.person is None and tied:
                # A person a maintainer tied spellings to: these join them, as they are.
                human.person = tied[0]
                continue
            records = [p for p in found if p.pk not in claimed]
            human.person = human.person or _chosen(records, current[human], human.best_handle)
            if human.person is None:
                handle = free_handle(human.best_handle, by_key.__contains__)
                human.person = Person(handle=handle, name=human.full_name or handle)
                human.person.save()
                by_key[human.person.key] = human.person
                learned.created += 1
            claimed.add(human.person.pk)
            for other in records:
                if other.pk != human.person.pk and other.pk not in claimed:
                    merged = merge(other, human.person, reason="learned", counts=False)
                    learned.merged.append(merged)
                    claimed.add(other.pk)
                    by_key.pop(other.key, None)
            _name(human, by_key)

        changed = {}
        for pk, _, _, person_id in rows:
            human = assigned[pk]
            if human is not None:
                wanted = human.person.pk
            elif person_id is not None and _keeps(people.get(person_id)):
                wanted = person_id
            else:
                wanted = None
            if wanted != person_id:
                changed[pk] = (wanted,)
        learned.reassigned = update_rows(Participant, ["person"], changed)
        # Items "Everyone" owns at those meetings belong to whoever was there now.
        moved = Participant.objects.filter(pk__in=list(changed)).values("meeting")
        group_owned = Item.objects.filter(meeting__in=moved, owners__is_group=True)
        Ownership.objects.keep(group_owned.values_list("pk", flat=True))
        learned.removed = _remove_nobodies(set(claimed))
        Person.objects.all().keep_counts()
        if learned.merged:  # who holds the teams' items is on their charts
            Team.objects.all().keep_counts()

    if resolve_names:
        learned.resolved = resolve(directory=Directory.load())
    return learned


def group_participants(rows, meetings, teams, *, written_keys, pinned):
    """Which human each participant is: the grouping ``learn`` makes, before any row is written.

    ``rows`` are (participant key, meeting id, name, person id) tuples;
    ``meetings`` {meeting id: date}; ``teams`` {meeting id: team ids};
    ``written_keys(meeting ids)`` gives {meeting id: the name keys its minutes
    write}; ``pinned`` {person: spellings} is what maintainers said. Returns
    the clusters and {participant key: Human, or None for no one}. The
    linter groups the participants of files it reads, with no rows at all.
    """
    counts = Counter()
    together = defaultdict(set)
    for _, meeting_id, name, _ in rows:
        read = spelling(name)
        if read.kind in (Kind.FULL, Kind.HANDLE, Kind.FIRST):
            counts[" ".join(name.split())] += 1  # brackets and all: `Marin (`adminy`)`
            together[read.key].add(meeting_id)
    clusters = Clusters(counts, together, pinned=pinned)

    # Which human each participant is; the ambiguous ones by team and time.
    for human in clusters.humans:
        human.seen = []
    assigned = {}
    later = []
    for pk, meeting_id, name, _ in rows:
        read = spelling(name)
        human = clusters.of_key.get(read.key) if read.kind != Kind.INITIALS else None
        assigned[pk] = human
        if human is not None:
            human.seen.append((meetings[meeting_id], frozenset(teams[meeting_id])))
        elif read.kind not in (Kind.GROUP, Kind.PLACEHOLDER):
            later.append((pk, meeting_id, read))
    window = settings.PEOPLE_WINDOW_DAYS
    written = written_keys({meeting_id for _, meeting_id, _ in later})
    # Initials that a participant known for sure has: no evidence for anyone else.
    taken = defaultdict(set)
    for pk, meeting_id, _, _ in rows:
        if assigned[pk] is not None:
            taken[meeting_id] |= assigned[pk].initials
    for pk, meeting_id, read in later:
        date, team_ids = meetings[meeting_id], teams[meeting_id]
        # Only people who took part in some meeting within a year of this one.
        fits = [h for h in clusters.ambiguous.get(read.key, []) if h.active(None, date, 365)]
        # `Dragoș` attended and the minutes write `DA`: Dragoș A, not Dragoș P.
        named = [h for h in fits if h.initials & (written[meeting_id] - taken[meeting_id])]
        active = [h for h in fits if h.active(team_ids, date, window)]
        if len(named) == 1:
            assigned[pk] = named[0]
        elif len(active) == 1:
            assigned[pk] = active[0]
    return clusters, assigned


def _written_keys(meeting_ids):
    """{meeting id: the keys of the owners and speakers its minutes write}."""
    from meetings.models import Mention, Speaker

    found = defaultdict(set)
    if not meeting_ids:
        return found
    ids = sorted(meeting_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for meeting_id, owners in Mention.objects.filter(meeting__in=chunk).values_list(
            "meeting_id", "owners"
        ):
            found[meeting_id].update(name_key(owner) for owner in owners)
        speakers = Speaker.objects.filter(statement__topic__meeting__in=chunk)
        for meeting_id, key in speakers.values_list("statement__topic__meeting_id", "key"):
            found[meeting_id].add(key)
    return found


def _pinned():
    """{person: spellings} a maintainer tied to them: global aliases, and their handle."""
    pinned = defaultdict(set)
    for alias in Alias.objects.filter(team=None).select_related("person"):
        pinned[alias.person].update({alias.text, alias.person.handle})
    for merge_row in Merge.objects.select_related("target"):
        if merge_row.undone is not None:
            # Undone: the person made again keeps what the minutes wrote for them.
            source = Person.objects.filter(pk=merge_row.source_person_id).first()
            if source is not None:
                pinned[source].update(merge_row.spellings)
        elif merge_row.user_id is not None:
            # A maintainer's merge: what the minutes wrote for the one merged away stays.
            pinned[merge_row.target].update(merge_row.spellings)
    return pinned


def _chosen(records, counts, handle):
    """The record a human keeps: the one an account or a maintainer chose, else its handle's."""
    if not records:
        return None
    key = name_key(handle)
    return max(
        records,
        key=lambda p: (bool(p.user_id), p.manual, p.key == key, counts.get(p.pk, 0), -p.pk),
    )


def _name(human, by_key):
    """Handle and name from the minutes, unless a maintainer named the person."""
    person = human.person
    if person.manual:
        return
    handle = human.best_handle
    name = human.full_name or handle
    key = name_key(handle)
    if key != person.key and key in by_key and by_key[key].pk != person.pk:
        handle = person.handle  # another human has it
    if (person.handle, person.name) != (handle, name):
        by_key.pop(person.key, None)
        person.handle, person.name = handle, name
        person.save(update_fields=["handle", "name", "key"])
        by_key[person.key] = person


def _keeps(person):
    """A participant no human fits keeps a person a maintainer made or an account chose."""
    return person is not None and (person.user_id or person.manual)


def _remove_nobodies(keep):
    """Delete people that stand for no one: placeholders, initials, spellings merged away."""
    gone = (
        Person.objects.exclude(pk__in=keep)
        .filter(user=None, manual=False, aliases=None, merged_from=None)
        .exclude(participations__isnull=False)
    )
    return gone.delete()[1].get("meetings.Person", 0)


def merge(source, target, *, user=None, reason="", counts=True) -> Merge:
    """Everything of ``source`` becomes ``target``'s; recorded so that it can be undone.

    Without ``counts``, the caller keeps the counts of the people and teams once it
    has merged all it merges (``learn``).
    """
    from meetings.models import Owner, Speaker

    with transaction.atomic():
        participations = list(
            source.participations.values_list("pk", "meeting_id", "name", "position")
        )
        # A person present twice in one meeting (as `Simon` and `SK`) is there once.
        present = set(target.participations.values_list("meeting_id", flat=True))
        moved = {
            "participants": [pk for pk, _, _, _ in participations],
            "owners": list(Owner.objects.filter(person=source).values_list("pk", flat=True)),
            "speakers": list(Speaker.objects.filter(person=source).values_list("pk", flat=True)),
            "aliases": list(source.aliases.values_list("pk", flat=True)),
            "dropped": [
                {"meeting_id": meeting_id, "name": name, "position": position}
                for _, meeting_id, name, position in participations
                if meeting_id in present
            ],
        }
        spellings = sorted({source.handle, *(name for _, _, name, _ in participations)})
        record = Merge.objects.create(
            source_handle=source.handle,
            source_name=source.name,
            source_person_id=source.pk,
            target=target,
            moved=moved,
            spellings=spellings,
            user=user,
            reason=reason,
            source_user=source.user,
        )
        if moved["dropped"]:
            source.participations.filter(meeting_id__in=present).delete()
        owned = list(source.ownerships.values_list("item", flat=True))
        source.participations.update(person=target)
        Owner.objects.filter(person=source).update(person=target)
        Speaker.objects.filter(person=source).update(person=target)
        source.aliases.update(person=target)
        if source.user_id and not target.user_id:
            user_id = source.user_id
            source.user = None
            source.save(update_fields=["user"])
            target.user_id = user_id
            target.save(update_fields=["user"])
        source.delete()
        Ownership.objects.keep(owned, counts=counts)
        if counts:
            Person.objects.filter(pk=target.pk).keep_counts()
    return record

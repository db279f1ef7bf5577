"""Which person a name written in a meeting's minutes stands for.

Section 7 of MINUTES_FORMAT.md, in its order: the meeting's participants (a
handle or display name, an alias of a participant, a first name, or a first
name and initial such as ``Simon K`` for one who signed in as ``Simon``), then
initials derived from the participants' names, then the aliases maintainers
recorded (for one of the meeting's teams before those for every team). Last,
the handle of anyone the tracker knows (``FlorinP`` in a meeting whose list
forgot Florin): a maintainer could not map it, as an alias may not repeat a
handle. At each step a name resolves only when exactly one person fits;
otherwise the next step is tried, and a name no step resolves stays
unresolved, its text kept for maintainers to map.
"""

from collections import defaultdict
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from meetings.models import (
    Alias,
    Meeting,
    Mention,
    Owner,
    Participant,
    Person,
    Speaker,
    name_key,
)
from meetings.people.names import (
    GROUP_KEYS,
    bracketed,
    first_name,
    initials,
    is_group,
    looks_like_initials,
    short_handle,
    without_brackets,
    words,
)

WHOLE, FIRST = "whole", "first"


class Resolver:
    """Resolves the names written in one meeting's minutes.

    ``participants`` are the meeting's people, ``teams`` its teams. When many
    meetings are resolved at once, ``aliases`` (all of them) and ``handles``
    (the people whose handles the names may be, by key) are handed in; by
    default the aliases are read in one query, and a person by handle when a
    name needs it.
    """

    def __init__(self, participants, teams=(), *, aliases=None, handles=None):
        team_ids = {team.pk for team in teams}
        if aliases is None:
            aliases = Alias.objects.filter(Q(team__in=team_ids) | Q(team=None))
            aliases = aliases.select_related("person")
        aliases = [a for a in aliases if a.team_id is None or a.team_id in team_ids]
        self.handles = {} if handles is None else handles
        people = list(participants)
        present = {person.pk for person in people}

        def of_participants(scoped):
            return [(a.key, a.person) for a in aliases if scoped(a) and a.person_id in present]

        # (which part of the written name is looked up, in what), in order.
        self.steps = [
            (WHOLE, _index(pair for person in people for pair in _names_of(person))),
            (WHOLE, _index(of_participants(lambda a: a.team_id is not None))),
            (WHOLE, _index(of_participants(lambda a: a.team_id is None))),
            (WHOLE, _index(pair for person in people for pair in _first_names_of(person))),
            # `Simon K` or `RăzvanD` for a participant who signed in as `Simon`, `Răzvan`.
            (FIRST, _index((p.key, p) for p in people if len(words(p.handle)) == 1)),
            (WHOLE, _index(pair for person in people for pair in _initials_of(person))),
            (WHOLE, _index((a.key, a.person) for a in aliases if a.team_id is not None)),
            (WHOLE, _index((a.key, a.person) for a in aliases if a.team_id is None)),
        ]

    def resolve(self, name):
        """The person a name stands for, or None (unresolved, or a group)."""
        key = name_key(name)
        if not key or key in GROUP_KEYS:
            return None
        looked_up = {WHOLE: key, FIRST: name_key(first_name(name) or "")}
        for part, index in self.steps:
            fits = index.get(looked_up[part], {})
            if len(fits) == 1:
                return next(iter(fits.values()))
        if looks_like_initials(name):
            # Initials name no one by themselves: `RD` is not the person whose handle is "RD".
            return None
        if key not in self.handles:
            self.handles[key] = Person.objects.filter(key=key).first()
        return self.handles[key]


def resolve(meetings=None, keys=None, *, unresolved=False, dry_run=False):
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
    people = defaultdict(list)
    participants = Participant.objects.filter(meeting__in=meeting_ids).select_related("person")
    for participant in participants.order_by("meeting", "position"):
        people[participant.meeting_id].append(participant.person)
    teams = defaultdict(list)
    links = Meeting.teams.through.objects.filter(meeting__in=meeting_ids).select_related("team")
    for link in links:
        teams[link.meeting_id].append(link.team)
    aliases = list(Alias.objects.select_related("person"))
    # Every key written, found or not: no resolver then looks a handle up by itself.
    known = {name_key(ref.name) for ref in refs}
    handles = dict.fromkeys(known)
    handles.update((person.key, person) for person in Person.objects.filter(key__in=known))

    resolvers = {}
    changed = defaultdict(list)
    for ref in refs:
        if ref.meeting_id not in resolvers:
            resolvers[ref.meeting_id] = Resolver(
                people[ref.meeting_id], teams[ref.meeting_id], aliases=aliases, handles=handles
            )
        group = is_group(ref.name)
        person = None if group else resolvers[ref.meeting_id].resolve(ref.name)
        person_id = person.pk if person else None
        if (person_id, group) != (ref.person_id, ref.is_group):
            changed[ref.model].append(ref.model(pk=ref.pk, person_id=person_id, is_group=group))
    if not dry_run:
        with transaction.atomic():
            for model, rows in changed.items():
                model.objects.bulk_update(rows, ["person", "is_group"], batch_size=500)
    return sum(len(rows) for rows in changed.values())


class Written(NamedTuple):
    """An owner or a speaker as resolving sees it: the name, who it is, and in which meeting."""

    model: type
    pk: int
    name: str
    key: str
    person_id: int | None
    is_group: bool
    meeting_id: int


def written_names(meetings=None, keys=None, *, state=None):
    """The owners and speakers written in ``meetings``, with ``keys``, in a ``state``.

    ``state`` is "unresolved" (no person, no group), "resolved" (a person) or
    None (any). A speaker's meeting is its statement's. An owner's is the
    meeting whose minutes wrote the item's owners as they stand: the first
    that raised the item, or a later one that named other owners (matching
    across meetings lets the latest minutes say who owns an item).
    """
    fields = ["pk", "name", "key", "person_id", "is_group"]
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


def _index(pairs):
    """{key: {person id: person}} from (key, person) pairs."""
    index = defaultdict(dict)
    for key, person in pairs:
        if key:
            index[key][person.pk] = person
    return index


def _names_of(person):
    """A participant's names as a whole: handle, display name, and a nickname in brackets."""
    names = [person.handle, person.name, without_brackets(person.handle)]
    names += [short_handle(person.handle), short_handle(person.name)]
    names += [text for text in bracketed(person.handle) if not looks_like_initials(text)]
    return [(name_key(name), person) for name in names if name]


def _first_names_of(person):
    names = [first_name(person.handle), first_name(person.name)]
    return [(name_key(name), person) for name in names if name]


def _initials_of(person):
    names = [initials(person.handle), initials(person.name)]
    names += [text for text in bracketed(person.handle) if looks_like_initials(text)]
    return [(name_key(name), person) for name in names if name]

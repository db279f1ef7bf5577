"""The names no rule resolved, for maintainers to map, with what other meetings suggest.

Learning across meetings: where a meeting of a team resolves ``CC`` to Cezar,
that is evidence for the team's other meetings in which ``CC`` stays
unresolved. It is offered as a suggestion, never applied by itself: a
maintainer maps the name (an ``Alias``), and then every owner and speaker
written so resolves at once.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from meetings.models import Meeting, Owner, Person, Speaker, Team
from meetings.people.resolving import written_names


@dataclass
class Suggestion:
    """A person the name stands for in other meetings of the same teams, and those meetings."""

    person: Person
    teams: list[Team]
    meetings: list[Meeting]


@dataclass
class UnresolvedName:
    key: str
    # Each way the name is written, with how often.
    spellings: Counter = field(default_factory=Counter)
    owners: int = 0
    speakers: int = 0
    meetings: list[Meeting] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # The people it could be, where several fit (ids), with how often.
    could_be: Counter = field(default_factory=Counter)

    # The people of ``could_be``, most often first (filled in by unresolved_names).
    people: list[Person] = field(default_factory=list)

    @property
    def candidates(self):
        return [pk for pk, _ in self.could_be.most_common()]

    @property
    def could_be_text(self):
        names = sorted(person.name for person in self.people)
        return " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else ""

    @property
    def name(self):
        """The name as most often written."""
        return self.spellings.most_common(1)[0][0]

    @property
    def other_spellings(self):
        """The other ways the name is written, with how often, most frequent first."""
        return self.spellings.most_common()[1:]

    @property
    def count(self):
        return self.owners + self.speakers

    @property
    def suggestion(self):
        """The one person the evidence points at, if it points at exactly one."""
        people = {s.person for s in self.suggestions}
        return people.pop() if len(people) == 1 else None


def unresolved_names(team=None):
    """Every name written as an owner or speaker that is no person and no group.

    Most frequent first; only the meetings of ``team`` when given. A fixed
    number of queries, however many names and meetings.
    """
    unresolved = written_names(state="unresolved")
    if not unresolved:
        return []
    evidence = defaultdict(lambda: defaultdict(set))  # key → person id → meeting ids
    for ref in written_names(keys={ref.key for ref in unresolved}, state="resolved"):
        evidence[ref.key][ref.person_id].add(ref.meeting_id)

    everywhere = {ref.meeting_id for ref in unresolved}
    for seen in evidence.values():
        everywhere |= set().union(*seen.values())
    meetings = Meeting.objects.only("source", "date", "title").in_bulk(everywhere)
    teams_of = defaultdict(set)
    for link in Meeting.teams.through.objects.filter(meeting__in=everywhere).select_related("team"):
        teams_of[link.meeting_id].add(link.team)
    people = Person.objects.in_bulk({pk for by in evidence.values() for pk in by})

    found = {}
    meeting_ids = defaultdict(set)
    for ref in unresolved:
        if team is not None and team not in teams_of[ref.meeting_id]:
            continue
        entry = found.setdefault(ref.key, UnresolvedName(ref.key))
        entry.spellings[ref.name] += 1
        entry.could_be.update(ref.candidates)
        if ref.model is Owner:
            entry.owners += 1
        else:
            entry.speakers += 1
        meeting_ids[ref.key].add(ref.meeting_id)

    def by_date(ids):
        return sorted((meetings[pk] for pk in ids), key=lambda m: (m.date, m.source))

    could_be = Person.objects.in_bulk({pk for e in found.values() for pk in e.candidates})
    for key, entry in found.items():
        entry.people = [could_be[pk] for pk in entry.candidates if pk in could_be]
        entry.meetings = by_date(meeting_ids[key])
        teams = set().union(*(teams_of[pk] for pk in meeting_ids[key]))
        entry.teams = sorted(teams, key=lambda t: t.name.casefold())
        for person_id, seen_in in evidence[key].items():
            person = people[person_id]
            same_team = [pk for pk in seen_in if teams_of[pk] & teams]
            # A person whose handle is the name itself (someone signed in as `SK`) says nothing.
            if same_team and person.key != key:
                shared = set().union(*(teams_of[pk] for pk in same_team)) & teams
                where = sorted(shared, key=lambda t: t.name.casefold())
                entry.suggestions.append(Suggestion(person, where, by_date(same_team)))
        entry.suggestions.sort(key=lambda s: (-len(s.meetings), s.person.handle))
    return sorted(found.values(), key=lambda e: (-e.count, e.key))


def resolution_counts():
    """How many owners and speakers are a person, a group, or no one yet (one query each)."""
    counts = {}
    for label, model in (("owners", Owner), ("speakers", Speaker)):
        counts[label] = model.objects.aggregate(
            total=Count("pk"),
            people=Count("pk", filter=Q(person__isnull=False)),
            groups=Count("pk", filter=Q(is_group=True)),
        )
        counts[label]["unresolved"] = (
            counts[label]["total"] - counts[label]["people"] - counts[label]["groups"]
        )
    return counts

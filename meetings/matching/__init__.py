"""The same item across meetings: is a later meeting's TODO one still open from before?

``Matcher`` finds, for the new action items of one meeting, the earlier open
items they raise again, and returns what it found (a ``Match`` to link, weaker
ones to ask about); the importer writes it. ``evidence`` says how alike two
lines are; ``linking`` links and splits items when a person decides;
``done`` suggests that a later meeting saw an item done.

Candidates come from indexes (links by URL; the teams' items raised within
the window), never from a scan of every open item, so matching costs the same
per meeting whether the database holds 500 meetings or 50,000.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from meetings.matching.done import Said, suggest_done
from meetings.matching.evidence import (
    LONG_AFTER,
    MUTUAL_BAR,
    NEXT_MEETINGS,
    NEXT_MEETINGS_BAR,
    Task,
    Weights,
    Who,
    judge,
    owners_relation,
    same_words,
    terms,
    wording,
    work_links,
)
from meetings.matching.linking import accept, link, reopen, split
from meetings.models import Item, Link, Meeting, Mention, name_key
from meetings.names import is_placeholder

__all__ = [
    "Earlier",
    "Found",
    "Match",
    "Matcher",
    "Said",
    "accept",
    "link",
    "reopen",
    "split",
    "suggest_done",
]

# How far back, and how many of, the team's lines teach which words are its stock words
# (each task counted once, however often raised).
STATISTICS_DAYS = 365
STATISTICS_LINES = 500
# A later line that says a closed item is open again.
REOPENED = re.compile(r"\bre-?open(?:s|ed|ing)?\b", re.I)


@dataclass(frozen=True)
class Earlier:
    """An item of an earlier meeting, as matching read it: owners as written, and its task."""

    item: Item
    owners: tuple[str, ...]
    task: Task

    @property
    def owner_keys(self):
        return sorted(name_key(name) for name in self.owners)


@dataclass(frozen=True)
class Match:
    """An earlier item a line raises again: how sure, and why."""

    earlier: Earlier
    score: float
    reason: str
    # The links the line adds to the item: none of a line listing several
    # pull requests, so that no item walks from one of them to another.
    links: tuple[str, ...] = ()
    # The item was done or dropped, and the line says it is open again.
    reopens: bool = False


@dataclass(frozen=True)
class Found:
    """What matching found for one line: the item it raises again, or weaker guesses."""

    match: Match | None = None
    weaker: list[Match] = field(default_factory=list)


def links_to_add(links):
    """The links a repeated line gives its item: all, unless it names several pieces of work."""
    if len(work_links(links)) > 1:
        return tuple(link for link in links if not work_links([link]))
    return tuple(links)


def worth_comparing(task, mine, earlier, weights):
    """Whether a line and an earlier item could be one task at all: a quick look first.

    A shared link; for the same owners (or none to compare), a shared term
    that is not a stock word; another person's line, only word for word.
    """
    if task.links & earlier.links or same_words(task.text, earlier.text):
        return True
    if owners_relation(task.owners, earlier.owners) == "other":
        return bool(mine) and mine == weights.content(earlier.text)[0].all
    return bool(mine & terms(earlier.text).all)


class Matcher:
    """Finds, for the new action items of one meeting, the open items they raise again."""

    def __init__(self, meeting, teams, resolver=None, *, written=()):
        self.meeting = meeting
        # The items this meeting's minutes write already (a file imported again): not
        # earlier items of its lines.
        self.written = set(written)
        self.team_ids = [team.pk for team in teams]
        self.resolver = resolver
        self.auto = settings.MATCH_AUTO_SCORE
        self.suggest = settings.MATCH_SUGGEST_SCORE
        self.window = timedelta(days=settings.MATCH_WINDOW_DAYS)
        self._who = {}

    def who(self, name, person=None, resolve=True):
        """An owner as compared: None for a placeholder, which names no one.

        The person is who-is-who's answer for this meeting, or for an earlier
        item the one its owner row holds.
        """
        if is_placeholder(name):
            return None
        if resolve and self.resolver is not None:
            if name not in self._who:
                self._who[name] = self.resolver.resolve(name).person
            found = self._who[name]
            person = found.pk if found is not None else None
        return Who(name_key(name), person)

    def task(self, owners, text, links):
        people = (self.who(name) for name in owners)
        return Task(tuple(w for w in people if w is not None), text, work_links(links))

    def match(self, entries):
        """For each entry (owners, text, links), a ``Found``, in the order given.

        Each earlier item takes at most one line of this meeting: the likeliest.
        """
        if not self.team_ids or not entries:
            return [Found() for _ in entries]
        tasks = [self.task(e.owners, e.text, e.links) for e in entries]
        reopening = [bool(REOPENED.search(e.text)) for e in entries]
        weights, earlier = self.earlier_items(tasks, any(reopening))
        # The earlier items by the terms (stock words aside) and links they hold, and
        # by their very wording (a line repeated word for word, however stock).
        holding = defaultdict(list)
        for item in earlier:
            # All its terms: a stock word written plainly may be a line's key term.
            held = terms(item.task.text).all | item.task.links
            for term in held | {("wording", wording(item.task.text))}:
                holding[term].append(item)
        judged = []
        for index, task in enumerate(tasks):
            mine = weights.content(task.text)[0].all
            keys = mine | task.links | {("wording", wording(task.text))}
            sharing = {item.item.pk: item for term in keys for item in holding[term]}
            for item in sharing.values():
                if not item.item.is_open and not reopening[index]:
                    continue
                if worth_comparing(task, mine, item.task, weights):
                    evidence = judge(task, item.task, weights, self.auto)
                    judged.append((evidence, index, item))
        scored = [
            (evidence, index, item)
            for evidence, index, item in self.mutual(judged)
            if evidence.score >= self.suggest
        ]
        scored.sort(key=lambda s: (-s[0].score, s[1], s[2].item.pk))
        confident, taken = {}, set()
        weaker = {index: [] for index in range(len(entries))}
        for evidence, index, item in scored:
            match = Match(
                item,
                evidence.score,
                evidence.reason,
                links_to_add(entries[index].links),
                reopens=not item.item.is_open,
            )
            if evidence.link and index not in confident and item.item.pk not in taken:
                confident[index] = match
                taken.add(item.item.pk)
            elif index not in confident and item.item.is_open:
                weaker[index].append(match)
        return [
            Found(confident[index], [])
            if index in confident
            else Found(None, [m for m in weaker[index] if m.earlier.item.pk not in taken][:3])
            for index in range(len(entries))
        ]

    def mutual(self, judged):
        """Promote to a link the pairs of the same owners each likeliest for the other."""
        best_line, best_item = {}, {}
        for evidence, index, item in judged:
            if evidence.owners == "same":
                key = item.item.pk
                best_line[index] = max(best_line.get(index, 0.0), evidence.similarity)
                best_item[key] = max(best_item.get(key, 0.0), evidence.similarity)
        for evidence, index, item in judged:
            bar = self.mutual_bar(evidence, item)
            if bar is None and evidence.similarity and not evidence.link:
                # One word in common, months apart: too little even to ask.
                evidence = replace(evidence, score=min(evidence.score, self.suggest - 1))
            elif bar is not None and (
                not evidence.link
                and evidence.owners == "same"
                and evidence.similarity >= bar
                and evidence.similarity == best_line[index] == best_item[item.item.pk]
            ):
                reason = f"{evidence.reason}; the likeliest of both meetings"
                evidence = replace(
                    evidence, score=max(evidence.score, self.auto), reason=reason, link=True
                )
            yield evidence, index, item

    def mutual_bar(self, evidence, item):
        """How alike a line and an item each likeliest for the other must be to link.

        Lower within the team's next meeting or two, where they share two terms or
        more; never, more than nine weeks apart, for one word in common.
        """
        apart = self.meeting.date - item.item.last_raised
        if evidence.terms_shared >= 2 and apart <= NEXT_MEETINGS:
            return NEXT_MEETINGS_BAR
        if evidence.terms_shared < 2 and apart > LONG_AFTER:
            return None
        return MUTUAL_BAR

    def earlier_items(self, tasks, reopening):
        """The weights of the teams' tasks of the last year, and the earlier items worth
        comparing: open (or, for a line that says so, closed), of the teams,
        raised within the window before this meeting and not in it, or further back when
        they share a link with the lines. With no such items, no weights are read.
        """
        meeting = self.meeting
        since = meeting.date - self.window
        recent = Item.objects.filter(
            kind=Item.Kind.ACTION,
            meeting__teams__in=self.team_ids,
            last_raised__gte=since,
            last_raised__lte=meeting.date,
        )
        if all(task.owners for task in tasks):
            # Another person's line is compared word for word only: the items of the
            # lines' owners, as written or as people, and the items of no one.
            keys = {who.key for task in tasks for who in task.owners}
            people = {who.person for task in tasks for who in task.owners} - {None}
            recent = recent.filter(
                Q(owners__key__in=keys) | Q(owners__person__in=people) | Q(owners=None)
            )
        recent = {item.pk: item for item in recent.order_by() if item.pk not in self.written}
        urls = {url for task in tasks for url in task.links}
        linked, by_link = set(), []
        if urls:
            linked = set(Link.objects.filter(url__in=urls).values_list("item", flat=True))
            by_link = self.items_of_teams(linked - set(recent))
        if not recent and not by_link:
            return Weights(()), []  # nothing to compare: no need of the team's stock words
        lines = list(
            Mention.objects.filter(
                meeting__teams__in=self.team_ids,
                meeting__date__gte=meeting.date - timedelta(days=STATISTICS_DAYS),
                meeting__date__lte=meeting.date,
                item__kind=Item.Kind.ACTION,
            )
            .exclude(meeting=meeting)
            .order_by("-meeting__date")
            .values_list("item", "text")[:STATISTICS_LINES]
        )
        # Each task once, in its latest words: a TODO raised every week must not make
        # the words of its own subject the team's stock words.
        latest = {}
        for item, text in lines:
            latest.setdefault(item, text)
        weights = Weights(latest.values())
        # Worth comparing: an item sharing a link or a term (stock words aside) with a line.
        mine = set().union(*(weights.content(task.text)[0].all for task in tasks))
        # A line repeated word for word, however stock its words have become.
        said = {wording(task.text) for task in tasks}
        allowed = set(Item.Status.still_open())
        if reopening:
            allowed |= {Item.Status.DONE, Item.Status.DROPPED}
        rows = {
            item.pk: item
            for item in [*recent.values(), *by_link]
            if item.status in allowed
            and not item.removed
            and item.raised <= meeting.date
            and item.meeting_id != meeting.pk
            and (item.pk in linked or terms(item.text).all & mine or wording(item.text) in said)
        }
        # Their owners and links in one query: a row for each owner and link of an item.
        owners, links = {pk: {} for pk in rows}, {pk: set() for pk in rows}
        for item_id, position, name, person, url in (
            Item.objects.filter(pk__in=rows)
            .order_by("pk", "owners__position")
            .values_list(
                "pk", "owners__position", "owners__name", "owners__person", "link_rows__url"
            )
        ):
            if name is not None:
                owners[item_id][position] = (name, person)
            if url is not None:
                links[item_id].add(url)
        earlier = []
        for pk, item in sorted(rows.items()):
            owners[pk] = list(owners[pk].values())
            people = (self.who(name, person, resolve=False) for name, person in owners[pk])
            task = Task(tuple(w for w in people if w), item.text, work_links(links[pk]))
            earlier.append(Earlier(item, tuple(name for name, _ in owners[pk]), task))
        return weights, earlier

    def items_of_teams(self, ids):
        """Of ``ids`` (items raised before the window), the action items of the teams."""
        if not ids:
            return []
        of_teams = Meeting.teams.through.objects.filter(team__in=self.team_ids).values("meeting")
        return list(
            Item.objects.filter(pk__in=ids, kind=Item.Kind.ACTION, meeting__in=of_teams)
            .exclude(mentions__meeting=self.meeting)
            .order_by()
        )

"""The same item across meetings: is a later meeting's TODO one still open from before?

Evidence, strongest first: the same pull-request or issue URL; the same owners
with similar text (rapidfuzz, token based); the team. Candidates come from
indexes (links by URL, owners by key, recently raised open items of the
team), never from a scan of every open item, so matching costs the same per
meeting whether the database holds 500 meetings or 50,000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from rapidfuzz import fuzz, utils

from meetings.models import DoneSuggestion, Item, Link, Owner, name_key

# Links that name one piece of work: a pull request, merge request or issue.
WORK_LINK = re.compile(r"/(?:pull|pulls|issues|merge_requests)/\d+")
URL = re.compile(r"https?://[^\s)>\]]+")
# A line saying work is finished, and the short ways minutes name a pull request.
DONE = re.compile(r"\b(?:merged|done|finished|completed|closed|fixed|landed|resolved)\b", re.I)
NUMBER = re.compile(r"(?:\bPR\s*#?|\bpull request\s*#?|\bissue\s*#?|#)(\d+)\b", re.I)
LINK_NUMBER = re.compile(r"/(?:pull|issues|merge_requests)/(\d+)")


@dataclass(frozen=True)
class Match:
    item: Item
    score: float
    reason: str


def work_links(links):
    """The links of an item that name a pull request or an issue, without a trailing slash."""
    return {link.rstrip("/") for link in links if WORK_LINK.search(link)}


def comparable(text):
    """Text as compared: URLs out (they are evidence of their own), case and punctuation folded."""
    return utils.default_process(URL.sub(" ", text))


def text_similarity(a, b):
    """How alike two lines read (0-100), word order aside.

    token_set_ratio alone calls a line 100% alike any longer line holding all
    its words ("Review" and "Review the SMP PR"), so it is tempered by
    token_sort_ratio, which counts the extra words; short lines must be alike
    as a whole.
    """
    words = min(len(a.split()), len(b.split()))
    if words == 0:
        return 0.0  # nothing but links: the links decide
    if words < 4:
        return fuzz.ratio(a, b)
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def score(owner_keys, text, links, item_owner_keys, item_text, item_links):
    """How sure it is that a new line is the item (0-100), and the evidence for it."""
    similarity = text_similarity(comparable(text), comparable(item_text))
    mine, theirs = work_links(links), work_links(item_links)
    shared_links = mine & theirs
    reasons = []
    if shared_links:
        reasons.append(f"same link {min(shared_links)}")
        value = max(similarity, 90.0)
    elif mine and theirs:
        # "Review pull/1105" and "Review pull/1152" are two tasks.
        reasons.append(f"text {similarity:.0f}% alike but other links")
        value = similarity - 40.0
    else:
        value = float(similarity)
        reasons.append(f"text {similarity:.0f}% alike")
    if owner_keys == item_owner_keys:
        reasons.append("same owners")
    elif owner_keys & item_owner_keys:
        reasons.append("some owners in common")
        value -= 10
    else:
        reasons.append("other owners")
        value -= 10 if shared_links else 30
    return max(value, 0.0), "; ".join(reasons)


class Matcher:
    """Finds, for the new action items of one meeting, the open items they repeat."""

    def __init__(self, meeting, teams):
        self.meeting = meeting
        self.team_ids = [team.pk for team in teams]
        self.auto = settings.MATCH_AUTO_SCORE
        self.suggest = settings.MATCH_SUGGEST_SCORE
        self.window = timedelta(days=settings.MATCH_WINDOW_DAYS)

    def candidates(self, entries):
        """Open items of the meeting's teams that share a link or an owner with the entries."""
        if not self.team_ids:
            return []
        urls = {url for entry in entries for url in work_links(entry.links)}
        keys = {name_key(owner) for entry in entries for owner in entry.owners}
        earlier = (
            Item.objects.open()
            .in_minutes()
            .filter(raised__lte=self.meeting.date, meeting__teams__in=self.team_ids)
            .exclude(mentions__meeting=self.meeting)
        )
        by_link = earlier.filter(pk__in=Link.objects.filter(url__in=urls).values("item"))
        # Without a shared link, only items raised again lately: a task not
        # mentioned for months is not carried over by a look-alike line.
        by_owner = earlier.filter(
            pk__in=Owner.objects.filter(key__in=keys).values("item"),
            last_raised__gte=self.meeting.date - self.window,
        )
        found = (by_link | by_owner).distinct()
        return list(
            found.prefetch_related(
                Prefetch("owners", queryset=Owner.objects.only("key", "name", "item"))
            )
        )

    def match(self, entries):
        """For each entry, its Match (confident), a list of weaker Matches, or None.

        Each earlier item takes at most one line of this meeting: the likeliest.
        Returns a list parallel to ``entries`` of (match or None, weaker matches).
        """
        items = self.candidates(entries)
        scored = []
        for index, entry in enumerate(entries):
            keys = {name_key(owner) for owner in entry.owners}
            for item in items:
                value, reason = score(
                    keys,
                    entry.text,
                    entry.links,
                    {owner.key for owner in item.owners.all()},
                    item.text,
                    item.links,
                )
                if value >= self.suggest:
                    scored.append((value, index, item, reason))
        scored.sort(key=lambda s: (-s[0], s[1], s[2].pk))
        confident = {}
        taken = set()
        weaker = {index: [] for index in range(len(entries))}
        for value, index, item, reason in scored:
            if value >= self.auto and index not in confident and item.pk not in taken:
                confident[index] = Match(item, value, reason)
                taken.add(item.pk)
            elif index not in confident:
                weaker[index].append(Match(item, value, reason))
        results = []
        for index in range(len(entries)):
            if index in confident:
                results.append((confident[index], []))
            else:
                results.append((None, [m for m in weaker[index] if m.item.pk not in taken][:3]))
        return results


@dataclass(frozen=True)
class Said:
    """A statement or decision of a meeting, as the done-detector reads it."""

    text: str
    line: int
    speakers: tuple[str, ...] = ()


def suggest_done(meeting, teams, said):
    """Suggestions that a later meeting says an open item is done; never applied silently.

    A line that says merged / done / finished ... and names the item's pull
    request or issue (by URL, or as ``PR #41``), or is said by the item's owner
    about the same task.
    """
    saying_done = [s for s in said if DONE.search(s.text)]
    team_ids = [team.pk for team in teams]
    if not saying_done or not team_ids:
        return []
    urls = {url.rstrip("/.,") for s in saying_done for url in URL.findall(s.text)}
    numbers = {n for s in saying_done for n in NUMBER.findall(s.text)}
    speakers = {name_key(name) for s in saying_done for name in s.speakers}
    window = meeting.date - timedelta(days=settings.MATCH_WINDOW_DAYS)
    earlier = (
        Item.objects.open()
        .in_minutes()
        .filter(raised__lte=meeting.date, meeting__teams__in=team_ids)
        .exclude(mentions__meeting=meeting)
    )
    found = earlier.filter(pk__in=Link.objects.filter(url__in=urls).values("item"))
    if numbers:
        found = found | earlier.filter(last_raised__gte=window, link_rows__isnull=False)
    if speakers:
        owned = Owner.objects.filter(key__in=speakers).values("item")
        found = found | earlier.filter(last_raised__gte=window, pk__in=owned)
    items = found.distinct().prefetch_related("link_rows", "owners")

    suggestions = []
    for item in items:
        item_urls = {link.url.rstrip("/") for link in item.link_rows.all()}
        item_numbers = {n for url in item_urls for n in LINK_NUMBER.findall(url)}
        owners = {owner.key for owner in item.owners.all()}
        for s in saying_done:
            names_it = bool(
                item_urls & {u.rstrip("/") for u in URL.findall(s.text)}
                or item_numbers & set(NUMBER.findall(s.text))
            )
            by_owner = owners & {name_key(n) for n in s.speakers} and (
                text_similarity(comparable(s.text), comparable(item.text)) >= 60
            )
            if names_it or by_owner:
                suggestions.append(
                    DoneSuggestion(item=item, meeting=meeting, text=s.text, line=s.line)
                )
                break
    return suggestions

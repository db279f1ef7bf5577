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
from functools import lru_cache

from django.conf import settings
from rapidfuzz import fuzz, utils

from meetings.models import DoneSuggestion, Item, Link, Meeting, Mention, Owner, name_key

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


@lru_cache(maxsize=65536)
def _words(text):
    return len(text.split())


@lru_cache(maxsize=65536)
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
    words = min(_words(a), _words(b))
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


def candidate_ids(meeting, team_ids, urls, owner_keys, window):
    """Ids of open items that name one of ``urls`` or, raised again within ``window``,
    have one of ``owner_keys`` among their owners.

    Two small lookups through indexes (link_url_idx; item_status_last_raised_idx
    and the owner rows): an OR of the two in one query would make the database
    walk every item of the team.
    """
    ids = set()
    if urls:
        ids.update(Link.objects.filter(url__in=urls).values_list("item", flat=True))
    if owner_keys:
        ids.update(recent_open_ids(meeting, team_ids, window, owners__key__in=owner_keys))
    return ids


def recent_open_ids(meeting, team_ids, window, **lookups):
    """Ids of the teams' open items raised again within ``window`` before ``meeting``."""
    return Item.objects.filter(
        status__in=Item.Status.still_open(),
        last_raised__gte=meeting.date - window,
        meeting__teams__in=team_ids,
        **lookups,
    ).values_list("pk", flat=True)


def earlier_open_items(meeting, team_ids, ids):
    """Of ``ids``, the open items of the teams raised before ``meeting`` and not in it.

    Fetched by primary key and sifted here: given the other conditions, the
    database prefers an index that walks every open item of the team.
    """
    if not team_ids or not ids:
        return []
    in_meeting = set(
        Mention.objects.filter(meeting=meeting).order_by().values_list("item", flat=True)
    )
    items = [
        item
        for item in Item.objects.filter(pk__in=ids).order_by()
        if item.is_open
        and not item.removed
        and item.raised <= meeting.date
        and item.pk not in in_meeting
    ]
    of_teams = set(
        Meeting.teams.through.objects.filter(
            meeting__in={item.meeting_id for item in items}, team__in=team_ids
        ).values_list("meeting", flat=True)
    )
    items = [item for item in items if item.meeting_id in of_teams]
    # What matching reads of owners and links, as plain values: cheaper than objects.
    by_pk = {item.pk: item for item in items}
    for item in items:
        item.owner_names, item.owner_keys, item.urls = [], set(), []
    owners = Owner.objects.filter(item__in=by_pk).order_by("item_id", "position")
    for item_id, name, key in owners.values_list("item_id", "name", "key"):
        by_pk[item_id].owner_names.append(name)
        by_pk[item_id].owner_keys.add(key)
    for item_id, url in Link.objects.filter(item__in=by_pk).values_list("item_id", "url"):
        by_pk[item_id].urls.append(url)
    return items


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
        urls = {url for entry in entries for url in work_links(entry.links)}
        keys = {name_key(owner) for entry in entries for owner in entry.owners}
        ids = candidate_ids(self.meeting, self.team_ids, urls, keys, self.window)
        return earlier_open_items(self.meeting, self.team_ids, ids)

    def match(self, entries):
        """For each entry, its Match (confident), a list of weaker Matches, or None.

        Each earlier item takes at most one line of this meeting: the likeliest.
        Returns a list parallel to ``entries`` of (match or None, weaker matches).
        """
        items = [(item, item.owner_keys, item.urls) for item in self.candidates(entries)]
        scored = []
        for index, entry in enumerate(entries):
            keys = {name_key(owner) for owner in entry.owners}
            links = work_links(entry.links)
            for item, item_keys, item_links in items:
                # Only a shared owner or a shared link makes two lines worth comparing.
                if not (keys & item_keys or links & work_links(item_links)):
                    continue
                value, reason = score(
                    keys, entry.text, entry.links, item_keys, item.text, item_links
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
    window = timedelta(days=settings.MATCH_WINDOW_DAYS)
    ids = candidate_ids(meeting, team_ids, urls, speakers, window)
    if numbers:
        # "PR #41": the open items raised lately that link a pull request.
        ids.update(recent_open_ids(meeting, team_ids, window, link_rows__isnull=False))
    items = earlier_open_items(meeting, team_ids, ids)

    suggestions = []
    for item in items:
        item_urls = {url.rstrip("/") for url in item.urls}
        item_numbers = {n for url in item_urls for n in LINK_NUMBER.findall(url)}
        owners = item.owner_keys
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

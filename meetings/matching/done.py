"""Suggestions that a later meeting says an open item is done; never applied silently."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from rapidfuzz import fuzz, utils

from meetings.links import URL, links_in
from meetings.matching.evidence import NUMBER, WORK_LINK
from meetings.models import DoneSuggestion, Item, Link, Meeting, Mention, Owner, name_key

# A line saying work is finished.
DONE = re.compile(r"\b(?:merged|done|finished|completed|closed|fixed|landed|resolved)\b", re.I)


@dataclass(frozen=True)
class Said:
    """A statement or decision of a meeting, as the done-detector reads it."""

    text: str
    line: int
    speakers: tuple[str, ...] = ()


def urls_in(text):
    """The URLs a line names, read as the items' links are kept (meetings.links).

    "Merged: <PR URL>." ends its URL with the sentence's full stop; looking the
    URL up one way and comparing it another missed every such line.
    """
    return set(links_in(text))


def similarity(a, b):
    a, b = utils.default_process(URL.sub(" ", a)), utils.default_process(URL.sub(" ", b))
    if min(len(a.split()), len(b.split())) < 4:
        return fuzz.ratio(a, b)
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def suggest_done(meeting, teams, said):
    """Suggestions that ``said`` (a meeting's statements) reports open items done.

    A line that says merged / done / finished ... and names the item's pull
    request or issue (by URL, or as ``PR #41``), or is said by the item's owner
    about the same task.
    """
    saying_done = [s for s in said if DONE.search(s.text)]
    team_ids = [team.pk for team in teams]
    if not saying_done or not team_ids:
        return []
    urls = set().union(*(urls_in(s.text) for s in saying_done))
    numbers = {n for s in saying_done for n in NUMBER.findall(s.text)}
    speakers = {name_key(name) for s in saying_done for name in s.speakers}
    window = timedelta(days=settings.MATCH_WINDOW_DAYS)
    ids = set()
    if urls:
        ids.update(Link.objects.filter(url__in=urls).values_list("item", flat=True))
    if speakers:
        ids.update(recent_open_ids(meeting, team_ids, window, owners__key__in=speakers))
    if numbers:
        # "PR #41": the open items raised lately that link a pull request.
        ids.update(recent_open_ids(meeting, team_ids, window, link_rows__isnull=False))
    items = earlier_open_items(meeting, team_ids, ids)

    suggestions = []
    for item, owner_keys, item_urls in items:
        item_urls = set(item_urls)  # kept as links_in reads them
        item_numbers = {n for url in item_urls for n in WORK_LINK.findall(url)}
        for s in saying_done:
            names_it = bool(
                item_urls & urls_in(s.text) or item_numbers & set(NUMBER.findall(s.text))
            )
            by_owner = owner_keys & {name_key(n) for n in s.speakers} and (
                similarity(s.text, item.text) >= 60
            )
            if names_it or by_owner:
                suggestions.append(
                    DoneSuggestion(item=item, meeting=meeting, text=s.text, line=s.line)
                )
                break
    return suggestions


def recent_open_ids(meeting, team_ids, window, **lookups):
    """Ids of the teams' open items raised again within ``window`` before ``meeting``."""
    return Item.objects.filter(
        status__in=Item.Status.still_open(),
        last_raised__gte=meeting.date - window,
        meeting__teams__in=team_ids,
        **lookups,
    ).values_list("pk", flat=True)


def earlier_open_items(meeting, team_ids, ids):
    """Of ``ids``, the open items of the teams raised before ``meeting`` and not in it,
    each with its owners' keys and its links: (item, keys, urls).
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
    keys = {item.pk: set() for item in items}
    urls = {item.pk: [] for item in items}
    for item_id, key in Owner.objects.filter(item__in=keys).values_list("item_id", "key"):
        keys[item_id].add(key)
    for item_id, url in Link.objects.filter(item__in=keys).values_list("item_id", "url"):
        urls[item_id].append(url)
    return [(item, keys[item.pk], urls[item.pk]) for item in items]

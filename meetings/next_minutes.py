"""The next meeting's minutes, started: the team's open items, ready to paste.

Each open item is written as the minutes last wrote it (``OWNERS: text``), so
that when the next minutes keep the line, importing them makes it one more
mention of the same item: the loop from minutes to tracker and back closes.
"""

import math
import statistics
from datetime import timedelta
from itertools import groupby, pairwise

from django.db.models import Prefetch
from django.utils import timezone

from meetings.models import Item, Mention, Owner


def today():
    return timezone.localdate()


def upcoming_date(team):
    """The day the team's next minutes are for: its next meeting from today on (today
    when it never met)."""
    return next_date(team, after=today()) or today()


def next_date(team, after=None):
    """The last meeting's date plus the team's usual interval (a week when unknown).

    ``after`` a day: the first such date from that day on, at the same interval (a team
    that last met in March has its next minutes dated after today, not in April).
    """
    dates = list(team.meetings.order_by("-date").values_list("date", flat=True)[:9])
    if not dates:
        return None
    gaps = [(a - b).days for a, b in pairwise(dates) if a != b]
    every = timedelta(days=statistics.median(gaps) if gaps else 7)
    when = dates[0] + every
    if after is not None and when < after:
        when += every * math.ceil((after - when) / every)
    return when


def open_items(team):
    """The team's open action items, grouped by their owners (as people, where who-is-who
    knows them: "AT" and "AndreiT" are one group), oldest first."""
    latest = Mention.objects.filter(removed=False).order_by("-meeting__date", "-pk")
    items = (
        Item.objects.open()
        .in_minutes()
        .of_team(team)
        .prefetch_related(
            Prefetch("mentions", queryset=latest, to_attr="latest_mentions"),
            Prefetch("owners", queryset=Owner.objects.select_related("person")),
        )
        .order_by("raised", "pk")
    )
    rows = [(_people(item), item) for item in items]
    rows.sort(key=lambda row: (row[0].casefold(), row[1].raised, row[1].pk))
    return [
        (owners, [item for _, item in group]) for owners, group in groupby(rows, lambda r: r[0])
    ]


def next_minutes(team, base_url=""):
    """Markdown for the team's next minutes file."""
    last = team.meetings.order_by("-date").prefetch_related("participations").first()
    when = next_date(team, after=today())
    participants = [p.name for p in last.participations.all()] if last else []
    lines = ["---", f'title: "{team.name} meeting, {when:%B %-d, %Y}"' if when else "title: ''"]
    if when:
        time = last.datetime.strftime("T%H:%M:%S%z") if last and last.datetime else ""
        if time.endswith("+0000") or time.endswith("-0000"):
            time = time[:-5] + "+00:00"
        elif time:
            time = f"{time[:-2]}:{time[-2:]}"
        lines.append(f"datetime: {when.isoformat()}{time}")
    lines += ["teams:", f"  - {team.name}", "participants:"]
    lines += [f"  - {name}" for name in participants] or ["  -"]
    lines += ["---", "", "## Agenda", "", "* Open items from earlier meetings", ""]
    lines += ["## Discussions", "", "## TODOs and Decisions", ""]
    groups = open_items(team)
    if not groups:
        lines.append("<!-- No open items. -->")
    for owners, items in groups:
        count = f"{len(items)} open item{'s' if len(items) != 1 else ''}"
        lines += [f"<!-- {owners or 'No owner'}: {count} -->", ""]
        for item in items:
            meetings = (
                f", raised in {item.mention_count} meetings" if item.mention_count > 1 else ""
            )
            lines.append(
                f"<!-- open since {item.raised}{meetings}: {base_url}{item.get_absolute_url()} -->"
            )
            written = _owners(item)
            prefix = f"{written}: " if written else "TODO: "
            lines.append(f"* {prefix}{_one_line(item.text)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _people(item):
    """The item's owners as one group's name: people by handle, other names as written."""
    return "/".join(o.person.handle if o.person else o.name for o in item.owners.all())


def _owners(item):
    latest = item.latest_mentions[0] if item.latest_mentions else None
    return "/".join(latest.owners) if latest else ""


def _one_line(text):
    """A multi-line item as one list item: later lines indented under it."""
    first, *rest = text.splitlines() or [""]
    return "\n".join([first] + [f"  {line}" if line.strip() else "" for line in rest])

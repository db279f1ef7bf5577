"""Charts of where a team or a person stands, as HTML kept per team and per person.

A chart is a figure (``figures``), an inline SVG of it (``drawing``), a sentence
saying what it shows and its table behind a "Data" disclosure; each bar and
each cell links to the list that holds exactly the items (or meetings) it
counts.

Drawing a busy team's charts takes a few hundred milliseconds (grouping twenty
thousand items, and pygal drawing fifteen years of months), so a page never
waits for it but once. The charts are kept in the shared cache with the team's
``revision`` (which every import, status change or change of owners touching
the team moves on) and the day they were drawn for (items age). A page shows
them while they are current, read once per process; once the team has changed
it shows the last ones drawn, saying so, and the task worker draws them anew
(``tasks.draw_charts``). Only a team's (or person's) first charts are drawn
within the request. A person's likewise.
"""

import datetime as dt
import math
import zlib
from dataclasses import dataclass, field
from functools import cache

from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from meetings import tasks
from meetings.charts import drawing, figures
from meetings.models import Item, Person, Team

# Kept by each process for ten minutes at most: a person renamed shows by then.
KEEP = 600
# A process that asked the worker to draw charts anew asks again after this many
# seconds if they are still old (its worker stopped, or they changed again).
DRAWING = 60
# Old charts, shown while the worker draws them anew, are read from the shared cache
# once in this many seconds by each process: a busy page does not read them on every
# visit, and a reload a few seconds on shows the new ones.
OLD = 5

EVERY_STATUS = [status.value for status in Item.Status]
CLOSED = [status.value for status in figures.CLOSED]


@dataclass
class Point:
    value: int | float | None  # None: nothing to count (no meetings to be at)
    href: str = ""


@dataclass
class Series:
    name: str
    points: list = field(default_factory=list)


@dataclass
class Chart:
    slug: str
    title: str
    summary: str
    kind: str
    # What the labels are, as the table's first column says.
    heading: str
    labels: list = field(default_factory=list)
    series: list = field(default_factory=list)
    svg: str = ""

    def largest(self):
        values = [point.value or 0 for series in self.series for point in series.points]
        return math.ceil(max(values, default=0))

    def rows(self):
        """The table: each label with its point in each series."""
        return [
            (label, [series.points[n] for series in self.series])
            for n, label in enumerate(self.labels)
        ]


def team_charts(team, today=None):
    """The team page's charts, as HTML: the current ones, else the last drawn (see above)."""
    return kept("team", team.pk, team.revision, today or timezone.localdate(), small=False)


def person_charts(person, today=None, small=False):
    """A person's charts (``small`` for the home page), as HTML: kept like a team's."""
    return kept("person", person.pk, person.revision, today or timezone.localdate(), small)


def kept(kind, pk, revision, today, small):
    version = [revision, today.isoformat()]
    key = shared_key(kind, pk, small)
    old = f"{key}:{revision}:{today.isoformat()}:old"
    local = caches["fragments"].get_many([f"{key}:last", old])
    if old in local:
        return mark_safe(local[old])
    stamp, html = local.get(f"{key}:last", (None, ""))
    if stamp is None or stamp[0] != version:
        stamp, html = last_drawn(kind, pk, small, stamp, html)
    if stamp[0] == version:
        return mark_safe(html)
    # Asked of the worker once a minute at most by each process; the task draws them
    # only if no other has since.
    if caches["fragments"].add(f"{key}:asked", True, DRAWING):
        tasks.draw_charts.enqueue(kind, pk, small)
    when = timezone.localtime(stamp[1])
    note = (
        '<p class="hint charts-old" role="status">As they stood at '
        f"{date_format(when, 'j M Y, H:i')}: they are being drawn anew with the latest "
        "changes; reload in a moment.</p>"
    )
    caches["fragments"].set(old, note + html, OLD)
    return mark_safe(note + html)


def last_drawn(kind, pk, small, stamp, html):
    """The charts last drawn, as the shared cache keeps them (drawn now if never): their
    stamp (version, when drawn) and HTML, kept by this process as its last.

    Inflated only when they are not the ones this process has (``stamp``, ``html``):
    after a change, a page shows the charts it showed before, as they stood.
    """
    key = shared_key(kind, pk, small)
    drawn = caches["default"].get(key)
    if drawn is None:  # never drawn: the first page to ask waits for them
        drawn = draw_and_keep(kind, pk, small)
    if (drawn["version"], drawn["at"]) != stamp:
        stamp, html = (drawn["version"], drawn["at"]), unpacked(drawn)
        caches["fragments"].set(f"{key}:last", (stamp, html), KEEP)
    return stamp, html


def shared_key(kind, pk, small):
    # "z": kept compressed (``packed``); charts kept before as text are not read.
    return f"charts:z:{kind}:{pk}:{'small' if small else 'full'}"


def packed(html):
    """Charts as the shared cache keeps them: compressed. A busy person's are 200 KB of
    SVG and tables, 17 KB compressed: reading them from the database cache took
    1.3 ms on PostgreSQL, and 0.5 ms compressed, inflating them included."""
    return zlib.compress(html.encode())


def unpacked(drawn):
    return zlib.decompress(drawn["html"]).decode()


def draw_and_keep(kind, pk, small, *, unless_current=False):
    """Draw a team's or person's charts as they stand now, and keep them for every process.

    What a page does the first time, and the task worker after a change
    (``tasks.draw_charts``): ``unless_current``, it leaves charts another task
    drew since as they are.
    """
    today = timezone.localdate()
    key = shared_key(kind, pk, small)
    subject = (Team if kind == "team" else Person).objects.get(pk=pk)
    version = [subject.revision, today.isoformat()]
    if unless_current:
        drawn = caches["default"].get(key)
        if drawn is not None and drawn["version"] == version:
            return drawn
    if kind == "team":
        html = draw_team_charts(subject, today)
    else:
        html = draw_person_charts(subject, today, small)
    drawn = {"version": version, "html": packed(html), "at": timezone.now()}
    caches["default"].set(key, drawn, None)
    return drawn


def draw_team_charts(team, today):
    return render_charts(of_team(team, today), small=False)


def draw_person_charts(person, today, small):
    return render_charts(of_person(person, today), small=small)


def of_team(team, today):
    """The team's charts: its items raised and closed per month, its open items by age,
    the people holding most of them, and its meetings per month."""
    return [
        raised_and_closed(
            "team-months",
            figures.raised_and_closed(figures.team_items(team)),
            {"team": team.slug},
            today,
            whose=f"{team}'s items",
        ),
        backlog(figures.team_backlog(team, today), team, today),
        people(figures.team_people(team), team),
        meetings_by_month(figures.team_meetings_by_month(team), {"team": team.slug}, today),
    ]


def of_person(person, today):
    """The person's charts: their open items by team and age, their items raised and
    closed per month, and the meetings they attended."""
    return [
        person_backlog(figures.person_backlog(person, today), person, today),
        raised_and_closed(
            "person-months",
            figures.raised_and_closed(figures.person_items(person)),
            {"owner": person.handle},
            today,
            whose=f"{person.handle}'s items",
        ),
        attended(figures.person_meetings_by_month(person), person, today),
    ]


def render_charts(charts, small):
    for chart in charts:
        if chart.largest():
            chart.svg = mark_safe(drawing.draw(chart, small=small))
    return render_to_string("meetings/_charts.html", {"charts": charts, "small": small})


def items_list(**query):
    """The items list filtered by ``query``: the link of a figure."""
    return f"{path('meetings:items')}?{urlencode(query, doseq=True)}"


def meetings_list(**query):
    return f"{path('meetings:meetings')}?{urlencode(query, doseq=True)}"


@cache
def path(name):
    # Some hundred links a chart of months: one reversal each.
    return reverse(name)


def raised_and_closed(slug, rows, query, today, whose):
    """Items raised and closed per month, each month from the first to this one."""
    counts = {month: (raised, closed) for month, raised, closed in rows}
    chart = Chart(
        slug,
        "Raised and closed per month",
        "",
        over_time(counts, today),
        "Month",
        series=[Series("raised"), Series("closed")],
    )
    for month in months(counts, today):
        raised, closed = counts.get(month, (0, 0))
        first, last = month.isoformat(), month_end(month).isoformat()
        chart.labels.append(month_label(month))
        chart.series[0].points.append(
            Point(
                raised,
                items_list(**query, status=EVERY_STATUS, raised_from=first, raised_to=last)
                if raised
                else "",
            )
        )
        chart.series[1].points.append(
            Point(
                closed,
                items_list(**query, status=CLOSED, changed_from=first, changed_to=last)
                if closed
                else "",
            )
        )
    raised = sum(point.value for point in chart.series[0].points)
    closed = sum(point.value for point in chart.series[1].points)
    if chart.labels:
        chart.summary = (
            f"From {chart.labels[0]} to {chart.labels[-1]}, {raised:,} of {whose} were "
            f"raised and {closed:,} closed (done or dropped)."
        )
    else:
        chart.summary = f"None of {whose} raised yet."
    return chart


def backlog(counts, team, today):
    """The team's open items by age."""
    chart = Chart(
        "team-ages", "Open items by age", "", "horizontal", "Age", series=[Series("open")]
    )
    for band, count in zip(figures.BANDS, counts, strict=True):
        chart.labels.append(band.label)
        href = band_list(band, today, team=team.slug) if count else ""
        chart.series[0].points.append(Point(count, href))
    total = sum(counts)
    old = counts[-1]
    chart.summary = (
        f"{total:,} open items; {old:,} of them first raised more than a year ago."
        if total
        else "No open items."
    )
    return chart


def band_list(band, today, **query):
    """The items list of the open items of an age band."""
    first, last = band.dates(today)
    if first:
        query["raised_from"] = first.isoformat()
    if last:
        query["raised_to"] = last.isoformat()
    return items_list(**query)


def people(rows, team):
    """The ten people owning most of the team's open items."""
    chart = Chart(
        "team-people",
        "Who holds the open items",
        "",
        "horizontal",
        "Person",
        series=[Series("open")],
    )
    for handle, _, count in rows:
        chart.labels.append(handle)
        chart.series[0].points.append(Point(count, items_list(team=team.slug, owner=handle)))
    if rows:
        handle, _, count = rows[0]
        chart.summary = (
            f"Open items per person, the ten busiest at most: {handle} owns the most, {count:,}."
        )
    else:
        chart.summary = "No one owns an open item."
    return chart


def meetings_by_month(rows, query, today):
    """Meetings per month, and how many people were at each on average."""
    counts = {month: (meetings, people) for month, meetings, people in rows}
    chart = Chart(
        "team-meetings",
        "Meetings per month",
        "",
        over_time(counts, today),
        "Month",
        series=[Series("meetings"), Series("people per meeting")],
    )
    for month in months(counts, today):
        held, there = counts.get(month, (0, 0))
        href = meetings_list(**query, **month_range(month)) if held else ""
        chart.labels.append(month_label(month))
        chart.series[0].points.append(Point(held, href))
        # No meetings, no one at them: a gap in the line rather than a fall to none.
        chart.series[1].points.append(Point(round(there / held, 1) if held else None, href))
    held = sum(meetings for meetings, _ in counts.values())
    there = sum(people for _, people in counts.values())
    chart.summary = (
        f"{held:,} meetings from {chart.labels[0]} to {chart.labels[-1]}, "
        f"{there / held:.1f} people at each on average."
        if held
        else "No meetings yet."
    )
    return chart


def person_backlog(rows, person, today):
    """The person's open items by team (stacked) and age."""
    chart = Chart(
        "person-ages",
        "Open items by team and age",
        "",
        "horizontal-stacked",
        "Team",
        series=[Series(band.label) for band in figures.BANDS],
    )
    for name, slug, counts in rows:
        chart.labels.append(name)
        for series, band, count in zip(chart.series, figures.BANDS, counts, strict=True):
            href = band_list(band, today, owner=person.handle, team=slug) if count else ""
            series.points.append(Point(count, href))
    # An item of a meeting of two teams is one of each: no total across teams.
    if rows:
        name, _, counts = max(rows, key=lambda row: sum(row[2]))
        teams = f"{len(rows)} teams, most in {name}" if len(rows) > 1 else name
        chart.summary = (
            f"Open items in {teams} ({sum(counts):,}, {counts[-1]:,} of them older than a year)."
        )
    else:
        chart.summary = "No open items."
    return chart


def attended(rows, person, today):
    """The meetings the person attended, per month."""
    counts = dict(rows)
    chart = Chart(
        "person-meetings",
        "Meetings attended per month",
        "",
        over_time(counts, today),
        "Month",
        series=[Series("meetings")],
    )
    for month in months(counts, today):
        held = counts.get(month, 0)
        href = meetings_list(person=person.slug, **month_range(month)) if held else ""
        chart.labels.append(month_label(month))
        chart.series[0].points.append(Point(held, href))
    total = sum(counts.values())
    chart.summary = (
        f"{total:,} meetings attended from {chart.labels[0]} to {chart.labels[-1]}."
        if total
        else "No meetings attended yet."
    )
    return chart


def over_time(counted, today):
    """Bars for a couple of years of months, a line (a dot a month) for more."""
    return "bar" if len(months(counted, today)) <= 24 else "line"


def months(counted, today):
    """The first day of each month from the first ``counted`` to this one (or to the last
    counted, for minutes dated ahead): the months with nothing too."""
    if not counted:
        return []
    month = min(counted)
    last = max(today.replace(day=1), max(counted))
    every = []
    while month <= last:
        every.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    return every


def month_range(month):
    """A month as the meetings list's ``from`` and ``to``."""
    return {"from": month.isoformat(), "to": month_end(month).isoformat()}


def month_end(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def month_label(month):
    return f"{month:%b %Y}"

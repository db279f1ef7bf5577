"""The figures the charts show: one aggregate query each, grouped in the database.

Each function returns plain rows; ``meetings.charts`` turns them into charts,
with links to the lists that hold exactly what each figure counts. What an
item counts as is the items list's: an action item that the minutes still
write, of a team when a meeting of the team first raised it; closed when done
or dropped, in the month its status last changed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateField, Q, Value
from django.db.models.functions import TruncDate, TruncMonth

from meetings.models import Item, Meeting, Ownership

CLOSED = [Item.Status.DONE, Item.Status.DROPPED]


@dataclass(frozen=True)
class Band:
    """Open items by age: first raised from ``low`` days ago to before ``high`` days ago."""

    label: str
    low: int
    high: int | None

    def dates(self, today):
        """The first and last day of first raising in the band (None: no bound), as the
        items list's ``raised_from`` and ``raised_to``."""
        first = today - dt.timedelta(days=self.high - 1) if self.high else None
        # The youngest band has no last day: minutes dated ahead are under a month old too.
        last = today - dt.timedelta(days=self.low) if self.low else None
        return first, last

    def holds(self, field, today):
        first, last = self.dates(today)
        q = Q()
        if first:
            q &= Q(**{f"{field}__gte": first})
        if last:
            q &= Q(**{f"{field}__lte": last})
        return q


BANDS = [
    Band("under a month", 0, 30),
    Band("1-3 months", 30, 90),
    Band("3-12 months", 90, 365),
    Band("older", 365, None),
]


class MonthOf(TruncMonth):
    """The first day of a date's month. SQLite truncates through a function of Django's
    called per row (80 ms for 20,000 items); ``strftime`` there does it in C."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"strftime('%%Y-%%m-01', {sql})", params


class DayOf(TruncDate):
    """A moment's day in the server's time zone (the ``__date`` lookup's). In UTC,
    SQLite's own ``date()`` rather than a function of Django's per row."""

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.get_tzname() not in (None, "UTC"):
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql})", params


def team_meetings(team):
    """The ids of the team's meetings, for a subquery."""
    return Meeting.teams.through.objects.filter(team=team).values("meeting")


def team_items(team):
    """The team's action items still in the minutes: the items list's ``team=``, read
    through its meetings (each item's own question is for a page of them)."""
    return Item.objects.actions().in_minutes().filter(meeting__in=team_meetings(team))


def raised_and_closed(items):
    """``(month, raised, closed)`` for each month either is not zero, oldest first: the
    items first raised in the month, and those closed in it. One query."""
    raised = (
        items.order_by()
        .annotate(month=MonthOf("raised"), what=Value("raised"))
        .values("what", "month")
        .annotate(count=Count("pk"))
    )
    # The day as the server's time zone has it: the items list's ``changed_from`` too.
    closed = (
        items.filter(status__in=CLOSED, status_changed__isnull=False)
        .order_by()
        .annotate(month=MonthOf(DayOf("status_changed")), what=Value("closed"))
        .values("what", "month")
        .annotate(count=Count("pk"))
    )
    months = {}
    for what, month, count in raised.union(closed, all=True).values_list("what", "month", "count"):
        month = as_date(month)
        months.setdefault(month, {"raised": 0, "closed": 0})[what] = count
    return [(month, row["raised"], row["closed"]) for month, row in sorted(months.items())]


def by_age(items, today, field="raised"):
    """How many of ``items`` each age band holds (by the date in ``field``). One query."""
    counts = items.aggregate(
        **{f"band{n}": Count("pk", filter=band.holds(field, today)) for n, band in enumerate(BANDS)}
    )
    return [counts[f"band{n}"] for n in range(len(BANDS))]


def team_backlog(team, today):
    """The team's open items in each age band."""
    return by_age(team_items(team).open(), today)


def team_people(team, most=10):
    """``(handle, slug, open items)`` of the people owning most of the team's open items,
    as the items list counts them for ``team=...&owner=...`` (by name, or as one of
    a meeting's "Everyone")."""
    rows = (
        Ownership.objects.filter(open=True, item__meeting__in=team_meetings(team))
        .values("person__handle", "person__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "person__handle")
    )
    return [(row["person__handle"], row["person__slug"], row["count"]) for row in rows[:most]]


def meetings_by_month(meetings):
    """``(month, meetings, people there)`` for each month with meetings, oldest first:
    the people are the meetings' participants as the minutes list them. One query."""
    rows = (
        meetings.order_by()
        .annotate(month=MonthOf("date"))
        .values("month")
        .annotate(meetings=Count("pk", distinct=True), people=Count("participations"))
        .order_by("month")
    )
    return [(as_date(row["month"]), row["meetings"], row["people"]) for row in rows]


def team_meetings_by_month(team):
    return meetings_by_month(Meeting.objects.filter(teams=team))


def person_items(person):
    """The person's action items still in the minutes: by name or as one of "Everyone"."""
    return Item.objects.actions().in_minutes().filter(ownerships__person=person)


def person_backlog(person, today):
    """``(team name, team slug, [open items in each age band])`` for each team of the
    person's open items, by team name. One query."""
    rows = (
        Ownership.objects.filter(person=person, open=True, item__meeting__teams__isnull=False)
        .values("item__meeting__teams__name", "item__meeting__teams__slug")
        .annotate(
            **{
                f"band{n}": Count("pk", filter=band.holds("raised", today))
                for n, band in enumerate(BANDS)
            }
        )
        .order_by("item__meeting__teams__name")
    )
    return [
        (
            row["item__meeting__teams__name"],
            row["item__meeting__teams__slug"],
            [row[f"band{n}"] for n in range(len(BANDS))],
        )
        for row in rows
    ]


def person_meetings_by_month(person):
    """``(month, meetings)`` the person attended, oldest first. One query."""
    rows = (
        Meeting.objects.filter(participations__person=person)
        .order_by()
        .annotate(month=MonthOf("date"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by("month")
    )
    return [(as_date(row["month"]), row["meetings"]) for row in rows]


def as_date(value):
    """A month as a date, whichever way the database gave it back."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value

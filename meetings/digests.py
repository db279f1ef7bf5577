"""A mail to each person of their open items, and what changed since the last one.

Each person linked to an account chooses on their page how often
(``Person.digest``): every week, before each meeting of their teams, or
never. ``send_digests`` (cron, or the task worker) sends what is due: a week's
digest on the first run of each ISO week; a meeting's on a run within
``DIGEST_DAYS_BEFORE`` days of the team's next meeting, expected at its usual
interval after the last one. A ``Digest`` row, unique for its person and
period, is written in the transaction that sends the mail: a second run in
the period sends nothing, and a mail that failed to go out is tried again by
the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from meetings.models import (
    Comment,
    Digest,
    DigestEvery,
    Event,
    Item,
    Participant,
    Person,
    StatusChange,
    Team,
    stale_before,
)
from meetings.next_minutes import next_date

logger = logging.getLogger(__name__)

# What one mail lists at most: the newest open items, and the latest of each kind of change.
ITEMS_LISTED = 100
CHANGES_LISTED = 20
# A first digest tells what changed in the week before it.
FIRST_SINCE = dt.timedelta(days=7)
# An item is news in a digest when its meeting was held at most this long before the last.
NEWS_WITHIN = dt.timedelta(days=7)


@dataclass
class Due:
    """A digest a person is owed: its period, and the meeting it comes before, if any."""

    person: Person
    email: str
    # Empty when none is due: ``why`` says why not.
    period: str
    team: Team | None = None
    meeting_date: dt.date | None = None
    why: str = ""


@dataclass
class Contents:
    since: dt.datetime
    open_count: int
    # (team name, [item, ...]) by team name; an item under the teams of its first meeting.
    teams: list = field(default_factory=list)
    new: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    given: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    # Changes past the ones listed of each kind: "and 12 more" on the person's page.
    unlisted: int = 0

    @property
    def changes(self):
        listed = len(self.new) + len(self.status_changes) + len(self.given) + len(self.comments)
        return listed + self.unlisted

    @property
    def empty(self):
        return not self.open_count and not self.changes


@dataclass
class Report:
    sent: list = field(default_factory=list)
    # (person, why) for each person a digest was due to and did not go to.
    skipped: list = field(default_factory=list)


def send_digests(team=None, *, dry_run=False, today=None, now=None):
    """Send each person the digest due to them today (of ``team``'s people only, if given).

    Returns a ``Report``; with ``dry_run``, of what would be sent, sending nothing.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    report = Report()
    for due in digests_due(team, today):
        if not due.period:
            report.skipped.append((due.person, due.why))
            continue
        contents = gather(due.person, now, today)
        if contents.empty:
            report.skipped.append((due.person, "no open items and nothing changed"))
            continue
        if dry_run:
            report.sent.append((due, contents))
            continue
        why_not = deliver(due, contents, now)
        if why_not:
            report.skipped.append((due.person, why_not))
        else:
            report.sent.append((due, contents))
    return report


def digests_due(team, today):
    """The digests due today: one per person at most, to people with an account and an email."""
    people = (
        Person.objects.exclude(digest=DigestEvery.NEVER)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("handle")
    )
    if team is not None:
        attended = Participant.objects.filter(meeting__teams=team).values("person")
        people = people.filter(pk__in=attended)
    people = list(people)
    teams_of = teams_of_people([p.pk for p in people if p.digest == DigestEvery.MEETING], team)
    next_dates = {}
    week = "{}-W{:02}".format(*today.isocalendar()[:2])
    for person in people:
        email = person.user.email or person.email
        if not email:
            yield Due(person, "", "", why="no email address: neither their account nor they")
            continue
        if person.digest == DigestEvery.WEEK:
            yield Due(person, email, week)
            continue
        coming, expected = [], []
        for their_team in teams_of.get(person.pk, ()):
            if their_team.pk not in next_dates:
                next_dates[their_team.pk] = next_date(their_team)
            when = next_dates[their_team.pk]
            if when is None:
                continue
            expected.append(f"{their_team} on {date_format(when, 'j M Y')}")
            if today <= when <= today + dt.timedelta(days=settings.DIGEST_DAYS_BEFORE):
                coming.append((when, their_team.name.casefold(), their_team))
        if coming:
            when, _, soonest = min(coming)
            yield Due(person, email, f"{soonest.slug} {when:%Y-%m-%d}", soonest, when)
        else:
            # A team that stopped meeting is expected in the past: no digest before it.
            days = settings.DIGEST_DAYS_BEFORE
            within = f"{days} day{'' if days == 1 else 's'}"
            expected = "; ".join(expected) or "none: no meetings yet"
            why = f"no meeting of their teams within {within} (expected: {expected})"
            yield Due(person, email, "", why=why)


def teams_of_people(person_ids, team=None):
    """The teams of the meetings each person attended (only ``team``, if given)."""
    rows = Participant.objects.filter(person__in=person_ids)
    if team is not None:
        rows = rows.filter(meeting__teams=team)
    pairs = set(rows.order_by().values_list("person", "meeting__teams").distinct())
    teams = Team.objects.in_bulk({pk for _, pk in pairs if pk})
    of = defaultdict(list)
    for person, pk in pairs:
        if pk:
            of[person].append(teams[pk])
    for their_teams in of.values():
        their_teams.sort(key=lambda team: team.name.casefold())
    return of


def gather(person, now, today):
    """What the person's digest says: their open items by team, and what changed since the last."""
    last = person.digests.order_by("-sent").values_list("sent", flat=True).first()
    since = last or now - FIRST_SINCE
    mine = Item.objects.actions().in_minutes().owned_by(person)
    open_items = (
        Item.objects.open_owned_by(person, newest_first=True)
        .select_related("meeting")
        .prefetch_related("meeting__teams")
    )
    contents = Contents(since=since, open_count=Item.objects.open_owned_by(person).count())
    stale = stale_before(today)
    by_team = defaultdict(list)
    for item in open_items[:ITEMS_LISTED]:
        item.age = (today - item.raised).days
        item.is_stale = (item.last_raised or item.raised) < stale
        names = sorted(team.name for team in item.meeting.teams.all()) or ["No team"]
        by_team[names[0]].append(item)
    contents.teams = sorted(by_team.items(), key=lambda pair: pair[0].casefold())
    # New: imported since, from a meeting held lately (minutes of years ago imported
    # today are no news).
    lately = (since - NEWS_WITHIN).date()
    new = mine.filter(created__gt=since, raised__gte=lately)
    status_changes = StatusChange.objects.filter(item__in=mine, created__gt=since)
    given = Event.objects.filter(item__in=mine, kind=Event.Kind.REASSIGNED, created__gt=since)
    comments = Comment.objects.filter(item__in=mine, created__gt=since).exclude(user=person.user_id)
    contents.new = latest(new, contents)
    contents.status_changes = latest(status_changes.select_related("item", "user"), contents)
    contents.given = latest(given.select_related("item", "user"), contents)
    contents.comments = latest(comments.select_related("item", "user"), contents)
    return contents


def latest(changes, contents):
    """The latest ``CHANGES_LISTED`` of these changes; those left out are counted in
    ``contents.unlisted``."""
    listed = list(changes.order_by("-created")[: CHANGES_LISTED + 1])
    if len(listed) > CHANGES_LISTED:
        contents.unlisted += changes.count() - CHANGES_LISTED
    return listed[:CHANGES_LISTED]


def deliver(due, contents, now):
    """Send the digest unless one went out for its period already: why not, if it was not.

    A mail the server refused leaves no ``Digest`` row: the next run tries again.
    """
    try:
        with transaction.atomic():
            Digest.objects.create(
                person=due.person,
                period=due.period,
                sent=now,
                open_items=contents.open_count,
                changes=contents.changes,
            )
            message(due, contents).send()
    except IntegrityError:
        return f"sent already for {due.period}"
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("The digest to %s was not sent: %s", due.email, error)
        return f"the mail was not sent ({type(error).__name__}: {error}); the next run tries again"
    return ""


def message(due, contents):
    context = {
        "person": due.person,
        "due": due,
        "contents": contents,
        "site": settings.SITE_URL.rstrip("/"),
        "listed": sum(len(items) for _, items in contents.teams),
    }
    mail = EmailMultiAlternatives(
        subject=subject(due, contents),
        body=render_to_string("meetings/email/digest.txt", context),
        to=[due.email],
    )
    mail.attach_alternative(render_to_string("meetings/email/digest.html", context), "text/html")
    return mail


def subject(due, contents):
    items = f"{contents.open_count} open item{'' if contents.open_count == 1 else 's'}"
    changed = f", {contents.changes} change{'' if contents.changes == 1 else 's'}"
    changed = changed if contents.changes else ""
    if due.team is not None:
        when = f"{due.meeting_date:%a} {due.meeting_date.day} {due.meeting_date:%b}"
        return f"Before {due.team}'s meeting on {when}: your {items}{changed}"
    return f"Your week: {items}{changed}"

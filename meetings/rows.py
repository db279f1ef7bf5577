"""An item as a row of a list, with its owners and its status form, as HTML.

The one hot path of every list page: rendered through the template engine, a
row cost a few milliseconds (some sixty variable lookups, three includes,
five URL reversals), twenty-five rows ten times the rest of the page. Written
here once, it is a fraction of that; the templates ``_item_list.html``,
``_owners.html`` and ``_item_status.html`` call these functions through the
``tracker`` tags, so there is one markup for each.

A list reads its rows as plain values (``Item.objects.for_rows()``) and
``read`` adds the page's owners and teams in two queries: model instances for
the items, their meetings, owners and people cost more than the rest of the page.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from html import escape
from urllib.parse import quote, urlencode

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timesince_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from meetings import markdown, models
from meetings.forms import NEXT_STATUSES
from meetings.models import Item

SENTINEL = 987654321
STILL_OPEN = frozenset(Item.Status.still_open())


class Urls:
    """What rows share, worked out once for a whole list: URLs by kind, dates, status names.

    One reversal per kind of URL; each date formatted once (items of one
    meeting share it); the statuses' names translated once.
    """

    def __init__(self):
        self._patterns = {}
        self._dates = {}
        self.statuses = {value: escape(str(label)) for value, label in Item.Status.choices}
        self.stale_before = models.stale_before()

    def dates(self, day):
        """A day as the rows write it: long, short, and how long ago."""
        if day not in self._dates:
            # "How long ago" is kept for the hour it was worked out in (at most an
            # hour behind, for a day raised within the last day or two).
            hour = timezone.now().replace(minute=0, second=0, microsecond=0)
            self._dates[day] = written_dates(day, hour, get_language())
        return self._dates[day]

    def _build(self, name, value):
        if name not in self._patterns:
            example = reverse(name, args=[SENTINEL])
            self._patterns[name] = example.split(str(SENTINEL), 1)
        before, after = self._patterns[name]
        return f"{before}{quote(str(value), safe='')}{after}"

    def item(self, pk):
        return self._build("meetings:item", pk)

    def status(self, pk):
        return self._build("meetings:item_status", pk)

    def meeting(self, pk):
        return self._build("meetings:meeting", pk)

    def team(self, slug):
        return self._build("meetings:team", slug)

    def person(self, slug):
        return self._build("meetings:person", slug)

    def items(self, **query):
        if "items" not in self._patterns:
            self._patterns["items"] = reverse("meetings:items")
        return f"{self._patterns['items']}?{urlencode(query)}"


@lru_cache(maxsize=4096)
def written_dates(day, hour, language):
    """A day written long and short, and how long ago it was: once per hour for every list.

    Formatting a date goes through the translations each time: for twenty-five rows of
    different days, a tenth of a page.
    """
    return date_filter(day, "j F Y"), date_filter(day, "j M Y"), timesince_filter(day)


@dataclass(frozen=True)
class Person:
    handle: str
    slug: str


@dataclass(frozen=True)
class Owner:
    name: str
    is_group: bool
    person: Person | None


@dataclass(frozen=True)
class Team:
    name: str
    slug: str


@dataclass(frozen=True)
class Meeting:
    pk: int
    row_teams: list[Team]


@dataclass(frozen=True)
class Row:
    """An item as a row of a list shows it: plain values, not a model instance."""

    pk: int
    kind: str
    text: str
    status: str
    raised: date
    last_raised: date | None
    mention_count: int
    removed: bool
    status_changed: datetime | None
    meeting: Meeting
    row_owners: list[Owner]

    status_version = models.Item.status_version


@dataclass(frozen=True)
class Said:
    """An item as a meeting wrote it: the line and words of its mention, and its row."""

    line: int
    text: str
    item: Row


def read(items):
    """The rows of ``items`` read as values (``Item.objects.for_rows()``), with their
    owners and teams in two queries."""
    items = list(items)
    if not items or isinstance(items[0], Row):  # read already (the triage page groups them)
        return items
    owners = defaultdict(list)
    for item_id, name, is_group, handle, slug in (
        models.Owner.objects.filter(item__in=[item.pk for item in items])
        .order_by("item_id", "position")
        .values_list("item_id", "name", "is_group", "person__handle", "person__slug")
    ):
        person = Person(handle, slug) if handle is not None else None
        owners[item_id].append(Owner(name, is_group, person))
    teams = defaultdict(list)
    for meeting_id, name, slug in (
        models.Meeting.teams.through.objects.filter(meeting__in={i.meeting_id for i in items})
        .order_by("team__name", "team_id")
        .values_list("meeting_id", "team__name", "team__slug")
    ):
        teams[meeting_id].append(Team(name, slug))
    return [
        Row(
            *(getattr(item, field) for field in models.ROW_FIELDS[:-1]),
            meeting=Meeting(item.meeting_id, teams[item.meeting_id]),
            row_owners=owners[item.pk],
        )
        for item in items
    ]


def owners_of(item):
    """An item's owners, with their people: as read for a list (``Item.objects.for_rows``)."""
    return item.row_owners if hasattr(item, "row_owners") else item.owners.all()


def owners_html(item, urls):
    """The item's owners: people linked to their page, groups and names no one is yet."""
    parts = []
    for owner in owners_of(item):
        name = escape(owner.name)
        person = owner.person
        if person:
            title = f' title="written “{name}”"' if owner.name != person.handle else ""
            parts.append(
                f'<a class="owner" href="{urls.person(person.slug)}"{title}>'
                f"{escape(person.handle)}</a>"
            )
        elif owner.is_group:
            parts.append(
                f'<span class="owner owner-group" title="everyone at the meeting">{name}</span>'
            )
        else:
            parts.append(
                '<span class="owner owner-unresolved" title="not matched to a person yet">'
                f"{name}</span>"
            )
    inner = ", ".join(parts) or '<span class="owner owner-none">no owner</span>'
    return f'<span class="owners">{inner}</span>'


def status_html(item, urls, *, form=None, errors=(), saved=False):
    """The item's status badge and, for a signed-in user and an action, the form to change it.

    ``form`` is None for readers who may not change it, else ``(csrf_token, next_url)``.
    """
    pk = item.pk
    status = escape(item.status)
    display = urls.statuses[item.status]
    html = [
        f'<div class="status" data-status="{status}" role="group" aria-label="Status of item {pk}">'
    ]
    if item.kind == Item.Kind.ACTION:
        html.append(f'<span class="badge badge-{status}">{display}</span>')
    else:
        html.append('<span class="badge badge-decision">Decision</span>')
    for error in errors:
        html.append(f'<p class="notice notice-warning" role="alert">{escape(error)}</p>')
    if saved:
        html.append(f'<p class="visually-hidden" role="status">Saved: {display.lower()}.</p>')
    if item.kind == Item.Kind.ACTION and form is not None:
        csrf_token, next_url = form
        action = urls.status(pk)
        buttons = "".join(
            f'<button type="submit" name="status" value="{escape(value)}" '
            f'class="button button-{escape(value)}" id="status-{pk}-{number}">{escape(label)}'
            "</button>"
            for number, (value, label) in enumerate(NEXT_STATUSES[item.status], 1)
        )
        html.append(
            f'<form class="status-form" method="post" action="{action}" '
            f'hx-post="{action}" hx-target="closest .status" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<input type="hidden" name="seen_status" value="{status}">'
            f'<input type="hidden" name="seen_version" value="{escape(item.status_version)}">'
            f'<input type="hidden" name="next" value="{escape(next_url)}">'
            f'<div class="status-buttons">{buttons}</div>'
            '<details class="note"><summary>Add a note</summary>'
            '<label>Note <input type="text" name="note" maxlength="1000" autocomplete="off">'
            "</label></details></form>"
        )
    html.append("</div>")
    return "\n".join(html)


def is_stale(item, urls):
    """Open, and raised in no meeting for ``STALE_DAYS``: ``Item.objects.stale()`` for a row."""
    last = item.last_raised or item.raised
    return Item.is_still_open(item.kind, item.status, item.removed) and last < urls.stale_before


def select_html(item):
    """The row's checkbox for the bulk form of the list (``_bulk_form.html``).

    Its value carries the status the user saw, as the status form does: an item
    someone changed since is left out of the change.
    """
    seen = escape(f"{item.pk}:{item.status}:{item.status_version}")
    return (
        f'<input type="checkbox" class="select-item" name="item" value="{seen}" form="bulk-form" '
        f'id="select-{item.pk}" aria-label="Select item {item.pk}">\n'
    )


def meeting_names(rows):
    """What the meetings of these rows are called, by id: one query, for group headings."""
    ids = {row.meeting.pk for row in rows}
    return dict(models.Meeting.objects.filter(pk__in=ids).values_list("pk", "name"))


def grouped_rows_html(rows, urls, *, form=None, select=False, group="", meeting_names=None):
    """Rows of a list, with a heading where the meeting (or the owners) change."""
    html, last = [], object()
    for row in rows:
        if group == "meeting":
            key = row.meeting.pk
            if key != last:
                name = escape((meeting_names or {}).get(key, "") or "Meeting")
                _, short_date, _ = urls.dates(row.raised)
                html.append(
                    f'<li class="group-heading"><a href="{urls.meeting(key)}">{name}</a>'
                    f' <span class="hint">· raised {short_date}</span></li>'
                )
        else:
            # "All" and "all" are one group, as one person under two spellings is.
            key = tuple(o.person.handle if o.person else o.name.casefold() for o in row.row_owners)
            if key != last:
                html.append(f'<li class="group-heading">{owners_html(row, urls)}</li>')
        last = key
        html.append(row_html(row, urls, form=form, select=select))
    return "\n".join(html)


def row_html(item, urls, *, form=None, select=False):
    """An item as one row of a list: its text, owners, age, teams, and status.

    ``select``: with a checkbox for the list's bulk form (signed-in users, actions).
    """
    pk = item.pk
    meeting = item.meeting
    teams = "".join(
        f'· <a class="team" href="{urls.team(team.slug)}">{escape(team.name)}</a> '
        for team in meeting.row_teams
    )
    long_date, short_date, age = urls.dates(item.raised)
    # "Open since" only while it is open: a closed item was raised then.
    since = "open since" if item.status in STILL_OPEN else "raised"
    mentions = f"· in {item.mention_count} meetings" if item.mention_count > 1 else ""
    removed = ' <span class="tag">no longer in the minutes</span>' if item.removed else ""
    stale = ""
    if is_stale(item, urls):
        last = urls.dates(item.last_raised or item.raised)[1]
        stale = (
            f'· <span class="tag tag-stale" title="raised in no meeting since {last}">'
            "stale</span>\n"
        )
    checkbox = select_html(item) if select and form and item.kind == Item.Kind.ACTION else ""
    return (
        f'<li class="item{" item-removed" if item.removed else ""}" data-item="{pk}">\n'
        f"{checkbox}"
        '<div class="item-body">\n'
        f'<div class="item-text md">{markdown.render(item.text)}</div>\n'
        '<p class="item-meta">\n'
        f'<a class="item-link" href="{urls.item(pk)}" aria-label="Item {pk}">#{pk}</a>\n'
        f"· {owners_html(item, urls)}\n"
        f'· <span title="first raised {long_date}">{since} '
        f'<a href="{urls.meeting(meeting.pk)}">{short_date}</a> ({age})</span>\n'
        f"{teams}{mentions}{' ·' + removed if removed else ''}\n{stale}"
        "</p>\n</div>\n"
        f"{status_html(item, urls, form=form)}\n"
        "</li>"
    )


def mention_html(mention, meeting, urls, *, form=None, source=""):
    """An action item as the meeting's page lists it: the words this meeting wrote, its
    owners and status, how long it has been open when an earlier meeting raised it, and
    ``source``: a link to its line in the minutes' repository, if any."""
    item = mention.item
    pk = item.pk
    since = ""
    if item.raised < meeting.date and item.kind == Item.Kind.ACTION and item.status in STILL_OPEN:
        _, short_date, age = urls.dates(item.raised)
        since = f'· open since <a href="{urls.item(pk)}">{short_date}</a> ({age})\n'
    return (
        f'<li class="item" id="L{mention.line}" data-item="{pk}">\n'
        '<div class="item-body">\n'
        f'<div class="item-text md">{markdown.render(mention.text)}</div>\n'
        '<p class="item-meta">\n'
        f'<a class="item-link" href="{urls.item(pk)}" aria-label="Item {pk}">#{pk}</a>\n'
        f"· {owners_html(item, urls)}\n{since}"
        f"{f'· {source}' if source else ''}\n"
        "</p>\n</div>\n"
        f"{status_html(item, urls, form=form)}\n"
        "</li>"
    )


def meeting_link_html(meeting, urls):
    """A meeting in a list of recent ones: "12 Jan 2024: its title", or the name it is
    called by (which says the date)."""
    when = f"{urls.dates(meeting.date)[1]}: " if meeting.title else ""
    return f'<li><a href="{urls.meeting(meeting.pk)}">{when}{escape(str(meeting))}</a></li>'


def person_row_html(person, urls):
    """A person as a row of the people list: handle, name, open items owned by name, and
    meetings attended (their kept counts)."""
    handle = escape(person.handle)
    items = (
        f'<a href="{escape(urls.items(owner=person.handle))}">{person.open_items}</a>'
        if person.open_items
        else "0"
    )
    return (
        f'<tr data-person="{handle}">'
        f'<td><a href="{urls.person(person.slug)}">{handle}</a></td>'
        f"<td>{escape(person.name)}</td>"
        f'<td class="number">{items}</td>'
        f'<td class="number">{person.meetings_attended}</td></tr>'
    )

"""A person's items where they already look: an Atom feed (theirs, or a team's) and a
calendar of their open items as to-dos.

Each is behind the person's secret token (``Person.feed_token``): a reader or a
calendar fetches it without logging in; a token unknown or reset answers 404
and nothing else.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe
from icalendar import Calendar, Todo

from meetings.markdown import plain
from meetings.models import Item, Person, Team
from meetings.views.common import own_person

# How many items a feed carries: the most recently changed or raised.
FEED_ITEMS = 50


def person_of(token):
    if not token:
        raise Http404
    return get_object_or_404(Person, feed_token=token)


def latest_first(items):
    """New and changed first: by the last status change, else when last raised."""
    return items.select_related("meeting").order_by(
        F("status_changed").desc(nulls_last=True), "-last_raised", "-pk"
    )[:FEED_ITEMS]


class ItemsFeed(Feed):
    """A person's items, new and changed first."""

    feed_type = Atom1Feed

    def get_object(self, request, token):
        return person_of(token)

    def title(self, person):
        return f"{person.handle}'s items · Minutes tracker"

    def link(self, person):
        return person.get_absolute_url()

    def subtitle(self, person):
        return f"The action items {person.handle} owns, new and changed first."

    def items(self, person):
        return latest_first(Item.objects.actions().in_minutes().owned_by(person))

    def item_title(self, item):
        return Truncator(plain(item.text)).chars(100)

    def item_description(self, item):
        return f"{item.get_status_display()} · raised {item.raised:%d %b %Y} · {item.meeting}"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.status_changed or self.item_pubdate(item)

    def item_pubdate(self, item):
        # When the meeting raised it, not when its minutes were imported: a reader
        # shows two years of minutes imported today as two years, not as today's news.
        meeting = item.meeting
        return meeting.datetime or timezone.make_aware(dt.datetime.combine(meeting.date, dt.time()))


class TeamItemsFeed(ItemsFeed):
    """A team's items, new and changed first, for a person who follows it."""

    def get_object(self, request, token, slug):
        person_of(token)
        return get_object_or_404(Team, slug=slug)

    def title(self, team):
        return f"{team}'s items · Minutes tracker"

    def link(self, team):
        return team.get_absolute_url()

    def subtitle(self, team):
        return f"The action items of {team}, new and changed first."

    def items(self, team):
        return latest_first(Item.objects.actions().in_minutes().of_team(team))


ICAL_STATUS = {Item.Status.OPEN: "NEEDS-ACTION", Item.Status.IN_PROGRESS: "IN-PROCESS"}


@require_safe
def calendar(request, token):
    """The person's open items as to-dos (VTODO) for a calendar that subscribes to the URL."""
    person = person_of(token)
    site = request.build_absolute_uri("/").rstrip("/")
    host = request.get_host().split(":")[0]
    cal = Calendar()
    cal.add("prodid", "-//Minutes tracker//items//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{person.handle}'s items")
    now = timezone.now()
    for item in Item.objects.open().in_minutes().owned_by(person).order_by("raised", "pk"):
        todo = Todo()
        todo.add("uid", f"item-{item.pk}@{host}")
        todo.add("dtstamp", now)
        todo.add("created", item.raised)
        todo.add("summary", Truncator(plain(item.text)).chars(200))
        todo.add("description", plain(item.text))
        todo.add("status", ICAL_STATUS[item.status])
        todo.add("url", f"{site}{item.get_absolute_url()}")
        cal.add_component(todo)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{person.slug}-items.ics"'
    return response


@login_required
@require_POST
def reset_token(request, slug):
    """A person makes (or makes anew) the secret of their feed URLs: only they may."""
    person = own_person(request, slug)
    had = bool(person.feed_token)
    person.reset_feed_token()
    if had:
        messages.success(request, "Your feed links are new: the old ones no longer work.")
    else:
        messages.success(request, "Your feed links are ready.")
    return redirect(person)

"""Linking two items that were one task all along, and splitting off a wrong link.

What a person decides on the item page or the review list, and what the
importer does when a later line says a closed item is open again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from meetings.models import Candidate, Event, Item, Link, Owner, Ownership, Verdict, name_key
from meetings.people import resolve


@transaction.atomic
def link(earlier, later, user):
    """``later`` was ``earlier`` all along: its mentions and history join ``earlier``.

    The owners become those of whichever item the minutes wrote last.
    """
    text = f"Linked #{later.pk} “{later.text[:80]}” into this item."
    reopened = later.is_open and not earlier.is_open
    if (later.last_raised or later.raised) > (earlier.last_raised or earlier.raised):
        earlier.owners.all().delete()
        later.owners.update(item=earlier)
    later.mentions.update(item=earlier, reason=f"linked by {user}", score=None)
    later.status_changes.update(item=earlier)
    later.events.update(item=earlier)
    later.done_suggestions.update(item=earlier)
    existing = set(earlier.link_rows.values_list("url", flat=True))
    later.link_rows.exclude(url__in=existing).update(item=earlier)
    _take_over_candidates(earlier, later)
    later.delete()
    Event.objects.create(item=earlier, kind=Event.Kind.LINKED, text=text, user=user)
    Item.objects.filter(pk=earlier.pk).refresh_from_mentions()
    Ownership.objects.keep([earlier.pk])
    earlier.refresh_from_db()
    if reopened:
        # The later minutes still had it open: the task is not done.
        earlier.set_status(user, Item.Status.OPEN, f"Linked with #{later.pk}, open there.")


def accept(candidate, user):
    """They are the same: the later item joins the earlier one (and the candidate goes)."""
    link(candidate.earlier, candidate.later, user)


def _take_over_candidates(earlier, later):
    """Look-alikes of ``later`` still pending become look-alikes of ``earlier``."""
    pending = Candidate.objects.filter(Q(earlier=later) | Q(later=later), state=Verdict.PENDING)
    for candidate in pending:
        if candidate.earlier_id == later.pk:
            candidate.earlier = earlier
        if candidate.later_id == later.pk:
            candidate.later = earlier
        if candidate.earlier.raised > candidate.later.raised:
            # Still named for when the two were raised.
            candidate.earlier, candidate.later = candidate.later, candidate.earlier
        already = Candidate.objects.filter(earlier=candidate.earlier, later=candidate.later)
        if candidate.earlier_id == candidate.later_id or already.exists():
            continue  # goes with ``later``
        candidate.save(update_fields=["earlier", "later"])


@transaction.atomic
def split(item, mention, user):
    """Undo a wrong link: the mention becomes an item of its own. Returns the new item."""
    if mention.item_id != item.pk or item.mentions.count() < 2:
        raise ValueError("only a mention of this item, and not its only one, can be split off")
    new = Item.objects.create(
        kind=item.kind,
        text=mention.text,
        meeting=mention.meeting,
        raised=mention.meeting.date,
        last_raised=mention.meeting.date,
        status=Item.Status.OPEN,
    )
    mention.item = new
    mention.reason = f"split off by {user}"
    mention.score = None
    mention.save(update_fields=["item", "reason", "score"])
    Owner.objects.bulk_create(
        Owner(item=new, name=name, key=name_key(name), position=position)
        for position, name in enumerate(mention.owners)
    )
    Link.objects.bulk_create(Link(item=new, url=row.url) for row in item.link_rows.all())
    Event.objects.bulk_create(
        [
            Event(
                item=item,
                kind=Event.Kind.SPLIT,
                user=user,
                text=f"Split off the mention of {mention.meeting.date} as #{new.pk}.",
            ),
            Event(
                item=new,
                kind=Event.Kind.SPLIT,
                user=user,
                text=f"Split off #{item.pk} “{item.text[:80]}”.",
            ),
        ]
    )
    Item.objects.filter(pk__in=[item.pk, new.pk]).refresh_from_mentions()
    # Who the split-off owners are, as an import would say.
    resolve(meetings=[mention.meeting], keys={name_key(name) for name in mention.owners})
    Ownership.objects.keep([item.pk, new.pk])
    item.refresh_from_db()
    return new


def reopen(items, meeting):
    """Closed items a later meeting's line says are open again: open, and the history says so."""
    for item in items:
        if not item.is_open:
            item.set_status(None, Item.Status.OPEN, f"Reopened by the minutes of {meeting.date}.")

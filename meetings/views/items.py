import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from meetings.csvcells import joined, neutralise
from meetings.filters import ItemFilter
from meetings.forms import StatusForm
from meetings.markdown import plain
from meetings.models import Candidate, Item, Mention, Owner, Person, Verdict
from meetings.views.common import (
    linked_person,
    may_decide,
    next_url,
    paginate,
    reader_required,
    render_page,
)

CSV_COLUMNS = [
    "id",
    "meeting_date",
    "teams",
    "owners",
    "owners_as_written",
    "text",
    "status",
    "first_raised",
    "mentions",
    "url",
]


@require_safe
@reader_required
def items(request):
    filterset = ItemFilter(request.GET, queryset=Item.objects.for_rows(), request=request)
    if request.GET.get("format") == "csv":
        return items_csv(request, filterset)
    shown = filterset.qs if filterset.is_valid() else Item.objects.none()
    context = {
        "filterset": filterset,
        "page": paginate(request, shown),
        "people": Person.objects.only("handle"),
    }
    return render_page(request, "meetings/items.html", "meetings/_item_results.html", context)


class Echo:
    """A file whose writes return the text written, to stream csv rows."""

    def write(self, value):
        return value


def items_csv(request, filterset):
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
        return HttpResponseBadRequest(f"Invalid filters: {errors}\n", content_type="text/plain")
    rows = filterset.qs.iterator(chunk_size=2000)
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for item in rows:
            yield writer.writerow(csv_row(request, item))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="items.csv"'
    return response


def csv_row(request, item):
    owners = item.owners.all()
    # Every cell the minutes wrote is neutralised: a name or a task may begin with "=".
    return [
        item.pk,
        (item.last_raised or item.raised).isoformat(),
        joined(team.name for team in item.meeting.teams.all()),
        joined(owner.person.handle for owner in owners if owner.person),
        joined(owner.name for owner in owners),
        neutralise(item.text),
        item.status,
        item.raised.isoformat(),
        item.mention_count,
        neutralise(request.build_absolute_uri(item.get_absolute_url())),
    ]


MENTION_COLUMNS = [
    "item_id",
    "meeting_date",
    "source",
    "line",
    "owners_as_written",
    "text",
    "link_reason",
    "score",
]


@require_safe
@reader_required
def mentions_csv(request):
    """Where each item was raised: one row per line of the minutes, filtered as ``/items/``."""
    filterset = ItemFilter(request.GET, queryset=Item.objects.all(), request=request)
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
        return HttpResponseBadRequest(f"Invalid filters: {errors}\n", content_type="text/plain")
    mentions = (
        Mention.objects.filter(item__in=filterset.qs.values("pk"), removed=False)
        .order_by("item_id", "meeting__date", "position")
        .values_list(
            "item_id",
            "meeting__date",
            "meeting__source",
            "line",
            "owners",
            "text",
            "reason",
            "score",
        )
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(MENTION_COLUMNS)
        for item_id, date, source, line, owners, text, reason, score in mentions:
            yield writer.writerow(
                [
                    item_id,
                    date.isoformat(),
                    neutralise(source),
                    line,
                    joined(owners),
                    neutralise(text),
                    neutralise(reason),
                    "" if score is None else f"{score:.0f}",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentions.csv"'
    return response


@require_safe
@reader_required
def item(request, pk):
    item = get_object_or_404(shown_item(request.user), pk=pk)
    context = item_context(item, me=linked_person(request.user))
    return render_page(request, "meetings/item.html", "meetings/_history.html", context)


def shown_item(user):
    """Items as their page shows them, with whether ``user`` may decide about each."""
    return Item.objects.for_rows().annotate(may_decide=may_decide(user))


def item_context(item, me=None, **extra):
    """What the item page shows: its mentions, open questions about it, its history.

    ``me`` is the person the user is: an owner that could be them, they may say who it is.
    """
    mentions = list(item.mentions.select_related("meeting"))
    owners = Owner.objects.select_related("person")
    pending = (
        Candidate.objects.filter(Q(earlier=item) | Q(later=item), state=Verdict.PENDING)
        .select_related("earlier__meeting", "later__meeting")
        .prefetch_related(
            Prefetch("earlier__owners", queryset=owners),
            Prefetch("later__owners", queryset=owners),
        )
    )
    suggestions = []
    if item.is_open:
        suggestions = item.done_suggestions.filter(state=Verdict.PENDING).select_related("meeting")
    owner_rows = list(item.owners.all())  # prefetched with their people by for_rows()
    could_be = Person.objects.in_bulk({pk for o in owner_rows for pk in o.candidates})
    correctable = [may_correct(item, o, me) for o in owner_rows]
    return {
        "item": item,
        "owner_rows": [
            (o, [could_be[pk] for pk in o.candidates if pk in could_be], may)
            for o, may in zip(owner_rows, correctable, strict=True)
        ],
        "handles": Person.objects.values_list("handle", flat=True) if any(correctable) else [],
        "mentions": mentions,
        # Where the item was first raised: the line that the item page points at.
        "source": next((m for m in mentions if m.meeting_id == item.meeting_id), None),
        # Splitting off leaves the item at least one mention.
        "splittable": item.may_decide and len(mentions) > 1,
        # Possibly the same: each pending candidate with the item on its other side.
        "candidates": [(c, c.later if c.earlier_id == item.pk else c.earlier) for c in pending],
        "suggestions": suggestions,
        "history": history(item),
        # Forms on the page come back to it, also when a POST rendered it for htmx.
        "next": item.get_absolute_url(),
        **extra,
    }


def may_correct(item, owner, me):
    """Who may say who an owner is: the item's owners and staff, and whom it could be."""
    if owner.is_group:
        return False
    return bool(item.may_decide) or (me is not None and me.pk in owner.candidates)


def history(item):
    """Status changes and the other events of the item, in time order: (kind, entry) pairs."""
    changes = [("status", c) for c in item.status_changes.select_related("user__person")]
    events = [("event", e) for e in item.events.select_related("user__person")]
    return sorted(changes + events, key=lambda pair: pair[1].created)


@login_required
@require_POST
def item_status(request, pk):
    """Change an item's status, unless someone changed it since the user looked."""
    with transaction.atomic():
        item = get_object_or_404(Item.objects.actions().select_for_update(), pk=pk)
        form = StatusForm(item, request.POST)
        if form.is_valid():
            item.set_status(request.user, form.cleaned_data["status"], form.cleaned_data["note"])
    back = next_url(request, item.get_absolute_url())

    if request.htmx:
        response = render(
            request,
            "meetings/_item_status.html",
            {
                "item": item,
                "errors": form.non_field_errors(),
                "next": back,
                "saved": not form.errors,
            },
        )
        if not form.errors:
            trigger_client_event(response, "status-changed")
        return response
    if not form.errors:
        text = Truncator(plain(item.text)).chars(80)
        messages.success(request, f"Marked “{text}” as {item.get_status_display().lower()}.")
    elif form.is_stale:
        messages.warning(request, " ".join(form.non_field_errors()))
    else:
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "The status was not changed: " + " ".join(problems))
    return redirect(back)

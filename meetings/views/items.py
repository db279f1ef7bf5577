import csv
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from meetings.csvcells import joined, neutralise
from meetings.filters import ItemFilter
from meetings.forms import StatusForm
from meetings.markdown import plain
from meetings.models import (
    HANDLE_MENTION,
    Candidate,
    Item,
    Meeting,
    Mention,
    Owner,
    Person,
    Team,
    Verdict,
    name_key,
)
from meetings.rows import Urls
from meetings.views.common import (
    linked_person,
    may_decide,
    next_url,
    paginate,
    partial_wanted,
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
    if request.GET.get("format") == "csv":
        return items_csv(request, ItemFilter(request.GET, request=request))
    filterset = ItemFilter(request.GET, queryset=Item.objects.for_rows(), request=request)
    shown = filterset.qs if filterset.is_valid() else Item.objects.none()
    context = {
        "filterset": filterset,
        "page": paginate(request, shown, counted=filterset.counted),
        "people": Person.objects.values_list("handle", flat=True),
    }
    if not partial_wanted(request):
        context["filters_key"] = filters_key(request)
    return render_page(request, "meetings/items.html", "meetings/_item_results.html", context)


def filters_key(request):
    """What the filter form shows: the query, and the teams and people it offers.

    Counting teams and people (and the newest of each) is one small query, in
    place of reading them all; a renamed team shows within the five minutes it is kept.
    """
    query = request.GET.copy()
    query.pop("page", None)
    return f"{query.urlencode()}|{'|'.join(str(value) for value in directory_size())}"


def directory_size():
    """How many people and teams there are, and the newest of each: in one query."""
    quote = connection.ops.quote_name
    parts = []
    for model in (Person, Team):
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({pk}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return cursor.fetchone()


class Echo:
    """A file whose writes return the text written, to stream csv rows."""

    def write(self, value):
        return value


def items_csv(request, filterset):
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
        return HttpResponseBadRequest(f"Invalid filters: {errors}\n", content_type="text/plain")
    site = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        csv_lines(filterset.qs, site), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="items.csv"'
    return response


CSV_CHUNK = 2000


def csv_lines(items, site):
    """The CSV of ``items``, streamed: a server-side cursor over their columns, and for
    each chunk of rows its owners and teams in two queries, as plain tuples (building
    model instances for 20,000 rows cost more than everything else)."""
    writer = csv.writer(Echo())
    urls = Urls()
    yield writer.writerow(CSV_COLUMNS)
    columns = items.values_list(
        "pk", "last_raised", "raised", "meeting_id", "text", "status", "mention_count"
    )
    chunk = []
    for row in columns.iterator(chunk_size=CSV_CHUNK):
        chunk.append(row)
        if len(chunk) == CSV_CHUNK:
            yield from csv_rows(chunk, writer, urls, site)
            chunk = []
    yield from csv_rows(chunk, writer, urls, site)


def csv_rows(chunk, writer, urls, site):
    if not chunk:
        return
    owners, teams = defaultdict(list), defaultdict(list)
    written = Owner.objects.filter(item__in=[row[0] for row in chunk]).order_by(
        "item_id", "position"
    )
    for item_id, name, handle in written.values_list("item", "name", "person__handle"):
        owners[item_id].append((name, handle))
    meetings = Meeting.teams.through.objects.filter(meeting__in={row[3] for row in chunk})
    for meeting_id, team in meetings.order_by("team__name").values_list("meeting", "team__name"):
        teams[meeting_id].append(team)
    lines = []
    for pk, last_raised, raised, meeting_id, text, status, mentions in chunk:
        names = owners[pk]
        # Every cell the minutes wrote is neutralised: a name or a task may begin with "=".
        lines.append(
            writer.writerow(
                [
                    pk,
                    (last_raised or raised).isoformat(),
                    joined(teams[meeting_id]),
                    joined(handle for _, handle in names if handle),
                    joined(name for name, _ in names),
                    neutralise(text),
                    status,
                    raised.isoformat(),
                    mentions,
                    neutralise(f"{site}{urls.item(pk)}"),
                ]
            )
        )
    # One piece of the response per chunk: encoding and sending row by row cost more.
    yield "".join(lines)


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
    return Item.objects.for_page().annotate(may_decide=may_decide(user))


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
    owner_rows = item.row_owners  # read with their people by for_page()
    could_be = Person.objects.in_bulk({pk for o in owner_rows for pk in o.candidates})
    correctable = [may_correct(item, o, me) for o in owner_rows]
    return {
        "item": item,
        "owner_rows": [
            (o, [could_be[pk] for pk in o.candidates if pk in could_be], may)
            for o, may in zip(owner_rows, correctable, strict=True)
        ],
        "handles": (
            Person.objects.values_list("handle", flat=True)
            if any(correctable) or item.may_decide
            else []
        ),
        "current_owners": ", ".join(o.person.handle for o in owner_rows if o.person),
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
    """Status changes, comments and the other events of the item, in time order:
    (kind, entry) pairs. A comment's ``html`` links the people it names (``@handle``)."""
    changes = [("status", c) for c in item.status_changes.select_related("user__person")]
    events = [("event", e) for e in item.events.select_related("user__person")]
    comments = list(item.comments.select_related("user__person"))
    named = {name_key(h) for comment in comments for h in comment.handles()}
    people = {p.key: p for p in Person.objects.filter(key__in=named)} if named else {}
    for comment in comments:
        comment.html = comment_html(comment.text, people)
    said = [("comment", c) for c in comments]
    return sorted(changes + events + said, key=lambda pair: pair[1].created)


def comment_html(text, people):
    """A comment as HTML: its text escaped, its lines kept, ``@handle`` linked to the person."""

    def mention(found):
        person = people.get(name_key(found.group(1)))
        if person is None:
            return found.group(0)
        url = escape(person.get_absolute_url())
        return f'<a class="mention" href="{url}">@{escape(person.handle)}</a>'

    linked = HANDLE_MENTION.sub(mention, escape(text))
    return mark_safe(linebreaksbr(linked, autoescape=False))


def change_status(user, pk, data):
    """Change action item ``pk``'s status as ``data`` (a ``StatusForm``'s) asks, the item
    locked meanwhile: the page's and the API's one way. Returns the item and the form,
    whose errors say why nothing changed (``form.is_stale``: someone changed it since)."""
    with transaction.atomic():
        item = get_object_or_404(Item.objects.actions().select_for_update(), pk=pk)
        form = StatusForm(item, data)
        if form.is_valid():
            item.set_status(user, form.cleaned_data["status"], form.cleaned_data["note"])
    return item, form


@login_required
@require_POST
def item_status(request, pk):
    """Change an item's status, unless someone changed it since the user looked."""
    item, form = change_status(request.user, pk, request.POST)
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

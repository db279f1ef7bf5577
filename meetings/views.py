import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F, Func, OuterRef, Prefetch, Subquery
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from meetings.filters import ItemFilter, MeetingFilter
from meetings.forms import ClaimPersonForm, StatusForm
from meetings.models import (
    Item,
    Meeting,
    Mention,
    Owner,
    Participant,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
    name_key,
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

# Anyone may read a public tracker; otherwise reading, like changing, needs an account.
reader_required = user_passes_test(
    lambda user: settings.TRACKER_PUBLIC_READ or user.is_authenticated
)


def linked_person(user):
    """The person a user is in the minutes, or None."""
    return getattr(user, "person", None)


def partial_wanted(request):
    # A history restore asks for the whole page, though htmx sends it.
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(request, template, partial, context):
    """The full page, or for htmx the part of it that the request swaps."""
    response = render(request, partial if partial_wanted(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def paginate(request, queryset):
    return Paginator(queryset, settings.TRACKER_PAGE_SIZE).get_page(request.GET.get("page"))


def count_of(queryset):
    """How many distinct rows a correlated queryset has, as a subquery.

    Unlike Count() over a join, it is computed only for the rows shown (a page).
    """
    count = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Subquery(queryset.order_by().annotate(count=count).values("count"))


@require_safe
@reader_required
def home(request):
    person = linked_person(request.user)
    mine = None
    if person:
        mine = Item.objects.open().in_minutes().of_owner(person.handle).for_rows()
    open_items = Item.objects.open().in_minutes().filter(meeting__teams=OuterRef("pk"))
    context = {
        "person": person,
        "mine": mine[: settings.TRACKER_PAGE_SIZE] if mine is not None else None,
        "claim_form": (
            ClaimPersonForm(initial=claim_guess(request.user))
            if request.user.is_authenticated and person is None
            else None
        ),
        "meetings": Meeting.objects.prefetch_related("teams")[:10],
        "teams": Team.objects.annotate(open_items=count_of(open_items)),
    }
    return render(request, "meetings/home.html", context)


def claim_guess(user):
    """The unclaimed person whose handle is the user's name, to preselect."""
    guess = Person.objects.filter(user__isnull=True, key=name_key(user.get_username())).first()
    return {"person": guess} if guess else {}


@login_required
def claim(request):
    """A user without a person chooses theirs, once."""
    if linked_person(request.user):
        messages.info(request, f"You are {request.user.person.handle} in the minutes already.")
        return redirect("meetings:home")
    form = ClaimPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["person"]
        try:
            with transaction.atomic():
                # Only while it is still unclaimed: two people may choose at once.
                linked = Person.objects.filter(pk=chosen.pk, user__isnull=True).update(
                    user=request.user
                )
        except IntegrityError:  # this user linked in another tab meanwhile
            return redirect("meetings:home")
        if linked:
            messages.success(request, f"Welcome, {chosen.handle}: these are your items.")
            return redirect("meetings:home")
        form.add_error("person", "Someone else has just chosen this handle.")
    return render(request, "meetings/claim.html", {"form": form})


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
    rows = filterset.qs.with_last_mentioned().iterator(chunk_size=2000)
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
    return [
        item.pk,
        (item.last_mentioned or item.raised).isoformat(),
        ";".join(team.name for team in item.meeting.teams.all()),
        ";".join(owner.person.handle for owner in owners if owner.person),
        ";".join(owner.name for owner in owners),
        item.text,
        item.status,
        item.raised.isoformat(),
        item.mention_count,
        request.build_absolute_uri(item.get_absolute_url()),
    ]


@require_safe
@reader_required
def item(request, pk):
    item = get_object_or_404(Item.objects.for_rows(), pk=pk)
    mentions = list(item.mentions.select_related("meeting"))
    context = {
        "item": item,
        "mentions": mentions,
        # Where the item was first raised: the line that the item page points at.
        "source": next((m for m in mentions if m.meeting_id == item.meeting_id), None),
        "changes": item.status_changes.select_related("user__person"),
    }
    return render_page(request, "meetings/item.html", "meetings/_history.html", context)


@login_required
@require_POST
def item_status(request, pk):
    """Change an item's status, unless someone changed it since the user looked."""
    with transaction.atomic():
        item = get_object_or_404(Item.objects.actions().select_for_update(), pk=pk)
        form = StatusForm(item, request.POST)
        if form.is_valid():
            item.set_status(request.user, form.cleaned_data["status"], form.cleaned_data["note"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = item.get_absolute_url()

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
        messages.success(request, f"Marked “{item}” as {item.get_status_display().lower()}.")
    elif form.is_stale:
        messages.warning(request, " ".join(form.non_field_errors()))
    else:
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "The status was not changed: " + " ".join(problems))
    return redirect(back)


@require_safe
@reader_required
def meetings(request):
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.prefetch_related("teams"))
    shown = filterset.qs if filterset.is_valid() else Meeting.objects.none()
    actions = Mention.objects.filter(
        meeting=OuterRef("pk"), removed=False, item__kind=Item.Kind.ACTION
    )
    shown = shown.annotate(actions=count_of(actions))
    context = {"filterset": filterset, "page": paginate(request, shown)}
    return render_page(request, "meetings/meetings.html", "meetings/_meeting_results.html", context)


@require_safe
@reader_required
def meeting(request, pk):
    statements = Statement.objects.prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.select_related("person"))
    )
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related(
            "teams",
            "agenda",
            Prefetch("participations", queryset=Participant.objects.select_related("person")),
            Prefetch(
                "topics",
                queryset=Topic.objects.prefetch_related(
                    Prefetch("statements", queryset=statements)
                ),
            ),
        ),
        pk=pk,
    )
    mentions = (
        meeting.mentions.filter(removed=False)
        .select_related("item")
        .prefetch_related(Prefetch("item__owners", queryset=Owner.objects.select_related("person")))
        .order_by("position")
    )
    context = {
        "meeting": meeting,
        "actions": [m for m in mentions if m.item.kind == Item.Kind.ACTION],
        "decisions": [m for m in mentions if m.item.kind == Item.Kind.DECISION],
    }
    return render(request, "meetings/meeting.html", context)


@require_safe
@reader_required
def people(request):
    # Open items owned by name: items of a group ("Everyone") would add the same
    # number to everyone at a meeting, and cost a join per person.
    named = Item.objects.open().in_minutes().filter(owners__person=OuterRef("pk"))
    everyone = Person.objects.annotate(
        open_items=count_of(named),
        meetings_attended=count_of(Participant.objects.filter(person=OuterRef("pk"))),
    )
    return render(request, "meetings/people.html", {"people": everyone})


@require_safe
@reader_required
def person(request, handle):
    person = get_object_or_404(Person, key=name_key(handle))
    shown = Item.objects.open().in_minutes().of_owner(person.handle).for_rows()
    context = {
        "person": person,
        "page": paginate(request, shown),
        "meetings": person.meetings.prefetch_related("teams").order_by("-date")[:10],
        "teams": person.teams(),
    }
    return render_page(request, "meetings/person.html", "meetings/_item_page.html", context)


@require_safe
@reader_required
def team(request, slug):
    team = get_object_or_404(Team, slug=slug)
    shown = Item.objects.open().in_minutes().of_team(team).for_rows()
    context = {
        "team": team,
        "groups": by_owner(shown),
        # A long group shows its oldest items and links to the rest.
        "per_group": settings.TRACKER_PAGE_SIZE,
        "meetings": team.meetings.order_by("-date")[:5],
    }
    return render(request, "meetings/team.html", context)


def by_owner(items):
    """Items grouped by who owns them: people, names not yet resolved, groups, nobody.

    An item with two owners is in both groups. Returns (label, person, items) triples.
    """
    groups = {}
    for item in items:
        owners = item.owners.all() or [None]
        for owner in owners:
            if owner is None:
                key, label, person = (3, ""), "No owner", None
            elif owner.person:
                key, label, person = (0, owner.person.key), owner.person.handle, owner.person
            else:
                key, label, person = (2 if owner.is_group else 1, owner.key), owner.name, None
            groups.setdefault(key, (label, person, []))[2].append(item)
    return [groups[key] for key in sorted(groups)]

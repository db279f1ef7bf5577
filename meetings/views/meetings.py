from django.db.models import OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from meetings.filters import MeetingFilter
from meetings.models import (
    Item,
    Meeting,
    Mention,
    Owner,
    Participant,
    Speaker,
    Statement,
    Topic,
)
from meetings.views.common import (
    BoundedPaginator,
    count_of,
    paginate,
    reader_required,
    render_page,
)


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
        Meeting.objects.select_related("import_log__user__person").prefetch_related(
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
    context["carried_over"], context["carried_over_count"] = carried_over(meeting)
    return render(request, "meetings/meeting.html", context)


CARRIED_OVER_SHOWN = 25
# Counted up to: "the oldest 25 of more than 100" says enough on a meeting's page,
# which links to all of them; counting to a thousand read as many rows on every visit.
CARRIED_OVER_COUNTED = 100


def carried_over(meeting):
    """The open items of earlier meetings of the same teams that this meeting left unsaid,
    the oldest 25 of them, and how many there are (a BoundedPaginator: ``count``, ``shown``).

    Oldest first. The items are open now: one closed since is not listed, even
    on the page of a meeting from before it was closed.
    """
    teams = list(meeting.teams.all())
    if not teams:
        return [], None
    said = Mention.objects.filter(meeting=meeting, removed=False).values("item")
    items = (
        Item.objects.open()
        .in_minutes()
        .of_teams(teams, before=meeting.date)
        .exclude(pk__in=said)
        .order_by("raised", "pk")
    )
    # A team that never closes anything has thousands: the oldest, and how many,
    # counted up to a bound (BoundedPaginator's), as the lists count.
    shown = list(items.for_rows()[:CARRIED_OVER_SHOWN])
    counted = BoundedPaginator(items, CARRIED_OVER_SHOWN)
    counted.bound = CARRIED_OVER_COUNTED
    if len(shown) < CARRIED_OVER_SHOWN:
        counted.count = len(shown)  # all there are: no need to count
    return shown, counted

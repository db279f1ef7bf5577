from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from meetings import rows
from meetings.filters import MeetingFilter
from meetings.models import Item, Meeting, Mention
from meetings.views.common import (
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
    # Who uploaded the minutes is shown to maintainers only: the others' page joins less.
    log = "import_log__user__person" if request.user.is_staff else "import_log"
    meeting = get_object_or_404(
        Meeting.objects.select_related(log).defer("text", "warnings"), pk=pk
    )
    teams = list(meeting.teams.all())
    mentions = list(
        meeting.mentions.filter(removed=False)
        .order_by("position")
        .values_list("item_id", "item__kind", "text", "line", named=True)
    )
    carried = carried_over(meeting, teams, said=[m.item_id for m in mentions])
    shown = carried[:CARRIED_OVER_SHOWN]
    actions = [m for m in mentions if m.item__kind == Item.Kind.ACTION]
    # The rows of both lists, their owners and teams: three queries.
    read = Item.objects.for_rows().filter(pk__in=[m.item_id for m in actions] + shown)
    read = {row.pk: row for row in rows.read(read)}
    context = {
        "meeting": meeting,
        "teams": teams,
        "actions": [rows.Said(m.line, m.text, read[m.item_id]) for m in actions],
        "decisions": [m for m in mentions if m.item__kind == Item.Kind.DECISION],
        "carried_over": [read[pk] for pk in shown],
        "carried_over_more": len(carried) > len(shown),
        "carried_over_count": (
            f"more than {CARRIED_OVER_COUNTED}"
            if len(carried) > CARRIED_OVER_COUNTED
            else f"{len(carried):,}"
        ),
    }
    return render(request, "meetings/meeting.html", context)


CARRIED_OVER_SHOWN = 25
# Counted up to: "the oldest 25 of more than 100" says enough on a meeting's page,
# which links to all of them; counting to a thousand read as many rows on every visit.
CARRIED_OVER_COUNTED = 100


def carried_over(meeting, teams, said):
    """The open items of earlier meetings of the same teams that this meeting left unsaid
    (``said``: the ids of the items it writes), oldest first: the ids of the oldest 101 at
    most (25 are shown, and "more than 100" said).

    The items are open now: one closed since is not listed, even on the page of a
    meeting from before it was closed.
    """
    if not teams:
        return []
    items = (
        Item.objects.open()
        .in_minutes()
        .of_teams(teams, before=meeting.date)
        .exclude(pk__in=said)
        .order_by("raised", "pk")
    )
    # A team that never closes anything has thousands: the ids alone, up to the bound.
    return list(items.values_list("pk", flat=True)[: CARRIED_OVER_COUNTED + 1])

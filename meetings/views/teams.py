from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe

from meetings.charts import team_charts
from meetings.models import Item, Team
from meetings.next_minutes import next_minutes, upcoming_date
from meetings.views.common import paginate, partial_wanted, reader_required, render_page


@require_safe
@reader_required
def team(request, slug):
    team = get_object_or_404(Team, slug=slug)
    shown = Item.objects.open().in_minutes().of_team(team).for_rows()
    context = {
        "team": team,
        "page": paginate(request, shown, counted=team.open_items),
        "meetings": team.meetings.order_by("-date").only("date", "title", "name", "source")[:5],
        # "Select all" of the bulk form: the same items, as the items list's filter.
        "bulk_filter": urlencode({"team": team.slug}),
        "empty": "No open items. Well done.",
    }
    if not partial_wanted(request):  # a page of the list swapped in: the charts stay
        context["charts"] = team_charts(team)
    return render_page(request, "meetings/team.html", "meetings/_item_page.html", context)


@require_safe
@reader_required
def next_meeting(request, slug):
    """The team's next minutes, started: its open items by owner, to copy or download."""
    team = get_object_or_404(Team, slug=slug)
    markdown = next_minutes(team, base_url=request.build_absolute_uri("/").rstrip("/"))
    when = upcoming_date(team)
    file_name = f"{team.slug}-{when.isoformat()}.md"
    if request.GET.get("format") == "md":
        response = HttpResponse(markdown, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response
    context = {"team": team, "markdown": markdown, "when": when, "file_name": file_name}
    return render(request, "meetings/next_meeting.html", context)

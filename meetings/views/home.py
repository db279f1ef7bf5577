from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from meetings.charts import person_charts
from meetings.forms import ClaimPersonForm
from meetings.models import Claim, Item, Meeting, Ownership, Team
from meetings.views.claims import claim_guess, pending_claim
from meetings.views.common import BoundedPaginator, linked_person, reader_required


@require_safe
@reader_required
def home(request):
    person = linked_person(request.user)
    mine, counted = None, None
    if person:
        # Newest first, as the items list: what the last meetings asked of them.
        mine = Item.objects.open_owned_by(person, newest_first=True).for_rows()
        # Counted from the index alone, as the lists count: up to 1,000.
        counted = BoundedPaginator(
            mine, settings.TRACKER_PAGE_SIZE, Ownership.objects.open_of(person)
        )
    waiting = None
    if request.user.is_authenticated and person is None:
        waiting = pending_claim(request.user)
    context = {
        "person": person,
        "mine": mine[: settings.TRACKER_PAGE_SIZE] if mine is not None else None,
        "mine_counted": counted,
        # Their person page's charts, small.
        "charts": person_charts(person, small=True) if person else None,
        "waiting": waiting,
        "claim_form": (
            ClaimPersonForm(initial=claim_guess(request.user))
            if request.user.is_authenticated and person is None and waiting is None
            else None
        ),
        # Maintainers learn here that someone waits for their answer.
        "pending_claims": Claim.objects.pending().count() if request.user.is_staff else 0,
        "meetings": Meeting.objects.only("date", "title", "name", "source")[:10],
        # Each team's open items are a kept count (Team.open_items).
        "teams": Team.objects.all(),
    }
    return render(request, "meetings/home.html", context)

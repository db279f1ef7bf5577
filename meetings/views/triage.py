"""The everyday loop: closing many items at once, undoing it, and a team's stale items."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe

from meetings import rows
from meetings.filters import ItemFilter
from meetings.forms import BulkStatusForm
from meetings.markdown import plain
from meetings.models import Item, StatusBatch, Team
from meetings.views.common import next_url, reader_required, render_page

# How many items a message names before it says "and N more".
NAMED = 5


@login_required
@require_POST
def bulk_status(request):
    """Change the status of the ticked items, or of all a list's filter matches, at once.

    A ticked item someone changed since the user looked is left as it is and
    named; "all matching" takes the filter's items as they are now.
    """
    back = next_url(request, reverse("meetings:items"))
    form = BulkStatusForm(request.POST)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "No status was changed: " + " ".join(problems))
        return redirect(back)
    data = form.cleaned_data
    if data["all"]:
        filterset = ItemFilter(QueryDict(data["filter"].lstrip("?")), queryset=Item.objects.all())
        if not filterset.is_valid():
            messages.error(request, "No status was changed: the list's filters cannot be used.")
            return redirect(back)
        items, seen = Item.objects.filter(pk__in=filterset.qs.values("pk")), None
    else:
        items, seen = Item.objects.filter(pk__in=list(data["item"])), data["item"]
    status = Item.Status(data["status"])
    result = items.set_status(request.user, status, data["note"], seen=seen)
    label = status.label.lower()
    if result.changed:
        text = f"{count(result.changed)} marked {label}."
        undo = reverse("meetings:bulk_undo", args=[result.batch.pk])
        messages.success(request, undo_form(request, text, undo, back))
    if result.stale:
        messages.warning(
            request,
            f"{count(result.stale)} {was(result.stale)} changed by someone else since you "
            f"looked: {names(result.stale)}. {left(result.stale)}",
        )
    if result.unchanged:
        unchanged = result.unchanged
        messages.info(request, f"{count(unchanged)} {was(unchanged)} {label} already.")
    if not (result.changed or result.stale or result.unchanged):
        messages.info(request, "No item matches this list any more: nothing was changed.")
    return redirect(back)


@login_required
@require_POST
def bulk_undo(request, pk):
    """Put the items of the user's own bulk change back, for ``UNDO_MINUTES``."""
    batch = get_object_or_404(StatusBatch, pk=pk, user=request.user)
    back = next_url(request, reverse("meetings:items"))
    try:
        result = batch.undo(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.changed:
        messages.success(request, f"Undone: {count(result.changed)} put back as before.")
    if result.stale:
        messages.warning(
            request,
            f"{count(result.stale)} {was(result.stale)} changed by someone else since: "
            f"{names(result.stale)}. {left(result.stale)}",
        )
    return redirect(back)


def undo_form(request, text, action, back):
    """The message of a bulk change, with its Undo button: a form, for pages without JavaScript."""
    return format_html(
        '{} <form class="undo-form" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="link-button">Undo</button></form>',
        text,
        action,
        get_token(request),
        back,
    )


def count(pairs):
    return f"{len(pairs)} item{'s' if len(pairs) != 1 else ''}"


def was(pairs):
    return "was" if len(pairs) == 1 else "were"


def left(pairs):
    return "It was left as it is." if len(pairs) == 1 else "They were left as they are."


def names(pairs):
    """The items' texts, the first few of them: “Arrange meetings”, “Book a room” and 3 more."""
    shown = [f"“{Truncator(plain(text)).chars(60)}”" for _, text in pairs[:NAMED]]
    more = len(pairs) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


@require_safe
@reader_required
def triage(request, slug):
    """The team's stale open items, by owner and oldest first, to close many at once."""
    team = get_object_or_404(Team, slug=slug)
    stale = rows.read(Item.objects.stale().of_team(team).order_by("raised", "pk").for_rows())
    context = {
        "team": team,
        "groups": by_owner(stale),
        "count": len(stale),
        "bulk_filter": urlencode({"team": team.slug, "stale": 1}),
        "stale_days": settings.STALE_DAYS,
    }
    return render_page(request, "meetings/triage.html", "meetings/_triage_results.html", context)


def by_owner(items):
    """Rows grouped by their owners (people by handle, others as written), oldest first."""

    def owners(row):
        names = [o.person.handle if o.person else o.name for o in row.row_owners]
        return ", ".join(names)

    ordered = sorted(items, key=lambda row: (not owners(row), owners(row).casefold()))
    return [(name or "No owner", list(group)) for name, group in groupby(ordered, owners)]

"""Deciding what matching left to people: links, splits, and items done in a later meeting.

Each decision is a POST from the item page or from the maintainers' review
lists. A plain POST redirects back; htmx gets the item page's detail again,
or, from a review list, nothing: the row it swaps goes away.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import replace_url, trigger_client_event

from meetings.forms import BulkVerdictForm, OwnerForm, VerdictForm
from meetings.matching import linking
from meetings.models import Candidate, DoneSuggestion, Item, Owner, Verdict
from meetings.people.corrections import correct_owner
from meetings.views.common import linked_person, may_decide, next_url, paginate, render_page
from meetings.views.items import item_context, may_correct, shown_item

# The id of the item page's part that its forms swap (HX-Target names it).
ITEM_DETAIL = "item-detail"
# What the review lists listen for to fetch their rows again: a link removes
# the other candidates of the item it deletes, and the counts change.
REVIEW_CHANGED = "review-changed"


def item_to_decide(request, pk):
    """The item, locked, for a user who may decide about it: 404 if none, 403 if they may not."""
    item = get_object_or_404(
        Item.objects.annotate(may_decide=may_decide(request.user)).select_for_update(of=("self",)),
        pk=pk,
    )
    if not item.may_decide:
        raise PermissionDenied
    return item


def decided(request, item, notice):
    """The answer to a decision: ``item``'s page, its detail for htmx, or nothing for a row."""
    if request.htmx and request.htmx.target == ITEM_DETAIL:
        item = shown_item(request.user).get(pk=item.pk)
        context = item_context(item, me=linked_person(request.user), notice=notice)
        response = render(request, "meetings/_item_detail.html", context)
        # After a link the page may show the item the other one joined.
        return replace_url(response, item.get_absolute_url())
    if request.htmx:
        return trigger_client_event(HttpResponse(""), REVIEW_CHANGED)
    messages.success(request, notice)
    return redirect(next_url(request, item.get_absolute_url()))


def refused(request, form, back):
    """Why nothing was changed: as text to an htmx request (``tracker.js`` shows it by the
    form that asked), else on the page the form was on (``back`` when it names none)."""
    problems = " ".join(error for errors in form.errors.values() for error in errors)
    if request.htmx:
        return HttpResponseBadRequest(
            f"Nothing was changed: {problems}\n", content_type="text/plain; charset=utf-8"
        )
    messages.error(request, f"Nothing was changed: {problems}")
    return redirect(next_url(request, back))


@login_required
@require_POST
def owner(request, pk, owner):
    """Say who an owner is: remembered for that spelling in the item's teams from then on."""
    with transaction.atomic():
        item = get_object_or_404(
            Item.objects.annotate(may_decide=may_decide(request.user)).select_for_update(
                of=("self",)
            ),
            pk=pk,
        )
        written = get_object_or_404(item.owners.select_related("item__meeting"), pk=owner)
        if not may_correct(item, written, linked_person(request.user)):
            raise PermissionDenied
        form = OwnerForm(request.POST)
        if not form.is_valid():
            return refused(request, form, item.get_absolute_url())
        person = form.cleaned_data["person"]
        correct_owner(written, person, request.user)
    notice = f"“{written.name}” is {person.name} from now on, here and in the team's other items."
    return decided(request, item, notice)


@login_required
@require_POST
def split(request, pk, mention):
    """Undo a wrong link: one mention of the item becomes an item of its own."""
    with transaction.atomic():
        item = item_to_decide(request, pk)
        mention = get_object_or_404(item.mentions.select_related("meeting"), pk=mention)
        try:
            new = linking.split(item, mention, request.user)
        except ValueError:
            return HttpResponseBadRequest(
                "Nothing was changed: the only mention of an item cannot be split off.\n",
                content_type="text/plain",
            )
    when = date_format(mention.meeting.date, "j M Y")
    notice = f"Split off the mention of {when} as #{new.pk}."
    return decided(request, item, notice)


@login_required
@require_POST
def candidate(request, pk, candidate):
    """Same item (link the later one into the earlier) or not the same (keep both)."""
    with transaction.atomic():
        candidate = get_object_or_404(
            Candidate.objects.filter(Q(earlier=pk) | Q(later=pk), state=Verdict.PENDING)
            .select_related("earlier", "later")
            .annotate(may_decide=may_decide(request.user, "earlier", "later"))
            .select_for_update(of=("self",)),
            pk=candidate,
        )
        if not candidate.may_decide:
            raise PermissionDenied
        form = VerdictForm(request.POST)
        if not form.is_valid():
            return refused(request, form, reverse("meetings:item", args=[pk]))
        earlier, later = candidate.earlier, candidate.later
        # After a link the later item is gone, with the other candidates it had.
        shown = earlier if form.accepted or earlier.pk == pk else later
        if form.accepted:
            notice = f"Linked #{later.pk} into #{earlier.pk}: one item now."
            linking.accept(candidate, request.user)
        else:
            notice = f"Kept #{later.pk} apart from #{earlier.pk}."
            candidate.dismiss(request.user)
    return decided(request, shown, notice)


@login_required
@require_POST
def suggestion(request, pk, suggestion):
    """Confirm that a later meeting saw the item done, or dismiss the suggestion."""
    with transaction.atomic():
        item = item_to_decide(request, pk)
        suggestion = get_object_or_404(
            item.done_suggestions.filter(state=Verdict.PENDING)
            .select_related("meeting")
            .select_for_update(of=("self",)),
            pk=suggestion,
        )
        form = VerdictForm(request.POST)
        if not form.is_valid():
            return refused(request, form, item.get_absolute_url())
        suggestion.item = item
        suggestion.decide(request.user, accepted=form.accepted)
    when = date_format(suggestion.meeting.date, "j M Y")
    if form.accepted:
        notice = f"Marked #{item.pk} done, as the meeting of {when} said."
    else:
        status = item.get_status_display().lower()
        notice = f"#{item.pk} was not done in the meeting of {when}: it stays {status}."
    return decided(request, item, notice)


def maintainer(request):
    if not request.user.is_staff:
        raise PermissionDenied


@require_safe
@login_required
def review(request):
    """Maintainers: the pending "possibly the same" candidates, most likely first."""
    maintainer(request)
    owners = Owner.objects.select_related("person")
    pending = (
        Candidate.objects.filter(state=Verdict.PENDING)
        .select_related("earlier__meeting", "later__meeting")
        .prefetch_related(
            Prefetch("earlier__owners", queryset=owners),
            Prefetch("later__owners", queryset=owners),
        )
        .order_by("-score", "pk")
    )
    context = {"page": paginate(request, pending), "tab": "candidates"}
    return render_page(request, "meetings/review.html", "meetings/_review_results.html", context)


@login_required
@require_POST
def review_decide(request):
    """Maintainers: the same answer for several candidates at once, ticked on the review list.

    Linked oldest first; a candidate gone meanwhile (its later item linked into
    another by an earlier tick) is left out and counted as such.
    """
    maintainer(request)
    ticked = request.POST.getlist("candidate")
    pending = Candidate.objects.filter(state=Verdict.PENDING)
    form = BulkVerdictForm(
        request.POST,
        pending=pending.filter(pk__in=[t for t in ticked if t.isdigit()]).values_list(
            "pk", flat=True
        ),
    )
    if not form.is_valid():
        return refused(request, form, reverse("meetings:review"))
    decided, gone = 0, 0
    with transaction.atomic():
        for pk in sorted(form.cleaned_data["candidate"]):
            candidate = (
                pending.select_related("earlier", "later")
                .select_for_update(of=("self",))
                .filter(pk=pk)
                .first()
            )
            if candidate is None:
                gone += 1
                continue
            if form.accepted:
                linking.accept(candidate, request.user)
            else:
                candidate.dismiss(request.user)
            decided += 1
    verb = "Linked" if form.accepted else "Kept apart"
    notice = f"{verb}: {decided} pair{'s' if decided != 1 else ''}."
    if gone:
        notice += f" {gone} went with an item linked just before."
    messages.success(request, notice)
    return redirect(next_url(request, reverse("meetings:review")))


@require_safe
@login_required
def review_done(request):
    """Maintainers: open items that a later meeting said were done, latest meeting first."""
    maintainer(request)
    pending = (
        DoneSuggestion.objects.filter(
            state=Verdict.PENDING,
            item__kind=Item.Kind.ACTION,
            item__status__in=Item.Status.still_open(),
        )
        .select_related("meeting", "item__meeting")
        .prefetch_related(Prefetch("item__owners", queryset=Owner.objects.select_related("person")))
        .order_by("-meeting__date", "item", "pk")
    )
    context = {"page": paginate(request, pending), "tab": "done"}
    return render_page(request, "meetings/review.html", "meetings/_review_results.html", context)

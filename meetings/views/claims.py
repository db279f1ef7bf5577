"""Who a user is in the minutes: their claim, and the maintainers' answer.

An account becomes a person of the minutes (and with it gets the owner's
rights: linking, splitting, confirming done) only when its email is the
person's, or when a maintainer approves the claim. Each claim and its answer
is kept, with who decided and when.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from meetings.forms import ClaimPersonForm, VerdictForm
from meetings.models import Claim, Person
from meetings.names import name_key
from meetings.views.common import linked_person, paginate, render_page
from meetings.views.matching import maintainer, refused

# How many decided claims the review page lists under the pending ones.
RECENT_DECISIONS = 20


def claim_guess(user):
    """The unclaimed person whose handle is the user's name, to preselect."""
    guess = Person.objects.filter(user__isnull=True, key=name_key(user.get_username())).first()
    return {"person": guess} if guess else {}


def pending_claim(user):
    """The claim ``user`` is waiting on, or None."""
    return Claim.objects.pending().filter(user=user).select_related("person").first()


@login_required
def claim(request):
    """A user without a person says which one they are, once."""
    if linked_person(request.user):
        messages.info(request, f"You are {request.user.person.handle} in the minutes already.")
        return redirect("meetings:home")
    waiting = pending_claim(request.user)
    if waiting:
        messages.info(request, waiting_message(waiting))
        return redirect("meetings:home")
    form = ClaimPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["person"]
        try:
            made = Claim.submit(request.user, chosen)
        except ValidationError:
            form.add_error("person", "Someone else has just become this person.")
        except IntegrityError:  # a claim made in another tab meanwhile
            return redirect("meetings:home")
        else:
            if made.state == Claim.State.APPROVED:
                messages.success(request, f"Welcome, {chosen.handle}: these are your items.")
            else:
                messages.info(request, waiting_message(made))
            return redirect("meetings:home")
    return render(request, "meetings/claim.html", {"form": form})


def waiting_message(claim):
    return (
        f"A maintainer will confirm that you are {claim.person.handle}. Until then you "
        f"cannot act as {claim.person.handle} (link, split, or confirm their items done)."
    )


@require_safe
@login_required
def review_claims(request):
    """Maintainers: the claims waiting for an answer, oldest first, and the latest answers."""
    maintainer(request)
    pending = Claim.objects.pending().select_related("person", "user").order_by("created", "pk")
    decided = (
        Claim.objects.exclude(state=Claim.State.PENDING)
        .select_related("person", "user", "decided_by__person")
        .order_by("-decided", "-pk")[:RECENT_DECISIONS]
    )
    context = {"page": paginate(request, pending), "decided": decided, "tab": "claims"}
    return render_page(
        request, "meetings/review_claims.html", "meetings/_claim_results.html", context
    )


@require_POST
@login_required
def decide_claim(request, pk):
    """Maintainers: approve a claim (the account becomes the person) or refuse it."""
    maintainer(request)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return refused(request, form, reverse("meetings:review_claims"))
    with transaction.atomic():
        claims = Claim.objects.select_related("person", "user").select_for_update(of=("self",))
        claim = get_object_or_404(claims, pk=pk)
        who = f"{claim.user.get_username()} as {claim.person.handle}"
        if claim.state != Claim.State.PENDING:  # another maintainer answered meanwhile
            messages.info(request, f"{who} is {claim.get_state_display().lower()} already.")
            return redirect("meetings:review_claims")
        try:
            if form.accepted:
                claim.approve(request.user)
            else:
                claim.refuse(request.user)
        except ValidationError as error:
            messages.error(request, f"Not approved: {' '.join(error.messages)}")
            return redirect("meetings:review_claims")
    messages.success(request, f"{'Approved' if form.accepted else 'Refused'}: {who}.")
    return redirect("meetings:review_claims")

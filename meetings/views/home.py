from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import OuterRef
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from meetings.forms import ClaimPersonForm
from meetings.models import Item, Meeting, Person, Team, name_key
from meetings.views.common import count_of, linked_person, reader_required


@require_safe
@reader_required
def home(request):
    person = linked_person(request.user)
    mine = None
    if person:
        mine = Item.objects.open().in_minutes().owned_by(person).for_rows()
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

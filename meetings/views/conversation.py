"""What people add to an item besides its status: comments, and whom it is for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from meetings.forms import CommentForm, ReassignForm
from meetings.models import Item
from meetings.views.common import next_url
from meetings.views.matching import decided, item_to_decide, refused


@login_required
@require_POST
def comment(request, pk):
    """Say something about an item without changing its status: anyone signed in may."""
    item = get_object_or_404(Item, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return refused(request, form, item.get_absolute_url())
        messages.error(request, "The comment was not saved: it was empty or too long.")
        return redirect(next_url(request, item.get_absolute_url()))
    item.add_comment(request.user, form.cleaned_data["text"])
    said = Truncator(form.cleaned_data["text"]).chars(60)
    return decided(request, item, f"Comment added: “{said}”")


@login_required
@require_POST
def reassign(request, pk):
    """Give the item to other people: its owners and maintainers may."""
    with transaction.atomic():
        item = item_to_decide(request, pk)
        form = ReassignForm(request.POST)
        if not form.is_valid():
            return refused(request, form, item.get_absolute_url())
        people = form.cleaned_data["owners"]
        item.reassign(request.user, people)
    handles = ", ".join(person.handle for person in people)
    return decided(request, item, f"#{item.pk} is {handles}'s now.")

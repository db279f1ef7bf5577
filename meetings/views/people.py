from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from meetings.models import Item, Participant, Person, name_key
from meetings.views.common import count_of, paginate, reader_required, render_page


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

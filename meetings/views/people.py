import csv
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from meetings.charts import person_charts
from meetings.csvcells import joined, neutralise
from meetings.filters import PersonFilter
from meetings.forms import DigestForm
from meetings.models import Item, Meeting, Owner, Ownership, Participant, Person, Speaker
from meetings.people.lookup import named
from meetings.views.accounts import NEW_API_TOKEN
from meetings.views.common import own_person, paginate, partial_wanted, reader_required, render_page
from meetings.views.items import Echo

ROSTER_COLUMNS = ["handle", "name", "aliases", "teams", "open_items", "items"]
PEOPLE_PER_PAGE = 100


@require_safe
@reader_required
def people(request):
    # Each person's open items and meetings are kept counts (Person.open_items).
    filterset = PersonFilter(request.GET, queryset=Person.objects.all())
    everyone = filterset.qs
    query = filterset.form.cleaned_data.get("q") or ""
    if request.GET.get("format") == "csv":
        return roster_csv(everyone)
    shown = everyone.only("handle", "name", "slug", "open_items", "meetings_attended")
    context = {"page": paginate(request, shown, per_page=PEOPLE_PER_PAGE), "query": query}
    return render(request, "meetings/people.html", context)


def roster_csv(people):
    """The people roster: a stable interface, like the items list's CSV."""
    people = list(people.order_by("handle"))
    ids = [person.pk for person in people]
    spellings = defaultdict(set)
    for model in (Participant, Owner, Speaker):
        rows = model.objects.filter(person__in=ids).values_list("person", "name").distinct()
        for person_id, name in rows:
            spellings[person_id].add(name)
    for person in people:
        spellings[person.pk].update(alias.text for alias in person.aliases.all())
    teams = defaultdict(set)
    attended = Participant.objects.filter(person__in=ids).order_by()
    # A meeting of several teams counts for each of them.
    for person_id, team in attended.values_list("person", "meeting__teams__name").distinct():
        if team:
            teams[person_id].add(team)
    items = defaultdict(int)
    for person_id, _ in (
        Owner.objects.filter(person__in=ids, item__removed=False)
        .values_list("person", "item")
        .distinct()
    ):
        items[person_id] += 1
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(ROSTER_COLUMNS)
        for person in people:
            aliases = sorted(spellings[person.pk] - {person.handle}, key=str.casefold)
            yield writer.writerow(
                [
                    neutralise(person.handle),
                    neutralise(person.name),
                    joined(aliases),
                    joined(sorted(teams[person.pk], key=str.casefold)),
                    person.open_items or 0,
                    items[person.pk],
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


@require_safe
@reader_required
def person(request, slug):
    person = Person.objects.filter(slug=slug).first() if "\x00" not in slug else None
    if person is None:
        # An old link by handle, or any spelling of one person: their page.
        person = named(slug).person
        if person is None:
            raise Http404("No one in the minutes has this name.")
        return redirect(person, permanent=True)
    shown = Item.objects.open_owned_by(person).for_rows()
    context = {
        "person": person,
        "page": paginate(request, shown, counted=Ownership.objects.open_of(person)),
        # Read newest first from the participants' index (Participant.date).
        "meetings": Meeting.objects.filter(participations__person=person)
        .order_by("-participations__date", "-pk")
        .only("date", "title", "name", "source")[:10],
        # "Select all" of the bulk form: the same items, as the items list's filter.
        "bulk_filter": urlencode({"owner": person.handle}),
        "empty": "No open items.",
        **about(person),
    }
    if not partial_wanted(request):  # a page of the list swapped in: the charts stay
        context["charts"] = person_charts(person)
        if request.user.is_authenticated and person.user_id == request.user.pk:
            request.user.person = person  # as the navigation names them: read once
            context["digest_form"] = DigestForm(instance=person)
            context["last_digest_sent"] = person.digests.values_list("sent", flat=True).first()
            # A token just made (accounts.api_token): shown this once.
            context["new_api_token"] = request.session.pop(NEW_API_TOKEN, None)
    return render_page(request, "meetings/person.html", "meetings/_item_page.html", context)


@login_required
@require_POST
def digest(request, slug):
    """A person chooses how often their digest mail comes: only they may."""
    person = own_person(request, slug)
    form = DigestForm(request.POST, instance=person)
    if form.is_valid():
        form.save()
        messages.success(request, f"Your digest: {person.get_digest_display().lower()}.")
    else:
        messages.error(request, "Choose how often your digest comes: " + form.errors.as_text())
    return redirect(f"{person.get_absolute_url()}#digest")


def about(person):
    """The person's teams and spellings: read from all they wrote and attended, so kept.

    Kept for five minutes, and anew as soon as their items or meetings change.
    """
    key = f"person-about:{person.pk}:{person.open_items}:{person.meetings_attended}"
    return caches["fragments"].get_or_set(
        key, lambda: {"teams": list(person.teams()), "spellings": spellings_of(person)}, 300
    )


def spellings_of(person):
    """How the minutes write the person: as a participant, and as an owner or speaker by team."""
    written = defaultdict(set)
    for name in person.participations.values_list("name", flat=True).distinct():
        written[name].add("")
    owners = Owner.objects.filter(person=person).values_list("name", "item__meeting__teams__name")
    for name, team in owners.distinct():
        written[name].add(team or "")
    said = Speaker.objects.filter(person=person).values_list(
        "name", "statement__topic__meeting__teams__name"
    )
    for name, team in said.distinct():
        written[name].add(team or "")
    return [
        (name, sorted(t for t in teams if t))
        for name, teams in sorted(written.items(), key=lambda pair: pair[0].casefold())
    ]

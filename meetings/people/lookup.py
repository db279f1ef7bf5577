"""Which person a name typed into the tracker means: a filter, a link, a correction."""

from typing import NamedTuple

from django.db.models import Q

from meetings.models import Alias, Owner, Participant, Person, Speaker
from meetings.names import Kind, name_key, spelling


class Named(NamedTuple):
    person: Person | None
    # The people it could mean when it names more than one (`Paul`, `SK`).
    candidates: tuple = ()


def named(text):
    """The one person ``text`` names, or the people it could name.

    A handle, a full name or a maintainer's alias names one person. A first
    name or initials name a person when exactly one has them (their handle's
    or full name's); else, when every owner, speaker and participant written
    so that is someone is the same person, that one.
    """
    # PostgreSQL stores no NUL, so no name has one: `%00` in a URL names no one.
    text = text.replace("\x00", "")
    key = name_key(text)
    if not key:
        return Named(None)
    found = Person.objects.filter(Q(key=key) | Q(slug=text.strip().lower())).first()
    if found is not None:
        return Named(found)
    alias = Alias.objects.filter(key=key, team=None).select_related("person").first()
    if alias is not None:
        return Named(alias.person)
    read = spelling(text)
    by_name, fits = [], []
    for person in Person.objects.only("pk", "handle", "name", "key", "slug"):
        if name_key(person.name) == key:
            by_name.append(person)
        own = [spelling(person.handle), spelling(person.name)]
        if (read.kind == Kind.FIRST and any(s.first == read.first for s in own)) or (
            read.kind == Kind.INITIALS and any(key in s.initials for s in own)
        ):
            fits.append(person)
    if len(by_name) == 1:
        return Named(by_name[0])
    fits = list({person.pk: person for person in fits}.values())
    if len(fits) == 1:
        return Named(fits[0])
    if len(fits) > 1:
        return Named(None, tuple(sorted(fits, key=lambda p: p.name.casefold())))
    people = set()
    for model in (Owner, Speaker):
        written = model.objects.filter(key=key, person__isnull=False).order_by()
        people |= set(written.values_list("person", flat=True).distinct()[:2])
    participants = Participant.objects.filter(name__iexact=text.strip(), person__isnull=False)
    people |= set(participants.order_by().values_list("person", flat=True).distinct()[:2])
    if len(people) == 1:
        return Named(Person.objects.filter(pk=people.pop()).first())
    return Named(None)

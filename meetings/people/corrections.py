"""What an item's owner or a maintainer says about who a name is: remembered, then applied."""

from django.db import transaction

from meetings.models import Alias, Event, Meeting
from meetings.people.resolving import resolve


@transaction.atomic
def correct_owner(owner, person, user):
    """``owner`` (a name as written on an item) is ``person``, in the teams of its meeting.

    Remembered as an alias for that spelling in each of those teams, so that
    every owner and speaker written so there, past and future, is ``person``.
    Returns how many owners and speakers changed.
    """
    item = owner.item
    teams = list(item.meeting.teams.all()) or [None]
    for team in teams:
        Alias.objects.update_or_create(
            key=owner.key, team=team, defaults={"text": owner.name, "person": person}
        )
    named = [team for team in teams if team is not None]
    meetings = Meeting.objects.filter(teams__in=named) if named else None
    changed = resolve(meetings=meetings, keys=[owner.key])
    where = ", ".join(team.name for team in teams if team) or "every team"
    Event.objects.create(
        item=item,
        kind=Event.Kind.OWNERS,
        user=user,
        text=f"“{owner.name}” is {person.name} in {where} from now on.",
    )
    return changed

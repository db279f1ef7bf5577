"""The sample minutes of ``make run``: kept apart from a community's own, and removed cleanly.

They are imported with their folder's name in front of their paths
(``sample_minutes/core/2026-01-07.md``), so that no file of a real minutes
repository is taken for one of them; their teams are fictional (``quarry-core``,
``quarry-docs``), so that no real team's items are matched with theirs.
"""

from pathlib import Path

from django.db import transaction

from meetings.importing import import_paths
from meetings.models import Item, Meeting, Owner, Participant, Person, Speaker, Team

FOLDER = "sample_minutes"


def import_samples(folder: Path):
    """Import the sample minutes of ``folder``, their paths under its name."""
    return import_paths([folder], root=folder.parent)


def sample_meetings():
    return Meeting.objects.filter(source__startswith=f"{FOLDER}/")


@transaction.atomic
def remove_samples():
    """Remove the sample meetings, their items, and the teams and people only they knew.

    Returns how many meetings, items, teams and people went, by kind. People
    with an account, or whom other minutes write, stay.
    """
    meetings = sample_meetings()
    meeting_ids = list(meetings.values_list("pk", flat=True))
    teams = set(Team.objects.filter(meetings__in=meeting_ids).values_list("pk", flat=True))
    people = set(
        Participant.objects.filter(meeting__in=meeting_ids).values_list("person", flat=True)
    )
    people |= set(
        Owner.objects.filter(item__meeting__in=meeting_ids).values_list("person", flat=True)
    )
    people |= set(
        Speaker.objects.filter(statement__topic__meeting__in=meeting_ids).values_list(
            "person", flat=True
        )
    )
    people.discard(None)
    items = Item.objects.filter(meeting__in=meeting_ids)
    removed = {"meetings": len(meeting_ids), "items": items.count()}
    items.delete()
    meetings.delete()
    lone_teams = Team.objects.filter(pk__in=teams, meetings=None)
    removed["teams"] = lone_teams.count()
    lone_teams.delete()
    alone = Person.objects.filter(
        pk__in=people, user=None, participations=None, owned=None, statements_spoken=None
    ).values_list("pk", flat=True)
    alone = list(alone.distinct())
    removed["people"] = len(alone)
    Person.objects.filter(pk__in=alone).delete()
    Person.objects.filter(pk__in=people).keep_counts()
    Team.objects.filter(pk__in=teams).keep_counts()
    return removed

"""meetings.bulk.update_rows: many rows set in few queries, each to its own values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.bulk import update_rows
from meetings.models import Owner
from tests.helpers import make_item, make_meeting, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners():
    """Forty owners written as "AB", in twenty items, none resolved yet."""
    meeting = make_meeting()
    for n in range(20):
        make_item(f"Task {n}", meeting, owners=["AB", "AB2"])
    return list(Owner.objects.order_by("pk"))


FIELDS = ["person", "is_group", "evidence", "candidates"]


def test_rows_sharing_their_values_are_each_set_to_them(owners):
    ana, bob = make_person("AnaB"), make_person("BobA")
    rows = {
        owner.pk: (ana.pk, False, "initials of AnaB", [])
        if n % 2
        else (bob.pk, False, "initials of BobA, who attended", [ana.pk])
        for n, owner in enumerate(owners)
    }

    assert updates_to_set(rows) == 2  # one for each set of values


def test_rows_of_values_of_their_own_are_each_set_to_theirs(owners):
    people = [make_person(f"Person{n}") for n in range(3)]
    rows = {
        owner.pk: (people[n % 3].pk if n % 4 else None, n == 7, f"evidence {n}", [n])
        for n, owner in enumerate(owners)
    }

    assert updates_to_set(rows) == 1  # with a CASE


def updates_to_set(rows):
    """Set the owners' ``rows`` ({pk: values}); check each holds its own; how many UPDATEs."""
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Owner, FIELDS, rows) == len(rows)

    for owner in Owner.objects.all():
        assert (owner.person_id, owner.is_group, owner.evidence, owner.candidates) == tuple(
            rows[owner.pk]
        )
    return len([query for query in queries if query["sql"].startswith("UPDATE")])

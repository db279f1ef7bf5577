"""``resolve_people``, and who is who in the real minutes."""

from io import StringIO

import pytest
from django.core.management import call_command

from meetings.importing import import_paths
from meetings.models import Alias, Meeting, Owner, Person, Speaker
from meetings.people import resolution_counts, unresolved_names
from tests.helpers import import_text
from tests.test_people import minutes

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("resolve_people", *args, stdout=out)
    return out.getvalue()


def test_the_command_resolves_what_changed_since_and_says_how_many():
    # Two at the meeting could be CC: no one, until a maintainer says.
    import_text(minutes(["RăzvanD", "Cezar", "Cristi"], owners=["RD", "CC"], speakers=["CC", "RD"]))
    assert Owner.objects.get(name="CC").person is None
    Alias.objects.bulk_create([Alias(text="CC", key="cc", person=Person.objects.get(key="cezar"))])

    output = run()

    assert "2 owner(s) and speaker(s) changed." in output
    assert Owner.objects.get(name="CC").person.handle == "Cezar"
    assert Speaker.objects.get(name="CC").person.handle == "Cezar"
    assert "Owners: 2 of 2 resolved (100.0%): 2 to a person, 0 to a group, 0 unresolved." in output


def test_running_the_command_twice_changes_nothing_the_second_time():
    import_text(minutes(["RăzvanD", "AlexJ"], owners=["RD", "Everyone", "MK"], speakers=["AJ"]))
    run()

    output = run("--report")

    assert "0 owner(s) and speaker(s) changed." in output
    assert "People: 0 made, 0 merged, 0 removed" in output
    assert "Owners: 2 of 3 resolved (66.7%): 1 to a person, 1 to a group, 1 unresolved." in output
    assert "  MK: 1 / 0 in community" in output


def test_a_dry_run_counts_but_writes_nothing():
    import_text(minutes(["Cezar", "Cristi"], owners=["CC"]))
    Alias.objects.bulk_create([Alias(text="CC", key="cc", person=Person.objects.get(key="cezar"))])

    output = run("--dry-run")

    assert "1 owner(s) and speaker(s) would change." in output
    assert Owner.objects.get(name="CC").person is None


def test_the_command_reads_and_writes_in_bulk(django_assert_max_num_queries):
    for day in range(10, 20):
        import_text(
            minutes(
                ["RăzvanD", "AlexJ"],
                owners=["RD", "AJ"],
                speakers=["AJ"] * 5,
                date=f"2024-01-{day}",
            ),
            source=f"team/2024-01-{day}.md",
        )
    Owner.objects.update(person=None)
    Speaker.objects.update(person=None)

    # Learning reads and writes in bulk too: the count does not grow with the meetings.
    with django_assert_max_num_queries(40):
        run("--top", "0")

    assert not Owner.objects.filter(person=None).exists()


# The real minutes


@pytest.fixture
def real_minutes(corpus):
    import_paths([corpus])
    return corpus


def who(source, name, model=Owner):
    """The handles of the people ``name`` stands for in the meeting of ``source``."""
    path = "item__meeting__source" if model is Owner else "statement__topic__meeting__source"
    rows = model.objects.filter(**{path: source, "name": name})
    return set(rows.values_list("person__handle", flat=True))


def test_the_real_minutes_say_who_is_who_as_checked_by_hand(real_minutes):
    community = "discussions/community/2022/2022-01-12.md"
    razvan = Person.objects.get(key="razvand")
    assert who(community, "RD") == {razvan.handle}
    assert who(community, "RD", Speaker) == {razvan.handle}
    assert who(community, "CV", Speaker) == {"CristiV"}
    assert who(community, "AJ", Speaker) == {"AlexJ"}
    assert Owner.objects.get(item__meeting__source=community, name="Everyone").is_group

    with_cosmin = Meeting.objects.filter(
        source__startswith="discussions/app-compat/", participations__person__key="cosminv"
    )
    cv = Speaker.objects.filter(statement__topic__meeting__in=with_cosmin, name="CV")
    assert cv.count() >= 10
    assert set(cv.values_list("person__handle", flat=True)) == {"CosminV"}

    # RăzvanD and RazvanD both sign in; they are one person, and everything is his.
    assert Person.objects.filter(key="razvand").count() == 1
    signed_as = set(razvan.participations.values_list("name", flat=True))
    assert {"RăzvanD", "RazvanD"} <= signed_as
    assert razvan.items().count() > 100


def test_the_real_minutes_report_the_share_of_owners_resolved(real_minutes, capsys):
    assert run("--dry-run").startswith("0 owner(s) and speaker(s) would change.")
    owners = resolution_counts()["owners"]
    share = (owners["people"] + owners["groups"]) / owners["total"]
    unresolved = [(n.name, n.owners) for n in unresolved_names() if n.owners]
    unresolved.sort(key=lambda pair: -pair[1])
    with capsys.disabled():
        print(
            f"\nOwners resolved automatically: {owners['people'] + owners['groups']} of "
            f"{owners['total']} ({share:.1%}; {owners['people']} people, {owners['groups']} "
            f"groups). Unresolved: {', '.join(f'{n} {c}' for n, c in unresolved)}"
        )
    # Full names and handles anywhere in the corpus say whose initials are whose.
    assert share >= 0.85
    assert owners["unresolved"] == sum(count for _, count in unresolved)


def test_the_report_as_json_gives_shares_merges_and_unresolved_names():
    import json

    import_text(minutes(["Simon", "RăzvanD"], owners=["SK", "RD", "ZQ"], date="2024-01-03"))
    import_text(minutes(["Simon Kuenzer"], date="2024-01-10"), source="team/2024-01-10b.md")

    report = json.loads(run("--report", "--json"))

    assert report["owners"]["total"] == 3
    assert report["owners"]["people"] == 2
    assert report["owners"]["share"] == pytest.approx(2 / 3)
    assert [entry["name"] for entry in report["unresolved"]] == ["ZQ"]
    assert {"from": "Simon Kuenzer", "into": "SimonK", "reason": "learned"} in report["merged"]
    assert report["people"] == 2

"""Who is who: one person per human, and every owner resolved to the right one or to no one."""

import pytest

from meetings.models import (
    Alias,
    Candidate,
    Item,
    Meeting,
    Merge,
    Owner,
    Participant,
    Person,
    Speaker,
    Team,
)
from meetings.people import learn, merge, resolve, unresolved_names
from tests.helpers import import_text

pytestmark = pytest.mark.django_db


def team(name):
    return Team.objects.get_or_create(name=name, defaults={"slug": name})[0]


def minutes(
    participants, owners=(), speakers=(), teams=("community",), date="2024-01-10", texts=()
):
    """A minutes file: these participants, one statement per speaker, one item per owner.

    Items read ``Task 1``, ``Task 2``... unless ``texts`` says otherwise: meetings
    that should not share items need texts of their own, or matching across
    meetings takes a later ``Task 1`` of the same owner for the earlier one.
    """
    people = "\n".join(f"  - {p}" for p in participants)
    said = "\n\n".join(f"{name}: Something said." for name in speakers)
    texts = [*texts, *(f"Task {n}" for n in range(len(texts) + 1, len(owners) + 1))]
    todo = "\n".join(f"* {name}: {text}" for name, text in zip(owners, texts, strict=True))
    return (
        f"---\ndatetime: {date}\nteams: [{', '.join(teams)}]\nparticipants:\n{people}\n---\n\n"
        f"## Discussions\n\n{said}\n\n## TODOs\n\n{todo}\n"
    )


def owners_in(source):
    """{name as written: name of its person, "group", or None} for a meeting's owners."""
    owners = Owner.objects.filter(item__meeting__source=source).select_related("person")
    return {o.name: "group" if o.is_group else o.person and o.person.name for o in owners}


def owner(source, name):
    return Owner.objects.select_related("person").get(item__meeting__source=source, name=name)


def meeting(source, participants, owners=(), **fields):
    import_text(
        minutes(participants, owners, texts=[f"{source} {o}" for o in owners], **fields),
        source=source,
    )
    return source


def handles():
    return sorted(Person.objects.values_list("handle", flat=True))


# One person per human


def test_every_spelling_of_one_human_is_one_person_with_handle_and_full_name():
    meeting("c/01.md", ["Simon", "RăzvanD"], date="2024-01-03")
    meeting("c/02.md", ["Simon Kuenzer", "RazvanD"], date="2024-01-10")
    meeting("c/03.md", ["SimonK", "Razvan Deaconescu"], date="2024-01-17")

    assert handles() == ["RăzvanD", "SimonK"]
    simon = Person.objects.get(handle="SimonK")
    assert simon.name == "Simon Kuenzer"
    assert sorted(simon.participations.values_list("name", flat=True)) == [
        "Simon",
        "Simon Kuenzer",
        "SimonK",
    ]
    assert Person.objects.get(handle="RăzvanD").name == "Razvan Deaconescu"


def test_a_handle_is_the_one_full_name_it_abbreviates_and_a_short_first_name_its_long_one():
    meeting("c/01.md", ["Cristian Vijelie (CV)", "Alexander Jung"], date="2024-01-03")
    meeting("c/02.md", ["CristiV", "AlexJ", "Cristi Vijelie"], date="2024-01-10")

    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Alexander Jung",
        "Cristian Vijelie",
    ]


def test_what_is_written_in_brackets_is_initials_a_nickname_or_a_note():
    meeting("c/01.md", ["Marc Rittinghaus (MR)", "Marin (`adminy`)", "Carol Bontas (came later)"])
    meeting("c/02.md", ["adminy", "Marc", "Carol"], ["MR", "CB"], date="2024-01-17")

    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Carol Bontas",
        "Marc Rittinghaus",
        "Marin",
    ]
    assert owners_in("c/02.md") == {"MR": "Marc Rittinghaus", "CB": "Carol Bontas"}


def test_a_typo_of_a_long_first_name_is_the_same_person_but_not_another_name_that_starts_alike():
    meeting("c/01.md", ["Antoine", "Teodor"], date="2024-01-03")
    meeting("c/02.md", ["Antoinne", "Teodora"], date="2024-01-10")

    assert handles() == ["Antoine", "Teodor", "Teodora"]


def test_placeholders_groups_and_initials_in_the_participants_are_no_people():
    meeting("c/01.md", ["Simon Kuenzer", "TO FILL", "TODO", "?", "Everyone", "SK"], ["SK"])

    assert handles() == ["SimonK"]
    assert list(Participant.objects.values_list("name", "person__handle")) == [
        ("Simon Kuenzer", "SimonK"),
        ("SK", None),
    ]
    assert owners_in("c/01.md") == {"SK": "Simon Kuenzer"}


def test_a_first_name_two_humans_have_is_decided_by_the_initials_the_meeting_writes():
    meeting("g/01.md", ["MariaS", "MariaP"], teams=["other"], date="2024-01-03")
    meeting("g/02.md", ["Maria", "Vlad"], ["MS"], teams=["gsoc"], date="2024-03-06")

    assert owners_in("g/02.md") == {"MS": "MariaS"}
    maria = Participant.objects.get(meeting__source="g/02.md", name="Maria")
    assert maria.person.handle == "MariaS"


def test_a_first_name_two_humans_have_and_nothing_decides_is_no_one_at_that_meeting():
    meeting("c/01.md", ["AlexJ", "AlexA"], date="2024-01-03")
    meeting("c/02.md", ["Alex", "Marco"], ["Alex"], date="2024-01-10")

    assert Participant.objects.get(meeting__source="c/02.md", name="Alex").person is None
    found = owner("c/02.md", "Alex")
    assert found.person is None
    assert sorted(Person.objects.get(pk=pk).handle for pk in found.candidates) == [
        "AlexA",
        "AlexJ",
    ]


def test_learning_twice_changes_nothing_the_second_time():
    meeting("c/01.md", ["Simon", "RăzvanD", "Maria"], ["SK", "RD", "MS"], date="2024-01-03")
    meeting("c/02.md", ["Simon Kuenzer", "MariaS", "MariaP"], date="2024-01-10")
    learn()

    again = learn()

    assert (again.created, again.merged, again.reassigned, again.resolved) == (0, [], 0, 0)


# Owners: the meeting's participants first


def test_an_owner_is_found_by_handle_full_name_or_first_name_whatever_case_and_accents():
    meeting("c/01.md", ["RăzvanD", "Andrei Topală", "Marco"], ["razvand", "Andrei", "Marco"])

    assert owners_in("c/01.md") == {
        "razvand": "RăzvanD",
        "Andrei": "Andrei Topală",
        "Marco": "Marco",
    }


def test_initials_are_derived_from_the_participants_and_say_how():
    meeting("c/00.md", ["Simon Kuenzer", "Gabi Mocanu"], date="2023-01-04")
    meeting("c/01.md", ["Simon", "Gabi", "RaduNichita", "ȘtefanJ"], ["SK", "GM", "RN", "SJ"])

    assert owners_in("c/01.md") == {
        "SK": "Simon Kuenzer",
        "GM": "Gabi Mocanu",
        "RN": "Radu Nichita",
        "SJ": "ȘtefanJ",
    }
    assert owner("c/01.md", "SK").evidence == "initials of Simon Kuenzer, who attended as Simon"


def test_initials_two_participants_fit_are_no_one_with_both_as_candidates():
    meeting("c/01.md", ["RăzvanD", "RaduDinu"], ["RD"])

    found = owner("c/01.md", "RD")
    assert found.person is None
    assert sorted(Person.objects.get(pk=pk).handle for pk in found.candidates) == [
        "RaduDinu",
        "RăzvanD",
    ]
    assert found.evidence.startswith("could be Radu Dinu or RăzvanD")


def test_the_same_initials_are_different_people_in_different_teams():
    meeting("c/01.md", ["CristiV"], ["CV"], teams=["community"])
    meeting("a/01.md", ["CosminV"], ["CV"], teams=["app-compat"])

    assert owners_in("c/01.md") == {"CV": "CristiV"}
    assert owners_in("a/01.md") == {"CV": "CosminV"}


# Owners who did not attend


def test_an_owner_who_did_not_attend_is_the_one_person_of_the_team_around_then():
    meeting("c/01.md", ["Simon Kuenzer", "RăzvanD"], date="2024-01-03")
    meeting("c/02.md", ["RăzvanD"], ["SK"], date="2024-02-07")

    assert owners_in("c/02.md") == {"SK": "Simon Kuenzer"}
    assert "took part in the team's meetings around then" in owner("c/02.md", "SK").evidence


def test_an_absent_owner_two_people_of_the_team_fit_stays_unresolved():
    meeting("c/01.md", ["Simon Kuenzer", "Sairaj Kodilkar"], date="2024-01-03")
    meeting("c/02.md", ["RăzvanD"], ["SK"], date="2024-02-07")

    found = owner("c/02.md", "SK")
    assert found.person is None
    assert len(found.candidates) == 2


def test_the_same_initials_in_another_year_are_not_taken_for_someone_long_gone():
    meeting("g/01.md", ["MariaS"], ["MS"], teams=["gsoc"], date="2022-07-04")
    meeting("g/02.md", ["Marco", "Michalis Pappas"], ["MS"], teams=["build"], date="2023-07-24")

    assert owners_in("g/01.md") == {"MS": "MariaS"}
    # Marco's surname is never written: MS may be him; Maria attended a year before elsewhere.
    assert owners_in("g/02.md") == {"MS": "Marco"}


def test_an_owner_no_one_fits_stays_unresolved_and_is_listed():
    meeting("c/01.md", ["RăzvanD"], ["ZQ"])

    assert owners_in("c/01.md") == {"ZQ": None}
    assert [entry.name for entry in unresolved_names()] == ["ZQ"]


def test_placeholders_and_groups_are_no_person():
    import_text(
        "---\ndate: 2024-01-10\nteams: [c]\nparticipants: [RăzvanD, AlexJ]\n---\n\n"
        "## TODOs\n\n* Everyone: release\n* Mentees: start working on projects\n"
        "* TBD: write the blog\n* RD: arrange meetings\n"
    )

    owners = {o.name: (o.person, o.is_group) for o in Owner.objects.all()}
    assert owners["Everyone"] == (None, True)
    assert owners["Mentees"] == (None, True)
    assert owners["RD"][0].handle == "RăzvanD"
    assert "TBD" not in handles()


# What maintainers and owners say


def test_an_alias_for_a_team_comes_before_one_for_every_team_and_before_the_minutes():
    meeting("c/01.md", ["CristiV", "CosminV"], date="2024-01-03", teams=["community"])
    meeting("a/01.md", ["CristiV", "CosminV"], ["CV"], date="2024-01-10", teams=["app-compat"])
    meeting("c/02.md", ["CristiV", "CosminV"], ["CV"], date="2024-01-10", teams=["community"])
    cristi, cosmin = Person.objects.get(handle="CristiV"), Person.objects.get(handle="CosminV")
    Alias.objects.create(text="CV", person=cristi)
    Alias.objects.create(text="CV", person=cosmin, team=Team.objects.get(name="app-compat"))

    resolve()

    assert owners_in("a/01.md") == {"CV": "CosminV"}
    assert owners_in("c/02.md") == {"CV": "CristiV"}
    assert owner("a/01.md", "CV").evidence == "mapped to CosminV in app-compat"


def test_a_merge_moves_everything_and_undoing_it_keeps_the_two_apart():
    meeting("c/01.md", ["Gabi"], ["GM"], date="2024-01-03")
    meeting("c/02.md", ["Gabriel Mocanu", "Gabi Mocanu"], date="2024-01-10")
    # Seen together in one meeting: two humans, until a maintainer says otherwise.
    assert handles() == ["GabiM", "GabrielM"]
    gabriel, gabi = Person.objects.get(handle="GabrielM"), Person.objects.get(handle="GabiM")
    gabriel_id = gabriel.pk

    record = merge(gabriel, gabi, reason="same human")

    assert not Person.objects.filter(pk=gabriel_id).exists()
    # Both were at c/02.md: one person is there once.
    assert list(gabi.participations.values_list("name", flat=True).order_by("name")) == [
        "Gabi",
        "Gabi Mocanu",
    ]
    record.undo(user=None)
    learn()
    gabriel = Person.objects.get(pk=gabriel_id)
    assert gabriel.handle == "GabrielM"
    assert Merge.objects.get(reason="same human").undone is not None
    assert list(gabriel.participations.values_list("name", flat=True)) == ["Gabriel Mocanu"]


# Importing


def test_every_owner_and_speaker_keeps_the_name_as_written_beside_its_person():
    import_text(
        minutes(
            ["RăzvanD", "AlexJ", "Marco"],
            owners=["RD", "Marco", "MK", "Everyone"],
            speakers=["RazvanD", "AJ"],
        )
    )

    assert owners_in("team/2024-01-10.md") == {
        "RD": "RăzvanD",
        "Marco": "Marco",
        # Marco's surname is never written, and no one else there could be MK.
        "MK": "Marco",
        "Everyone": "group",
    }
    speakers = Speaker.objects.select_related("person")
    assert [(s.name, s.person.handle) for s in speakers] == [
        ("RazvanD", "RăzvanD"),
        ("AJ", "AlexJ"),
    ]


def test_handles_that_differ_in_case_or_accents_are_one_person():
    import_text(minutes(["RăzvanD"], owners=["RD"]), source="a/2024-01-10.md")
    import_text(
        minutes(["RazvanD"], owners=["RD"], date="2024-01-17", texts=["Write the release notes"]),
        source="a/2024-01-17.md",
    )

    razvan = Person.objects.get()
    assert Owner.objects.filter(person=razvan).count() == 2


def test_a_group_item_shows_for_every_participant_of_its_meeting_and_no_one_else():
    import_text(minutes(["RăzvanD", "AlexJ"], owners=["Everyone", "RD", "all"]))
    import_text(minutes(["Marco"], owners=["Community leaders"]), source="other/2024-01-11.md")
    razvan, alex, marco = (Person.objects.get(key=k) for k in ["razvand", "alexj", "marco"])

    assert sorted(i.text for i in Item.objects.owned_by(razvan)) == ["Task 1", "Task 2", "Task 3"]
    assert sorted(i.text for i in Item.objects.owned_by(alex)) == ["Task 1", "Task 3"]
    assert [i.text for i in Item.objects.owned_by(marco)] == ["Task 1"]
    assert [i.text for i in razvan.items()] == [i.text for i in Item.objects.owned_by(razvan)]


def test_items_owned_by_a_person_are_read_in_one_query(django_assert_num_queries):
    import_text(minutes(["RăzvanD", "AlexJ"], owners=["Everyone", "RD", "AJ", "RD"]))
    import_text(minutes(["RăzvanD"], owners=["all"], date="2024-01-17"), source="t/2024-01-17.md")
    razvan = Person.objects.get(key="razvand")

    with django_assert_num_queries(1):
        items = list(Item.objects.owned_by(razvan).open().select_related("meeting"))

    assert sorted(i.text for i in items) == ["Task 1", "Task 1", "Task 2", "Task 4"]


def test_a_persons_teams_are_those_of_the_meetings_they_took_part_in():
    import_text(minutes(["RăzvanD"], teams=["community", "kraft"]))
    import_text(minutes(["AlexJ"], teams=["docs"]), source="docs/2024-01-10.md")

    razvan = Person.objects.get(key="razvand")
    assert [t.name for t in razvan.teams()] == ["community", "kraft"]


def test_resolving_a_whole_meeting_takes_a_few_queries_however_many_names(
    django_assert_max_num_queries,
):
    letters = "ABCEFGHIKLMNOPQRSTUVW"
    handles = [f"User{c}" for c in letters]  # UserA, written UA
    initials = [f"U{c}" for c in letters]
    import_text(minutes(["RăzvanD", *handles], owners=["RD"] * 40, speakers=initials * 2))
    Owner.objects.update(person=None)
    Speaker.objects.update(person=None)
    meeting = Meeting.objects.get()

    # The directory of everyone and the meeting's neighbours take a few queries;
    # the names themselves, a few more; keeping who owns what (Ownership), six.
    with django_assert_max_num_queries(23):
        changed = resolve(meetings=[meeting])

    assert changed == 40 + 2 * len(letters)
    assert not Speaker.objects.filter(person=None).exists()
    assert resolve(meetings=[meeting]) == 0


def test_an_edited_participant_list_resolves_the_items_kept_again():
    import_text(minutes(["RăzvanD", "AlexJ"], owners=["RD", "AJ"]))
    assert owners_in("team/2024-01-10.md") == {"RD": "RăzvanD", "AJ": "AlexJ"}

    import_text(minutes(["RaduDinu", "AlexJ"], owners=["RD", "AJ"]))

    assert owners_in("team/2024-01-10.md") == {"RD": "Radu Dinu", "AJ": "AlexJ"}


def test_a_name_resolves_once_its_person_signs_in_to_a_later_meeting():
    import_text(minutes(["Vlad"], owners=["Vlad and Maria to meet"]), source="a/2024-01-10.md")
    assert Owner.objects.get(name="Maria").person is None

    import_text(minutes(["Maria"], date="2024-01-17"), source="a/2024-01-17.md")

    assert Owner.objects.get(name="Maria").person.handle == "Maria"


# Learning across meetings


def test_a_full_name_in_one_meeting_resolves_initials_in_the_teams_other_meetings():
    import_text(
        minutes(["Cezar Craciunoiu"], owners=["CC"], date="2022-01-19", texts=["Fix fixdep"]),
        source="c/2022-01-19.md",
    )
    import_text(
        minutes(["Cezar"], owners=["CC"], speakers=["CC"], date="2022-01-12", texts=["Demo"]),
        source="c/2022-01-12.md",
    )
    import_text(
        minutes(["Cezar"], owners=["CC"], teams=["kraft"], date="2022-01-12", texts=["Port"]),
        source="k/2022-01-12.md",
    )

    assert unresolved_names() == []
    assert set(Owner.objects.values_list("person__name", flat=True)) == {"Cezar Craciunoiu"}
    assert Speaker.objects.get().evidence == ("initials of Cezar Craciunoiu, who attended as Cezar")


def test_names_that_point_at_two_people_in_their_teams_suggest_both_and_pick_neither():
    import_text(minutes(["CristiV"], owners=["CV"], texts=["Review SMP"]), source="c/01-05.md")
    import_text(
        minutes(["CosminV"], owners=["CV"], teams=["app-compat"], texts=["Port nginx"]),
        source="a/01-05.md",
    )
    import_text(minutes(["Marco"], owners=["CV"], teams=["community", "app-compat"], texts=["Ask"]))

    [cv] = unresolved_names()

    assert {(s.person.handle, s.teams[0].name) for s in cv.suggestions} == {
        ("CristiV", "community"),
        ("CosminV", "app-compat"),
    }
    assert cv.suggestion is None


def test_unresolved_names_of_one_team_leave_the_others_out():
    import_text(minutes(["Marco"], owners=["MK"]), source="c/2024-01-10.md")
    import_text(minutes(["Marco"], owners=["ZZ"], teams=["kraft"]), source="k/2024-01-10.md")

    assert [n.name for n in unresolved_names(team=Team.objects.get(name="kraft"))] == ["ZZ"]


def test_owners_a_later_meeting_names_for_an_open_item_are_whoever_fits_there():
    pull = "https://github.com/unikraft/unikraft/pull/1234"
    import_text(
        minutes(["CristiV"], owners=["CV"], texts=[f"Review {pull}"]), source="c/2024-01-10.md"
    )
    import_text(
        minutes(
            ["CosminV", "RăzvanD"], owners=["CV/RD"], date="2024-01-17", texts=[f"Review {pull}"]
        ),
        source="c/2024-01-17.md",
    )
    # Other people's review of the same pull request: possibly the same, for a person to say.
    earlier, later = Item.objects.order_by("raised")
    assert Candidate.objects.get().later == later
    assert [(o.name, o.person.handle) for o in later.owners.all()] == [
        ("CV", "CosminV"),
        ("RD", "RăzvanD"),
    ]
    assert earlier.owners.get().person.handle == "CristiV"

    assert resolve() == 0


def test_owners_a_later_meeting_repeats_stay_who_they_were_when_the_item_was_raised():
    pull = "https://github.com/unikraft/unikraft/pull/1234"
    import_text(
        minutes(["CristiV", "CosminV"], owners=["CristiV"], texts=[f"Review {pull}"]),
        source="c/2024-01-10.md",
    )
    import_text(
        minutes(["CristiV"], owners=["CV"], date="2024-01-17", texts=[pull]),
        source="c/2024-01-17.md",
    )

    [item] = Item.objects.all()
    assert item.mentions.count() == 2
    assert item.owners.get().person.handle == "CristiV"
    assert resolve() == 0

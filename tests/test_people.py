"""Who is who: section 7 of MINUTES_FORMAT.md, from a name as written to a person."""

import pytest

from meetings.models import Alias, Item, Meeting, Owner, Person, Speaker, Team
from meetings.people import Resolver, resolve, unresolved_names
from tests.conftest import import_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Make people by handle: ``people("RăzvanD", "AlexJ")``, in that order."""

    def make(*handles):
        return [Person.objects.get_or_create(handle=handle)[0] for handle in handles]

    return make


def team(name):
    return Team.objects.get_or_create(name=name, defaults={"slug": name})[0]


def resolved(participants, name, teams=()):
    person = Resolver(participants, teams).resolve(name)
    return person.handle if person else None


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
    """{name as written: handle of its person, "group", or None} for a meeting's owners."""
    owners = Owner.objects.filter(item__meeting__source=source).select_related("person")
    return {o.name: "group" if o.is_group else o.person and o.person.handle for o in owners}


# The meeting's participants


def test_a_participant_is_found_by_handle_whatever_the_case_and_accents(people):
    participants = people("RăzvanD", "AlexJ")

    assert resolved(participants, "RăzvanD") == "RăzvanD"
    assert resolved(participants, "RazvanD") == "RăzvanD"
    assert resolved(participants, "razvand") == "RăzvanD"
    assert resolved(participants, "alexj") == "AlexJ"


def test_a_first_name_finds_the_one_participant_who_has_it(people):
    participants = people("Marco", "RăzvanD", "Andrei Topală", "AlexJ")

    assert resolved(participants, "Marco") == "Marco"
    assert resolved(participants, "Răzvan") == "RăzvanD"
    assert resolved(participants, "Razvan") == "RăzvanD"
    assert resolved(participants, "Andrei") == "Andrei Topală"
    assert resolved(participants, "Alex") == "AlexJ"


def test_a_first_name_two_participants_share_is_no_one(people):
    participants = people("RăzvanD", "RăzvanV")

    assert resolved(participants, "Răzvan") is None


def test_a_handle_comes_before_a_first_name(people):
    participants = people("AlexJ", "Alex")

    assert resolved(participants, "Alex") == "Alex"


def test_a_first_name_and_initial_find_a_participant_who_signed_in_by_first_name(people):
    participants = people("Simon", "Radu", "Sergiu")

    assert resolved(participants, "Simon K") == "Simon"
    assert resolved(participants, "RaduN") == "Radu"


def test_a_full_name_signs_in_as_first_name_and_initial(people):
    participants = people("Simon Kuenzer")

    assert resolved(participants, "SimonK") == "Simon Kuenzer"
    assert resolved(participants, "Simon K") == "Simon Kuenzer"


def test_what_a_participant_adds_in_brackets_is_a_name_of_theirs(people):
    participants = people("Marc Rittinghaus (MR)", "Marin (`adminy`)")

    assert resolved(participants, "MR") == "Marc Rittinghaus (MR)"
    assert resolved(participants, "Marc Rittinghaus") == "Marc Rittinghaus (MR)"
    assert resolved(participants, "adminy") == "Marin (`adminy`)"


def test_a_display_name_counts_like_a_handle(people):
    [razvan] = people("RăzvanD")
    razvan.name = "Răzvan Deaconescu"
    razvan.save()

    assert resolved([razvan], "Razvan Deaconescu") == "RăzvanD"


# Initials


def test_initials_derived_from_handles_find_the_one_participant_they_fit(people):
    participants = people("RăzvanD", "RaduNichita", "AlexJ", "Gabi Mocanu", "ȘtefanJ")

    assert resolved(participants, "RD") == "RăzvanD"
    assert resolved(participants, "RN") == "RaduNichita"
    assert resolved(participants, "AJ") == "AlexJ"
    assert resolved(participants, "GM") == "Gabi Mocanu"
    assert resolved(participants, "SJ") == "ȘtefanJ"
    assert resolved(participants, "rd") == "RăzvanD"


def test_initials_two_participants_fit_are_no_one(people):
    participants = people("RăzvanD", "RaduDinu")

    assert resolved(participants, "RD") is None


def test_the_same_initials_are_whoever_fits_in_each_meeting(people):
    cristi, cosmin, razvan = people("CristiV", "CosminV", "RăzvanD")

    assert resolved([cristi, razvan], "CV") == "CristiV"
    assert resolved([cosmin, razvan], "CV") == "CosminV"


def test_initials_alone_are_no_one_even_if_someone_signed_in_as_them(people):
    people("RD")

    assert resolved([], "RD") is None


def test_a_first_name_alone_has_no_initials(people):
    participants = people("Cezar", "Simon")

    assert resolved(participants, "CC") is None
    assert resolved(participants, "SK") is None


# Aliases maintainers recorded


def test_a_recorded_alias_finds_a_person_no_participant_fits(people):
    cezar, razvan = people("Cezar", "RăzvanD")
    Alias.objects.create(text="CC", person=cezar)

    assert resolved([razvan], "CC") == "Cezar"
    assert resolved([razvan], "cc") == "Cezar"


def test_an_alias_of_a_participant_comes_before_initials(people):
    cezar, cristi = people("Cezar", "CristiCiobanu")
    Alias.objects.create(text="CC", person=cezar)

    assert resolved([cezar, cristi], "CC") == "Cezar"
    assert resolved([cristi], "CC") == "CristiCiobanu"


def test_an_alias_for_a_team_comes_before_one_for_every_team_and_holds_only_there(people):
    cristi, cosmin, razvan = people("CristiV", "CosminV", "RăzvanD")
    app_compat, community = team("app-compat"), team("community")
    Alias.objects.create(text="CV", person=cristi)
    Alias.objects.create(text="CV", person=cosmin, team=app_compat)

    assert resolved([razvan], "CV", teams=[app_compat]) == "CosminV"
    assert resolved([razvan], "CV", teams=[community]) == "CristiV"
    assert resolved([razvan], "CV") == "CristiV"


def test_a_handle_is_found_when_the_meeting_forgot_to_list_its_person(people):
    people("FlorinP", "Maria")

    assert resolved([], "FlorinP") == "FlorinP"
    assert resolved([], "maria") == "Maria"


def test_groups_are_no_person(people):
    participants = people("RăzvanD", "AlexJ")

    for name in ["Everyone", "everyone", "All", "all", "Community leaders", "Mentors"]:
        assert resolved(participants, name) is None


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
        "MK": None,
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

    with django_assert_max_num_queries(12):
        changed = resolve(meetings=[meeting])

    assert changed == 40 + 2 * len(letters)
    assert not Speaker.objects.filter(person=None).exists()
    assert resolve(meetings=[meeting]) == 0


def test_an_edited_participant_list_resolves_the_items_kept_again():
    import_text(minutes(["RăzvanD", "AlexJ"], owners=["RD", "AJ"]))
    assert owners_in("team/2024-01-10.md") == {"RD": "RăzvanD", "AJ": "AlexJ"}

    import_text(minutes(["RaduDinu", "AlexJ"], owners=["RD", "AJ"]))

    assert owners_in("team/2024-01-10.md") == {"RD": "RaduDinu", "AJ": "AlexJ"}


def test_a_name_resolves_once_its_person_signs_in_to_a_later_meeting():
    import_text(minutes(["Vlad"], owners=["Vlad and Maria to meet"]), source="a/2024-01-10.md")
    assert Owner.objects.get(name="Maria").person is None

    import_text(minutes(["Maria"], date="2024-01-17"), source="a/2024-01-17.md")

    assert Owner.objects.get(name="Maria").person.handle == "Maria"


# Learning across meetings


def test_a_name_resolved_in_one_meeting_is_suggested_for_the_teams_other_meetings():
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

    [cc] = unresolved_names()

    assert (cc.name, cc.owners, cc.speakers) == ("CC", 2, 1)
    assert [m.source for m in cc.meetings] == ["c/2022-01-12.md", "k/2022-01-12.md"]
    assert [t.name for t in cc.teams] == ["community", "kraft"]
    [suggestion] = cc.suggestions
    assert suggestion.person.handle == "Cezar Craciunoiu"
    assert [t.name for t in suggestion.teams] == ["community"]
    assert [m.source for m in suggestion.meetings] == ["c/2022-01-19.md"]
    assert cc.suggestion == suggestion.person
    # A suggestion, not a resolution.
    assert Owner.objects.filter(name="CC", person=None).count() == 2


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
    [item] = Item.objects.all()
    assert item.mentions.count() == 2
    assert [(o.name, o.person.handle) for o in item.owners.all()] == [
        ("CV", "CosminV"),
        ("RD", "RăzvanD"),
    ]

    assert resolve() == 0


def test_owners_a_later_meeting_repeats_stay_who_they_were_when_the_item_was_raised():
    pull = "https://github.com/unikraft/unikraft/pull/1234"
    import_text(
        minutes(["CristiV"], owners=["CV"], texts=[f"Review {pull}"]), source="c/2024-01-10.md"
    )
    import_text(
        minutes(["CosminV"], owners=["CV"], date="2024-01-17", texts=[pull]),
        source="c/2024-01-17.md",
    )

    [item] = Item.objects.all()
    assert item.mentions.count() == 2
    assert item.owners.get().person.handle == "CristiV"
    assert resolve() == 0

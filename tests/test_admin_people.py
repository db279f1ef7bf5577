"""The admin of who is who: people, aliases, and the maintainers' page of unresolved names."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from meetings.models import (
    Alias,
    Item,
    Meeting,
    Owner,
    Ownership,
    Participant,
    Person,
    Speaker,
    Team,
)
from tests.helpers import import_text, make_meeting
from tests.test_people import minutes

pytestmark = pytest.mark.django_db

UNRESOLVED = reverse("admin:meetings_person_unresolved")
ADD_ALIAS = reverse("admin:meetings_alias_add")
ADD_PERSON = reverse("admin:meetings_person_add")
NO_ALIASES = {"aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"}


@pytest.fixture
def viewer(client):
    """A staff member who may see people but change nothing."""
    user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(user)
    return client


def cezar_unresolved():
    """Two meetings where Cezar and Cristi sign in by first name and `CC` is written."""
    import_text(minutes(["Cezar", "Cristi", "RăzvanD"], owners=["CC", "RD"], speakers=["CC"]))
    import_text(
        minutes(
            ["Cezar", "Cristi"],
            owners=["CC", "CC"],
            teams=["kraft"],
            date="2024-01-17",
            texts=["Fix fixdep", "Rebase the kraft PR"],
        ),
        source="kraft/2024-01-17.md",
    )
    return Person.objects.get(handle="Cezar")


# The page


def test_the_people_list_links_to_the_unresolved_names(admin_client):
    page = admin_client.get(reverse("admin:meetings_person_changelist")).content.decode()

    assert f'href="{UNRESOLVED}"' in page


def test_the_page_is_styled_by_the_admins_media_not_inline(admin_client):
    page = admin_client.get(UNRESOLVED).content.decode()

    assert 'href="/static/tracker-admin.css"' in page
    assert 'href="/static/admin/css/forms.css"' in page
    assert "<style" not in page


def test_the_page_lists_each_name_with_counts_teams_meetings_and_who_it_could_be(admin_client):
    cezar_unresolved()

    page = admin_client.get(UNRESOLVED).content.decode()

    assert "<strong>CC</strong>" in page
    assert "<td>3</td>" in page  # as owner
    assert "<td>1</td>" in page  # as speaker
    assert "community, kraft" in page
    assert "team/2024-01-10.md" in page
    assert "kraft/2024-01-17.md" in page
    assert "could be Cezar or Cristi" in page


def test_the_page_of_one_team_lists_only_its_names(admin_client):
    cezar_unresolved()
    import_text(minutes(["Marco"], owners=["ZQ"], teams=["docs"]), source="docs/2024-01-10.md")

    page = admin_client.get(UNRESOLVED, {"team": "docs"}).content.decode()

    assert "<strong>ZQ</strong>" in page
    assert "<strong>CC</strong>" not in page


def test_the_page_reads_a_few_queries_however_many_names(
    admin_client, django_assert_max_num_queries
):
    for day in range(10, 20):
        names = [f"X{chr(65 + day)}", f"Y{chr(65 + day)}", "CC"]
        import_text(
            minutes(
                ["Cezar", "Cristi", "RăzvanD"], owners=names, speakers=names, date=f"2024-01-{day}"
            ),
            source=f"team/2024-01-{day}.md",
        )

    with django_assert_max_num_queries(16):
        response = admin_client.get(UNRESOLVED)

    assert response.content.decode().count('<td class="name">') == 21


def test_with_every_name_resolved_the_page_says_so(admin_client):
    import_text(minutes(["RăzvanD"], owners=["RD"]))

    assert "Every owner and speaker is a person or a group." in admin_client.get(UNRESOLVED).text


# Mapping a name


def test_mapping_a_name_resolves_every_past_item_at_once_and_every_future_import(
    admin_client, django_assert_max_num_queries
):
    cezar = cezar_unresolved()
    assert not Item.objects.owned_by(cezar).exists()

    with django_assert_max_num_queries(37):
        response = admin_client.post(UNRESOLVED, {"text": "CC", "person": "cezar", "team": ""})

    assert response.status_code == 302
    alias = Alias.objects.get()
    assert (alias.text, alias.person, alias.team) == ("CC", cezar, None)
    assert sorted(i.meeting.source for i in Item.objects.owned_by(cezar)) == [
        "kraft/2024-01-17.md",
        "kraft/2024-01-17.md",
        "team/2024-01-10.md",
    ]
    assert Speaker.objects.get(name="CC").person == cezar
    page = admin_client.get(response.url).content.decode()
    assert "“CC” is Cezar in every team now: 4 owner(s) and speaker(s) resolved." in page
    assert "<strong>CC</strong>" not in page

    import_text(
        minutes(["Cezar"], owners=["CC"], date="2024-02-07", texts=["Plan the hackathon"]),
        source="team/2024-02-07.md",
    )

    assert Owner.objects.get(item__meeting__source="team/2024-02-07.md").person == cezar


def test_mapping_a_name_in_one_team_leaves_the_other_teams_alone(admin_client):
    cezar = cezar_unresolved()
    kraft = Team.objects.get(name="kraft")

    admin_client.post(UNRESOLVED, {"text": "CC", "person": "Cezar", "team": kraft.pk})

    assert [i.meeting.source for i in Item.objects.owned_by(cezar)] == ["kraft/2024-01-17.md"] * 2
    assert Owner.objects.get(item__meeting__source="team/2024-01-10.md", name="CC").person is None


def test_mapping_to_no_one_known_says_so_and_saves_nothing(admin_client):
    cezar_unresolved()

    response = admin_client.post(UNRESOLVED, {"text": "CC", "person": "Nobody", "team": ""})

    assert response.status_code == 200
    assert "No one is written “Nobody”." in response.text
    assert not Alias.objects.exists()


def test_mapping_a_name_that_is_anothers_handle_is_refused(admin_client):
    cezar_unresolved()

    response = admin_client.post(UNRESOLVED, {"text": "RazvanD", "person": "Cezar", "team": ""})

    assert "is the handle of RăzvanD: an alias cannot make two people share a handle" in (
        response.text
    )
    assert not Alias.objects.exists()


def test_anonymous_visitors_and_non_staff_are_sent_to_log_in(client):
    assert client.get(UNRESOLVED).status_code == 302
    user = get_user_model().objects.create_user("maria")
    client.force_login(user)

    response = client.get(UNRESOLVED)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_who_may_not_see_people_are_refused(client):
    client.force_login(get_user_model().objects.create_user("s", is_staff=True))

    assert client.get(UNRESOLVED).status_code == 403


def test_staff_who_may_not_add_aliases_see_the_page_but_cannot_map(viewer):
    cezar_unresolved()

    assert "<strong>CC</strong>" in viewer.get(UNRESOLVED).text
    assert 'type="submit" value="Map"' not in viewer.get(UNRESOLVED).text
    assert viewer.post(UNRESOLVED, {"text": "CC", "person": "Cezar"}).status_code == 403
    assert not Alias.objects.exists()


# Aliases and people in the admin


def test_an_alias_saved_or_deleted_in_the_admin_resolves_its_names_again(admin_client):
    cezar = cezar_unresolved()

    admin_client.post(ADD_ALIAS, {"text": "CC", "person": cezar.pk, "team": ""})

    assert Item.objects.owned_by(cezar).count() == 3
    alias = Alias.objects.get()
    admin_client.post(reverse("admin:meetings_alias_delete", args=[alias.pk]), {"post": "yes"})

    assert not Alias.objects.exists()
    assert not Item.objects.owned_by(cezar).exists()


def test_aliases_added_on_a_persons_page_resolve_their_names_again(admin_client):
    cezar = cezar_unresolved()

    admin_client.post(
        reverse("admin:meetings_person_change", args=[cezar.pk]),
        {
            "name": "Cezar",
            "handle": "Cezar",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-text": "CC",
            "aliases-0-team": "",
        },
    )

    assert cezar.aliases.get().text == "CC"
    assert Item.objects.owned_by(cezar).count() == 3


def test_a_changed_handle_resolves_the_names_in_the_persons_meetings_again(admin_client):
    import_text(minutes(["Radu", "AlexJ"], owners=["RD", "AJ"]))
    radu = Person.objects.get(handle="Radu")

    admin_client.post(
        reverse("admin:meetings_person_change", args=[radu.pk]),
        {"name": "Radu", "handle": "RaduDinu", **NO_ALIASES},
    )

    assert Owner.objects.get(name="RD").person == radu


# Bad input: a clear error, and nothing saved


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("...", "A name needs at least one letter or digit."),
        ("-/-", "A name needs at least one letter or digit."),
        ("C\u200bC", "Invisible characters (U+200B ZERO WIDTH SPACE)"),
        ("Everyone", "“Everyone” stands for everyone at a meeting, not for one person."),
    ],
)
def test_an_alias_with_nothing_to_match_on_is_refused(admin_client, text, error):
    [cezar] = [Person.objects.create(handle="Cezar")]

    response = admin_client.post(ADD_ALIAS, {"text": text, "person": cezar.pk, "team": ""})

    assert response.status_code == 200
    assert error in response.text
    assert not Alias.objects.exists()


def test_an_alias_that_is_another_persons_handle_is_refused(admin_client):
    cezar = Person.objects.create(handle="Cezar")
    Person.objects.create(handle="RăzvanD")

    response = admin_client.post(ADD_ALIAS, {"text": "razvand", "person": cezar.pk, "team": ""})

    assert (
        "“razvand” is the handle of RăzvanD: an alias cannot make two people share a handle."
        in response.text
    )
    assert not Alias.objects.exists()


def test_an_alias_taken_in_the_same_team_is_refused(admin_client):
    cezar, cristi = (Person.objects.create(handle=h) for h in ["Cezar", "CristiC"])
    Alias.objects.create(text="CC", person=cristi)

    response = admin_client.post(ADD_ALIAS, {"text": "cc", "person": cezar.pk, "team": ""})

    assert "“CC” stands for CristiC everywhere already." in response.text
    assert Alias.objects.count() == 1


def test_the_same_alias_twice_on_a_persons_page_is_refused(admin_client):
    cezar = Person.objects.create(handle="Cezar")

    response = admin_client.post(
        reverse("admin:meetings_person_change", args=[cezar.pk]),
        {
            "name": "Cezar",
            "handle": "Cezar",
            "aliases-TOTAL_FORMS": "2",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-text": "CC",
            "aliases-1-text": "cc",
        },
    )

    assert "“cc” is written twice for the same teams." in response.text
    assert not Alias.objects.exists()


@pytest.mark.parametrize(
    ("handle", "error"),
    [
        ("Ale\u200bx", "Invisible characters (U+200B ZERO WIDTH SPACE)"),
        ("Alex\u2060", "Invisible characters (U+2060 WORD JOINER)"),
        ("\u202eJxelA", "Invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("Alex\u200f", "Invisible characters (U+200F RIGHT-TO-LEFT MARK)"),
        ("!!", "A name needs at least one letter or digit."),
    ],
)
def test_a_handle_with_hidden_characters_is_refused(admin_client, handle, error):
    response = admin_client.post(ADD_PERSON, {"name": "Alex", "handle": handle, **NO_ALIASES})

    assert response.status_code == 200
    assert error in response.text
    assert not Person.objects.exists()


def test_a_handle_another_person_has_but_for_case_and_accents_is_refused(admin_client):
    Person.objects.create(handle="RăzvanD")

    response = admin_client.post(ADD_PERSON, {"name": "Razvan", "handle": "RAZVAND", **NO_ALIASES})

    assert "RăzvanD has this handle already (case and accents aside)." in response.text
    assert Person.objects.count() == 1


def test_a_handle_that_is_another_persons_alias_is_refused(admin_client):
    cezar = Person.objects.create(handle="Cezar")
    Alias.objects.create(text="CC", person=cezar)

    response = admin_client.post(ADD_PERSON, {"name": "CC", "handle": "CC", **NO_ALIASES})

    assert "“CC” is an alias of Cezar: two people cannot share a name." in response.text
    assert Person.objects.count() == 1


def test_a_participant_added_in_the_meeting_admin_resolves_the_meetings_names(admin_client):
    import_text(minutes(["AlexJ"], owners=["AJ", "RD"]))
    meeting = Meeting.objects.get()
    radu = Person.objects.create(handle="RaduDinu")
    assert Owner.objects.get(name="RD").person is None
    alex = meeting.participations.get()

    response = change_meeting(
        admin_client,
        meeting,
        [alex],
        {
            "participations-1-meeting": meeting.pk,
            "participations-1-person": radu.pk,
            "participations-1-name": "RaduDinu",
            "participations-1-position": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Owner.objects.get(name="RD").person == radu


def test_a_meeting_dated_anew_in_the_admin_moves_in_its_participants_recent_meetings(
    admin_client,
):
    import_text(minutes(["AlexJ"], owners=["AJ"]))
    meeting = Meeting.objects.get()
    alex = meeting.participations.get()
    later = make_meeting("2024-06-05", participants=[alex.person], title="June")
    assert person_meetings(admin_client, alex.person)[0] == "June"

    response = change_meeting(admin_client, meeting, [alex], {"date": "2024-09-04"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Meeting.objects.get(pk=meeting.pk).date == dt.date(2024, 9, 4)
    assert list(Participant.objects.order_by("date").values_list("date", flat=True)) == [
        later.date,
        dt.date(2024, 9, 4),
    ]
    assert person_meetings(admin_client, alex.person)[1] == "June"
    # The item its minutes raised was raised on its new date, in the lists too.
    item = Item.objects.get()
    assert (item.raised, item.last_raised) == (dt.date(2024, 9, 4), dt.date(2024, 9, 4))
    assert Ownership.objects.get(item=item).raised == dt.date(2024, 9, 4)
    assert "4 Sep 2024" in admin_client.get(f"/items/?owner={alex.person.handle}").text


def change_meeting(client, meeting, participants, changes):
    """Post the meeting's admin page: as it is, its ``participants`` kept, and ``changes``
    (a field's new value, or a new participant's ``participations-N-...`` fields)."""
    form = {
        "source": meeting.source,
        "file_name": meeting.file_name,
        "date": meeting.date.isoformat(),
        "teams": [t.pk for t in meeting.teams.all()],
        "text": meeting.text,
        "participations-INITIAL_FORMS": str(len(participants)),
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
    }
    for n, participant in enumerate(participants):
        form[f"participations-{n}-id"] = participant.pk
        form[f"participations-{n}-meeting"] = meeting.pk
        form[f"participations-{n}-person"] = participant.person_id
        form[f"participations-{n}-name"] = participant.name
        form[f"participations-{n}-position"] = str(participant.position)
    form.update(changes)
    added = {key.split("-")[1] for key in changes if key.startswith("participations-")}
    form["participations-TOTAL_FORMS"] = str(len(participants) + len(added))
    return client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), form)


def person_meetings(client, person):
    """The titles of the person page's recent meetings, in order."""
    html = client.get(person.get_absolute_url()).content.decode()
    recent = html[html.index("<h2>Recent meetings</h2>") :]
    recent = recent[: recent.index("</ul>")]
    return [
        link.split(">", 1)[1].split("<", 1)[0].split(": ", 1)[-1]
        for link in recent.split("<a ")[1:]
    ]


# Merging people


MERGE = reverse("admin:meetings_person_merge")


def two_simons():
    """`Simon` and `SK` signed in to different meetings: two records, as an import may leave."""
    import_text(minutes(["Simon", "RăzvanD"], owners=["SK"], texts=["Port nginx"]))
    simon = Person.objects.get(handle="Simon")
    sk = Person.objects.create(handle="SK", name="SK", manual=True)
    return simon, sk


def test_the_merge_preview_shows_what_moves_and_changes_nothing(admin_client):
    import_text(minutes(["Gabi Mocanu", "Gabriel Mocanu"], owners=["GM"], texts=["Fix the CI"]))
    gabi, gabriel = Person.objects.get(handle="GabiM"), Person.objects.get(handle="GabrielM")

    page = admin_client.get(MERGE, {"ids": f"{gabi.pk},{gabriel.pk}"}).content.decode()

    assert 'data-person="GabiM"' in page
    assert 'data-person="GabrielM"' in page
    assert "Gabriel Mocanu" in page
    assert Person.objects.count() == 2


def test_a_maintainer_merges_two_records_and_learning_keeps_them_together(admin_client):
    import_text(minutes(["Gabi Mocanu", "Gabriel Mocanu"], owners=["GM"], texts=["Fix the CI"]))
    gabi, gabriel = Person.objects.get(handle="GabiM"), Person.objects.get(handle="GabrielM")
    assert Owner.objects.get().person is None  # two participants have those initials

    response = admin_client.post(
        MERGE, {"ids": f"{gabi.pk},{gabriel.pk}", "target": gabi.pk, "confirm": "1"}, follow=True
    )

    assert "GabrielM merged into GabiM" in response.content.decode()
    assert list(Person.objects.values_list("handle", flat=True)) == ["GabiM"]
    assert Owner.objects.get().person == gabi
    from meetings.people import learn

    learn()
    assert list(Person.objects.values_list("handle", flat=True)) == ["GabiM"]
    assert Owner.objects.get().person == gabi


def test_undoing_a_merge_in_the_admin_makes_the_record_again(admin_client):
    import_text(minutes(["Gabi Mocanu", "Gabriel Mocanu"], owners=["GM"], texts=["Fix the CI"]))
    gabi, gabriel = Person.objects.get(handle="GabiM"), Person.objects.get(handle="GabrielM")
    admin_client.post(MERGE, {"ids": f"{gabi.pk},{gabriel.pk}", "target": gabi.pk, "confirm": "1"})
    from meetings.models import Merge

    record = Merge.objects.get(user__isnull=False)
    response = admin_client.post(
        reverse("admin:meetings_merge_changelist"),
        {"action": "undo", "_selected_action": [record.pk]},
        follow=True,
    )

    assert "1 merge(s) undone: GabrielM made again" in response.content.decode()
    assert sorted(Person.objects.values_list("handle", flat=True)) == ["GabiM", "GabrielM"]
    assert Owner.objects.get().person is None


def test_people_linked_to_two_accounts_are_not_merged(admin_client):
    import_text(minutes(["Gabi Mocanu", "Gabriel Mocanu"]))
    gabi, gabriel = Person.objects.get(handle="GabiM"), Person.objects.get(handle="GabrielM")
    for person, name in [(gabi, "gabi"), (gabriel, "gabriel")]:
        person.user = get_user_model().objects.create_user(name)
        person.save()

    response = admin_client.post(
        MERGE, {"ids": f"{gabi.pk},{gabriel.pk}", "target": gabi.pk, "confirm": "1"}
    )

    assert "Two of them are linked to accounts" in response.content.decode()
    assert Person.objects.count() == 2


def test_mapping_a_name_that_is_another_records_handle_offers_the_merge(admin_client):
    simon, sk = two_simons()

    response = admin_client.post(UNRESOLVED, {"text": "SK", "person": "Simon", "team": ""})

    page = response.content.decode()
    assert "is the handle of the person record SK" in page
    assert f"{MERGE}?ids={sk.pk},{simon.pk}&amp;target={simon.pk}" in page
    assert not Alias.objects.exists()


def test_staff_who_may_not_change_people_cannot_merge(viewer):
    import_text(minutes(["Gabi Mocanu", "Gabriel Mocanu"]))
    ids = ",".join(str(pk) for pk in Person.objects.values_list("pk", flat=True))

    assert viewer.post(MERGE, {"ids": ids, "confirm": "1"}).status_code == 403
    assert Person.objects.count() == 2


def test_mapping_a_name_that_names_someone_else_elsewhere_asks_first(admin_client):
    import_text(minutes(["Terry", "RăzvanD"], owners=["TL"], texts=["Randomize"]), source="s/1.md")
    import_text(
        minutes(["Tianyi", "Teodora"], owners=["TL"], teams=["app-compat"], texts=["GOT"]),
        source="a/1.md",
    )
    assert Owner.objects.get(name="TL", item__meeting__source="s/1.md").person.handle == "Terry"

    page = admin_client.post(
        UNRESOLVED, {"text": "TL", "person": "Tianyi", "team": ""}
    ).content.decode()

    assert "“TL” already names someone else in the minutes: Terry (1)" in page
    assert "Change those too" in page
    assert not Alias.objects.exists()
    assert Owner.objects.get(name="TL", item__meeting__source="s/1.md").person.handle == "Terry"

    app_compat = Team.objects.get(name="app-compat")
    admin_client.post(UNRESOLVED, {"text": "TL", "person": "Tianyi", "team": app_compat.pk})

    assert Owner.objects.get(name="TL", item__meeting__source="a/1.md").person.handle == "Tianyi"
    assert Owner.objects.get(name="TL", item__meeting__source="s/1.md").person.handle == "Terry"

    admin_client.post(UNRESOLVED, {"text": "TL", "person": "Tianyi", "team": "", "override": "on"})

    assert Owner.objects.get(name="TL", item__meeting__source="s/1.md").person.handle == "Tianyi"

"""Claiming a person of the minutes: at once with the person's email, otherwise after approval."""

import pytest
from django.test import Client

from meetings.models import Claim, DoneSuggestion, Item, Mention, Person
from tests.helpers import make_item, make_meeting, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    """MariaP of the minutes, whom no account is yet: her item was raised in two meetings."""
    maria = make_person("MariaP", email="maria@example.org")
    first = make_meeting("2024-01-10", participants=[maria])
    later = make_meeting("2024-01-17", participants=[maria])
    item = make_item("Tag the release", meeting=first, owners=[maria])
    Mention.objects.create(
        item=item, meeting=later, owners=["MariaP"], text="Tag the release", line=3, position=3
    )
    DoneSuggestion.objects.create(item=item, meeting=later, text="The release is tagged.", line=5)
    return maria


@pytest.fixture
def claimant(client):
    """An account that says it is Maria, with an email of its own."""
    user = make_user("mp", email="mp@mail.example")
    client.force_login(user)
    return user


@pytest.fixture
def reviewer(db):
    """A maintainer's own browser, beside the claimant's: a staff client (``.user``, its user)."""
    user = make_user("root", is_staff=True)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def claim(client, person):
    return client.post("/me/", {"person": person.pk}, follow=True)


def owner_actions(client, item):
    """What only an owner (or a maintainer) may do: split a mention off, confirm done."""
    mention = item.mentions.get(meeting__date="2024-01-17")
    suggestion = item.done_suggestions.get()
    return (
        client.post(f"/items/{item.pk}/mentions/{mention.pk}/split/").status_code,
        client.post(
            f"/items/{item.pk}/suggestions/{suggestion.pk}/", {"verdict": "accept"}
        ).status_code,
    )


def answer(reviewer, claim, verdict):
    return reviewer.post(f"/review/claims/{claim.pk}/", {"verdict": verdict}, follow=True)


def test_a_claim_without_proof_waits_and_gives_no_owner_rights(client, claimant, maria):
    item = Item.objects.get(text="Tag the release")

    html = claim(client, maria).content.decode()

    assert "A maintainer will confirm that you are MariaP" in html
    assert "Waiting for a maintainer" in html
    assert "Who are you in the minutes?" not in html
    maria.refresh_from_db()
    assert maria.user is None
    waiting = Claim.objects.get()
    assert (waiting.user, waiting.person, waiting.state) == (claimant, maria, "pending")
    assert "Split off" not in client.get(f"/items/{item.pk}/").content.decode()
    assert owner_actions(client, item) == (403, 403)
    assert Item.objects.count() == 1
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_an_account_whose_email_is_the_persons_becomes_them_at_once(client, maria):
    user = make_user("maria", email="Maria@Example.org ")
    client.force_login(user)

    html = claim(client, maria).content.decode()

    assert "Welcome, MariaP: these are your items." in html
    assert "Tag the release" in html
    maria.refresh_from_db()
    assert maria.user == user
    made = Claim.objects.get()
    assert (made.state, made.by_email, made.decided_by) == ("approved", True, None)
    assert made.decided is not None
    item = Item.objects.get(text="Tag the release")
    assert owner_actions(client, item) == (302, 302)


def test_a_person_without_a_recorded_email_always_needs_approval(client, maria):
    tom = make_person("TomK")  # no email recorded: no account's email is his
    client.force_login(make_user("tom", email=""))

    claim(client, tom)

    tom.refresh_from_db()
    assert tom.user is None
    assert Claim.objects.get().state == "pending"


def test_a_maintainer_approves_a_claim_and_the_account_gets_the_owners_rights(
    client, claimant, maria, reviewer
):
    claim(client, maria)
    waiting = Claim.objects.get()

    listed = reviewer.get("/review/claims/").content.decode()
    assert "<strong>1</strong> to decide" in listed
    assert "mp@mail.example" in listed and "maria@example.org" in listed

    html = answer(reviewer, waiting, "accept").content.decode()

    assert "Approved: mp as MariaP." in html
    assert "No claim is waiting." in html
    assert "mp as" in html and "<strong>approved</strong>" in html and "by root" in html
    maria.refresh_from_db()
    assert maria.user == claimant
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decided_by, waiting.by_email) == (
        "approved",
        reviewer.user,
        False,
    )
    assert waiting.decided >= waiting.created
    item = Item.objects.get(text="Tag the release")
    assert owner_actions(client, item) == (302, 302)
    assert Item.objects.count() == 2  # the split made one more


def test_approving_one_claim_refuses_the_others_for_the_same_person(
    client, claimant, maria, reviewer
):
    claim(client, maria)
    other = Client()
    other.force_login(make_user("mariap2"))
    claim(other, maria)
    first, second = Claim.objects.order_by("pk")

    answer(reviewer, first, "accept")

    second.refresh_from_db()
    assert (second.state, second.decided_by) == ("refused", reviewer.user)
    maria.refresh_from_db()
    assert maria.user == claimant


def test_a_refused_claim_leaves_the_account_as_it_was_and_it_may_claim_again(
    client, claimant, maria, reviewer
):
    claim(client, maria)

    html = answer(reviewer, Claim.objects.get(), "dismiss").content.decode()

    assert "Refused: mp as MariaP." in html
    maria.refresh_from_db()
    assert maria.user is None
    assert Claim.objects.get().state == "refused"
    assert "Who are you in the minutes?" in client.get("/").content.decode()


def test_an_account_waits_for_one_answer_at_a_time(client, claimant, maria):
    tom = make_person("TomK")
    claim(client, maria)

    html = claim(client, tom).content.decode()

    assert "A maintainer will confirm that you are MariaP" in html
    assert list(Claim.objects.values_list("person__handle", flat=True)) == ["MariaP"]


def test_a_person_someone_became_meanwhile_cannot_be_approved(client, claimant, maria, reviewer):
    claim(client, maria)
    Person.objects.filter(pk=maria.pk).update(user=make_user("maria", email="maria@example.org"))

    html = answer(reviewer, Claim.objects.get(), "accept").content.decode()

    assert "Not approved: MariaP is someone else&#x27;s account already." in html
    assert Claim.objects.get().state == "pending"


def test_a_claim_answered_already_is_not_answered_again(client, claimant, maria, reviewer):
    claim(client, maria)
    waiting = Claim.objects.get()
    answer(reviewer, waiting, "dismiss")

    html = answer(reviewer, waiting, "accept").content.decode()

    assert "mp as MariaP is refused already." in html
    maria.refresh_from_db()
    assert maria.user is None


def test_only_maintainers_see_and_answer_claims(client, claimant, maria):
    claim(client, maria)
    waiting = Claim.objects.get()

    assert client.get("/review/claims/").status_code == 403
    assert client.post(f"/review/claims/{waiting.pk}/", {"verdict": "accept"}).status_code == 403
    anonymous = Client()
    assert anonymous.get("/review/claims/")["Location"].startswith("/accounts/login/")
    waiting.refresh_from_db()
    assert waiting.state == "pending"


def test_an_answer_needs_a_post_and_a_verdict(client, claimant, maria, reviewer):
    claim(client, maria)
    waiting = Claim.objects.get()

    assert reviewer.get(f"/review/claims/{waiting.pk}/").status_code == 405
    response = reviewer.post(f"/review/claims/{waiting.pk}/", {"verdict": "maybe"}, follow=True)
    assert response.redirect_chain == [("/review/claims/", 302)]
    assert (
        "Nothing was changed: Select a valid choice. maybe is not one of the available choices."
        in response.content.decode()
    )
    assert Claim.objects.get().pk == waiting.pk  # still waiting
    assert reviewer.post("/review/claims/999999/", {"verdict": "accept"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == "pending"


def test_the_maintainers_home_page_says_how_many_claims_wait(client, claimant, maria, reviewer):
    claim(client, maria)

    html = reviewer.get("/").content.decode()

    assert '<a href="/review/claims/">1 claim of who is who</a> waits for your answer.' in html
    assert "claim of who is who" not in client.get("/").content.decode()


def test_the_review_pages_link_to_the_claims(reviewer):
    html = reviewer.get("/review/").content.decode()

    assert '<a href="/review/claims/">Who is who: claims</a>' in html


def test_a_maintainer_answers_claims_in_the_admin_too(client, claimant, maria, reviewer):
    claim(client, maria)
    reviewer.user.is_superuser = True
    reviewer.user.save()
    waiting = Claim.objects.get()

    response = reviewer.post(
        "/admin/meetings/claim/",
        {"action": "approve", "_selected_action": [waiting.pk]},
        follow=True,
    )

    assert "1 claim approved." in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decided_by) == ("approved", reviewer.user)
    maria.refresh_from_db()
    assert maria.user == claimant


def test_the_claims_page_costs_the_same_few_queries_for_many_claims(
    maria, reviewer, django_assert_max_num_queries
):
    for n in range(8):
        person = make_person(f"Person{n}")
        made = Claim.objects.create(user=make_user(f"user{n}"), person=person)
        if n % 2:
            made.refuse(reviewer.user)

    with django_assert_max_num_queries(8):
        html = reviewer.get("/review/claims/").content.decode()

    assert html.count('data-claim="') == 8

import pytest

from meetings.models import Person
from tests.helpers import make_item, make_person, make_user

pytestmark = pytest.mark.django_db


def pages(item):
    return [
        "/",
        "/items/",
        "/items/?format=csv",
        f"/items/{item.pk}/",
        "/meetings/",
        f"/meetings/{item.meeting_id}/",
        "/people/",
        "/people/mariap/",
        "/teams/core/",
        "/search/?q=arrange",
    ]


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, item):
    for url in pages(item):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/"), url


def test_anonymous_visitors_read_a_public_tracker_without_status_forms(client, settings, item):
    settings.TRACKER_PUBLIC_READ = True

    for url in pages(item):
        response = client.get(url)

        assert response.status_code == 200, url
        if not response.streaming:
            html = response.content.decode()
            assert "status-form" not in html, url
            assert "Log in</a>" in html, url
    assert "Arrange meetings" in client.get("/items/").content.decode()


def test_a_public_tracker_asks_nobody_who_they_are(client, settings):
    settings.TRACKER_PUBLIC_READ = True
    make_person("MariaP")

    assert "Who are you in the minutes?" not in client.get("/").content.decode()


def test_signed_in_users_read_every_page_and_get_status_forms(client, outsider, item):
    client.force_login(outsider.user)

    for url in pages(item):
        assert client.get(url).status_code == 200, url
    assert "status-form" in client.get("/items/").content.decode()


def test_staff_see_the_way_to_the_admin(client, item):
    client.force_login(make_user("staff", is_staff=True))

    assert '<a href="/admin/">Admin</a>' in client.get("/").content.decode()


def test_others_do_not_see_the_admin_link(client, owner, item):
    client.force_login(owner.user)

    assert '<a href="/admin/">Admin</a>' not in client.get("/").content.decode()


def test_logging_in_with_the_login_page(client, owner):
    make_user("alice", password="a-long-passphrase")

    page = client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "a-long-passphrase", "next": "/"}
    )

    assert '<label for="id_username">' in page
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_says_so(client):
    make_user("alice", password="a-long-passphrase")

    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})

    assert "didn't match" in response.content.decode()


def test_logging_out_needs_a_post(client, owner):
    client.force_login(owner.user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


# Who am I? A new user chooses their handle, once.


def test_a_new_user_is_asked_which_unclaimed_person_they_are(client, owner):
    make_person("TomK")
    make_person("Cezar")
    client.force_login(make_user("newcomer"))

    html = client.get("/").content.decode()

    assert "Who are you in the minutes?" in html
    assert '<option value="' in html
    assert ">TomK</option>" in html
    assert ">Cezar</option>" in html
    assert ">MariaP</option>" not in html  # Maria's account has her already


def test_the_handle_like_the_username_is_preselected(client):
    tom = make_person("TomK")
    client.force_login(make_user("tomk"))

    assert f'<option value="{tom.pk}" selected>TomK</option>' in client.get("/").content.decode()


def test_choosing_a_handle_with_the_persons_email_links_it_and_shows_its_items(client):
    # Without the email the claim waits for a maintainer: tests/test_claims.py.
    tom = make_person("TomK", email="tom@example.org")
    make_item("Review the docs", owners=[tom])
    user = make_user("tom", email="tom@example.org")
    client.force_login(user)

    response = client.post("/me/", {"person": tom.pk})

    assert response.status_code == 302
    tom.refresh_from_db()
    assert tom.user == user
    html = client.get("/").content.decode()
    assert "Review the docs" in html
    assert "Who are you in the minutes?" not in html


def test_a_handle_someone_else_has_cannot_be_chosen(client, owner):
    user = make_user("impostor")
    client.force_login(user)

    response = client.post("/me/", {"person": owner.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    owner.refresh_from_db()
    assert owner.user.username == "maria"


def test_a_handle_is_chosen_once(client, owner):
    make_person("Cezar")
    client.force_login(owner.user)

    response = client.post("/me/", {"person": Person.objects.get(handle="Cezar").pk})

    assert response.status_code == 302
    assert Person.objects.get(handle="Cezar").user is None
    assert Person.objects.get(user=owner.user) == owner


def test_choosing_needs_an_account(client):
    tom = make_person("TomK")

    response = client.post("/me/", {"person": tom.pk})

    assert response["Location"].startswith("/accounts/login/")
    tom.refresh_from_db()
    assert tom.user is None


def test_the_choice_page_lists_the_people(client):
    make_person("TomK")
    client.force_login(make_user("tom"))

    html = client.get("/me/").content.decode()

    assert "<h1>Who are you in the minutes?</h1>" in html
    assert ">TomK</option>" in html


def test_an_empty_choice_is_refused(client):
    client.force_login(make_user("tom"))

    response = client.post("/me/", {"person": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()

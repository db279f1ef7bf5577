import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Item, StatusChange
from tests.helpers import make_item

pytestmark = pytest.mark.django_db


def change(client, item, status, seen=None, **fields):
    """Post the status form as the page showed it (or as ``seen``, an older copy)."""
    seen = seen or item
    data = {
        "status": status,
        "seen_status": seen.status,
        "seen_version": seen.status_version,
        "next": "/items/",
        **fields,
    }
    return client.post(f"/items/{item.pk}/status/", data)


def test_marking_done_records_who_and_when(client, owner, item):
    client.force_login(owner.user)
    before = timezone.now()

    change(client, item, "done", note="Sent the invitations")

    item.refresh_from_db()
    assert item.status == Item.Status.DONE
    recorded = StatusChange.objects.get(item=item)
    assert recorded.user == owner.user
    assert (recorded.old, recorded.new) == ("open", "done")
    assert recorded.note == "Sent the invitations"
    assert recorded.created >= before
    assert item.status_changed == recorded.created


def test_a_plain_post_redirects_back_and_says_what_changed(client, owner, item):
    client.force_login(owner.user)

    response = change(client, item, "in_progress")

    assert response.status_code == 302
    assert response["Location"] == "/items/"
    page = client.get("/items/").content.decode()
    assert "Marked “Arrange meetings” as in progress." in page


def test_a_redirect_never_leaves_the_site(client, owner, item):
    client.force_login(owner.user)

    response = change(client, item, "done", next="https://evil.example/")

    assert response["Location"] == f"/items/{item.pk}/"


def test_htmx_gets_the_status_fragment_to_swap(client, owner, item):
    client.force_login(owner.user)

    response = client.post(
        f"/items/{item.pk}/status/",
        {"status": "done", "seen_status": "open", "seen_version": "", "next": "/"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="status" data-status="done"')
    assert ">Done</span>" in html
    assert ">Reopen</button>" in html
    assert "<html" not in html
    assert "status-changed" in response["HX-Trigger"]


def test_reopening_a_done_item(client, owner, item):
    client.force_login(owner.user)
    item.set_status(owner.user, Item.Status.DONE)

    change(client, item, "open")

    item.refresh_from_db()
    assert item.status == Item.Status.OPEN
    assert [c.new for c in item.status_changes.all()] == ["done", "open"]


def test_a_stale_change_is_refused_and_says_who_changed_it(client, owner, teammate, item):
    seen = Item.objects.get(pk=item.pk)  # what Maria's page shows
    item.set_status(teammate.user, Item.Status.DROPPED, "Not needed")
    client.force_login(owner.user)

    response = change(client, item, "done", seen=seen)

    item.refresh_from_db()
    assert item.status == Item.Status.DROPPED
    assert item.status_changes.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "TomK changed it to dropped" in page
    assert "Your change was not saved." in page


def test_a_stale_change_through_htmx_shows_the_status_now(client, owner, teammate, item):
    seen = Item.objects.get(pk=item.pk)
    item.set_status(teammate.user, Item.Status.IN_PROGRESS)
    client.force_login(owner.user)

    response = client.post(
        f"/items/{item.pk}/status/",
        {"status": "done", "seen_status": seen.status, "seen_version": seen.status_version},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert 'data-status="in_progress"' in html
    assert "TomK changed it to in progress" in html
    assert "HX-Trigger" not in response
    item.refresh_from_db()
    assert item.status == Item.Status.IN_PROGRESS


def test_a_change_back_and_forth_since_is_stale_too(client, owner, teammate, item):
    seen = Item.objects.get(pk=item.pk)
    item.set_status(teammate.user, Item.Status.DONE)
    item.set_status(teammate.user, Item.Status.OPEN)
    client.force_login(owner.user)

    change(client, item, "dropped", seen=seen)

    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_an_unknown_status_changes_nothing(client, owner, item):
    client.force_login(owner.user)

    response = change(client, item, "finished")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN
    assert not StatusChange.objects.exists()
    assert "The status was not changed" in client.get("/items/").content.decode()


def test_the_same_status_again_changes_nothing(client, owner, item):
    client.force_login(owner.user)

    change(client, item, "open")

    assert not StatusChange.objects.exists()


def test_a_decision_has_no_status_to_change(client, owner):
    decision = make_item("We meet on Wednesdays", kind=Item.Kind.DECISION)
    client.force_login(owner.user)

    assert change(client, decision, "done").status_code == 404
    decision.refresh_from_db()
    assert decision.status == Item.Status.OPEN
    assert not decision.status_changes.exists()


def test_an_unknown_item_is_not_found(client, owner):
    client.force_login(owner.user)

    response = client.post("/items/999/status/", {"status": "done", "seen_status": "open"})

    assert response.status_code == 404
    assert not StatusChange.objects.exists()


def test_anonymous_cannot_change_a_status(client, item):
    response = change(client, item, "done")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_anonymous_cannot_change_a_status_on_a_public_tracker(client, settings, item):
    settings.TRACKER_PUBLIC_READ = True

    response = change(client, item, "done")

    assert response["Location"].startswith("/accounts/login/")
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_anyone_signed_in_may_change_a_status(client, outsider, item):
    client.force_login(outsider.user)

    change(client, item, "done")

    item.refresh_from_db()
    assert item.status == Item.Status.DONE


def test_staff_may_change_a_status(client, item, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    client.force_login(staff)

    change(client, item, "dropped", note="Out of scope")

    assert StatusChange.objects.get().user == staff


def test_reading_the_status_url_is_not_allowed(client, owner, item):
    client.force_login(owner.user)

    assert client.get(f"/items/{item.pk}/status/").status_code == 405


def test_a_status_change_needs_the_csrf_token(owner, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)

    response = change(client, item, "done")

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_the_form_on_the_page_carries_the_csrf_token(owner, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)
    page = client.get("/items/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    response = change(client, item, "done", csrfmiddlewaretoken=token)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.DONE

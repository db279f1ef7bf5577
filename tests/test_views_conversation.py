"""Comments on an item, and giving an item to other people, from its page."""

import pytest

from meetings.models import Comment, Event, Item, Owner, Person
from tests.helpers import make_person, make_user, page
from tests.test_matching import import_meeting

pytestmark = pytest.mark.django_db


def comment(client, item, text, **headers):
    return client.post(f"/items/{item.pk}/comments/", {"text": text}, **headers)


def test_a_member_comments_without_changing_the_status_and_names_someone(reader, item, teammate):
    response = comment(reader, item, "Asked @TomK for the room.\nWaiting for @nobody-here.")

    assert response.status_code == 302
    saved = Comment.objects.get()
    assert (saved.item, saved.user.username) == (item, "maria")
    html = page(reader.get(item.get_absolute_url()))
    assert 'Asked <a class="mention" href="/people/tomk/">@TomK</a> for the room.<br>' in html
    assert "Waiting for @nobody-here." in html
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN


def test_a_comment_by_htmx_answers_with_the_item_and_its_history(reader, item):
    response = comment(reader, item, "On it", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="item-detail")

    html = page(response)
    assert 'id="item-detail"' in html
    assert "<strong>MariaP</strong> wrote:" in html
    assert "On it" in html


def test_a_comment_is_shown_escaped(reader, item):
    comment(reader, item, "<script>alert(1)</script> @<b>x</b>")

    html = page(reader.get(item.get_absolute_url()))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_comment_is_refused_and_nothing_is_saved(reader, item):
    response = comment(reader, item, "   ")

    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert "The comment was not saved" in page(reader.get(response.url))


def test_a_reader_who_is_not_signed_in_cannot_comment(client, item):
    response = comment(client, item, "Hello")

    assert response.status_code == 302 and "/login/" in response.url
    assert not Comment.objects.exists()


def test_a_comment_is_posted_not_got(reader, item):
    assert reader.get(f"/items/{item.pk}/comments/").status_code == 405


def reassign(client, item, owners, **headers):
    return client.post(f"/items/{item.pk}/owners/", {"owners": owners}, **headers)


def test_an_owner_gives_the_item_to_a_teammate_and_the_history_says_so(reader, item, teammate):
    response = reassign(reader, item, "TomK")

    assert response.status_code == 302
    assert [(o.name, o.person) for o in item.owners.all()] == [("TomK", teammate)]
    event = Event.objects.get(item=item)
    assert (event.kind, event.text) == (Event.Kind.REASSIGNED, "from MariaP to TomK")
    assert list(Item.objects.owned_by(teammate)) == [item]
    assert item not in Item.objects.owned_by(Person.objects.get(handle="MariaP"))
    html = page(reader.get(item.get_absolute_url()))
    assert "Given to others" in html and "from MariaP to TomK" in html
    assert "<strong>TomK</strong>: given to them by maria" in html
    assert "not resolved" not in html


def test_someone_who_does_not_own_the_item_may_not_give_it_away(client, item, outsider):
    client.force_login(outsider.user)

    assert reassign(client, item, "ZoeQ").status_code == 403
    assert [o.name for o in item.owners.all()] == ["MariaP"]


def test_a_name_that_is_no_one_changes_nothing_and_says_which(reader, item, teammate):
    response = reassign(reader, item, "TomK, Somebody Else", follow=True)

    assert "Nothing was changed: No one in the minutes is written “Somebody Else”." in page(
        response
    )
    assert response.redirect_chain == [(f"/items/{item.pk}/", 302)]
    assert [o.name for o in item.owners.all()] == ["MariaP"]
    assert not Event.objects.exists()


def test_a_name_of_two_people_says_who_they_could_be(reader, item, teammate):
    make_person("TomS")
    # To htmx (the item's page with JavaScript): the reason as text, shown by tracker.js.
    response = reassign(reader, item, "Tom", HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Nothing was changed: “Tom” could be TomK or TomS: write the handle.\n"
    )
    assert [o.name for o in item.owners.all()] == ["MariaP"]


def test_a_maintainer_gives_an_item_to_two_people(client, item, owner, teammate):
    client.force_login(make_user("mara", is_staff=True))

    reassign(client, item, "tomk, MariaP, TomK")

    assert [o.name for o in Owner.objects.filter(item=item)] == ["TomK", "MariaP"]


def test_later_minutes_that_write_the_item_for_its_new_owner_raise_it_again(client):
    import_meeting("2024-01-10", ["RD: Book the room for the sprint."])
    [item] = Item.objects.actions()
    client.force_login(make_user("mara", is_staff=True))

    assert reassign(client, item, "AlexJ").status_code == 302
    import_meeting("2024-01-24", ["AJ: Book the room for the sprint."])

    item.refresh_from_db()
    assert item.mention_count == 2
    assert Item.objects.actions().count() == 1


def test_without_the_new_owner_the_same_words_for_another_person_are_another_item():
    import_meeting("2024-01-10", ["RD: Book the room for the sprint."])
    import_meeting("2024-01-24", ["AJ: Book the room for the sprint."])

    assert Item.objects.actions().count() == 2

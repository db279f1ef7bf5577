"""Minutes are written by anyone: what they hold must never run in a reader's browser."""

import pytest

from tests.helpers import make_item, make_meeting

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Fix <script>alert('owned')</script> now, "
    "[click me](javascript:alert('link')) and "
    "<img src=x onerror=alert('image')> and "
    "![pic](javascript:alert('picture'))"
)


@pytest.fixture
def hostile(owner):
    meeting = make_meeting(participants=[owner], title="<script>alert('title')</script>")
    return make_item(HOSTILE, meeting, owners=[owner, "<b>RD</b>"])


def assert_inert(html):
    assert "<script>alert" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html.lower()
    assert "<b>RD</b>" not in html
    # Shown as text, so a reader sees what the minutes say.
    assert "&lt;script&gt;alert(" in html
    assert "onerror=alert(" in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/items/",
        "/items/{item}/",
        "/meetings/{meeting}/",
        "/people/mariap/",
        "/teams/core/",
    ],
)
def test_a_hostile_item_is_inert_on_every_page_that_shows_it(client, owner, hostile, url):
    client.force_login(owner.user)

    response = client.get(url.format(item=hostile.pk, meeting=hostile.meeting_id))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Fix " in html
    assert_inert(html)


def test_a_hostile_item_is_inert_in_the_htmx_fragments(client, owner, hostile):
    client.force_login(owner.user)

    results = client.get("/items/", HTTP_HX_REQUEST="true").content.decode()
    status = client.post(
        f"/items/{hostile.pk}/status/",
        {"status": "done", "seen_status": "open", "seen_version": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert_inert(results)
    assert "<script" not in status


def test_a_hostile_note_is_inert_in_the_history(client, owner, hostile):
    hostile.set_status(owner.user, "done", "<script>alert('note')</script>")
    client.force_login(owner.user)

    html = client.get(f"/items/{hostile.pk}/").content.decode()

    assert "<script>alert('note')" not in html
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in html


def test_a_hostile_text_search_is_inert(client, owner):
    client.force_login(owner.user)

    html = client.get("/items/", {"q": '"><script>alert(1)</script>'}).content.decode()

    assert "<script>alert(1)" not in html

"""No query parameter or path a user can type makes a page fail: every answer is below 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import import_text

pytestmark = pytest.mark.django_db

MINUTES = """---
date: 2024-01-10
teams: [core]
participants: [MariaP, Alex/Cristi]
---

## TODOs

* MP: Tag the release
"""

ITEM_PARAMETERS = [
    "owner", "status", "team", "meeting", "from", "to", "q", "kind",
    "older_than", "mentions_min", "removed", "sort", "page", "format",
]  # fmt: skip

# Text of any kind: control characters, NUL, huge numbers, dates that are not.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["-1", "0", "1e10", "99999999999999999999", "9999-99-99", "\x00", "nan"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture(autouse=True)
def core_minutes(db):
    import_text(MINUTES, source="core/2024-01-10.md")


@pytest.mark.parametrize(
    "url",
    ["/items/?meeting=-1", "/items/?meeting=1e10", "/items/?meeting=99999999999999999999"],
)
def test_a_meeting_that_cannot_be_is_an_invalid_filter_not_an_error(visitor, url):
    response = visitor.get(url)

    assert response.status_code == 200
    assert "Ensure this value" in response.content.decode() or "Enter a whole number" in (
        response.content.decode()
    )


def test_a_handle_with_a_slash_has_a_page_and_is_listed(visitor):
    page = visitor.get("/people/").content.decode()

    assert "Alex/Cristi" in page
    assert visitor.get("/people/alexcristi/").status_code == 200


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(ITEM_PARAMETERS), value=VALUES)
def test_no_value_of_any_items_filter_fails(visitor, name, value):
    response = visitor.get("/items/", {name: value})

    assert response.status_code < 500


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(["q", "in", "page"]),
    value=st.one_of(VALUES, st.sampled_from(["0000", "2024-13", "2024-02-30", '"', "-", "or"])),
)
def test_no_search_fails(visitor, name, value):
    query = {"q": "tag", "in": "items", name: value}

    assert visitor.get("/search/", query).status_code < 500


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/people/{}/", "/teams/{}/", "/teams/{}/next/", "/meetings/?q={}",
                          "/meetings/?team={}", "/people/?q={}", "/people/?format=csv&q={}"]),
    value=st.text(min_size=1, max_size=30).filter(lambda v: "/" not in v and "?" not in v),
)  # fmt: skip
def test_no_path_or_search_fails(visitor, path, value):
    from urllib.parse import quote

    response = visitor.get(path.format(quote(value, safe="")))

    assert response.status_code < 500


@pytest.mark.parametrize("url", ["/people/%00/", "/people/?q=%00", "/people/?format=csv&q=a%00b"])
def test_a_nul_in_a_name_names_no_one_on_any_database(visitor, url):
    assert visitor.get(url).status_code in (200, 404)


def test_a_page_that_is_not_there_says_so_in_the_trackers_own_page(visitor):
    response = visitor.get("/items/999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html
    assert "/items/999999/" in html
    assert 'href="/items/"' in html


def test_an_error_shows_the_trackers_own_page_without_a_traceback(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/items/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert "Traceback" not in html


def test_the_admin_says_whose_it_is(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "Minutes tracker" in html
    assert "Django administration" not in html


def test_a_page_someone_may_not_see_says_so_in_the_trackers_own_page(visitor):
    response = visitor.get("/review/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert 'href="/me/"' in html


def test_the_browsers_question_for_an_icon_is_answered_without_an_error(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 204
    assert "max-age=86400" in response["Cache-Control"]

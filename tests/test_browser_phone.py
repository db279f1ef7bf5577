"""Every page of the sample minutes on a phone: nothing wider than the screen, no console error."""

import re

import pytest

from meetings.importing import import_paths
from meetings.models import Item, Meeting, Person, Team
from tests.helpers import SAMPLES, make_user
from tests.test_browser import sign_in


@pytest.fixture
def samples(db):
    import_paths([SAMPLES], root=SAMPLES.parent)


def every_page():
    """The lists, and each meeting, item, person and team page of the database."""
    pages = ["/", "/items/", "/items/?group=owner", "/items/?stale=1", "/meetings/", "/people/"]
    pages += ["/review/", "/search/?q=release"]
    pages += [meeting.get_absolute_url() for meeting in Meeting.objects.all()]
    pages += [item.get_absolute_url() for item in Item.objects.all()]
    pages += [person.get_absolute_url() for person in Person.objects.all()]
    for team in Team.objects.all():
        url = team.get_absolute_url()
        pages += [url, f"{url}triage/", f"{url}next/"]
    return pages


def test_every_page_of_the_sample_minutes_fits_a_phone_without_console_errors(
    live_server, new_context, samples
):
    staff = make_user("mara", is_staff=True, is_superuser=True)
    context = new_context(viewport={"width": 390, "height": 844})
    errors = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = sign_in(context, live_server, staff)
    wide = []

    pages = every_page()
    for url in pages:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
            wide.append(url)

    assert len(pages) > 80
    assert wide == []
    assert [e for e in errors if not re.search(r"favicon", e)] == []

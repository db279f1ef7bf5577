"""Web servers keep no state of their own: an upload made through one is previewed
and confirmed through another, as behind a load balancer.

Two gunicorn instances (on two free ports) against one PostgreSQL database
and one storage folder. SQLite is one file on one host, so the test runs on
PostgreSQL only (`make test-postgres`; under CI it must).
"""

import secrets
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client

from meetings.models import ImportLog, Meeting, Upload
from tests.helpers import make_user, minutes_text
from tests.processes import environment, free_port, gunicorn_command, running, wait_for_port

# Two web servers share one PostgreSQL database; SQLite is one host's file.
pytestmark = pytest.mark.postgresql

IMPORT = "/admin/meetings/meeting/import/"

JANUARY = minutes_text("""
    ---
    datetime: 2024-01-10
    teams: [core]
    participants: [MariaP]
    ---

    ## TODOs

    * MariaP: Arrange meetings
""")
FEBRUARY = minutes_text("""
    ---
    datetime: 2024-02-07
    teams: [core]
    participants: [MariaP]
    ---

    ## TODOs

    * MariaP: Book the room
""")


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "two web servers share one PostgreSQL database; SQLite is one host's file "
            "(run with DATABASE_URL=postgres://...)"
        )


@pytest.fixture
def servers(postgresql, settings, tmp_path):
    """Two gunicorn instances with one database, one storage folder and one secret key."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = environment(SECRET_KEY=settings.SECRET_KEY, ALLOWED_HOSTS="127.0.0.1")
    ports = (free_port(), free_port())
    with (
        running(gunicorn_command(ports[0]), env, tmp_path / "a.log") as first,
        running(gunicorn_command(ports[1]), env, tmp_path / "b.log") as second,
    ):
        wait_for_port(ports[0], first)
        wait_for_port(ports[1], second)
        yield [f"http://127.0.0.1:{port}" for port in ports]


class Browser:
    """Requests with the maintainer's session and a CSRF token, to any server; no redirects."""

    def __init__(self, session):
        self.csrf = secrets.token_hex(16)
        self.cookies = f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={self.csrf}"

    def request(self, url, body=None, content_type=None):
        headers = {"Cookie": self.cookies, "X-CSRFToken": self.csrf}
        if content_type:
            headers["Content-Type"] = content_type
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(urllib.request.Request(url, body, headers), timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as response:
            return response.code, response.headers, response.read().decode()

    def post_files(self, url, files):
        boundary = uuid.uuid4().hex
        parts = []
        for name, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: text/markdown\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, f"multipart/form-data; boundary={boundary}")

    def post_form(self, url, fields):
        body = urllib.parse.urlencode(fields).encode()
        return self.request(url, body, "application/x-www-form-urlencoded")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_an_upload_made_through_one_server_is_previewed_and_confirmed_through_the_other(
    servers,
):
    first, second = servers
    user = make_user("mara", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="add_meeting"))
    client = Client()
    client.force_login(user)
    browser = Browser(client.cookies[settings.SESSION_COOKIE_NAME].value)

    status, headers, _ = browser.post_files(
        first + IMPORT, [("2024-01-10.md", JANUARY), ("2024-02-07.md", FEBRUARY)]
    )
    assert status == 302
    preview = headers["Location"]
    assert preview.startswith(IMPORT)

    status, _, page = browser.request(second + preview)
    assert status == 200
    assert "2 new, 0 updated, 0 unchanged" in page
    assert "Book the room" in page
    assert not Meeting.objects.exists()

    status, headers, _ = browser.post_form(first + preview, {"confirm": "Import"})
    assert status == 302
    status, _, result = browser.request(second + headers["Location"])

    assert status == 200
    assert "2 new, 0 updated, 0 unchanged, 0 failed; 2 action items" in " ".join(result.split())
    assert set(Meeting.objects.values_list("source", flat=True)) == {
        "2024-01-10.md",
        "2024-02-07.md",
    }
    assert ImportLog.objects.get().state == ImportLog.State.DONE
    assert not Upload.objects.exists()

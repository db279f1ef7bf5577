"""The defences around accounts and exports: login throttling, CSP, CSV cells, mail, logs."""

import csv
import datetime as dt
import io
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import path
from django.utils import timezone

from meetings.csvcells import joined, neutralise
from tests.helpers import ROOT, make_item, make_meeting, make_person, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 42"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(settings):
    # A fast hasher: these tests log in dozens of times (one test measures the real one).
    settings.PASSWORD_HASHERS = FAST_HASHER
    return make_user("alice", password=PASSWORD, email="alice@example.org", is_staff=True)


def log_in(client, password, username="alice", url="/accounts/login/", **headers):
    return client.post(url, {"username": username, "password": password}, **headers)


def logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, times, username="alice", **headers):
    return [log_in(client, "wrong", username, **headers).status_code for _ in range(times)]


# Login throttling (django-axes): LOGIN_FAILURE_LIMIT = 5 by default.


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, alice):
    assert fail(client, 5) == [200, 200, 200, 200, 429]

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "After 5 wrong passwords in a row" in page


def test_the_lockout_page_says_when_to_try_again(client, alice):
    fail(client, 5)
    before = timezone.now()

    page = log_in(client, PASSWORD).content.decode()

    when = re.search(r'Try again after <strong><time datetime="([^"]+)">(\d\d:\d\d)</time>', page)
    retry = dt.datetime.fromisoformat(when.group(1))
    assert before + timedelta(minutes=15) <= retry <= timezone.now() + timedelta(minutes=15)
    assert when.group(2) == f"{timezone.localtime(retry):%H:%M}"
    assert "15 minutes from now" in page
    assert "Each attempt before then starts the wait again." in page


def test_after_the_cool_off_the_right_password_works_again(client, alice):
    from axes.models import AccessAttempt

    fail(client, 5)
    assert log_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_lockout_holds_one_username_from_one_address_only(client, alice):
    make_user("bob", password=PASSWORD)
    fail(client, 5)

    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, PASSWORD).status_code == 302  # alice, from another address
    assert log_in(client, PASSWORD, username="bob").status_code == 302  # bob, from here


def test_the_admin_login_is_throttled_too(client, alice):
    codes = fail(client, 5, url="/admin/login/")

    response = log_in(client, PASSWORD, url="/admin/login/")

    assert codes[-1] == 429
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(client, alice, settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker writes an X-Forwarded-For of their own; the proxy appends the real address.
    fail(client, 5, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9", **proxy)

    locked = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2, 203.0.113.9", **proxy)
    other = Client()
    allowed = log_in(other, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)

    assert locked.status_code == 429  # the attacker's real address stays locked
    assert allowed.status_code == 302  # another client behind the same proxy is not


def test_a_locked_out_login_hashes_no_password(client, settings, monkeypatch):
    """Hashing is what a login costs (PBKDF2); a locked-out attempt is refused before it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user("alice", password=PASSWORD)
    hashed = []
    encode = PBKDF2PasswordHasher.encode

    def counting(self, password, salt, iterations=None):
        hashed.append(password)
        return encode(self, password, salt, iterations)

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", counting)

    fail(client, 5)
    assert len(hashed) == 5  # each failure before the lockout costs one hash
    hashed.clear()
    codes = [*fail(client, 10), log_in(client, PASSWORD).status_code]

    assert codes == [429] * 11
    assert hashed == []


# Content-Security-Policy.


def test_every_page_carries_a_policy_without_inline_script_or_style(client, owner):
    client.force_login(owner.user)

    policy = client.get("/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_holds_inline_script_style_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|hx-on", re.I)
    offending = [
        f"{template.relative_to(ROOT)}: {match.group(0)}"
        for template in (ROOT / "templates").rglob("*.html")
        for match in inline.finditer(template.read_text())
    ]
    assert offending == []


def test_htmx_is_told_to_inject_no_style_and_run_no_eval(client, owner):
    client.force_login(owner.user)

    page = client.get("/").content.decode()

    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page
    assert ".htmx-request .htmx-indicator" in (ROOT / "static" / "tracker.css").read_text()


# CSV cells (OWASP's CSV injection advice).


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_a_cell_that_could_be_a_formula_gets_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Tag the release", "2024-01-10", "", "a=b", 42, None])
def test_other_cells_are_left_as_they_are(cell):
    assert neutralise(cell) == cell


def test_each_part_of_a_joined_cell_is_neutralised():
    assert joined(["MariaP", "=1+1", "@x"]) == "MariaP;'=1+1;'@x"


def test_the_items_csv_neutralises_formulas_in_texts_and_names(client, owner):
    client.force_login(owner.user)
    evil = make_person('=HYPERLINK("http://evil.example","Maria")')
    meeting = make_meeting(teams=["+ops"], participants=[evil])
    make_item('=HYPERLINK("http://evil.example","Click")', meeting, owners=[evil, "-RD"])

    response = client.get("/items/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    header, row = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["text"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert cells["owners"] == '\'=HYPERLINK("http://evil.example","Maria")'
    assert cells["owners_as_written"] == ('\'=HYPERLINK("http://evil.example","Maria")' + ";'-RD")
    assert cells["teams"] == "'+ops"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# Mail: the password-reset page tells the truth.


def test_without_mail_the_reset_page_says_to_ask_a_maintainer(client, alice, settings):
    settings.TRACKER_SENDS_MAIL = False

    shown = client.get("/accounts/password_reset/").content.decode()
    posted = client.post("/accounts/password_reset/", {"email": "alice@example.org"})

    assert "This site cannot send mail; ask a maintainer" in shown
    assert 'name="email"' not in shown  # no form that would pretend to send
    assert posted.status_code == 200
    assert "This site cannot send mail; ask a maintainer" in posted.content.decode()
    assert mail.outbox == []


def test_with_mail_the_reset_page_sends_a_link(client, alice, settings):
    settings.TRACKER_SENDS_MAIL = True

    assert 'name="email"' in client.get("/accounts/password_reset/").content.decode()
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"}, follow=True)

    assert "Check your mail" in response.content.decode()
    [sent] = mail.outbox
    assert sent.to == ["alice@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", sent.body).group(1)
    confirm = client.get(link, follow=True).content.decode()
    assert "Choose a new password" in confirm


def test_the_login_page_links_to_the_reset_page(client):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()


# Logs: a failing page leaves its traceback.


def boom(request):
    raise RuntimeError("the view fell over")


urlpatterns = [path("boom/", boom)]


@pytest.mark.urls("tests.test_security")
def test_a_failing_page_logs_its_traceback(caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")

    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert "Internal Server Error: /boom/" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text
    assert "RuntimeError: the view fell over" in caplog.text


@pytest.mark.urls("tests.test_security")
def test_a_failing_page_mails_the_admins(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    Client(raise_request_exception=False).get("/boom/")

    [sent] = mail.outbox
    assert sent.to == ["ops@example.org"]
    assert "/boom/" in sent.subject
    assert "RuntimeError at /boom/\nthe view fell over" in sent.body
    assert "Traceback" in sent.body

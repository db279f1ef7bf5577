"""Shared by the scripts that run imports through the task worker on PostgreSQL.

A fresh database named on the command line, the production settings, real
processes: gunicorn and ``manage.py db_worker``, started and stopped by their
own process ids.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database(url):
    """Drop and create the database of ``url`` (PostgreSQL); set it for this process."""
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def configure(url, media, **extra):
    """The environment of this process and of the servers it starts: production settings."""
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "MEDIA_ROOT": str(media),
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            **extra,
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)


def start(command, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - open for the process's life
    return subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def start_worker(log_path):
    python = sys.executable
    return start([python, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"], log_path)


def start_gunicorn(port, log_path, workers=2):
    command = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind", f"127.0.0.1:{port}"]
    process = start([*command, "--workers", str(workers), "--timeout", "60"], log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
            return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not answer on {port}")


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def session_for(user):
    """A logged-in session in the database, as the login page makes one."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Requests with one user's session and CSRF token; redirects are not followed."""

    def __init__(self, base, session):
        self.base = base
        self.csrf = secrets.token_hex(16)
        self.cookies = f"sessionid={session}; csrftoken={self.csrf}"
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, body=None, content_type=None, headers=()):
        headers = {"Cookie": self.cookies, "X-CSRFToken": self.csrf, **dict(headers)}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, body, headers)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as response:
            return response.code, response.headers, response.read().decode()

    def post_form(self, path, fields, headers=()):
        body = urllib.parse.urlencode(fields).encode()
        return self.request(path, body, "application/x-www-form-urlencoded", headers)

    def post_file(self, path, name, data):
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{name}"\r\nContent-Type: application/zip\r\n\r\n'.encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")

    def follow(self, path, every=0.5, timeout=900):
        """Poll a page as htmx does until it asks for a reload; seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            status, headers, _ = self.request(path, headers={"HX-Request": "true"})
            if status != 200:
                raise RuntimeError(f"{path} answered {status} while polled")
            if headers.get("HX-Refresh") == "true":
                return time.monotonic() - started
            time.sleep(every)
        raise TimeoutError(f"{path} was not ready within {timeout} s")


def zipped_folder(folder):
    """The minutes folder as one zip, as a maintainer would upload it."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, f"minutes/{path.relative_to(folder)}")
    return buffer.getvalue()

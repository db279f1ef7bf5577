"""What the fault scripts share: a PostgreSQL cluster of their own, gunicorn, a burst.

The scripts restart PostgreSQL, so they never use the shared server: they run
on a cluster of their own (by default ``15/faults`` on port 5433), made once
with

    pg_createcluster 15 faults --port 5433 && pg_ctlcluster 15 faults start

and trust authentication for 127.0.0.1 in its ``pg_hba.conf``.

The burst: numbered status changes, each from a client thread that owns one
item and toggles it between open and in progress, posting what the item page's
form posts (htmx), with the note ``burst N``. A change the server acknowledges
(2xx and "Saved") must be in the database and in the history exactly once. A
request that fails is sent once more, as a user would click again: the app's
stale-form check must refuse it if the first one got through.
"""

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
MINUTES = ROOT.parent / "shared" / "minutes"
sys.path.insert(0, str(ROOT))


def add_cluster_arguments(parser):
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    parser.add_argument("--pg-version", default=versions[-1] if versions else "15")
    parser.add_argument("--cluster", default="faults", help="never the shared server's cluster")
    parser.add_argument("--port", type=int, default=5433, help="the cluster's port")
    parser.add_argument("--web-port", type=int, default=8766, help="gunicorn's port")
    parser.add_argument("--minutes", default=str(MINUTES), help="minutes folder to import")


def check_cluster(args):
    """Refuse the shared server, and make sure the fault cluster is up."""
    if args.port == 5432 or args.cluster == "main":
        raise SystemExit("the fault scripts restart PostgreSQL: never the shared server on 5432")
    status = subprocess.run(
        ["pg_ctlcluster", args.pg_version, args.cluster, "status"], capture_output=True, text=True
    )
    if status.returncode == 3:  # down
        pg_ctl(args, "start")
    elif status.returncode != 0:
        raise SystemExit(
            f"no cluster {args.pg_version}/{args.cluster}: "
            f"pg_createcluster {args.pg_version} {args.cluster} --port {args.port}\n"
            + status.stderr
        )


def pg_ctl(args, action, *extra):
    subprocess.run(
        ["pg_ctlcluster", args.pg_version, args.cluster, action, *extra], check=True, timeout=60
    )


def database_url(args, name):
    return f"postgres://postgres@127.0.0.1:{args.port}/{name}"


def fresh_database(args, name):
    conn = ["-h", "127.0.0.1", "-p", str(args.port), "-U", "postgres"]
    subprocess.run(["dropdb", *conn, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *conn, name], check=True)
    manage(args, name, "migrate", "--no-input", "-v0")


def production_env(url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
    )
    return env


def manage(args, name, *command, timeout=600, check=True):
    return subprocess.run(
        [str(BIN / "python"), str(ROOT / "manage.py"), *command],
        env=production_env(database_url(args, name)),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
        cwd=ROOT,
    )


def setup_django(args, name):
    os.environ.update(production_env(database_url(args, name)))
    import django

    django.setup()


class Server:
    """gunicorn with production settings on 127.0.0.1, stopped on leaving."""

    def __init__(self, args, name, workers=2):
        self.port = args.web_port
        manage(args, name, "collectstatic", "--no-input", "-v0")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "tracker.wsgi:application",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                f"--chdir={ROOT}",
                "--log-level=error",
                # Quiet: the errors the faults cause are expected, and counted.
                "--error-logfile=/dev/null",
            ],
            env=production_env(database_url(args, name)),
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.process.returncode}")
            try:
                request(self.port, "GET", "/accounts/login/", timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def workers(self):
        pid = self.process.pid
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]


def request(port, method, path, headers=None, body=None, timeout=20):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace"), response
    finally:
        conn.close()


def login(port, user):
    """A session cookie and CSRF token, as the browser of a logged-in user has them."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    status, html, response = request(port, "GET", "/items/", {"Cookie": f"sessionid={session}"})
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not (cookie and token):
        raise SystemExit(f"/items/ answered {status} without a CSRF cookie and token")
    return f"sessionid={session}; csrftoken={cookie.group(1)}", token.group(1)


@dataclass
class Attempt:
    number: int
    item: int
    started: float
    ended: float
    status: int | None  # None: no answer (connection refused, reset, timeout)
    outcome: str  # saved, stale, error


@dataclass
class Burst:
    """Numbered status changes from ``clients`` threads until ``count`` are sent or time is up."""

    port: int
    cookie: str
    token: str
    items: list
    count: int
    seconds: float
    pause: float = 0.0
    attempts: list = field(default_factory=list)
    next_number: int = 0

    def run(self):
        self.lock = threading.Lock()
        self.started = time.monotonic()
        threads = [threading.Thread(target=self.client, args=(item,)) for item in self.items]
        for thread in threads:
            thread.start()
        return threads

    def take(self):
        with self.lock:
            if self.next_number >= self.count or time.monotonic() - self.started > self.seconds:
                return None
            self.next_number += 1
            return self.next_number

    def client(self, item):
        status, version = "open", ""
        while (number := self.take()) is not None:
            for _ in range(2):  # a failed one is sent once more
                new = "in_progress" if status == "open" else "open"
                attempt, status, version = self.post(number, item, status, version, new)
                if attempt.outcome != "error":
                    break
                time.sleep(0.2)
            if self.pause:
                time.sleep(self.pause)

    def post(self, number, item, status, version, new):
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "seen_status": status,
                "seen_version": version,
                "status": new,
                "note": f"burst {number}",
            }
        )
        headers = {
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
        }
        started = time.monotonic()
        try:
            code, html, _ = request(self.port, "POST", f"/items/{item}/status/", headers, body)
        except (OSError, http.client.HTTPException):  # refused, reset, cut short, timed out
            code, html = None, ""
        ended = time.monotonic()
        outcome = "error"
        if code is not None and 200 <= code < 300:
            # The partial carries the item's status now, saved or refused as stale.
            status = re.search(r'data-status="(\w+)"', html).group(1)
            version = re.search(r'name="seen_version" value="([^"]*)"', html).group(1)
            outcome = "saved" if 'role="status">Saved' in html else "stale"
        attempt = Attempt(number, item, started - self.started, ended - self.started, code, outcome)
        with self.lock:
            self.attempts.append(attempt)
        return attempt, status, version


def check_burst(burst, user):
    """Every acknowledged change in the item and its history once; none twice."""
    from collections import Counter

    from meetings.models import Item, StatusChange

    notes = Counter(
        StatusChange.objects.filter(user=user, note__startswith="burst ").values_list(
            "note", flat=True
        )
    )
    saved = {a.number for a in burst.attempts if a.outcome == "saved"}
    sent = {a.number for a in burst.attempts}
    lost = sorted(n for n in saved if notes[f"burst {n}"] == 0)
    duplicated = sorted(note for note, n in notes.items() if n > 1)
    unacknowledged = sorted(n for n in sent - saved if notes[f"burst {n}"])
    # The item shows its last change: status and the time it was made.
    inconsistent = []
    for item in Item.objects.filter(pk__in=burst.items):
        last = item.status_changes.order_by("created", "pk").last()
        if last and (item.status != last.new or item.status_changed != last.created):
            inconsistent.append(item.pk)
    codes = Counter(a.status for a in burst.attempts)
    return {
        "changes numbered": len(sent),
        "requests sent": len(burst.attempts),
        "2xx": sum(n for code, n in codes.items() if code and 200 <= code < 300),
        "acknowledged (saved)": len(saved),
        "refused as stale (an earlier try had got through)": sum(
            a.outcome == "stale" for a in burst.attempts
        ),
        "errors": sum(a.outcome == "error" for a in burst.attempts),
        "error answers": {
            str(code or "no answer"): n
            for code, n in codes.items()
            if not code or not 200 <= code < 300
        },
        "in the history without acknowledgement": len(unacknowledged),
        "lost (acknowledged, not in the history)": len(lost),
        "duplicated (a note twice)": len(duplicated),
        "items not showing their last change": len(inconsistent),
        "slowest answer": f"{max(a.ended - a.started for a in burst.attempts):.2f} s",
        "burst lasted": f"{max(a.ended for a in burst.attempts):.1f} s",
    }


def print_figures(title, figures):
    print(f"\n{title}")
    for key, value in figures.items():
        print(f"  {key}: {value}")


def open_items(count):
    from meetings.models import Item

    items = list(
        Item.objects.actions()
        .filter(status="open", status_changed__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(items) < count:
        raise SystemExit(f"{count} open items needed, the minutes give {len(items)}")
    return items


def burst_user():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.filter(username="faults").delete()
    return User.objects.create_user("faults")

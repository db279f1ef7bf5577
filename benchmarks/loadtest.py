"""``make loadtest``: the tracker under load, as a team would run it.

gunicorn (2 workers, DEBUG off, static files collected) on PostgreSQL with the
generated database of ``bench_pages.py`` (10,000 meetings, 200,000 action
items), and ``wrk`` for 30 s at 16 connections against each page in turn, in
one run: a trivial view (the base template through the same middleware and
login), the items list filtered by a person, item pages, and status changes.
Prints requests/s, p50 and p99, errors (answers other than 2xx/3xx, and
socket errors) per page, and each page's throughput as a share of the trivial
view's. The target (issue 10): no errors, the items list at least a third of
the trivial view's throughput.

The database is built once and kept as a ``pg_dump`` file under
``benchmarks/out/loadtest/`` (keyed by the migrations and the builder), so
that later runs restore it in seconds instead of building it for minutes. The
database named in ``--database-url`` is dropped and restored on every run:
give it one nobody else uses.

    .venv/bin/python benchmarks/loadtest.py [--duration 30] [--connections 16]
"""

import argparse
import hashlib
import http.client
import inspect
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = ROOT / "benchmarks" / "out" / "loadtest"
LUA = ROOT / "benchmarks" / "loadtest.lua"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/loadtest"
sys.path.insert(0, str(ROOT))


def production_env(database_url):
    """The environment of the server: production settings on 127.0.0.1, nothing else."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="benchmarks.loadtest_settings",
        # Set explicitly: the default of DEBUG is not this script's to assume.
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http on 127.0.0.1: no TLS in front, no redirect to it.
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(f"--database-url must name a PostgreSQL database, not {args.database_url}")
    if not urlsplit(args.database_url).path.lstrip("/").startswith("loadtest"):
        # It is dropped and restored: never a database someone keeps.
        raise SystemExit("the load test's database name must begin with 'loadtest'")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    env = production_env(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    # bench_pages builds the database. Importing it points DATABASE_URL at SQLite in a
    # new folder and sets up Django, which is set up already (for PostgreSQL): only the
    # variable changes, set back below, and the folder stays empty, removed.
    from benchmarks import bench_pages

    shutil.rmtree(bench_pages.WORK, ignore_errors=True)
    os.environ.update(env)

    prepare_database(args, bench_pages)
    run_server_and_measure(args, env, bench_pages)


def pg_args(url):
    parts = urlsplit(url)
    return [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ], parts.path.lstrip("/")


def cache_key(bench_pages):
    """What the dump depends on: the migrations and the builder."""
    digest = hashlib.sha256(inspect.getsource(bench_pages.build).encode())
    for path in sorted((ROOT / "meetings" / "migrations").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def prepare_database(args, bench_pages):
    from django.core.management import call_command
    from django.db import connection

    conn, name = pg_args(args.database_url)
    dump = CACHE / f"tracker-{cache_key(bench_pages)}.dump"
    started = time.perf_counter()
    subprocess.run(["dropdb", *conn, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *conn, name], check=True)
    if dump.exists() and not args.rebuild:
        restore = ["pg_restore", *conn, "-d", name, "-j", "2", "--no-owner", str(dump)]
        subprocess.run(restore, check=True)
        print(f"restored {dump.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    else:
        call_command("migrate", verbosity=0)
        bench_pages.build(10_000, 200_000)
        # The builder gives explicit ids; later rows need the sequences past them.
        reset_sequences()
        connection.close()
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("tracker-*.dump"):
            old.unlink()
        subprocess.run(["pg_dump", *conn, "-Fc", "-f", str(dump), name], check=True)
        print(f"built and saved {dump.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    call_command("migrate", verbosity=0)  # migrations newer than the dump, if any
    # As autovacuum leaves a settled database: statistics (pg_restore brings none back)
    # and the visibility map, without which index-only scans read the table too.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def reset_sequences():
    from io import StringIO

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    out = StringIO()
    labels = [config.label for config in apps.get_app_configs() if config.models_module]
    call_command("sqlsequencereset", *labels, stdout=out, no_color=True)
    with connection.cursor() as cursor:
        cursor.execute(out.getvalue())


def run_server_and_measure(args, env, bench_pages):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from meetings.models import Item, StatusChange

    call_command("collectstatic", interactive=False, verbosity=0)
    (busy, busy_items), _ = bench_pages.busiest_and_quietest_person()
    User = get_user_model()
    User.objects.filter(username="loadtest").delete()
    user = User.objects.create_user("loadtest")
    busy.user = user
    busy.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value

    # Open items nobody changed: each status change takes one, so that none is stale.
    fresh = list(
        Item.objects.actions()
        .filter(status="open", status_changed__isnull=True)
        .order_by("?")
        .values_list("pk", flat=True)[:50_000]
    )
    some = Item.objects.order_by("?").values_list("pk", flat=True)[:2000]
    item_paths = [f"/items/{pk}/" for pk in some]
    connection.close()

    work = Path(tempfile.mkdtemp(prefix="tracker-loadtest-"))
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "tracker.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        wait_for(args.port, server)
        token, csrf_cookie = csrf(args.port, session, item_paths[0])
        cookie = f"sessionid={session}; csrftoken={csrf_cookie}"
        pages = [
            ("trivial view", "get", ["/bench/trivial/"]),
            (
                f"items of {busy.handle} ({busy_items}), open",
                "get",
                [f"/items/?owner={busy.handle}&status=open"],
            ),
            ("item page (2,000 in turn)", "get", item_paths),
            ("status change (htmx)", "post", [str(pk) for pk in fresh]),
        ]
        changes_before = StatusChange.objects.filter(user=user).count()
        connection.close()
        results = []
        for label, mode, lines in pages:
            warm(args.port, cookie, lines[:4] if mode == "get" else [])
            listing = work / f"{len(results)}.txt"
            listing.write_text("\n".join(lines) + "\n")
            results.append((label, wrk(args, cookie, mode, listing, token)))
        recorded = StatusChange.objects.filter(user=user).count() - changes_before
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
        connection.close()

    report(args, results, recorded, len(fresh))


def wait_for(port, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench/trivial/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port} within {timeout} s")


def csrf(port, session, path):
    """The CSRF cookie and the token of the form, as a browser gets them from an item page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    html = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status} to the logged-in user")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (cookie and token):
        raise SystemExit(f"{path} set no CSRF cookie or form token")
    return token.group(1), cookie.group(1)


def warm(port, cookie, paths):
    """A few requests first, so that each worker has compiled its templates."""
    for path in paths * 2:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status} during the warm-up")


def wrk(args, cookie, mode, listing, token):
    threads = 2
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "20s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{args.port}",
        "--",
        mode,
        cookie,
        str(listing),
        str(threads),
        token,
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADTEST "))
    return json.loads(line.removeprefix("LOADTEST "))


def report(args, results, recorded, fresh):
    print(
        f"\n{args.duration} s per page, {args.connections} connections, "
        f"gunicorn {args.workers} workers, DEBUG off, PostgreSQL "
        f"(CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE') or 0})"
    )
    header = f"{'page':40} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'share':>6}"
    print(header)
    print("-" * len(header))
    floor = None
    failed = False
    for label, r in results:
        rate = r["requests"] / (r["duration_us"] / 1e6)
        errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
        failed = failed or errors > 0
        floor = floor or rate
        print(
            f"{label:40} {rate:7.1f} {r['p50_us'] / 1000:8.1f} {r['p99_us'] / 1000:8.1f} "
            f"{errors:7} {rate / floor:6.0%}"
        )
        if errors:
            print(
                f"{'':40} errors: {r['status']} non-2xx/3xx, {r['connect']} connect, "
                f"{r['read']} read, {r['write']} write, {r['timeout']} timeout"
            )
    posted = results[-1][1]["requests"]
    print(f"\nstatus changes: {posted} answered, {recorded} recorded in the history")
    if posted > fresh:
        print(f"  more requests than fresh open items ({fresh}): the later ones were stale")
    items_share = (results[1][1]["requests"] / results[1][1]["duration_us"]) / (
        results[0][1]["requests"] / results[0][1]["duration_us"]
    )
    print(
        f"target: 0 errors ({'met' if not failed else 'NOT met'}), items list at least 1/3 "
        f"of the trivial view ({items_share:.0%}: {'met' if items_share >= 1 / 3 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

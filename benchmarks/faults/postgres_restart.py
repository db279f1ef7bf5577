"""Fault: PostgreSQL restarted during a burst of status changes, and during an import.

On the fault cluster only (never the shared server): imports the minutes into
a fresh database (the clean import, whose row counts are the reference),
serves it with gunicorn (2 workers, production settings) and sends numbered
status changes from 8 clients while PostgreSQL is stopped for a few seconds
and started again. Then imports the minutes into another fresh database,
stops PostgreSQL part-way through for as long, starts it, and runs the import
again. Prints errors while it was down, the slowest answer (no hang), how long
until service came back, what was acknowledged and lost, and the re-run's row
counts next to the clean import's.

    .venv/bin/python benchmarks/faults/postgres_restart.py [--down 3] [--cluster faults --port 5433]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from benchmarks.faults import common

CLEAN = "faults_clean"
INTERRUPTED = "faults_import"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_cluster_arguments(parser)
    parser.add_argument("--down", type=float, default=3, help="seconds PostgreSQL stays down")
    parser.add_argument("--seconds", type=float, default=15, help="the burst lasts no longer")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--import-timeout", type=float, default=600)
    args = parser.parse_args()
    common.check_cluster(args)

    common.fresh_database(args, CLEAN)
    started = time.monotonic()
    common.manage(args, CLEAN, "import_minutes", args.minutes, timeout=args.import_timeout)
    clean_seconds = time.monotonic() - started
    reference = table_counts(args, CLEAN)

    common.setup_django(args, CLEAN)
    figures = burst(args)
    common.print_figures("PostgreSQL restarted during a burst of status changes", figures)
    failed = bool(
        figures["lost (acknowledged, not in the history)"]
        or figures["duplicated (a note twice)"]
        or figures["items not showing their last change"]
        or figures["service again after the restart"] == "never"
    )

    figures = interrupted_import(args, reference, clean_seconds)
    common.print_figures("PostgreSQL restarted during an import", figures)
    failed = failed or figures["differences from the clean import"] != "none"
    sys.exit(1 if failed else 0)


def burst(args):
    from django.db import connection

    user = common.burst_user()
    items = common.open_items(args.clients)
    with common.Server(args, CLEAN) as server:
        cookie, token = common.login(server.port, user)
        connection.close()  # the restart would break it
        # Paced, so that the burst goes on before, during and after the outage.
        run = common.Burst(server.port, cookie, token, items, 100_000, args.seconds, pause=0.05)
        threads = run.run()
        time.sleep(3)
        stopping = time.monotonic() - run.started
        common.pg_ctl(args, "stop", "-m", "fast")
        stopped = time.monotonic() - run.started
        time.sleep(args.down)
        starting = time.monotonic() - run.started
        common.pg_ctl(args, "start")
        back = time.monotonic() - run.started
        for thread in threads:
            thread.join(timeout=args.seconds + 60)

    figures = common.check_burst(run, user)
    down = [a for a in run.attempts if stopped <= a.started < starting]
    window = [a for a in run.attempts if stopping <= a.started < back]
    after = [a for a in run.attempts if a.started >= back and a.outcome == "saved"]
    figures["PostgreSQL"] = (
        f"stop at {stopping:.1f} s, down {stopped:.1f}-{starting:.1f} s, up again at {back:.1f} s"
    )
    figures["requests sent while down"] = len(down)
    figures["errors among them"] = sum(a.outcome == "error" for a in down)
    figures["requests sent while it stopped or started"] = len(window) - len(down)
    figures["errors among those"] = sum(a.outcome == "error" for a in window) - sum(
        a.outcome == "error" for a in down
    )
    figures["errors of requests sent before the stop (in flight when it came)"] = sum(
        a.outcome == "error" and a.started < stopping for a in run.attempts
    )
    figures["errors of requests sent after the start"] = sum(
        a.outcome == "error" and a.started >= back for a in run.attempts
    )
    figures["service again after the restart"] = (
        f"{min(a.ended for a in after) - back:.2f} s after PostgreSQL started" if after else "never"
    )
    return figures


def interrupted_import(args, reference, clean_seconds):
    common.fresh_database(args, INTERRUPTED)
    command = [str(common.BIN / "python"), str(common.ROOT / "manage.py")]
    command += ["import_minutes", args.minutes, "--json"]
    env = common.production_env(common.database_url(args, INTERRUPTED))
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=common.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Stop PostgreSQL once about a third of the meetings are in.
    goal = max(1, reference["meetings_meeting"] // 3)
    while process.poll() is None and meetings(args) < goal:
        time.sleep(0.2)
    stopped = time.monotonic() - started
    in_before = meetings(args)
    common.pg_ctl(args, "stop", "-m", "fast")
    time.sleep(args.down)
    common.pg_ctl(args, "start")
    back = time.monotonic() - started
    try:
        out, err = process.communicate(timeout=args.import_timeout)
        ended = f"exit status {process.returncode} after {time.monotonic() - started:.1f} s"
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        ended = f"HUNG: killed after {args.import_timeout:.0f} s"

    rerun_started = time.monotonic()
    rerun = common.manage(
        args,
        INTERRUPTED,
        "import_minutes",
        args.minutes,
        "--json",
        timeout=args.import_timeout,
        check=False,
    )
    rerun_seconds = time.monotonic() - rerun_started
    after = table_counts(args, INTERRUPTED)
    differences = {
        table: f"{after.get(table)} (clean {count})"
        for table, count in reference.items()
        if after.get(table) != count
    }
    return {
        "clean import": f"{clean_seconds:.1f} s, {reference['meetings_meeting']} meetings, "
        f"{reference['meetings_item']} items",
        "PostgreSQL down": f"from {stopped:.1f} s to {back:.1f} s, "
        f"{in_before} meetings in when it stopped",
        "interrupted import": ended,
        "its summary": summary(out, err),
        "re-run": f"exit status {rerun.returncode} after {rerun_seconds:.1f} s",
        "re-run summary": summary(rerun.stdout, rerun.stderr),
        "differences from the clean import": differences or "none",
    }


def summary(out, err):
    """The import's JSON summary in a line, or the last line it wrote to stderr."""
    try:
        data = json.loads(out)
    except ValueError:
        lines = err.strip().splitlines()
        return f"no summary; stderr ends: {lines[-1] if lines else '(nothing)'}"
    keys = ["imported", "updated", "unchanged", "failed", "skipped"]
    text = ", ".join(
        f"{key} {len(data[key]) if isinstance(data[key], list) else data[key]}"
        for key in keys
        if key in data
    )
    failed = data.get("failed") or []
    if isinstance(failed, list) and failed:
        text += f"; first failure: {str(failed[0])[:160]}"
    return text


def psql(args, database, sql):
    conn = ["-h", "127.0.0.1", "-p", str(args.port), "-U", "postgres", "-d", database]
    result = subprocess.run(
        ["psql", *conn, "-tAc", sql],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def meetings(args):
    count = psql(args, INTERRUPTED, "SELECT count(*) FROM meetings_meeting")
    return int(count) if count else 0


def table_counts(args, database):
    """Rows of every table of the tracker but the import log, which grows with each run."""
    tables = psql(
        args,
        database,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_name LIKE 'meetings\\_%' AND table_name <> 'meetings_importlog' ORDER BY 1",
    ).split()
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    rows = psql(args, database, query).splitlines()
    return {table: int(count) for table, count in (row.split("|") for row in rows)}


if __name__ == "__main__":
    main()

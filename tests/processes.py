"""Real processes against the test database: the task worker, and gunicorn.

Started where a user would wait for them, never replaced by running a task
inline. Each is bounded in time and stopped (by its own process id) at the
end of its test.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# A test that waits on a process gives up after this long.
PATIENCE = 60


def database_url():
    """The test database, as a URL for another process (on SQLite, a file: see conftest)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("the test database is in memory: another process cannot open it")
        return f"sqlite:///{name}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def environment(**extra):
    """What another process needs to open the test's database and storage."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextmanager
def running(command, env, log_path):
    """Run ``command`` for the length of the block; its output goes to ``log_path``."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def worker_command(*extra):
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        *extra,
    ]


def free_port():
    """A port nothing listens on now, so that parallel runs of the suite do not collide."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port, workers=1):
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tracker.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
    ]


def wait_for_port(port, process, timeout=PATIENCE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} ended (status {process.returncode})")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on port {port} within {timeout} s")


def wait_until(condition, timeout=PATIENCE, what="the condition"):
    """Poll ``condition`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not happen within {timeout} s")

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from meetings import uploads
from tests.helpers import make_item, make_meeting, make_person, make_user, require_corpus
from tests.processes import environment, running, worker_command


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file: the task worker and gunicorn open it too."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(params=["in the list's order", "through the teams' meetings"])
def team_reading(request, monkeypatch):
    """Each way a team's items are read (ItemQuerySet.of_teams): for teams holding a fair
    share of the open items, and for smaller ones."""
    from meetings.models import Team

    many = request.param == "in the list's order"
    monkeypatch.setattr(Team, "MANY_OPEN_ITEMS", 0.0 if many else 2.0)
    return request.param


@pytest.fixture(autouse=True)
def fresh_fragments():
    """Each test starts with no page fragments kept in this process: the database it
    sees is another, though its rows may take the same ids."""
    from django.core.cache import caches

    caches["fragments"].clear()


@pytest.fixture
def corpus():
    """The real minutes of a real community, beside this checkout as in CI."""
    return require_corpus()


@pytest.fixture
def owner(db):
    """Maria owns the items under test; she is a user and a person in the minutes."""
    return make_person("MariaP", user=make_user("maria"))


@pytest.fixture
def teammate(db):
    """Tom comes to the same meetings as Maria."""
    return make_person("TomK", user=make_user("tom"))


@pytest.fixture
def outsider(db):
    """Zoe has an account but was at none of the meetings."""
    return make_person("ZoeQ", user=make_user("zoe"))


@pytest.fixture
def item(owner, teammate):
    """Maria's item "Arrange meetings", from a meeting she and Tom attended."""
    meeting = make_meeting("2024-01-10", participants=[owner, teammate])
    return make_item("Arrange meetings", meeting, owners=[owner])


@pytest.fixture
def reader(client, owner):
    """A client signed in as Maria, who reads the pages."""
    client.force_login(owner.user)
    return client


@pytest.fixture
def visitor(client, db):
    """A client signed in with an account that is no one in the minutes."""
    client.force_login(make_user("visitor"))
    return client


@pytest.fixture
def maintainer(db, client):
    """Mara, staff who imports minutes and maps names; the client is signed in as her."""
    user = make_user("mara", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_meeting", "view_meeting", "add_alias"])
    )
    client.force_login(user)
    return user


@pytest.fixture
def task_worker(transactional_db, settings, tmp_path):
    """A real task worker on the test database and storage, for the length of the test.

    Up to two files, a preview or an import runs in the request; more go to the worker.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_INLINE_FILES = 2
    log = tmp_path / "worker.log"
    with running(worker_command(), environment(), log) as process:
        yield process
    print(log.read_text())


@pytest.fixture
def kept_uploads(tmp_path, settings):
    """Uploads waiting for confirmation go to this test's own storage: the folder they are in."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media" / uploads.FOLDER


# Browser tests: pytest-playwright drives Debian's chromium against live_server.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = "chromium not installed: browser tests skipped"


def pytest_collection_modifyitems(config, items):
    """A test that drives a browser is a browser test (`-m "not browser"` leaves them out).

    Tests of what only PostgreSQL does (two servers on one database, a backend
    killed mid-file) belong to the PostgreSQL pass: on SQLite they are left out
    rather than skipped, and the summary says so.
    """
    from django.conf import settings

    on_postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    kept, left_out = [], []
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("postgresql") and not on_postgresql:
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config._postgresql_only = len(left_out)


def pytest_terminal_summary(terminalreporter, config):
    """Say once why the browser tests did not run, even under `pytest -q`."""
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "browser" in getattr(r, "keywords", ())
    ]
    if skipped and not CHROMIUM.exists():
        terminalreporter.write_line(f"{NO_CHROMIUM} ({len(skipped)} tests)")
    left_out = getattr(config, "_postgresql_only", 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} PostgreSQL-only tests left out here: they run in the PostgreSQL pass"
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium: `playwright install` cannot download browsers here."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI: the browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
            )
        pytest.skip(NO_CHROMIUM)
    # Playwright's sync API keeps an event loop running in this thread from now
    # to the end of the session, and Django refuses database calls under a running
    # loop: in the browser tests, and in every test and teardown that runs after them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}

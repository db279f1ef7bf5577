import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from meetings.importing import import_many
from meetings.models import (
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Team,
    name_key,
)
from meetings.people import is_group

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MINUTES_CORPUS", ROOT.parent / "shared" / "minutes"))
SAMPLES = ROOT / "sample_minutes"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file: the task worker and gunicorn open it too."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
def corpus():
    """The real minutes of a real community, beside this checkout as in CI."""
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the real minutes corpus is missing at {CORPUS}")
        pytest.skip(f"the real minutes corpus is not at {CORPUS}")
    return CORPUS


def minutes_text(markdown):
    """Markdown written in a test, indented like the test, as a file's bytes."""
    return textwrap.dedent(markdown).lstrip("\n").encode()


def import_text(markdown, source="team/2024-01-10.md", **options):
    """Import one minutes file written in a test; returns its FileResult."""
    return import_many([(source, minutes_text(markdown))], **options).results[0]


# Small explicit builders for the tracker's data (views, filters, pages).


def make_team(name="core"):
    team = Team.objects.filter(key=name_key(name)).first()
    return team or Team.objects.create(name=name, slug=slugify(name))


def make_person(handle, user=None, **fields):
    return Person.objects.create(handle=handle, user=user, **fields)


def make_meeting(date="2024-01-10", teams=("core",), participants=(), **fields):
    """A meeting of ``teams`` on ``date`` (ISO), attended by ``participants`` (people)."""
    if "source" not in fields:
        fields["source"] = f"{teams[0] if teams else 'none'}/{date}.md"
        taken = Meeting.objects.filter(source__startswith=fields["source"][:-3]).count()
        if taken:  # a second meeting on the same day
            fields["source"] = f"{fields['source'][:-3]}-{taken + 1}.md"
    fields.setdefault("file_name", fields["source"].rsplit("/", 1)[-1])
    meeting = Meeting.objects.create(date=dt.date.fromisoformat(date), content_hash="", **fields)
    meeting.teams.set([make_team(name) for name in teams])
    Participant.objects.bulk_create(
        Participant(meeting=meeting, person=person, name=person.handle, position=position)
        for position, person in enumerate(participants)
    )
    return meeting


def make_item(text, meeting=None, owners=(), line=1, **fields):
    """An item first raised by ``meeting``, its mention there at ``line``.

    ``owners`` are people (owners by their handle) or names as written, such
    as ``"RD"`` (unresolved) or ``"Everyone"`` (a group).
    """
    meeting = meeting or make_meeting()
    fields.setdefault("last_raised", meeting.date)
    item = Item.objects.create(text=text, meeting=meeting, raised=meeting.date, **fields)
    names = []
    for position, owner in enumerate(owners):
        if isinstance(owner, Person):
            Owner.objects.create(item=item, name=owner.handle, person=owner, position=position)
            names.append(owner.handle)
        else:
            Owner.objects.create(item=item, name=owner, is_group=is_group(owner), position=position)
            names.append(owner)
    Mention.objects.create(
        item=item, meeting=meeting, owners=names, text=text, line=line, position=line
    )
    Ownership.objects.keep([item.pk])  # as the import keeps it
    return item


def make_user(username, password=None, **fields):
    """A user; without a password unless given (hashing one is slow), for force_login."""
    return get_user_model().objects.create_user(username, password=password, **fields)


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
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser" in r.keywords]
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

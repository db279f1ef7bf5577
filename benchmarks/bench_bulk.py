"""How fast many items change status at once: ``make bench``.

On SQLite, 500 open items of one team owned by a few people (some by everyone
at the meeting), ticked on a list and marked done in one request through the
bulk form, then undone: the median of a few runs of each, and the number of
SQL queries, which must be the same for 50 items as for 500. Medians of a few
runs in one process: compare them with each other, not across runs; the
machine is shared and noisy. Target: under a second for 500 items.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-bulk-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from meetings.models import (  # noqa: E402
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    StatusBatch,
    Team,
)

TARGET = 1.0  # seconds for 500 items


def build(count):
    """``count`` open items of two meetings of one team, owned by a few people and by everyone."""
    team = Team.objects.create(name="core", slug="core")
    people = [Person.objects.create(handle=f"Person{n}") for n in range(8)]
    meetings = []
    for day in ["2023-01-10", "2023-02-14"]:
        meeting = Meeting.objects.create(
            source=f"core/{day}.md", file_name=f"{day}.md", date=day, text="", content_hash=""
        )
        meeting.teams.set([team])
        Participant.objects.bulk_create(
            Participant(
                meeting=meeting, person=person, name=person.handle, position=p, date=meeting.date
            )
            for p, person in enumerate(people)
        )
        meetings.append(meeting)
    items = Item.objects.bulk_create(
        Item(text=f"Task {n}", meeting=meetings[n % 2], raised=meetings[n % 2].date)
        for n in range(count)
    )
    owners = []
    for n, item in enumerate(items):
        if n % 10 == 0:
            owners.append(Owner(item=item, name="Everyone", key="everyone", is_group=True))
        else:
            person = people[n % len(people)]
            owners.append(Owner(item=item, name=person.handle, key=person.key, person=person))
    Owner.objects.bulk_create(owners)
    Mention.objects.bulk_create(
        Mention(item=item, meeting=item.meeting, text=item.text, line=n + 1, position=n)
        for n, item in enumerate(items)
    )
    Ownership.objects.keep([item.pk for item in items])
    return items


def ticked(items):
    """The checkboxes of ``items`` as a list page shows them now."""
    items = Item.objects.filter(pk__in=[item.pk for item in items])
    return [f"{item.pk}:{item.status}:{item.status_version}" for item in items]


def timed(action):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = action()
        elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--items", type=int, default=500)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    items = build(args.items)
    client = Client()
    client.force_login(get_user_model().objects.create_user("bench"))

    def change(some):
        data = {"status": "done", "item": ticked(some), "next": "/items/"}
        return lambda: client.post("/items/status/", data)

    def undo():
        batch = StatusBatch.objects.filter(undone=None).first()
        return client.post(f"/items/status/{batch.pk}/undo/", {"next": "/items/"})

    changes, undos = [], []
    for _ in range(args.runs):
        changes.append(timed(change(items)))
        assert Item.objects.filter(status="done").count() == args.items
        undos.append(timed(undo))
        assert Item.objects.filter(status="open").count() == args.items
    few = timed(change(items[:50]))[1]
    timed(undo)
    median = statistics.median(t for t, _ in changes)
    queries = {n for _, n in changes}
    print(
        f"bulk status change of {args.items} items (SQLite), through the bulk form: "
        f"{median * 1000:.0f} ms median of {args.runs} (target < {TARGET * 1000:.0f} ms: "
        f"{'met' if median < TARGET else 'MISSED'}), {'/'.join(map(str, sorted(queries)))} "
        f"queries ({few} for 50 items)"
    )
    print(
        f"undo of it: {statistics.median(t for t, _ in undos) * 1000:.0f} ms median, "
        f"{'/'.join(map(str, sorted({n for _, n in undos})))} queries"
    )
    if len(queries) != 1 or few not in queries:
        print("the query count is not constant in the number of items")
        sys.exit(1)


if __name__ == "__main__":
    main()

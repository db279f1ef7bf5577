"""How fast the tracker's pages answer on a large database: part of ``make bench``.

Builds a database of 10,000 meetings and 200,000 action items (with owners,
teams, mentions and discussions) straight through ``bulk_create``, keeps who
owns what as the import would, then times each page with the Django test
client next to a trivial view in the same run (the base template, through the
same middleware and login): the items list of the busiest and of a quiet
person, the same through the JSON API (within twice the HTML list's time), their
pages (their charts kept, and drawn anew), a meeting page, home, the items list
unfiltered, the people list, a team page (its charts kept, and drawn anew as after
an import or a status change), search (a common word, a rare one, one section)
and a CSV export, each page in turns of ten requests with the trivial view.
Prints one table: rows shown, median, ratio to the trivial view's median of
those same turns, the target, the SQL query count and whether the target is met; then the
slowest page's slowest query with its plan (EXPLAIN QUERY PLAN, or EXPLAIN
ANALYZE on PostgreSQL).

    .venv/bin/python benchmarks/bench_pages.py             # SQLite, the full size
    .venv/bin/python benchmarks/bench_pages.py --postgres  # on TEST_DATABASE_URL's server
    .venv/bin/python benchmarks/bench_pages.py --small     # 500 meetings, 10,000 items
    .venv/bin/python benchmarks/bench_pages.py --keep      # keep the database to profile

On PostgreSQL the database is ``tracker_bench_pages`` (dropped and made anew),
or the name in ``BENCH_PAGES_DATABASE``: one of your own beside a colleague's run.
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-pages-"))
# --postgres: a database of its own on the server of TEST_DATABASE_URL, made anew.
POSTGRES = "--postgres" in sys.argv
PG_SERVER = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_NAME = os.environ.get("BENCH_PAGES_DATABASE", "tracker_bench_pages")
if POSTGRES:
    os.environ["DATABASE_URL"] = f"{PG_SERVER.rsplit('/', 1)[0]}/{PG_NAME}"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'pages.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from meetings import charts  # noqa: E402
from meetings.models import (  # noqa: E402
    AgendaItem,
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
    name_key,
)

FIRST_DATE = dt.date(2012, 1, 2)
STATUSES = ["open"] * 5 + ["in_progress"] + ["done"] * 3 + ["dropped"]
CLOSED = {"done", "dropped"}
VERBS = ["Review", "Fix", "Write", "Test", "Port", "Update", "Benchmark", "Document"]
THINGS = [
    "the scheduler",
    "the allocator",
    "the CI",
    "the docs",
    "the release",
    "the network stack",
]


def trivial(request):
    """The floor: the base template with nothing in it, through the same middleware."""
    return render(request, "base.html")


def bare(request):
    return HttpResponse("ok")


# The bench's URLs: the tracker's, and the two trivial views beside them.
TRIVIAL = "/bench/trivial/"
TURN = 10  # requests of the trivial view, then of a page, in turn
urlpatterns = [
    path(TRIVIAL[1:], trivial),
    path("bench/bare/", bare),
    path("", include("tracker.urls")),
]


def build(meetings, items, teams=10, people=200, seed=1):
    """Fill the database, fast: explicit ids and ``bulk_create`` in big batches."""
    rng = random.Random(seed)
    started = time.perf_counter()
    team_rows = [
        Team(id=i + 1, name=f"team-{i}", key=f"team{i}", slug=f"team-{i}") for i in range(teams)
    ]
    person_rows = [
        Person(
            id=i + 1,
            name=f"Person {i}",
            handle=f"Person{i}",
            key=name_key(f"Person{i}"),
            slug=f"person{i}",
        )
        for i in range(people)
    ]
    Team.objects.bulk_create(team_rows)
    Person.objects.bulk_create(person_rows)
    rosters = [rng.sample(person_rows, 25) for _ in team_rows]

    meeting_rows, team_links, participants, agenda = [], [], [], []
    topics, statements, speakers = [], [], []
    for m in range(meetings):
        pk = m + 1
        t = m % teams
        date = FIRST_DATE + dt.timedelta(days=m // 3)
        meeting_rows.append(
            Meeting(
                id=pk,
                source=f"team-{t}/{date}-{pk}.md",
                file_name=f"{date}-{pk}.md",
                date=date,
                title=f"Team {t}, {date}",
                text="---\n...\n---\n",
                content_hash=str(pk),
            )
        )
        team_links.append(Meeting.teams.through(meeting_id=pk, team_id=t + 1))
        for position, person in enumerate(rng.sample(rosters[t], 8)):
            participants.append(
                Participant(
                    meeting_id=pk,
                    person=person,
                    name=person.handle,
                    position=position,
                    date=date,
                )
            )
        for position in range(4):
            agenda.append(
                AgendaItem(
                    meeting_id=pk, text=f"Topic {position}", line=10 + position, position=position
                )
            )
        for position in range(3):
            topic = Topic(
                id=len(topics) + 1,
                meeting_id=pk,
                title=f"Topic {position}",
                line=20 + 10 * position,
                position=position,
            )
            topics.append(topic)
            for s in range(3):
                statement = Statement(
                    id=len(statements) + 1,
                    topic_id=topic.id,
                    text=f"I looked into {rng.choice(THINGS)}: https://github.com/acme/core/pull/{pk}",
                    line=topic.line + 1 + s,
                    position=s,
                )
                statements.append(statement)
                person = rng.choice(rosters[t])
                speakers.append(
                    Speaker(
                        statement_id=statement.id, name=person.handle, key=person.key, person=person
                    )
                )

    item_rows, owner_rows, mention_rows = [], [], []
    for i in range(items):
        pk = i + 1
        meeting = meeting_rows[i * meetings // items]
        t = (meeting.id - 1) % teams
        status = rng.choice(STATUSES)
        item_rows.append(
            Item(
                id=pk,
                text=f"{rng.choice(VERBS)} {rng.choice(THINGS)} (https://github.com/acme/core/issues/{pk})",
                status=status,
                meeting_id=meeting.id,
                raised=meeting.date,
                last_raised=meeting.date,
                # Closed some days to a year after it was raised (the charts' closed items).
                status_changed=closed_after(meeting.date, rng) if status in CLOSED else None,
            )
        )
        mention_rows.append(
            Mention(
                item_id=pk,
                meeting_id=meeting.id,
                text=item_rows[-1].text,
                line=50 + i % 20,
                position=i % 20,
            )
        )
        if rng.random() < 0.08:
            owner_rows.append(Owner(item_id=pk, name="Everyone", key="everyone", is_group=True))
            mention_rows[-1].owners = ["Everyone"]
            continue
        owners = rng.sample(rosters[t], 2 if rng.random() < 0.2 else 1)
        for position, person in enumerate(owners):
            owner_rows.append(
                Owner(
                    item_id=pk, name=person.handle, key=person.key, person=person, position=position
                )
            )
        mention_rows[-1].owners = [p.handle for p in owners]

    with transaction.atomic():
        for model, rows in [
            (Meeting, meeting_rows),
            (Meeting.teams.through, team_links),
            (Participant, participants),
            (AgendaItem, agenda),
            (Topic, topics),
            (Statement, statements),
            (Speaker, speakers),
            (Item, item_rows),
            (Owner, owner_rows),
            (Mention, mention_rows),
        ]:
            model.objects.bulk_create(rows, batch_size=5000)
        # As the import keeps them: who owns what, and the counts of the lists.
        Ownership.objects.keep_all()
    with connection.cursor() as cursor:
        # As a database that has run a while: its statistics gathered and, on PostgreSQL,
        # its tables vacuumed (autovacuum would have), so that an index alone can count.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"built {meetings:,} meetings, {items:,} action items, {len(owner_rows):,} owners, "
        f"{len(statements):,} statements in {time.perf_counter() - started:.1f} s ({WORK})"
    )


def closed_after(raised, rng):
    day = raised + dt.timedelta(days=rng.randrange(1, 365))
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def busiest_and_quietest_person():
    """The person who owns the most items, and one who owns the fewest (but some)."""
    counts = Counter(Owner.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    ranked = sorted(counts, key=counts.get)
    busy, quiet = Person.objects.get(pk=ranked[-1]), Person.objects.get(pk=ranked[0])
    return (busy, counts[busy.pk]), (quiet, counts[quiet.pk])


def recreate_postgres_database():
    import psycopg

    admin = f"{PG_SERVER.rsplit('/', 1)[0]}/postgres"
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        server.execute(f"CREATE DATABASE {PG_NAME}")


def query_plan(client, url):
    """The slowest query of a page, and how the database runs it.

    Each of the page's reads is timed again here, the median of five: the times
    Django records are rounded to the millisecond, and most of a page's reads take less.
    """
    with CaptureQueriesContext(connection) as queries:
        body(client.get(url))
    reads = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")
    ]
    took, slowest = max((timed(sql), sql) for sql in reads)
    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(explain + slowest)
        plan = [" ".join(str(cell) for cell in row) for row in cursor.fetchall()]
    return took * 1000, slowest, plan


def timed(sql):
    """Seconds the database takes to answer ``sql`` and hand over its rows: a median of five."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(client, url, runs, before=None):
    """Median time, SQL queries and rows (items, meetings or people) shown of one page, and
    the trivial view's median measured in turns with it: ten requests of each, then again.

    Side by side, the two see the same machine: on a shared one, a page measured
    while another process ran would otherwise seem slower than the trivial view
    measured once before all pages. In turns of ten rather than one request each,
    so that each is timed warm, as when measured alone: alternating single requests
    made the trivial view a quarter slower (each page evicting what it keeps in the
    processor's caches) and every ratio lower. ``before`` runs ahead of each
    request, untimed: to make its kept charts old.
    """
    before = before or (lambda: None)
    response = client.get(url)  # warm the caches: templates, the first query plans
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    text = body(response)
    if response.streaming:  # CSV: a line per item
        rows = text.count("\n") - 1
    elif response["Content-Type"] == "application/json":  # the API: a page of results
        rows = len(json.loads(text)["results"])
    else:
        rows = max(text.count(f"data-{kind}=") for kind in ("item", "meeting", "person", "line"))
    times, trivial = [], []
    for turn in range(0, runs, TURN):
        for _ in range(min(TURN, runs - turn)):
            started = time.perf_counter()
            body(client.get(TRIVIAL))
            trivial.append(time.perf_counter() - started)
        for _ in range(min(TURN, runs - turn)):
            before()
            started = time.perf_counter()
            body(client.get(url))
            times.append(time.perf_counter() - started)
    before()
    with CaptureQueriesContext(connection) as queries:
        body(client.get(url))
    return statistics.median(times), statistics.median(trivial), len(queries), rows


def charts_drawn_anew(model, pk):
    """Before each request: the team's or person's charts old, as after a status change."""
    return lambda: model.objects.filter(pk=pk).revise()


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="500 meetings and 10,000 items")
    parser.add_argument(
        "--postgres", action="store_true", help=f"on PostgreSQL ({PG_NAME} on TEST_DATABASE_URL's)"
    )
    parser.add_argument("--runs", type=int, default=30, help="requests per page (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a look")
    args = parser.parse_args()
    try:
        run(args)
    finally:
        connection.close()
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
        elif POSTGRES:
            print(f"kept: the database {PG_NAME}")


def run(args):
    meetings, items = (500, 10_000) if args.small else (10_000, 200_000)

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    if POSTGRES:
        recreate_postgres_database()
    call_command("migrate", verbosity=0)
    build(meetings, items)

    (busy, busy_items), (quiet, quiet_items) = busiest_and_quietest_person()
    user = get_user_model().objects.create_user("bench")
    busy.user = user
    busy.save()
    client = Client()
    client.force_login(user)
    meeting = Meeting.objects.order_by("-pk").first()
    team = Team.objects.first()
    rare = meetings // 2 + 1

    # (label, URL, runs, target): the target as a multiple of the trivial view's time,
    # in milliseconds (the CSV, search), or as (multiple, URL) of another page's time
    # (the API's list against the HTML list of the same filter).
    pages = [
        ("trivial view (base template)", "/bench/trivial/", args.runs, None),
        ("bare HttpResponse, no session", "/bench/bare/", args.runs, None),
        (
            f"items: {busy.handle} (owns {busy_items}), open",
            f"/items/?owner={busy.handle}",
            args.runs,
            5,
        ),
        (
            f"items: {quiet.handle} (owns {quiet_items}), open",
            f"/items/?owner={quiet.handle}",
            args.runs,
            5,
        ),
        # The JSON API's items list, by the same filter: within twice the HTML list's time.
        (
            f"API items: {busy.handle}, open",
            f"/api/items/?owner={busy.handle}",
            args.runs,
            (2, f"/items/?owner={busy.handle}"),
        ),
        (
            f"API items: {quiet.handle}, open",
            f"/api/items/?owner={quiet.handle}",
            args.runs,
            (2, f"/items/?owner={quiet.handle}"),
        ),
        (f"person page: {busy.handle}", busy.get_absolute_url(), args.runs, 5),
        (
            f"person page: {busy.handle}, charts old",
            busy.get_absolute_url(),
            args.runs,
            5,
            charts_drawn_anew(Person, busy.pk),
        ),
        (f"person page: {quiet.handle}", quiet.get_absolute_url(), args.runs, 5),
        (
            f"meeting page: {meeting.items.count()} items + carried over",
            meeting.get_absolute_url(),
            args.runs,
            6,
        ),
        ("home, my open items", "/", args.runs, 6),
        ("items, no filter", "/items/", args.runs, 6),
        ("people list", "/people/", args.runs, 6),
        # Its charts kept (as every visit after the worker drew them), and old (after an
        # import or a status change: shown as they stood while the worker draws them anew).
        (f"team page, {team}, charts kept", team.get_absolute_url(), args.runs, 6),
        (
            f"team page, {team}, charts old",
            team.get_absolute_url(),
            args.runs,
            6,
            charts_drawn_anew(Team, team.pk),
        ),
        # A word in a sixth of the items and discussion lines, and a number in a few
        # (an issue's in one item's link, a pull request's in one meeting's lines).
        ("search: a common word (scheduler)", "/search/?q=scheduler", args.runs, "150 ms"),
        (f"search: a rare word ({rare})", f"/search/?q={rare}", args.runs, "150 ms"),
        ("search: lines of a common word", "/search/?q=scheduler&in=lines", args.runs, "150 ms"),
        (
            f"CSV of {quiet.handle}'s items",
            f"/items/?owner={quiet.handle}&status=open&status=in_progress&status=done"
            "&status=dropped&format=csv",
            max(args.runs // 3, 5),
            "50 ms (rows/s)",
        ),
    ]
    database = "PostgreSQL" if POSTGRES else "SQLite"
    print(
        f"{database}, {Item.objects.count():,} items; median of {args.runs} requests per page, "
        f"in turns of {TURN} with the trivial view (a ratio is to the trivial median of its turns)"
    )
    print(
        f"{'page':46} {'rows':>5} {'median':>11} {'x trivial':>9} {'target':>7} "
        f"{'queries':>7}  verdict"
    )
    ratios = {}
    medians = {}
    for label, url, runs, target, *before in pages:
        # The ratio to the trivial view measured in turn with this page.
        median, floor, queries, rows = measure(client, url, runs, *before)
        medians[url] = median
        ratio = median / floor
        if target is None:
            goal, verdict = "", ""
        elif isinstance(target, tuple):  # (multiple, URL): against that page, measured before
            times, other = target
            goal = f"{times}x html"
            verdict = "ok" if median <= times * medians[other] else "missed"
            label = f"{label} ({median / medians[other]:.2f}x html)"
        elif isinstance(target, str):  # milliseconds: "50 ms", or "50 ms (rows/s)" to say the rate
            goal = target.split(" (")[0]
            verdict = "ok" if median * 1000 <= float(goal.split()[0]) else "missed"
            if target.endswith("(rows/s)"):
                label = f"{label} ({rows / median:,.0f} rows/s)"
        else:
            goal = f"{target}x"
            verdict = "ok" if ratio <= target else "missed"
            ratios[label] = (ratio, url, *before)
        print(
            f"{label[:46]:46} {rows:5} {median * 1000:8.2f} ms {ratio:8.1f}x {goal:>7} "
            f"{queries:7}  {verdict}"
        )
    # What the task worker does after a change, off any request: the charts drawn anew.
    for label, kind, pk in [(f"team {team}", "team", team.pk), (busy.handle, "person", busy.pk)]:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            charts.draw_and_keep(kind, pk, small=False)
            times.append(time.perf_counter() - started)
        took = statistics.median(times) * 1000
        print(f"charts of {label} drawn by the task worker: {took:.0f} ms")
    slowest_label = max(ratios, key=lambda label: ratios[label][0])
    _, slowest_url, *before = ratios[slowest_label]
    for make_old in before:
        make_old()
    took, sql, plan = query_plan(client, slowest_url)
    print(f"\nThe slowest page, {slowest_label}: its slowest query ({took:.1f} ms) and its plan")
    print(f"  {sql[:600]}")
    for line in plan:
        print(f"    {line}")


if __name__ == "__main__":
    main()

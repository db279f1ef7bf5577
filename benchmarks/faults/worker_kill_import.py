"""Fault: the task worker is killed (SIGKILL) in the middle of an import.

The import must be reported as interrupted, never silently half-done, and
running it again must finish it with nothing duplicated. On a fresh
PostgreSQL database, with the production settings: the real corpus is
uploaded as the admin keeps it, its import logged and enqueued as the admin
does, and a real ``db_worker`` runs it; when a third of the files are done,
the worker is killed. Then:

- every meeting in the database is whole: its items are exactly the ones its
  file writes (each file is imported in a transaction of its own);
- the import log, left "running" by the dead worker, is shown as interrupted
  once ``IMPORT_STALE_SECONDS`` pass (here 5 s);
- "Run the import again" (``tasks.resume``) with a new worker finishes it:
  the files done before are unchanged (by their hash), the rest are imported,
  and the counts equal those of one clean import.

    .venv/bin/python benchmarks/faults/worker_kill_import.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/tracker_fault_worker] [--minutes DIR]

Exit status 1 when an expectation fails.
"""

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from benchmarks.background import configure, fresh_database, start_worker, stop

STALE_SECONDS = 5


def wait_for(condition, timeout=600, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen within {timeout} s")


def whole_meetings(expected):
    """Meetings whose items are not what their file writes (none, if every file is whole)."""
    from meetings.models import Meeting

    broken = []
    for meeting in Meeting.objects.all():
        count = meeting.mentions.filter(removed=False).count()
        if meeting.source not in expected or count != expected[meeting.source]:
            broken.append((meeting.source, count, expected.get(meeting.source)))
    return broken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/tracker_fault_worker"
    )
    default = Path(__file__).resolve().parents[3] / "shared" / "minutes"
    parser.add_argument("--minutes", type=Path, default=default)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-fault-worker-"))
    fresh_database(args.database_url)
    configure(args.database_url, work / "media", IMPORT_STALE_SECONDS=str(STALE_SECONDS))

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count

    from benchmarks.background import zipped_folder
    from meetings import minutes as parser_module
    from meetings import tasks, uploads
    from meetings.models import ImportLog, Item, Meeting, Mention

    user = get_user_model().objects.create_superuser("fault", "fault@example.org", None)
    batch = uploads.read_uploads([SimpleUploadedFile("minutes.zip", zipped_folder(args.minutes))])
    expected = {}
    for source, data in batch.files:
        try:
            parsed = parser_module.parse(data, source)
        except parser_module.MinutesError:
            continue
        expected[source] = len(parsed.action_items) + len(parsed.decisions)
    upload = uploads.keep(batch, user)
    tasks.make_preview(upload)
    log = tasks.start_import(upload, user)
    log.task = tasks.import_upload.enqueue(log.pk).id
    log.save(update_fields=["task"])
    total = len(batch.files)
    print(f"corpus: {total} files, {sum(expected.values())} items; import log {log.pk} queued")

    failures = []

    def check(ok, what):
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    worker = start_worker(work / "worker-1.log")
    try:
        third = total // 3
        wait_for(
            lambda: ImportLog.objects.filter(pk=log.pk, done__gte=third).exists(),
            what="a third of the import",
        )
        killed = time.monotonic()
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        stop(worker)
    log.refresh_from_db()
    meetings_at_kill = Meeting.objects.count()
    print(
        f"killed the worker (SIGKILL) with {log.done} of {log.total} files done; "
        f"{meetings_at_kill} meetings in the database"
    )
    check(log.state == ImportLog.State.RUNNING, f"the log says {log.state} right after the kill")
    check(not whole_meetings(expected), "every meeting in the database is whole")
    check(0 < meetings_at_kill < len(expected), "the import was cut part-way")

    time.sleep(STALE_SECONDS + 1)
    marked = ImportLog.objects.mark_interrupted()  # what the admin's pages do on every view
    log.refresh_from_db()
    print(
        f"after {STALE_SECONDS} s without progress: {log.state} "
        f"({time.monotonic() - killed:.1f} s after the kill), "
        f"{log.done} of {log.total} files, {log.error!r}"
    )
    check(marked == 1 and log.state == ImportLog.State.INTERRUPTED, "shown as interrupted")
    check(upload.pk == log.upload_id, "the upload is kept to run the import again")

    check(tasks.resume(log), "the import is queued again")
    worker = start_worker(work / "worker-2.log")
    try:
        resumed = time.monotonic()
        wait_for(
            lambda: ImportLog.objects.filter(pk=log.pk, state="done").exists(),
            what="the import run again",
        )
        took = time.monotonic() - resumed
    finally:
        stop(worker)
    log.refresh_from_db()
    summary = log.summary
    print(
        f"run again: done in {took:.1f} s: {summary['imported']} new, "
        f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
        f"{len(summary['failed'])} failed"
    )
    check(summary["unchanged"] == meetings_at_kill, "the files done before the kill are unchanged")
    check(Meeting.objects.count() == len(expected), f"{len(expected)} meetings, one per file")
    check(not whole_meetings(expected), "every meeting is whole")
    twice = (
        Mention.objects.values("meeting", "line").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    check(twice == 0, "no line of the minutes is a mention twice")
    mentions = Mention.objects.filter(removed=False).count()
    check(mentions == sum(expected.values()), "one mention per item line of the corpus")
    items = Item.objects.count()
    print(
        f"in the end: {Meeting.objects.count()} meetings, {items} items, "
        f"{Mention.objects.count()} mentions; logs in {work}"
    )
    if failures:
        print(f"{len(failures)} expectation(s) failed")
        sys.exit(1)
    print("the import was reported as interrupted and finished when run again, nothing twice")


if __name__ == "__main__":
    main()

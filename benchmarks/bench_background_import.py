"""A preview and an import of the whole real corpus, as a zip, through the task worker.

What a maintainer waits for (from the click to the result: the upload, the
worker's work, htmx's polling), and what a user changing an item's status
waits for meanwhile. Production settings, gunicorn (2 workers) and one
``db_worker`` on a fresh PostgreSQL database; half the corpus (the older
meetings) is imported first, so that the import updates items the user may be
changing, as a team's does.

    .venv/bin/python benchmarks/bench_background_import.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/tracker_bench_import] [--minutes DIR]
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.background import (
    Browser,
    configure,
    fresh_database,
    session_for,
    start_gunicorn,
    start_worker,
    stop,
    zipped_folder,
)

PORT = 8103


class StatusChanger(threading.Thread):
    """A user toggling an item between open and in progress, timing each change."""

    def __init__(self, browser, item):
        super().__init__(daemon=True)
        self.browser, self.item = browser, item
        self.running = True
        self.phase = "before"
        self.times = {}
        self.errors = []

    def run(self):
        from django.db import connection

        from meetings.models import Item

        while self.running:
            item = Item.objects.get(pk=self.item)
            new = "in_progress" if item.status == "open" else "open"
            fields = {
                "status": new,
                "seen_status": item.status,
                "seen_version": item.status_version,
            }
            started = time.monotonic()
            status, _, _ = self.browser.post_form(f"/items/{item.pk}/status/", fields)
            took = time.monotonic() - started
            if status >= 400:
                self.errors.append(status)
            self.times.setdefault(self.phase, []).append(took)
            time.sleep(0.2)
        connection.close()


def figures(times):
    if not times:
        return "no change made"
    times = sorted(times)
    return (
        f"{len(times)} changes, median {statistics.median(times) * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/tracker_bench_import"
    )
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "minutes"
    parser.add_argument("--minutes", type=Path, default=default)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-import-"))
    fresh_database(args.database_url)
    configure(args.database_url, work / "media")

    from django.contrib.auth import get_user_model

    from meetings.importing import import_paths, read_minutes
    from meetings.models import ImportLog, Item, Meeting

    found, _ = read_minutes([args.minutes])
    older = [path for path, _ in found][: len(found) // 2]
    started = time.monotonic()
    import_paths(older, root=args.minutes)
    print(
        f"set up: {Meeting.objects.count()} meetings imported first, "
        f"in {time.monotonic() - started:.1f} s"
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", None)
    item = (
        Item.objects.actions()
        .filter(status="open")
        .order_by("-last_raised", "-mention_count")
        .first()
    )
    print(
        f"the user changes the status of item {item.pk} ({item.text[:60]!r}, "
        f"last raised {item.last_raised})"
    )
    archive = zipped_folder(args.minutes)

    web = start_gunicorn(PORT, work / "gunicorn.log")
    worker = start_worker(work / "worker.log")
    try:
        base = f"http://127.0.0.1:{PORT}"
        maintainer = Browser(base, session_for(user))
        changer = StatusChanger(Browser(base, session_for(user)), item.pk)
        changer.start()
        time.sleep(3)

        changer.phase = "preview"
        clicked = time.monotonic()
        status, headers, _ = maintainer.post_file(
            "/admin/meetings/meeting/import/", "minutes.zip", archive
        )
        assert status == 302, status
        preview = headers["Location"]
        upload_took = time.monotonic() - clicked
        maintainer.follow(preview)
        status, _, page = maintainer.request(preview)
        preview_took = time.monotonic() - clicked
        assert status == 200 and "Preview: import minutes" in page, status

        changer.phase = "import"
        clicked = time.monotonic()
        fields = {"confirm": "Import", "accept": "1"}
        status, headers, _ = maintainer.post_form(preview, fields)
        assert status == 302, status
        log_page = headers["Location"]
        maintainer.follow(log_page)
        status, _, page = maintainer.request(log_page)
        import_took = time.monotonic() - clicked
        changer.phase = "after"
        time.sleep(2)
        changer.running = False
        changer.join()
    finally:
        stop(worker)
        stop(web)

    log = ImportLog.objects.get()
    summary = log.summary
    print(f"corpus: {len(found)} minutes files, zip of {len(archive) / 1024:.0f} KB")
    print(
        f"preview: {preview_took:.1f} s from the click to the preview "
        f"(the upload request itself: {upload_took:.2f} s)"
    )
    print(
        f"import:  {import_took:.1f} s from the click to the result; log {log.state}, "
        f"{summary['imported']} new, {summary['updated']} updated, "
        f"{summary['unchanged']} unchanged, {len(summary['failed'])} failed"
    )
    for phase in ("before", "preview", "import", "after"):
        print(f"status changes {phase:>8}: {figures(changer.times.get(phase, []))}")
    print(f"status change errors: {changer.errors or 'none'}")
    print(f"logs in {work}")


if __name__ == "__main__":
    main()

"""How well the tracker follows a TODO across meetings: ``make bench``.

Imports the real corpus into a fresh SQLite database and prints, on the
hand-judged pairs of ``tests/data/matching_pairs.csv``, the precision of the
links, the right links of before that are kept, the re-raises missed before
that are found, and the share of the review queue that is one task; and how
long matching took per meeting, over the import.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-matching-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from meetings import matching  # noqa: E402
from meetings.importing import import_paths  # noqa: E402
from meetings.models import Candidate, Meeting, Verdict  # noqa: E402
from tests.judged_matching import figures, read_pairs  # noqa: E402

CORPUS = ROOT.parent / "shared" / "minutes"


class Timed:
    """Matcher.match, timed: how much of an import matching takes."""

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        self.match = matching.Matcher.match

    def __enter__(self):
        timed = self

        def match(matcher, entries):
            started = time.perf_counter()
            try:
                return timed.match(matcher, entries)
            finally:
                timed.seconds += time.perf_counter() - started
                timed.calls += 1

        matching.Matcher.match = match
        return self

    def __exit__(self, *exc):
        matching.Matcher.match = self.match


def main():
    if not CORPUS.is_dir():
        raise SystemExit(f"the real corpus is not at {CORPUS}")
    call_command("migrate", verbosity=0)
    with Timed() as timed:
        started = time.perf_counter()
        summary = import_paths([CORPUS], root=CORPUS)
        elapsed = time.perf_counter() - started
    if summary.failed:
        raise SystemExit(f"import failed: {summary.failed[0].error}")
    result = figures(read_pairs())
    print("matching on the real corpus, against the hand-judged pairs:")
    for line in result.lines():
        print(f"  {line}")
    pending = Candidate.objects.filter(state=Verdict.PENDING).count()
    print(f"  review queue: {pending} pending candidates in all")
    meetings = Meeting.objects.count()
    print(
        f"  import {elapsed:.2f} s for {meetings} meetings; matching {timed.seconds:.2f} s "
        f"({timed.seconds / max(timed.calls, 1) * 1000:.2f} ms per meeting with action items)"
    )


if __name__ == "__main__":
    main()

"""How fast the tracker learns who is who: ``make bench``.

On the real corpus: the whole ``resolve_people`` (learning every participant's
human and resolving every owner and speaker), and importing one new meeting
into the imported corpus, once with people the tracker knows and once with a
newcomer (which makes it learn again). Medians of a few runs in one process:
compare them with each other, not across runs; the machine is shared and noisy.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-people-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from meetings.importing import import_many, import_paths  # noqa: E402
from meetings.models import Meeting, Owner  # noqa: E402

CORPUS = ROOT.parent / "shared" / "minutes"

NEW_MEETING = """---
datetime: 2024-03-06T13:00:00+01:00
teams: [community]
participants: [RăzvanD, Simon, Marc, {newcomer}]
---

## Discussions

SK: The release is late.
MR: I will help with the tests.

## TODOs

* RD: Arrange the next hackathon
* SK/MR: Review the scheduler pull request
* MR: Write the tests for the allocator
"""


def median_time(runs, action, before=lambda: None):
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_one(newcomer):
    text = NEW_MEETING.format(newcomer=newcomer).encode()
    summary = import_many([("bench/2024-03-06.md", text)])
    assert not summary.failed, summary.failed


def forget_it():
    Meeting.objects.filter(source="bench/2024-03-06.md").delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: who is who (no corpus at {CORPUS})")
        return
    call_command("migrate", verbosity=0)
    import_paths([CORPUS], root=CORPUS)
    owners = Owner.objects.count()
    resolving = median_time(
        args.runs, lambda: call_command("resolve_people", stdout=StringIO(), top=0)
    )
    known = median_time(args.runs, lambda: import_one("Cezar"), before=forget_it)
    newcomer = median_time(args.runs, lambda: import_one("Zoltan Newman"), before=forget_it)
    print(f"resolve_people over the real corpus ({owners} owners): {resolving:.2f} s")
    print(f"importing one new meeting of known people: {known * 1000:.1f} ms")
    print(f"importing one new meeting with a newcomer: {newcomer * 1000:.1f} ms")


if __name__ == "__main__":
    main()

"""How fast the tracker reads minutes: ``make bench``.

Prints, for the real corpus and for generated ones, the time to parse alone,
the time to import into a fresh SQLite database, and their ratio; and how the
per-file import cost grows from 500 to 5,000 meetings. Figures are medians of
a few runs in one process, so compare them with each other, not across runs:
the machine is shared and noisy.
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from meetings.importing import import_paths, read_minutes  # noqa: E402
from meetings.minutes import MinutesError, parse  # noqa: E402

CORPUS = ROOT.parent / "shared" / "minutes"


def fresh_database(name):
    """Point the connection at a new, migrated SQLite file."""
    connection.close()
    connection.settings_dict["NAME"] = str(WORK / f"{name}.sqlite3")
    call_command("migrate", verbosity=0)


def time_parse(files):
    started = time.perf_counter()
    for path in files:
        # The real corpus holds a file or two the importer refuses; they count too.
        with contextlib.suppress(MinutesError):
            parse(path.read_bytes(), path.name, max_bytes=settings.MINUTES_MAX_BYTES)
    return time.perf_counter() - started


def time_import(folder, name):
    fresh_database(name)
    started = time.perf_counter()
    summary = import_paths([folder], root=folder)
    elapsed = time.perf_counter() - started
    if summary.failed:
        raise SystemExit(f"import failed: {summary.failed[0].error}")
    return elapsed


def median_of(runs, measure):
    return statistics.median(measure(i) for i in range(runs))


def parse_versus_import(label, folder, runs):
    files = [path for path, _ in read_minutes([folder])[0]]
    parse_time = median_of(runs, lambda i: time_parse(files))
    import_time = median_of(runs, lambda i: time_import(folder, f"{label}-{i}"))
    ratio = import_time / parse_time
    print(
        f"{label}: {len(files)} files; parse {parse_time:.2f} s "
        f"({parse_time / len(files) * 1000:.2f} ms/file), import {import_time:.2f} s "
        f"({import_time / len(files) * 1000:.2f} ms/file); import/parse {ratio:.2f}x"
    )
    return import_time / len(files)


def growth(small, large, runs):
    """Per-file import cost into an empty database at two corpus sizes."""
    small_dir = WORK / f"generated-{small}"
    large_dir = WORK / f"generated-{large}"
    generate(small_dir, small)
    generate(large_dir, large)
    per_small = parse_versus_import(f"generated {small}", small_dir, runs)
    per_large = parse_versus_import(f"generated {large}", large_dir, 1)
    print(
        f"per-file import cost at {large} vs {small} meetings: "
        f"{per_large * 1000:.2f} / {per_small * 1000:.2f} ms = {per_large / per_small:.2f}x"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--large", type=int, default=5000, help="generated meetings, large")
    parser.add_argument("--small", type=int, default=500, help="generated meetings, small")
    args = parser.parse_args()

    print(f"benchmark databases in {WORK}")
    if CORPUS.is_dir():
        parse_versus_import("real corpus", CORPUS, args.runs)
    else:
        print(f"skipped: the real corpus (not at {CORPUS})")
    growth(args.small, args.large, args.runs)


if __name__ == "__main__":
    main()

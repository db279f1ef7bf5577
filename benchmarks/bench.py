"""How fast the tracker imports minutes, against parsing them alone: ``make bench``.

Whole commands, as a maintainer runs them: ``manage.py import_minutes`` into a
fresh SQLite database against ``manage.py parse_minutes`` over the same files,
on the real corpus (target: import within 4x of parse-only), then importing
it again unchanged. Then the cost per file of importing generated corpora of
500 and 10,000 meetings (``benchmarks/generate.py``), less the commands' start,
which must stay flat. The commands run as deployed (``DEBUG`` off: no log of
every query). Figures are medians of the runs of one invocation, interleaved;
compare them with each other, not across runs: the machine is shared and noisy.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

CORPUS = ROOT.parent / "shared" / "minutes"
TARGET = 4.0
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-"))


def manage(*args, database):
    """Seconds one ``manage.py`` command takes, start to exit, against ``database``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "false"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 and args[0] != "parse_minutes":  # the corpus has a bad file or two
        raise SystemExit(f"manage.py {' '.join(map(str, args))} failed:\n{done.stderr[-2000:]}")
    return elapsed


def fresh_database(name):
    database = WORK / f"{name}.sqlite3"
    manage("migrate", "--no-input", database=database)
    return database


def files_in(folder):
    return sum(1 for _ in folder.rglob("*.md"))


def real_corpus(runs):
    imports, parses, again = [], [], []
    for run in range(runs):
        database = fresh_database(f"real-{run}")
        imports.append(manage("import_minutes", CORPUS, database=database))
        parses.append(manage("parse_minutes", CORPUS, database=database))
        again.append(manage("import_minutes", CORPUS, database=database))
    imported, parsed, unchanged = map(statistics.median, (imports, parses, again))
    ratio = imported / parsed
    verdict = "within" if ratio <= TARGET else "NOT within"
    print(f"real corpus ({files_in(CORPUS)} .md files), whole commands, median of {runs}:")
    print(f"  parse_minutes            {parsed:6.2f} s")
    print(f"  import_minutes (fresh)   {imported:6.2f} s   {ratio:.2f}x parse-only")
    print(f"  target                   {TARGET:.0f}x: {verdict}")
    print(f"  import_minutes again     {unchanged:6.2f} s   (unchanged: nothing written)")


def startup(runs):
    """What a command costs before the first file: Python, Django, settings."""
    empty = WORK / "empty"
    empty.mkdir(exist_ok=True)
    database = fresh_database("startup")
    return statistics.median(
        manage("import_minutes", empty, database=database) for _ in range(runs)
    )


def growth(sizes, runs, start):
    print(f"per-file import cost, generated corpora, less {start:.2f} s of command start:")
    figures = []
    for size in sizes:
        folder = WORK / f"generated-{size}"
        generate(folder, size, teams=8)
        # The largest is imported once: minutes of work on a shared machine.
        times = [
            manage("import_minutes", folder, database=fresh_database(f"generated-{size}-{run}"))
            for run in range(runs if size == sizes[0] else 1)
        ]
        elapsed = statistics.median(times)
        per_file = (elapsed - start) / size
        figures.append(per_file)
        print(f"  {size:6,} meetings   {elapsed:7.2f} s   {per_file * 1000:.2f} ms/file")
    print(f"  {sizes[-1]:,} vs {sizes[0]:,}: {figures[-1] / figures[0]:.2f}x per file")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--small", type=int, default=500, help="generated meetings, small")
    parser.add_argument("--large", type=int, default=10_000, help="generated meetings, large")
    args = parser.parse_args()

    print(f"benchmark databases in {WORK}")
    if CORPUS.is_dir():
        real_corpus(args.runs)
    else:
        print(f"skipped: the real corpus (not at {CORPUS})")
    growth([args.small, args.large], args.runs, startup(args.runs))


if __name__ == "__main__":
    main()

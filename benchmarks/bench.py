"""How fast the tracker imports minutes, against parsing them alone: ``make bench``.

Whole commands, as a maintainer runs them: ``manage.py import_minutes`` into a
fresh SQLite database against ``manage.py parse_minutes`` over the same files,
on the real corpus (target: import within 4x of parse-only), then importing
it again unchanged. Then the cost per file of importing generated corpora of
500 and 10,000 meetings (``benchmarks/generate.py``), less the commands' start,
which must stay flat. The commands run as deployed (``DEBUG`` off: no log of
every query). Figures are medians of the runs of one invocation, interleaved;
compare them with each other, not across runs: the machine is shared and noisy,
which is why each is given in processor time too (the command's, user and
system), which others running beside it change far less than the wall clock.
"""

import argparse
import os
import resource
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


def manage(*args, database, cpu=None):
    """Seconds one ``manage.py`` command takes, start to exit, against ``database``.

    Its processor time (user and system) is appended to ``cpu``: on a shared
    machine it says what the command costs when the wall clock also says who
    else was running.
    """
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "false"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
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
    cpu = {"import": [], "parse": [], "again": []}
    for run in range(runs):
        database = fresh_database(f"real-{run}")
        imports.append(manage("import_minutes", CORPUS, database=database, cpu=cpu["import"]))
        parses.append(manage("parse_minutes", CORPUS, database=database, cpu=cpu["parse"]))
        again.append(manage("import_minutes", CORPUS, database=database, cpu=cpu["again"]))
    imported, parsed, unchanged = map(statistics.median, (imports, parses, again))
    cpu = {name: statistics.median(times) for name, times in cpu.items()}
    ratio = imported / parsed
    verdict = "within" if ratio <= TARGET else "NOT within"
    print(f"real corpus ({files_in(CORPUS)} .md files), whole commands, median of {runs}:")
    print("                           wall             processor")
    print(f"  parse_minutes            {parsed:6.2f} s          {cpu['parse']:6.2f} s")
    print(
        f"  import_minutes (fresh)   {imported:6.2f} s {ratio:5.2f}x  "
        f"{cpu['import']:6.2f} s {cpu['import'] / cpu['parse']:5.2f}x parse-only"
    )
    print(f"  target                   {TARGET:.0f}x: {verdict}")
    print(
        f"  import_minutes again     {unchanged:6.2f} s          {cpu['again']:6.2f} s"
        "   (unchanged: nothing written)"
    )


def startup(runs):
    """What a command costs before the first file (Python, Django, settings): wall, processor."""
    empty = WORK / "empty"
    empty.mkdir(exist_ok=True)
    database = fresh_database("startup")
    cpu = []
    wall = [manage("import_minutes", empty, database=database, cpu=cpu) for _ in range(runs)]
    return statistics.median(wall), statistics.median(cpu)


def growth(sizes, runs, start):
    wall_start, cpu_start = start
    print(
        f"per-file import cost, generated corpora (8 teams), less the command's start"
        f" ({wall_start:.2f} s wall, {cpu_start:.2f} s processor):"
    )
    figures = []
    for size in sizes:
        folder = WORK / f"generated-{size}"
        generate(folder, size, teams=8)
        # The largest is imported once: minutes of work on a shared machine.
        cpu = []
        times = [
            manage(
                "import_minutes",
                folder,
                database=fresh_database(f"generated-{size}-{run}"),
                cpu=cpu,
            )
            for run in range(runs if size == sizes[0] else 1)
        ]
        wall = (statistics.median(times) - wall_start) / size
        processor = (statistics.median(cpu) - cpu_start) / size
        figures.append((wall, processor))
        print(
            f"  {size:6,} meetings   {wall * 1000:7.2f} ms/file wall"
            f"   {processor * 1000:7.2f} ms/file processor"
        )
    (small_wall, small_cpu), (large_wall, large_cpu) = figures[0], figures[-1]
    print(
        f"  {sizes[-1]:,} vs {sizes[0]:,} per file: {large_wall / small_wall:.2f}x wall,"
        f" {large_cpu / small_cpu:.2f}x processor"
    )


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

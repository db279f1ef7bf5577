"""Fault: a gunicorn worker killed (SIGKILL) during a burst of numbered status changes.

Imports the minutes into a fresh database on the fault cluster, starts gunicorn
(2 workers, production settings), sends numbered status changes from 8
clients, and kills a worker every second, three times. Then checks that every
change answered as saved is in the item and its history, and none twice.

    .venv/bin/python benchmarks/faults/worker_kill.py [--kills 3] [--count 800]
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from benchmarks.faults import common

DATABASE = "faults_kill"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_cluster_arguments(parser)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--count", type=int, default=800, help="status changes at most")
    parser.add_argument("--seconds", type=float, default=30, help="the burst lasts no longer")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    common.check_cluster(args)
    common.fresh_database(args, DATABASE)
    common.manage(args, DATABASE, "import_minutes", args.minutes)
    common.setup_django(args, DATABASE)
    user = common.burst_user()
    items = common.open_items(args.clients)

    kills = []
    with common.Server(args, DATABASE) as server:
        cookie, token = common.login(server.port, user)
        burst = common.Burst(server.port, cookie, token, items, args.count, args.seconds)
        threads = burst.run()
        for _ in range(args.kills):
            time.sleep(1)
            busy = [a for a in burst.attempts if a.outcome == "saved"]
            if not busy and burst.next_number >= args.count:
                break
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            kills.append(time.monotonic() - burst.started)
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        workers_after = len(server.workers())

    figures = common.check_burst(burst, user)
    figures["workers killed"] = f"{len(kills)}, at " + ", ".join(f"{t:.1f} s" for t in kills)
    figures["service again after each kill (next saved change)"] = ", ".join(
        recovery(burst, t) for t in kills
    )
    figures["workers running at the end"] = workers_after
    common.print_figures("A gunicorn worker killed during a burst of status changes", figures)
    failed = (
        figures["lost (acknowledged, not in the history)"]
        or figures["duplicated (a note twice)"]
        or figures["items not showing their last change"]
    )
    sys.exit(1 if failed else 0)


def recovery(burst, moment):
    later = [a.ended for a in burst.attempts if a.outcome == "saved" and a.started >= moment]
    return f"{min(later) - moment:.2f} s" if later else "never"


if __name__ == "__main__":
    main()

"""The hand-judged pairs of lines of the real minutes, and how well matching does on them.

``data/matching_pairs.csv`` holds pairs of action-item lines of the corpus,
each read against the minutes and judged ``same`` (one task raised again) or
``different`` (a look-alike), with what the tracker did before the matching of
issue 15 (``today``: linked, queued as a candidate, or left apart). Used by
``tests/test_matching_judged.py`` (thresholds) and ``benchmarks/bench_matching.py``
(figures).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from meetings.models import Candidate, Mention, Verdict

PAIRS = Path(__file__).parent / "data" / "matching_pairs.csv"


@dataclass(frozen=True)
class Pair:
    earlier: str
    earlier_line: int
    later: str
    later_line: int
    verdict: str
    today: str
    reason: str

    @property
    def same(self):
        return self.verdict == "same"


def read_pairs(path=PAIRS):
    with open(path, newline="", encoding="utf-8") as f:
        return [
            Pair(
                **{
                    **row,
                    "earlier_line": int(row["earlier_line"]),
                    "later_line": int(row["later_line"]),
                }
            )
            for row in csv.DictReader(f)
        ]


@dataclass(frozen=True)
class Figures:
    pairs: int
    precision: float  # of the judged pairs linked, the share that are one task
    linked: int
    kept: float  # of the pairs linked before and one task, the share still linked
    found: float  # of the re-raises not linked before, the share linked now
    recall: float  # of all the re-raises, the share linked
    queue: float  # of the pending candidates among the judged pairs, the share real
    queued: int

    def lines(self):
        return [
            f"judged pairs: {self.pairs}",
            f"precision: {self.precision:.1%} of {self.linked} linked pairs are one task",
            f"right links kept: {self.kept:.1%}",
            f"re-raises missed before, found now: {self.found:.1%}",
            f"recall (all re-raises linked): {self.recall:.1%}",
            f"review queue: {self.queue:.1%} of {self.queued} judged candidates are one task",
        ]


def share(hits, total):
    return hits / total if total else 1.0


def figures(pairs):
    """How the items in the database follow the judged pairs (the corpus imported)."""
    item_of = {
        (source, line): item
        for source, line, item in Mention.objects.filter(item__kind="action").values_list(
            "meeting__source", "line", "item"
        )
    }
    pending = set(Candidate.objects.filter(state=Verdict.PENDING).values_list("earlier", "later"))
    linked, queued = [], []
    for pair in pairs:
        earlier = item_of[(pair.earlier, pair.earlier_line)]
        later = item_of[(pair.later, pair.later_line)]
        if earlier == later:
            linked.append(pair)
        elif (earlier, later) in pending:
            queued.append(pair)
    same = [p for p in pairs if p.same]
    kept = [p for p in same if p.today == "linked"]
    missed = [p for p in same if p.today != "linked"]
    return Figures(
        pairs=len(pairs),
        precision=share(sum(p.same for p in linked), len(linked)),
        linked=len(linked),
        kept=share(sum(p in linked for p in kept), len(kept)),
        found=share(sum(p in linked for p in missed), len(missed)),
        recall=share(sum(p in linked for p in same), len(same)),
        queue=share(sum(p.same for p in queued), len(queued)),
        queued=len(queued),
    )

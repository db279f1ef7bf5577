"""What importing a file comes to: its outcome, and the summary of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from meetings.models import Meeting


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


class Refused(Exception):
    """A file the importer will not write; the message names the file and says why."""


@dataclass
class FileResult:
    source: str
    outcome: Outcome
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    meeting: Meeting | None = None
    action_items: int = 0
    decisions: int = 0
    # What an update did to the meeting's items: texts, for previews and summaries.
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: int = 0
    # New lines that became mentions of open items from earlier meetings.
    linked: int = 0
    # An update gives the meeting other teams than it had (``teams_before``):
    # with ``removed``, what a preview must warn of before anyone confirms.
    teams_changed: bool = False
    teams_before: list[str] = field(default_factory=list)


@dataclass
class Summary:
    results: list[FileResult] = field(default_factory=list)
    # Markdown files in the folders read that are not minutes (a README).
    skipped: list[str] = field(default_factory=list)
    # Why the run stopped before its end (the database is unavailable), or None.
    stopped: str | None = None

    def count(self, outcome):
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self):
        return [r for r in self.results if r.outcome == Outcome.FAILED]

    def as_json(self):
        done = [r for r in self.results if r.outcome != Outcome.FAILED]
        return {
            "imported": self.count(Outcome.IMPORTED),
            "updated": self.count(Outcome.UPDATED),
            "unchanged": self.count(Outcome.UNCHANGED),
            "failed": [{"source": r.source, "error": r.error} for r in self.failed],
            "skipped": self.skipped,
            "stopped": self.stopped,
            "meetings": len(done),
            "action_items": sum(r.action_items for r in done),
            "decisions": sum(r.decisions for r in done),
            "warnings": [
                {"source": r.source, "warning": warning}
                for r in self.results
                for warning in r.warnings
            ],
        }

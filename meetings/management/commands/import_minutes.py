import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.importing import Outcome, import_paths


class Command(BaseCommand):
    help = (
        "Import minutes files (Markdown with YAML front matter) into the tracker. "
        "Folders are read recursively for .md files. Each file is imported in a "
        "transaction of its own; importing the same files again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Minutes files or folders.")
        parser.add_argument(
            "--root",
            type=Path,
            help="Folder that meetings' source paths are relative to (default: the folder "
            "named, or for a file the top of its git work tree, else its folder).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print the summary as one JSON object on stdout.",
        )

    def handle(self, *args, paths, root, dry_run, as_json, **options):
        progress = None if as_json else Progress(self.stderr)
        try:
            summary = import_paths(paths, root=root, dry_run=dry_run, progress=progress)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        if progress:
            progress.finish()

        if as_json:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            self.write_summary(summary, dry_run)
        if summary.stopped:
            raise CommandError(summary.stopped)
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} file(s) failed to import")

    def write_summary(self, summary, dry_run):
        data = summary.as_json()
        for failure in data["failed"]:
            self.stderr.write(f"failed: {failure['error']}")
        for source in data["skipped"]:
            self.stdout.write(f"skipped: {source} (not minutes: no front matter, no date in name)")
        for warning in data["warnings"]:
            self.stdout.write(f"warning: {warning['source']}: {warning['warning']}")
        prefix = "Dry run, nothing written. Would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{data['imported']} imported, {data['updated']} updated, "
            f"{data['unchanged']} unchanged, {len(data['failed'])} failed; "
            f"{data['meetings']} meetings, {data['action_items']} action items, "
            f"{data['decisions']} decisions, {len(data['warnings'])} warnings."
        )


class Progress:
    """A bar on a terminal, a plain line per file read elsewhere."""

    WIDTH = 30

    def __init__(self, out):
        self.out = out
        self.is_terminal = out.isatty()

    def __call__(self, result, done, total):
        if self.is_terminal:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.out.write(f"\r[{bar}] {done}/{total}", ending="")
            self.out.flush()
        elif result.outcome != Outcome.UNCHANGED:
            self.out.write(f"{result.outcome}: {result.source}")

    def finish(self):
        if self.is_terminal:
            self.out.write("")

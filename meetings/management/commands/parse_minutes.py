import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meetings import minutes
from meetings.importing import read_minutes


class Command(BaseCommand):
    help = (
        "Parse minutes files and print what the tracker reads from them, without "
        "writing to the database. With --json, one JSON array with an object per "
        "file, in the order given (a folder: its .md files, recursively, sorted; "
        "Markdown with neither front matter nor a date in its name is passed over)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Minutes files or folders.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON array."
        )

    def handle(self, *args, paths, as_json, **options):
        try:
            found, skipped = read_minutes(paths)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        for path in skipped:
            self.stderr.write(f"skipped: {path} (not minutes: no front matter, no date in name)")

        results = []
        for path, data in found:
            source = str(path)
            try:
                if isinstance(data, OSError):
                    raise minutes.MinutesError(f"{source}: {data.strerror}")
                results.append(minutes.parse(data, source, max_bytes=settings.MINUTES_MAX_BYTES))
            except minutes.MinutesError as error:
                results.append(minutes.parse_error(source, error))

        if as_json:
            self.stdout.write(json.dumps([r.as_json() for r in results], ensure_ascii=False))
        else:
            for result in results:
                self.write_text(result)
        failed = [r for r in results if r.error]
        if failed:
            raise CommandError(f"{len(failed)} file(s) could not be read")

    def write_text(self, result):
        if result.error:
            self.stderr.write(f"error: {result.error}")
            return
        self.stdout.write(
            f"{result.source}: {result.date}, teams {', '.join(result.teams) or '-'}, "
            f"{len(result.participants)} participants, {len(result.agenda)} agenda items, "
            f"{len(result.action_items)} action items, {len(result.decisions)} decisions"
        )
        for item in result.action_items:
            self.stdout.write(f"  {item.line:>4}  {'/'.join(item.owners) or '-'}: {item.text}")
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")

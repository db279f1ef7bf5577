from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.importing.linting import lint_paths


class Command(BaseCommand):
    help = (
        "Check minutes files as an import would, writing nothing: for a minutes "
        "repository's CI or pre-commit hook. Prints each problem as "
        "`file:line: error|warning: message` (or as GitHub annotations), then a summary. "
        "Exits 1 when a file will not import; warnings do not fail."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Minutes files or folders.")
        parser.add_argument(
            "--format",
            choices=["text", "github"],
            default="text",
            dest="output",
            help="text (the default), or github: annotations on a pull request's lines.",
        )
        parser.add_argument(
            "--root",
            type=Path,
            help="The minutes root, as for import_minutes: with a tracker database, its "
            "meetings of these files' paths are these files (default: the folder named).",
        )

    def handle(self, *args, paths, output, root, **options):
        try:
            report = lint_paths(paths, root=root)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        for finding in report.findings:
            self.stdout.write(finding.as_github() if output == "github" else finding.as_text())
        self.stdout.write(report.summary)
        if report.errors:
            raise CommandError(
                f"{report.errors} file{'s' if report.errors != 1 else ''} will not import"
            )

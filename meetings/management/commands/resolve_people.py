from django.core.management.base import BaseCommand

from meetings.people import resolution_counts, resolve, unresolved_names


class Command(BaseCommand):
    help = (
        "Resolve every owner and speaker written in the minutes to a person again, "
        "with the people, aliases and participants as they are now. Running it twice "
        "changes nothing the second time. Prints how many names changed, how many "
        "are resolved, and the names still unresolved, most frequent first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument(
            "--top",
            type=int,
            default=20,
            help="How many unresolved names to list (default 20; 0 for none).",
        )

    def handle(self, *args, dry_run, top, **options):
        changed = resolve(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{changed} owner(s) and speaker(s) {verb}.")
        for label, counts in resolution_counts().items():
            resolved = counts["people"] + counts["groups"]
            share = resolved / counts["total"] if counts["total"] else 1
            self.stdout.write(
                f"{label.capitalize()}: {resolved} of {counts['total']} resolved ({share:.1%}): "
                f"{counts['people']} to a person, {counts['groups']} to a group, "
                f"{counts['unresolved']} unresolved."
            )
        names = unresolved_names()[:top] if top > 0 else []
        if names:
            self.stdout.write("Unresolved, most frequent first (as owner / as speaker):")
        for entry in names:
            suggested = f"; suggested: {entry.suggestion}" if entry.suggestion else ""
            self.stdout.write(f"  {entry.name}: {entry.owners} / {entry.speakers}{suggested}")

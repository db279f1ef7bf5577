import json

from django.core.management.base import BaseCommand

from meetings.models import Merge, Person
from meetings.people import learn, resolution_counts, resolve, unresolved_names


class Command(BaseCommand):
    help = (
        "Learn again who is who from every meeting's participants (one person per human, "
        "merging the records a human was spread over), then resolve every owner and "
        "speaker written in the minutes. Running it twice changes nothing the second "
        "time. With --report, prints the share of owners and speakers resolved, the "
        "people merged, and the names still unresolved, most frequent first, so that "
        "a maintainer sees where to help."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Resolve with the people as they are, count what would change; write nothing.",
        )
        parser.add_argument(
            "--report", action="store_true", help="Print what is resolved and what is not."
        )
        parser.add_argument("--json", action="store_true", help="The report as JSON.")
        parser.add_argument(
            "--top",
            type=int,
            default=20,
            help="How many unresolved names to list (default 20; 0 for all).",
        )

    def handle(self, *args, dry_run, report, json, top, **options):
        if dry_run:
            changed, learned = resolve(dry_run=True), None
        else:
            learned = learn()
            changed = learned.resolved
        report_data = self.report(learned, changed, top if top > 0 else None)
        if json:
            self.stdout.write(_json(report_data))
            return
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{changed} owner(s) and speaker(s) {verb}.")
        if learned is not None:
            self.stdout.write(
                f"People: {learned.created} made, {len(learned.merged)} merged, "
                f"{learned.removed} removed (placeholders and initials, not people)."
            )
        for label in ("owners", "speakers"):
            counts = report_data[label]
            self.stdout.write(
                f"{label.capitalize()}: {counts['resolved']} of {counts['total']} resolved "
                f"({counts['share']:.1%}): {counts['people']} to a person, "
                f"{counts['groups']} to a group, {counts['unresolved']} unresolved."
            )
        if not report:
            return
        self.stdout.write(f"{report_data['people']} people.")
        merges = report_data["merged"]
        if merges:
            self.stdout.write("Merged (spelling → person):")
        for merge in merges:
            self.stdout.write(f"  {merge['from']} → {merge['into']} ({merge['reason']})")
        unresolved = report_data["unresolved"]
        if unresolved:
            self.stdout.write("Unresolved, most frequent first (as owner / as speaker):")
        for entry in unresolved:
            could = f"; could be {', '.join(entry['could_be'])}" if entry["could_be"] else ""
            self.stdout.write(
                f"  {entry['name']}: {entry['owners']} / {entry['speakers']}"
                f" in {', '.join(entry['teams'])}{could}"
            )

    def report(self, learned, changed, top):
        counts = resolution_counts()
        for row in counts.values():
            row["resolved"] = row["people"] + row["groups"]
            row["share"] = row["resolved"] / row["total"] if row["total"] else 1.0
        merges = Merge.objects.filter(undone=None).select_related("target")
        names = unresolved_names()
        people = Person.objects.in_bulk({pk for entry in names for pk in entry.candidates})
        return {
            "changed": changed,
            "people": Person.objects.count(),
            **counts,
            "merged": [
                {"from": m.source_handle, "into": m.target.handle, "reason": m.reason}
                for m in merges
            ],
            "unresolved": [
                {
                    "name": entry.name,
                    "owners": entry.owners,
                    "speakers": entry.speakers,
                    "teams": [team.name for team in entry.teams],
                    "could_be": [people[pk].handle for pk in entry.candidates if pk in people],
                }
                for entry in names[:top]
            ],
        }


def _json(data):
    return json.dumps(data, indent=2, ensure_ascii=False)

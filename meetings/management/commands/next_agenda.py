from django.core.management.base import BaseCommand, CommandError

from meetings.models import Team
from meetings.next_minutes import next_minutes


class Command(BaseCommand):
    help = (
        "Print Markdown for a team's next minutes file: front matter from its last "
        "meeting and its open action items grouped by owner, written as the minutes "
        "last wrote them, so that keeping a line in the next minutes carries the item over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="The team's slug or name.")
        parser.add_argument(
            "--base-url", default="", help="Prefix for item links, e.g. https://tracker.example"
        )

    def handle(self, *args, team, base_url, **options):
        found = Team.objects.named(team)
        if found is None:
            known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"no team {team!r} (teams: {known})")
        self.stdout.write(next_minutes(found, base_url=base_url.rstrip("/")), ending="")

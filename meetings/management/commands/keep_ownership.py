from django.core.management.base import BaseCommand

from meetings.models import Ownership, Person, Team


class Command(BaseCommand):
    help = (
        "Rebuild the kept table of who owns which item and the people's and teams' "
        "open-item counts from the owners themselves (after a restore, or if they drifted)."
    )

    def handle(self, *args, **options):
        Ownership.objects.keep_all()
        self.stdout.write(
            f"{Ownership.objects.count()} ownerships kept; counts of "
            f"{Person.objects.count()} people and {Team.objects.count()} teams."
        )

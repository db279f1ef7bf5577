from django.core.management.base import BaseCommand

from meetings.samples import remove_samples


class Command(BaseCommand):
    help = (
        "Remove the sample minutes that `make run` loads: their meetings and items, "
        "and the teams and people no other minutes know."
    )

    def handle(self, *args, **options):
        removed = remove_samples()
        self.stdout.write(
            "Removed {meetings} sample meetings, {items} items, {teams} teams and "
            "{people} people.".format(**removed)
        )

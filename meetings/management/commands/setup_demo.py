import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meetings.importing import import_paths
from meetings.models import Meeting
from meetings.samples import import_samples


class Command(BaseCommand):
    help = (
        "Make a fresh install show something: on first run, import a folder of minutes "
        "(the sample minutes with --samples) "
        "and create a local admin account whose random password is printed once. "
        "Does nothing on later runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The minutes folder to start with.")
        parser.add_argument(
            "--samples",
            action="store_true",
            help="The folder is the project's sample minutes (remove_samples removes them).",
        )

    def handle(self, *args, folder, samples=False, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder of minutes.")
        if not Meeting.objects.exists():
            summary = import_samples(folder) if samples else import_paths([folder], root=folder)
            if summary.failed and samples:
                failed = summary.failed[0]
                raise CommandError(f"{failed.source} failed to import: {failed.error}")
            for failed in summary.failed:  # one's own minutes: the others are there to use
                self.stderr.write(f"{failed.source} did not import: {failed.error}")
            kind = "sample minutes" if samples else "minutes"
            imported = len(summary.results) - len(summary.failed)
            self.stdout.write(f"Imported {imported} {kind} from {folder}.")

        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", password=password)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the admin account: user 'admin', password '{password}' "
                    "(shown this once; change it at /admin/password_change/)."
                )
            )

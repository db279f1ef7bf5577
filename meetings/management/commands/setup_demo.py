import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meetings.importing import import_paths
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Make a fresh install show something: on first run, import the sample minutes "
        "and create a local admin account whose random password is printed once. "
        "Does nothing on later runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The sample minutes folder.")

    def handle(self, *args, folder, **options):
        if not Meeting.objects.exists():
            summary = import_paths([folder], root=folder)
            if summary.failed:
                raise CommandError(f"sample minutes failed: {summary.failed[0].error}")
            self.stdout.write(f"Imported {len(summary.results)} sample minutes from {folder}.")

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

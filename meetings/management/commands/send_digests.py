from django.core.management.base import BaseCommand, CommandError

from meetings import tasks
from meetings.digests import send_digests
from meetings.models import Team


class Command(BaseCommand):
    help = (
        "Mail each person linked to an account their open items and what changed since "
        "their last digest, as often as they chose on their page (every week, or before "
        "each meeting of their teams). Run it daily from cron, or with --queue for the "
        "task worker: a second run in the same period sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", help="Only to the people of this team (slug or name).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; send nothing."
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Leave the sending to the task worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, team, dry_run, queue, **options):
        found = None
        if team:
            found = Team.objects.named(team)
            if found is None:
                known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"no team {team!r} (teams: {known})")
        if queue:
            if dry_run:
                raise CommandError("--dry-run says what would be sent here: not with --queue")
            result = tasks.send_digests.enqueue(found.slug if found else "")
            self.stdout.write(f"Queued for the task worker: {result.id}")
            return
        report = send_digests(found, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        count = len(report.sent)
        self.stdout.write(f"{verb} {count} digest{'s' if count != 1 else ''}.")
        for due, contents in report.sent:
            self.stdout.write(
                f"  {due.person.handle} <{due.email}> for {due.period}: "
                f"{contents.open_count} open, {contents.changes} changed"
            )
        for person, why in report.skipped:
            self.stdout.write(f"  not to {person.handle}: {why}")

"""Meetings have a name for pages: their title, or their teams and date, never a file path."""

from django.db import migrations, models


def name_meetings(apps, schema_editor):
    """What Meeting.keep_name() does, for the meetings imported before it."""
    from meetings.models import meeting_name

    Meeting = apps.get_model("meetings", "Meeting")
    teams = {}
    for meeting_id, team in Meeting.teams.through.objects.order_by("team__name").values_list(
        "meeting_id", "team__name"
    ):
        teams.setdefault(meeting_id, []).append(team)
    meetings = list(Meeting.objects.only("pk", "title", "date"))
    for meeting in meetings:
        meeting.name = meeting_name(meeting.title, teams.get(meeting.pk, []), meeting.date)
    Meeting.objects.bulk_update(meetings, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0013_ownership_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="name",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.RunPython(name_meetings, migrations.RunPython.noop),
    ]

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_dates(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Participant = apps.get_model("meetings", "Participant")
    date = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("date")[:1]
    Participant.objects.update(date=Subquery(date))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0022_chart_revisions")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(keep_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participant",
            name="date",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["person", "-date"], name="participant_person_date_idx"),
        ),
    ]

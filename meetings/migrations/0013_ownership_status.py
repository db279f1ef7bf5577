"""The kept ownership holds its item's status: one person's open (or in progress) items
are counted and read from the ownership index alone, without the items table."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_statuses(apps, schema_editor):
    Item = apps.get_model("meetings", "Item")
    Ownership = apps.get_model("meetings", "Ownership")
    Ownership.objects.update(
        status=Subquery(Item.objects.filter(pk=OuterRef("item")).values("status")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0012_matching_candidate_sides"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ownership",
            name="ownership_open_idx",
        ),
        migrations.AddField(
            model_name="ownership",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("in_progress", "In progress"),
                    ("done", "Done"),
                    ("dropped", "Dropped"),
                ],
                default="open",
                max_length=12,
            ),
        ),
        migrations.RunPython(copy_statuses, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="ownership",
            index=models.Index(
                condition=models.Q(("open", True)),
                fields=["person", "raised", "item", "status"],
                name="ownership_open_status_idx",
            ),
        ),
    ]

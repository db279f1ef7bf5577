from django.db import migrations, models


class Migration(migrations.Migration):
    """A candidate's two items are named for when they were raised: earlier and later."""

    dependencies = [
        ("meetings", "0011_kept_ownership_and_counts"),
    ]

    operations = [
        # The constraint names the columns: off while they are renamed.
        migrations.RemoveConstraint(model_name="candidate", name="candidate_once"),
        migrations.RenameField(model_name="candidate", old_name="item", new_name="earlier"),
        migrations.RenameField(model_name="candidate", old_name="other", new_name="later"),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.UniqueConstraint(
                fields=("earlier", "later"), name="candidate_once"
            ),
        ),
    ]

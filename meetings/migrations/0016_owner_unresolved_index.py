"""The index of owners not resolved holds the person column, so that SQLite chooses it."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0015_comments_and_reassigning'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='owner',
            name='owner_unresolved_key_idx',
        ),
        migrations.AddIndex(
            model_name='owner',
            index=models.Index(condition=models.Q(('person__isnull', True)), fields=['key', 'person'], name='owner_unresolved_key_idx'),
        ),
    ]

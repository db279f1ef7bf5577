import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def give_slugs(apps, schema_editor):
    Person = apps.get_model("meetings", "Person")
    taken = set()
    for person in Person.objects.order_by("pk"):
        base = slugify(person.handle)[:100] or "person"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        person.slug = slug
        person.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_item_links_are_link_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Without an index at first: PostgreSQL would make its `_like` index twice.
        migrations.AddField(
            model_name="person",
            name="slug",
            field=models.SlugField(default="", editable=False, max_length=110, db_index=False),
            preserve_default=False,
        ),
        migrations.RunPython(give_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(editable=False, max_length=110, unique=True),
        ),
        migrations.AddField(
            model_name="person",
            name="manual",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Named by a maintainer: learning from the minutes leaves handle and name alone."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="participant",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="participations",
                to="meetings.person",
            ),
        ),
        migrations.AddField(
            model_name="owner",
            name="evidence",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="owner",
            name="candidates",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="speaker",
            name="evidence",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="speaker",
            name="candidates",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.CreateModel(
            name="Merge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source_person_id", models.BigIntegerField()),
                ("source_handle", models.CharField(max_length=100)),
                ("source_name", models.CharField(max_length=100)),
                ("moved", models.JSONField(default=dict)),
                ("spellings", models.JSONField(default=list)),
                ("reason", models.CharField(blank=True, max_length=200)),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                ("undone", models.DateTimeField(blank=True, null=True)),
                ("source_user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("target", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="merged_from", to="meetings.person")),
                ("undone_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-created", "-pk"]},
        ),
    ]

"""Search: on PostgreSQL, a GIN index on the full-text vector of each searched text.

The indexes are on exactly the expression ``meetings.search.vector()`` queries
(``to_tsvector('english', COALESCE(translate(text, '/', ' '), ''))``), so that
PostgreSQL reads them. Other databases (SQLite) search without them: nothing
to make.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, TextField, Value

# (model, field, index name): as meetings.search.SEARCHED has them.
INDEXES = [
    ("Item", "text", "item_text_search_idx"),
    ("AgendaItem", "text", "agenda_text_search_idx"),
    ("Topic", "title", "topic_title_search_idx"),
    ("Statement", "text", "statement_text_search_idx"),
    ("Meeting", "title", "meeting_title_search_idx"),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field, name in INDEXES:
        text = Func(
            F(field), Value("/"), Value(" "), function="translate", output_field=TextField()
        )
        index = GinIndex(SearchVector(text, config="english"), name=name)
        schema_editor.add_index(apps.get_model("meetings", model), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, _, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0017_triage"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes),
    ]

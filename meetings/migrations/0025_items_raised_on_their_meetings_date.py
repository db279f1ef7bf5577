"""Items raised on the date of the meeting that raised them.

A meeting dated anew in the admin left its items' ``raised`` (and the kept
ownership's) at its old date; the admin now keeps them in step, and the items
carried over onto a meeting's page are read by it.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def raise_on_meeting_dates(apps, schema_editor):
    Item = apps.get_model("meetings", "Item")
    Meeting = apps.get_model("meetings", "Meeting")
    Ownership = apps.get_model("meetings", "Ownership")
    astray = list(Item.objects.exclude(raised=F("meeting__date")).values_list("pk", flat=True))
    date = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("date")[:1]
    for start in range(0, len(astray), 500):
        chunk = astray[start : start + 500]
        Item.objects.filter(pk__in=chunk).update(raised=Subquery(date))
        raised = Item.objects.filter(pk=OuterRef("item_id")).values("raised")[:1]
        Ownership.objects.filter(item__in=chunk).update(raised=Subquery(raised))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0024_item_last_raised_index")]

    operations = [migrations.RunPython(raise_on_meeting_dates, migrations.RunPython.noop)]

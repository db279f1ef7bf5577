"""Teams, meetings and items in the admin; a meeting's admin holds the import pages."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from meetings.admin.imports import import_urls, reimport_from_disk
from meetings.models import (
    AgendaItem,
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    StatusChange,
    Team,
)
from meetings.people import resolve


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "key"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"slug": ["name"]}


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["person"]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "text", "line"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "source"]
    list_filter = ["teams"]
    date_hierarchy = "date"
    search_fields = ["source", "title"]
    readonly_fields = ["content_hash", "created", "updated", "warnings", "provenance"]
    exclude = ["commit", "commit_path", "import_log"]
    inlines = [ParticipantInline, AgendaInline]
    actions = ["reimport"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("import_log__user")

    @admin.display(description="imported from")
    def provenance(self, meeting):
        """The commit it was imported at, or the admin upload: who, when, the upload's digest."""
        parts = []
        if meeting.commit:
            url = meeting.source_url()
            where = f"{meeting.commit_path} at commit {meeting.commit}"
            parts.append(format_html('<a href="{}">{}</a>', url, where) if url else where)
        log = meeting.import_log
        if log is not None:
            link = reverse("admin:meetings_importlog_change", args=[log.pk])
            parts.append(
                format_html(
                    'an upload by {} on {} (<a href="{}">the import</a>); its SHA-256: {}',
                    log.user or "an account since deleted",
                    date_format(timezone.localtime(log.created), "DATETIME_FORMAT"),
                    link,
                    log.digest or "not recorded",
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts)) or "-"

    class Media:
        # The import pages are this admin's.
        css = {"all": ["meetings/import.css"]}

    def get_urls(self):
        return [*import_urls(self), *super().get_urls()]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.keep_name()
        # Its participants keep its date (Participant.date), which may have changed here;
        # so do the items its minutes write, raised (or raised last) on its date.
        form.instance.participations.update(date=form.instance.date)
        written = form.instance.mentions.values_list("item", flat=True)
        if "date" in form.changed_data:
            Item.objects.filter(pk__in=written).refresh_from_mentions()
        # Participants or teams may have changed: so may who the names are.
        resolve(meetings=[form.instance])
        Ownership.objects.keep(written)

    @admin.action(description="Re-import from disk (MINUTES_ROOT)", permissions=["add"])
    def reimport(self, request, queryset):
        return reimport_from_disk(self, request, queryset)


class OwnerInline(admin.TabularInline):
    model = Owner
    extra = 0
    fields = ["name", "person", "is_group"]
    raw_id_fields = ["person"]


class RecordInline(admin.TabularInline):
    """What the tracker recorded about an item: shown, never edited here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class MentionInline(RecordInline):
    model = Mention
    fields = ["meeting", "owners", "text", "line", "removed"]


class StatusChangeInline(RecordInline):
    model = StatusChange
    fields = ["created", "user", "old", "new", "note"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "status", "raised", "mention_count", "removed"]
    list_filter = ["kind", "status", "removed", "meeting__teams"]
    search_fields = ["text", "owners__name"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]
    inlines = [OwnerInline, MentionInline, StatusChangeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Owners or the status may have changed: so have the lists' counts.
        Ownership.objects.keep([form.instance.pk])

    def delete_model(self, request, obj):
        self.delete_queryset(request, Item.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        people = set(Ownership.objects.filter(item__in=queryset).values_list("person", flat=True))
        teams = set(Team.objects.of_items(queryset.values("pk")).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        Person.objects.filter(pk__in=people).keep_counts()
        Team.objects.filter(pk__in=teams).keep_counts()

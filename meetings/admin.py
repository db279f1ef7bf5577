from django.contrib import admin

from meetings.models import (
    AgendaItem,
    Item,
    Meeting,
    Mention,
    Owner,
    Participant,
    Person,
    StatusChange,
    Team,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "key"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["handle", "name", "user"]
    search_fields = ["handle", "name", "key"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


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
    list_display = ["date", "source", "title"]
    list_filter = ["teams"]
    date_hierarchy = "date"
    search_fields = ["source", "title"]
    readonly_fields = ["content_hash", "created", "updated", "warnings"]
    inlines = [ParticipantInline, AgendaInline]


class OwnerInline(admin.TabularInline):
    model = Owner
    extra = 0
    fields = ["name", "person", "is_group"]
    raw_id_fields = ["person"]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    fields = ["meeting", "owners", "text", "line", "removed"]
    readonly_fields = fields
    can_delete = False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["created", "user", "old", "new", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "status", "raised", "mention_count", "removed"]
    list_filter = ["kind", "status", "removed", "meeting__teams"]
    search_fields = ["text", "owners__name"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]
    inlines = [OwnerInline, MentionInline, StatusChangeInline]

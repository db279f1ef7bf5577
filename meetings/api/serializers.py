"""What the API answers and accepts, as JSON.

Items are read as the HTML lists read them (``Item.objects.for_rows()`` and
``meetings.rows.read``: plain values, their owners and teams in two queries for a
page), so a list costs the same few queries however many rows it shows.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.models import Item, stale_before
from meetings.rows import Urls

SLUGS = serializers.ListField(child=serializers.CharField())


class OwnerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The owner as the minutes write it.")
    person = serializers.CharField(
        source="person.handle",
        allow_null=True,
        help_text="The handle of the person it is, or null (a group, or no one yet).",
    )
    group = serializers.BooleanField(
        source="is_group", help_text="Everyone at the meeting (“Everyone”, “All”)."
    )


class ItemSerializer(serializers.Serializer):
    """An action item or decision, as a row of the items list shows it."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Item.Kind.choices)
    text = serializers.CharField(help_text="As the latest minutes write it (Markdown).")
    status = serializers.ChoiceField(choices=Item.Status.choices)
    status_version = serializers.CharField(
        help_text="Send it back as seen_version with a status change: a change made since "
        "it was read is refused (409)."
    )
    status_changed = serializers.DateTimeField(allow_null=True)
    raised = serializers.DateField(help_text="The date of the meeting that first raised it.")
    last_raised = serializers.DateField(allow_null=True)
    mentions = serializers.IntegerField(
        source="mention_count", help_text="How many meetings' minutes write it."
    )
    removed = serializers.BooleanField(help_text="No imported minutes write it any more.")
    stale = serializers.SerializerMethodField(
        help_text="Open, and raised in no meeting for STALE_DAYS."
    )
    meeting = serializers.IntegerField(
        source="meeting.pk", help_text="The meeting that first raised it."
    )
    teams = serializers.SerializerMethodField(help_text="The slugs of that meeting's teams.")
    owners = OwnerSerializer(many=True, source="row_owners")
    url = serializers.SerializerMethodField(help_text="The item's page.")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, item):
        if "stale_before" not in self.context:
            self.context["stale_before"] = stale_before()
        last = item.last_raised or item.raised
        still_open = Item.is_still_open(item.kind, item.status, item.removed)
        return still_open and last < self.context["stale_before"]

    @extend_schema_field(SLUGS)
    def get_teams(self, item):
        return [team.slug for team in item.meeting.row_teams]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item):
        return self.context["request"].build_absolute_uri(self.urls.item(item.pk))

    @property
    def urls(self):
        # One for the whole list: each kind of URL is reversed once.
        return self.context.setdefault("urls", Urls())


class StatusChangeSerializer(serializers.Serializer):
    """A status change, with what the client saw of the item (as the item's page sends)."""

    status = serializers.ChoiceField(choices=Item.Status.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why, for the item's history."
    )
    seen_status = serializers.ChoiceField(
        choices=Item.Status.choices, help_text="The item's status when you read it."
    )
    seen_version = serializers.CharField(
        allow_blank=True, help_text="The item's status_version when you read it."
    )


class StaleSerializer(serializers.Serializer):
    """Someone changed the item since it was read: nothing was written."""

    detail = serializers.CharField(help_text="Who changed it to what, and when.")
    status = serializers.ChoiceField(choices=Item.Status.choices, help_text="Its status now.")
    status_version = serializers.CharField(help_text="Its status_version now.")


class ReassignSerializer(serializers.Serializer):
    owners = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=False,
        help_text="Who the item is for now: handles, or any spelling that names one person.",
    )


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    date = serializers.DateField()
    title = serializers.CharField(help_text="As the minutes title it (may be empty).")
    name = serializers.CharField(help_text="How the tracker names it.")
    source = serializers.CharField(help_text="The minutes file, relative to the minutes root.")
    teams = serializers.SerializerMethodField(help_text="The slugs of its teams.")
    action_items = serializers.IntegerField(
        source="actions", help_text="The action items its minutes write."
    )
    url = serializers.SerializerMethodField(help_text="The meeting's page.")

    @extend_schema_field(SLUGS)
    def get_teams(self, meeting):
        return [team.slug for team in meeting.teams.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, meeting):
        return self.context["request"].build_absolute_uri(meeting.get_absolute_url())


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    handle = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField(help_text="The person in /api/people/{slug}/ and their page.")
    open_items = serializers.IntegerField(help_text="Open action items they own by name.")
    meetings_attended = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The person's page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, person):
        return self.context["request"].build_absolute_uri(person.get_absolute_url())


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField(help_text="The team in /api/items/?team= and its page.")
    open_items = serializers.IntegerField(help_text="Open action items of its meetings.")
    url = serializers.SerializerMethodField(help_text="The team's page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, team):
        return self.context["request"].build_absolute_uri(team.get_absolute_url())

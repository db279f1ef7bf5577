"""The API's views: the HTML pages' lists, checks and changes, answered in JSON.

Reading follows the pages: anyone when ``TRACKER_PUBLIC_READ`` is on, otherwise a
signed-in user. Changing a status needs a user, changing owners an owner of the
item or a maintainer, as on the item's page; both go through the page's own forms
and model methods, so the checks and the history are the same.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.status import HTTP_409_CONFLICT

from meetings import rows
from meetings.api.lists import BoundedPagination, FilterSetBackend
from meetings.api.serializers import (
    ItemSerializer,
    MeetingSerializer,
    PersonSerializer,
    ReassignSerializer,
    StaleSerializer,
    StatusChangeSerializer,
    TeamSerializer,
)
from meetings.filters import ItemFilter, MeetingFilter, PersonFilter, TeamFilter
from meetings.forms import ReassignForm
from meetings.models import Item, Meeting, Mention, Person, Team
from meetings.views.common import count_of
from meetings.views.items import change_status
from meetings.views.matching import item_to_decide


class ReadersMayRead(BasePermission):
    """Reading as the pages allow it (``reader_required``); anything else needs a user."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS and settings.TRACKER_PUBLIC_READ:
            return True
        return bool(request.user and request.user.is_authenticated)


# A list filtered by its FilterSet, in bounded pages, and each of its rows by itself.
class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadersMayRead]
    filter_backends = [FilterSetBackend]
    pagination_class = BoundedPagination

    def get_object(self):
        # By its id or slug alone: the list's filters do not hide a row from its own URL.
        field = self.lookup_field
        return get_object_or_404(self.get_queryset(), **{field: no_nul(self.kwargs[field])})


def no_nul(slug):
    """A slug from the URL: one with a NUL names nothing (PostgreSQL cannot compare one)."""
    if "\x00" in slug:
        raise Http404
    return slug


BAD_FILTERS = OpenApiResponse(description="A query parameter is wrong: each is named.")


@extend_schema_view(
    list=extend_schema(
        summary="Items, filtered as the items list (/items/) filters them",
        description="The same query parameters, with the same meanings and defaults, as "
        "the /items/ page: without status and kind, the open and in-progress action items, "
        "newest first.",
        responses={200: ItemSerializer(many=True), 400: BAD_FILTERS},
    ),
    retrieve=extend_schema(summary="An item, whatever its status or kind"),
)
class ItemViewSet(ReadOnlyViewSet):
    queryset = Item.objects.for_rows()
    filterset_class = ItemFilter
    serializer_class = ItemSerializer
    lookup_value_regex = "[0-9]+"

    def list(self, request):
        shown = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.rows(shown))

    def retrieve(self, request, pk):
        return Response(self.row(self.get_object()))

    def rows(self, items):
        return self.get_serializer(rows.read(items), many=True).data

    def row(self, item):
        return self.rows([item])[0]

    @extend_schema(
        summary="Change an action item's status",
        description="As its page does: refused when its status changed since you read it.",
        request=StatusChangeSerializer,
        responses={
            200: ItemSerializer,
            400: OpenApiResponse(description="A value is wrong, or it has that status already."),
            409: StaleSerializer,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def status(self, request, pk):
        asked = StatusChangeSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        item, form = change_status(request.user, pk, asked.validated_data)
        if form.is_stale:
            stale = {
                "detail": " ".join(form.non_field_errors()),
                "status": item.status,
                "status_version": item.status_version,
            }
            return Response(stale, status=HTTP_409_CONFLICT)
        if form.errors:
            raise ValidationError(form.errors)
        return Response(self.row(self.get_queryset().get(pk=item.pk)))

    @extend_schema(
        summary="Give an item to other people",
        description="Its owners and maintainers may, as on its page.",
        request=ReassignSerializer,
        responses={
            200: ItemSerializer,
            400: OpenApiResponse(description="A name names no one person."),
            403: OpenApiResponse(description="Only its owners and maintainers may."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def owners(self, request, pk):
        asked = ReassignSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        with transaction.atomic():
            item = item_to_decide(request, pk)
            form = ReassignForm({"owners": ", ".join(asked.validated_data["owners"])})
            if not form.is_valid():
                raise ValidationError(form.errors)
            item.reassign(request.user, form.cleaned_data["owners"])
        return Response(self.row(self.get_queryset().get(pk=item.pk)))


@extend_schema_view(
    list=extend_schema(summary="Meetings, newest first", responses={400: BAD_FILTERS}),
    retrieve=extend_schema(summary="A meeting"),
)
class MeetingViewSet(ReadOnlyViewSet):
    filterset_class = MeetingFilter
    serializer_class = MeetingSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        # As the meetings page counts them: the action items of the rows shown.
        actions = Mention.objects.filter(
            meeting=OuterRef("pk"), removed=False, item__kind=Item.Kind.ACTION
        )
        return (
            Meeting.objects.defer("text", "warnings")
            .prefetch_related(Prefetch("teams", queryset=Team.objects.only("slug")))
            .annotate(actions=count_of(actions))
        )


@extend_schema_view(
    list=extend_schema(summary="People, by handle"), retrieve=extend_schema(summary="A person")
)
class PersonViewSet(ReadOnlyViewSet):
    queryset = Person.objects.all()
    filterset_class = PersonFilter
    serializer_class = PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(summary="Teams, by name"), retrieve=extend_schema(summary="A team")
)
class TeamViewSet(ReadOnlyViewSet):
    queryset = Team.objects.all()
    filterset_class = TeamFilter
    serializer_class = TeamSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

"""The filters of the lists. The items list's query parameters are a public interface.

``/items/?owner=RD&status=open&status=in_progress&team=core&from=2024-01-01&q=release``
and the same with ``&format=csv``: people script against these names, keep them.
``older_than=30`` (days since first raised), ``mentions_min=3`` (meetings that
write the item) and ``stale=1`` (open, and raised in no meeting for ``STALE_DAYS``)
came later, then ``raised_from``/``raised_to`` (first raised within the dates) and
``changed_from``/``changed_to`` (status last changed within them: with
``status=done&status=dropped``, closed then), which the charts link to; new names
may be added, none renamed. The meetings list takes ``team``, ``q``, ``from``/``to``
(held within the dates) and ``person`` (attended by: their page's slug).
"""

from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from meetings.models import (
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Team,
    name_key,
)
from meetings.people.lookup import named

# Stable pages need a unique last key, and items never changed sort last either way.
SORTS = {
    "raised": ("raised", "pk"),
    "-raised": ("-raised", "-pk"),
    "-mentions": ("-mention_count", "raised", "pk"),
    "-changed": (F("status_changed").desc(nulls_last=True), "raised", "pk"),
}

# Grouped by the meeting that first raised them: newest meetings first, or oldest.
GROUPED_BY_MEETING = {
    True: ("-raised", "-meeting_id", "-pk"),
    False: ("raised", "meeting_id", "pk"),
}

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", f"{end:%Y-%m-%d} is before the “From” date, {start:%Y-%m-%d}.")
        return data


# A team named in the URL that there is not: said with its name.
NO_SUCH_TEAM = {"invalid_choice": "There is no team “%(value)s”."}


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ItemFilter(django_filters.FilterSet):
    """Open action items, oldest first, unless the query asks for others."""

    owner = django_filters.CharFilter(
        label="Owner",
        method="filter_owner",
        help_text="A person's handle, or an owner as the minutes write it.",
        widget=forms.TextInput(attrs={"list": "people-handles", "autocomplete": "off"}),
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Item.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # a column of the item itself: no join to repeat rows
    )
    team = django_filters.ModelChoiceFilter(
        label="Team",
        method="filter_team",
        to_field_name="slug",
        queryset=Team.objects.all(),
        empty_label="All teams",
        error_messages=NO_SUCH_TEAM,
    )
    meeting = IntegerFilter(
        label="Meeting",
        method="filter_meeting",
        min_value=1,
        max_value=2**63 - 1,  # the largest id any database here stores
    )
    to = django_filters.DateFilter(label="To", method="filter_dates", widget=DATE_INPUT)
    q = django_filters.CharFilter(
        label="Text",
        field_name="text",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Item.Kind.choices, empty_label="Both kinds"
    )
    older_than = IntegerFilter(
        label="Older than (days)",
        method="filter_older_than",
        min_value=0,
        max_value=36500,  # a century: further back is no date at all
        help_text="First raised more than this many days ago.",
    )
    raised_from = django_filters.DateFilter(
        label="First raised from",
        field_name="raised",
        lookup_expr="gte",
        widget=DATE_INPUT,
    )
    raised_to = django_filters.DateFilter(
        label="First raised to", field_name="raised", lookup_expr="lte", widget=DATE_INPUT
    )
    changed_from = django_filters.DateFilter(
        label="Status changed from",
        field_name="status_changed",
        lookup_expr="date__gte",
        widget=DATE_INPUT,
    )
    changed_to = django_filters.DateFilter(
        label="Status changed to",
        field_name="status_changed",
        lookup_expr="date__lte",
        widget=DATE_INPUT,
    )
    mentions_min = IntegerFilter(
        label="In at least (meetings)",
        field_name="mention_count",
        lookup_expr="gte",
        min_value=1,
        help_text="Written in the minutes of at least this many meetings.",
    )
    stale = django_filters.BooleanFilter(
        label="Stale only",
        method="filter_stale",
        widget=forms.CheckboxInput,
    )
    removed = django_filters.BooleanFilter(
        label="Include items no longer in the minutes",
        method="filter_removed",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort",
        choices=[
            ("-raised", "Newest first"),
            ("raised", "Oldest first"),
            ("-mentions", "Most often raised"),
            ("-changed", "Recently changed"),
        ],
        method="sort_items",
        empty_label=None,
    )
    # After the sort, which it keeps within each group.
    group = django_filters.ChoiceFilter(
        label="Group by",
        choices=[("meeting", "Meeting"), ("owner", "Owner")],
        method="group_items",
        empty_label="No grouping",
    )

    class Meta:
        model = Item
        fields = []
        form = FilterForm

    def __init__(self, data=None, *args, **kwargs):
        # What the list shows when the URL does not say: the items still to do.
        if data is not None:
            data = data.copy()
            if "status" not in data:
                data.setlist("status", [status.value for status in Item.Status.still_open()])
            data.setdefault("kind", Item.Kind.ACTION.value)
            # The everyday question first: what was raised lately.
            if not data.get("sort"):
                data["sort"] = "-raised"
        super().__init__(data, *args, **kwargs)
        self.filters[
            "stale"
        ].label = f"Stale only: raised in no meeting for {settings.STALE_DAYS} days"

    def filter_queryset(self, queryset):
        # The everyday question, one person's open (or in progress) items newest (or
        # oldest) first, is read from the kept ownership's index: the other filters narrow it.
        data = self.form.cleaned_data
        if data.get("owner"):
            self.named_owner = named(data["owner"])
        person = self.named_owner.person if data.get("owner") else None
        if person is None or not self.asks_open_by_age(data):
            return super().filter_queryset(queryset)
        if Owner.objects.filter(key=person.key, person=None, is_group=False).exists():
            return super().filter_queryset(queryset)  # their handle, written unresolved
        statuses = data["status"] if set(data["status"]) != set(Item.Status.still_open()) else None
        newest = data.get("sort") == "-raised"
        queryset = queryset.open_owned_by(person, statuses, newest_first=newest)
        narrowed = False
        for name, value in data.items():
            if name not in self.READ_FROM_OWNERSHIP:
                queryset = self.filters[name].filter(queryset, value)
                # An unticked box ("stale only": False) narrows nothing, nor does grouping.
                narrows = value not in EMPTY_VALUES and value is not False and name != "group"
                narrowed = narrowed or narrows
        if not narrowed:
            self.counted = Ownership.objects.open_of(person, statuses)
        return queryset

    READ_FROM_OWNERSHIP = {"owner", "status", "kind", "removed", "sort"}
    # The kept ownership rows of the items shown, when nothing else narrows them:
    # counted from its index alone (BoundedPaginator).
    counted = None
    # Who the owner filter names (a meetings.people.lookup.Named), once it is read.
    named_owner = None

    def asks_open_by_age(self, data):
        return (
            set(data.get("status") or []) <= set(Item.Status.still_open())
            and data.get("status")
            and data.get("kind") == Item.Kind.ACTION
            and not data.get("removed")
            and data.get("sort") in (None, "", "raised", "-raised")
        )

    def filter_owner(self, queryset, name, value):
        # A spelling that names one person: their items. One that could be several
        # people (`SK`, `Paul`): the items written so, and the people, for the page to say.
        if self.named_owner.person is not None:
            return queryset.of_person(self.named_owner.person)
        return queryset.of_owner(value)

    def filter_team(self, queryset, name, value: Team):
        return queryset.of_team(value)

    def filter_meeting(self, queryset, name, value):
        return queryset.mentioned_in(value)

    def filter_dates(self, queryset, name, value):
        # One range over each mention: an item written in January and again in
        # May is not an item of March. "from" applies both ends, "to" alone only
        # when there is no "from".
        dates = self.form.cleaned_data
        if name == "to" and dates.get("from"):
            return queryset
        mentions = Mention.objects.filter(removed=False)
        if dates.get("from"):
            mentions = mentions.filter(meeting__date__gte=dates["from"])
        if dates.get("to"):
            mentions = mentions.filter(meeting__date__lte=dates["to"])
        return queryset.filter(pk__in=mentions.values("item"))

    def filter_older_than(self, queryset, name, value: int):
        return queryset.filter(raised__lt=timezone.localdate() - timedelta(days=value))

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value else queryset

    def filter_removed(self, queryset, name, value):
        return queryset if value else queryset.in_minutes()

    def sort_items(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def group_items(self, queryset, name, value):
        """The items of each meeting (where first raised) or owner together, in the sort's
        order within: the page writes a heading where the group changes."""
        sort = SORTS[self.form.cleaned_data.get("sort") or "-raised"]
        if value == "meeting":
            newest = self.form.cleaned_data.get("sort") != "raised"
            return queryset.order_by(*GROUPED_BY_MEETING[newest])
        first_owner = Owner.objects.filter(item=OuterRef("pk")).order_by("position")
        return queryset.alias(first_owner=Subquery(first_owner.values("key")[:1])).order_by(
            F("first_owner").asc(nulls_last=True), *sort
        )


# "from" is a Python keyword, so it cannot be declared in the class body.
ItemFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="from", label="From", method="filter_dates", widget=DATE_INPUT
)


class MeetingFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(
        label="Team",
        field_name="teams",
        to_field_name="slug",
        queryset=Team.objects.all(),
        empty_label="All teams",
        error_messages=NO_SUCH_TEAM,
    )
    q = django_filters.CharFilter(
        label="Title or file",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    to = django_filters.DateFilter(
        label="To", field_name="date", lookup_expr="lte", widget=DATE_INPUT
    )
    person = django_filters.ModelChoiceFilter(
        label="Attended by",
        field_name="participations__person",
        to_field_name="slug",
        queryset=Person.objects.all(),
        # One row of a person's per meeting (Participant's constraint): no duplicates.
        distinct=False,
    )

    class Meta:
        model = Meeting
        fields = []
        form = FilterForm

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(source__icontains=value))


MeetingFilter.base_filters["from"] = django_filters.DateFilter(
    label="From", field_name="date", lookup_expr="gte", widget=DATE_INPUT
)


class SearchText(forms.CharField):
    """Words to look for, a NUL dropped: no name holds one (PostgreSQL cannot compare it)."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "").strip()


class SearchFilter(django_filters.CharFilter):
    field_class = SearchText


class PersonFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Name",
        method="filter_text",
        help_text="A handle, name, initials or any spelling the minutes use.",
    )

    class Meta:
        model = Person
        fields = []
        form = FilterForm

    def filter_text(self, queryset, name, value):
        spelled = Participant.objects.filter(name__icontains=value).values("person")
        return queryset.filter(
            Q(handle__icontains=value)
            | Q(name__icontains=value)
            | Q(key__contains=name_key(value))
            | Q(pk__in=spelled)
            | Q(aliases__text__icontains=value)
        ).distinct()


class TeamFilter(django_filters.FilterSet):
    q = SearchFilter(label="Name", field_name="name", lookup_expr="icontains")

    class Meta:
        model = Team
        fields = []
        form = FilterForm

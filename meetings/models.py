"""What the tracker knows: meetings read from minutes, and the items they raise.

An ``Item`` is one action item (or decision) as the tracker follows it; each
time a meeting's minutes write it, that is a ``Mention``. The first import
makes one mention per item; matching across meetings adds more.
"""

import datetime as dt
import re
import secrets
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify

from meetings.minutes import limits
from meetings.names import is_group, name_key


def free_handle(handle, taken=None):
    """``handle``, or ``handle2``, ``handle3``... : the first no one has (case and accents aside).

    ``taken(key)`` says whether a key is someone's; by default the database is asked.
    """
    if taken is None:

        def taken(key):
            return Person.objects.filter(key=key).exists()

    free, n = handle[: limits.NAME], 1
    while taken(name_key(free)):
        n += 1
        free = f"{handle[: limits.NAME - 5]}{n}"
    return free


class TeamQuerySet(models.QuerySet):
    def named(self, text):
        """The team of this slug, or of this name (case and accents aside); None if none."""
        return self.filter(slug=text).first() or self.filter(key=name_key(text)).first()

    def of_items(self, ids):
        """The teams of the meetings that first raised these items, as ids for a subquery."""
        meetings = Item.objects.filter(pk__in=ids).values("meeting")
        return self.filter(meetings__in=meetings).values("pk")

    def keep_counts(self):
        """Count again the open items of these teams, as the home page shows them.

        Whatever changed them changed their charts too: a new ``revision``.
        """
        items = Item.objects.open().in_minutes().filter(meeting__teams=OuterRef("pk"))
        self.update(open_items=count_rows(items), revision=F("revision") + 1)

    def revise(self):
        """Their items or meetings changed: the charts kept by their ``revision`` are old."""
        self.update(revision=F("revision") + 1)


class Team(models.Model):
    name = models.CharField(max_length=limits.NAME, help_text="As first written in the minutes.")
    key = models.CharField(max_length=limits.NAME, unique=True, editable=False)
    slug = models.SlugField(max_length=100, unique=True)
    # Kept by TeamQuerySet.keep_counts() and Item.set_status() for the home page.
    open_items = models.PositiveIntegerField(default=0, editable=False)
    # Moved on by every import, status change or change of owners that touches the
    # team (keep_counts(), revise()): its charts are kept by it (meetings.charts).
    revision = models.PositiveIntegerField(default=0, editable=False)

    objects = TeamQuerySet.as_manager()

    # "A fair share" of the open items, for ItemQuerySet.of_team(): from a twentieth on,
    # a page of the team's items fills within some 500 rows read in the list's order.
    MANY_OPEN_ITEMS = 0.05

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        if not self.slug:
            self.slug = slugify(self.name) or self.key or "team"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:team", args=[self.slug])

    @staticmethod
    def hold_many_open_items(teams):
        """Whether ``teams`` hold a fair share of all teams' open items (MANY_OPEN_ITEMS).

        The teams' total is kept for five minutes in each process: it only chooses
        how a list is read, never what it shows.
        """
        total = caches["fragments"].get_or_set(
            "teams-open-items",
            lambda: Team.objects.aggregate(total=Sum("open_items"))["total"] or 0,
            300,
        )
        return sum(team.open_items for team in teams) >= total * Team.MANY_OPEN_ITEMS


def validate_name(text):
    """Refuse a handle or alias that hides characters, or that has nothing to match on."""
    hidden = sorted({c for c in text if unicodedata.category(c) in ("Cc", "Cf")})
    if hidden:
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'CONTROL')}" for c in hidden)
        raise ValidationError(
            f"Invisible characters ({names}) would make this look like another name.",
            code="invisible",
        )
    if not any(c.isalnum() for c in text):
        raise ValidationError("A name needs at least one letter or digit.", code="no_letters")


class PersonQuerySet(models.QuerySet):
    def keep_counts(self):
        """Count again what the people list shows of these people.

        Their open items owned by name (an item "Everyone" owns would add the
        same number to everyone at a meeting) and the meetings they attended.
        """
        named = Ownership.objects.filter(
            person=OuterRef("pk"), via_group=False, item__in=Item.objects.open().in_minutes()
        )
        self.update(
            open_items=count_rows(named),
            meetings_attended=count_rows(Participant.objects.filter(person=OuterRef("pk"))),
            revision=F("revision") + 1,
        )

    def revise(self):
        """Their items or meetings changed: the charts kept by their ``revision`` are old."""
        self.update(revision=F("revision") + 1)


def count_rows(queryset):
    """How many rows a correlated queryset has, as a subquery for update() or annotate()."""
    count = Func(F("pk"), function="COUNT")
    return Subquery(queryset.order_by().annotate(count=count).values("count")[:1])


class DigestEvery(models.TextChoices):
    WEEK = "week", "Every week"
    MEETING = "meeting", "Before each meeting of my teams"
    NEVER = "never", "Never"


class Person(models.Model):
    name = models.CharField(max_length=limits.NAME, help_text="How the tracker shows this person.")
    handle = models.CharField(max_length=limits.NAME, unique=True)
    # Handles that differ only in case or accents are one person.
    key = models.CharField(max_length=limits.NAME, unique=True, editable=False)
    # The person's page: any handle, `Alex/Cristi` or `Ștefan J.` included, gives a safe URL.
    slug = models.SlugField(max_length=limits.NAME + 10, unique=True, editable=False)
    manual = models.BooleanField(
        default=False,
        help_text="Named by a maintainer: learning from the minutes leaves handle and name alone.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    email = models.EmailField(
        blank=True,
        help_text=(
            "As a maintainer recorded it. An account with this email (as staff entered it) "
            "becomes this person at once; any other account's claim waits for approval."
        ),
    )
    # Kept by PersonQuerySet.keep_counts() for the people list.
    open_items = models.PositiveIntegerField(default=0, editable=False)
    meetings_attended = models.PositiveIntegerField(default=0, editable=False)
    # As Team.revision: moved on whenever their items, statuses or meetings change.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # The secret in the URLs of the person's feeds (Atom, iCalendar): no login needed,
    # reset from their page. Empty until they first ask for their feeds.
    feed_token = models.CharField(max_length=64, blank=True, editable=False)
    # How often a mail of their open items reaches them (``send_digests``), once linked
    # to an account with an email.
    digest = models.CharField(max_length=10, choices=DigestEvery, default=DigestEvery.WEEK)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["handle"]
        verbose_name_plural = "people"
        constraints = [
            # A feed's URL finds its person by the token.
            models.UniqueConstraint(
                fields=["feed_token"], condition=~Q(feed_token=""), name="person_feed_token_once"
            ),
        ]

    def __str__(self):
        return self.handle

    def save(self, *args, **kwargs):
        self.key = name_key(self.handle)
        if not self.name:
            self.name = self.handle
        if not self.slug:
            self.slug = self.free_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:person", args=[self.slug])

    def reset_feed_token(self):
        """A new secret for the person's feed URLs: the old ones answer 404 from now on."""
        self.feed_token = secrets.token_urlsafe(24)
        self.save(update_fields=["feed_token"])

    def free_slug(self):
        base = slugify(self.handle)[:100] or "person"
        slug, n = base, 1
        while Person.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean(self):
        self.key = name_key(self.handle)
        errors = {}
        try:
            validate_name(self.handle)
        except ValidationError as error:
            errors["handle"] = error
        else:
            same = Person.objects.filter(key=self.key).exclude(pk=self.pk).first()
            alias = Alias.objects.filter(key=self.key).exclude(person=self.pk).first()
            if same:
                errors["handle"] = f"{same} has this handle already (case and accents aside)."
            elif alias:
                errors["handle"] = (
                    f"“{alias.text}” is an alias of {alias.person}: two people cannot share "
                    "a name. Change or delete that alias first."
                )
        if self.name:
            try:
                validate_name(self.name)
            except ValidationError as error:
                errors["name"] = error
        if errors:
            raise ValidationError(errors)

    def items(self):
        """The items this person owns, directly or as a participant of a group owner."""
        return Item.objects.owned_by(self)

    def teams(self):
        """The teams of the meetings this person took part in."""
        return Team.objects.filter(meetings__participations__person=self).distinct()


class Alias(models.Model):
    """A text the minutes write for a person (``CC`` for Cezar), perhaps in one team only."""

    text = models.CharField(max_length=limits.NAME)
    key = models.CharField(max_length=limits.NAME, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="aliases",
        help_text="Leave empty for an alias that holds in every team.",
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "aliases"
        constraints = [
            # One meaning per text in a team, and one meaning everywhere.
            models.UniqueConstraint(
                fields=["key", "team"],
                condition=models.Q(team__isnull=False),
                name="alias_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(team__isnull=True), name="alias_once_globally"
            ),
        ]

    def __str__(self):
        return f"{self.text} → {self.person}"

    def save(self, *args, **kwargs):
        self.key = name_key(self.text)
        super().save(*args, **kwargs)

    def clean(self):
        self.key = name_key(self.text)
        try:
            validate_name(self.text)
        except ValidationError as error:
            raise ValidationError({"text": error}) from None
        if is_group(self.text):
            raise ValidationError(
                {"text": f"“{self.text}” stands for everyone at a meeting, not for one person."}
            )
        holder = Person.objects.filter(key=self.key).first()
        if holder and holder.pk == self.person_id:
            raise ValidationError({"text": f"“{self.text}” is {holder}'s handle already."})
        if holder:
            raise ValidationError(
                {
                    "text": f"“{self.text}” is the handle of {holder}: an alias cannot make two "
                    "people share a handle."
                }
            )
        taken = (
            Alias.objects.filter(key=self.key, team=self.team_id)
            .exclude(pk=self.pk)
            .select_related("person", "team")
            .first()
        )
        if taken:
            where = f"in {taken.team}" if taken.team else "everywhere"
            raise ValidationError(
                {"text": f"“{taken.text}” stands for {taken.person} {where} already."}
            )


class Meeting(models.Model):
    # Path of the minutes file relative to the minutes root: the meeting's identity.
    source = models.CharField(max_length=500, unique=True)
    file_name = models.CharField(max_length=255)
    date = models.DateField()
    datetime = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=limits.TITLE, blank=True)
    # What pages call it: its title, or its teams and date ("Community meeting, 12 Jan
    # 2022"), never its file's path. Kept by keep_name() when the title or teams change.
    name = models.CharField(max_length=limits.TITLE, blank=True, editable=False)
    location = models.CharField(max_length=limits.LOCATION, blank=True)
    teams = models.ManyToManyField(Team, related_name="meetings")
    participants = models.ManyToManyField(Person, through="Participant", related_name="meetings")
    text = models.TextField(help_text="The minutes as imported.")
    content_hash = models.CharField(max_length=64)
    warnings = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    # Where the minutes came from. Imported from a git work tree: the commit, and the
    # file's path in it (from the repository's top), only when the file was as committed,
    # so that a line links to what it says. Uploaded in the admin: that import's log.
    commit = models.CharField(max_length=64, blank=True)
    commit_path = models.CharField(max_length=500, blank=True)
    import_log = models.ForeignKey(
        "ImportLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )

    class Meta:
        ordering = ["-date", "source"]
        indexes = [
            # The meetings list, newest first; items filtered by meeting date.
            models.Index(fields=["date"], name="meeting_date_idx"),
            # An uploaded file finds its meeting by file name and date.
            models.Index(fields=["file_name", "date"], name="meeting_file_date_idx"),
        ]

    def __str__(self):
        return self.name or self.title or self.source

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    def source_url(self, line=None):
        """The file at its commit, at ``line``, by ``MINUTES_SOURCE_URL``; "" when unknown."""
        template = settings.MINUTES_SOURCE_URL
        if not template or not self.commit:
            return ""
        if line is None:
            # The whole file: the template less its `#L{line}`.
            address, _, fragment = template.partition("#")
            template = address if "{line}" in fragment else template
        path = quote(self.commit_path)
        return template.format(commit=self.commit, path=path, line=line or 1)

    def keep_name(self):
        """Name the meeting anew from its title, teams and date, once its teams are saved."""
        self.name = meeting_name(self.title, [team.name for team in self.teams.all()], self.date)
        Meeting.objects.filter(pk=self.pk).update(name=self.name)


def meeting_name(title, teams, date):
    """What pages call a meeting: its title, or "Community meeting, 12 Jan 2022"."""
    if title:
        return title
    day = f"{date.day} {date:%b %Y}"
    if not teams:
        return f"Meeting of {day}"
    return f"{capfirst(', '.join(teams))} meeting, {day}"[: limits.TITLE]


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    # None while the name fits no one, or more than one human (`Alex` where there are four).
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    name = models.CharField(max_length=limits.NAME, help_text="As written in the minutes.")
    position = models.PositiveIntegerField(default=0)
    # The meeting's, kept beside the person: their latest meetings are read from an
    # index, where sorting every meeting they attended grew with the years.
    date = models.DateField(editable=False)

    class Meta:
        # By id, not by the meeting's own ordering, which would join its table.
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once"),
        ]
        indexes = [models.Index(fields=["person", "-date"], name="participant_person_date_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.date is None:  # added in the meeting's admin page
            self.date = self.meeting.date
        super().save(*args, **kwargs)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    text = models.TextField()
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()

    class Meta:
        # By id, not by the meeting's own ordering, which would join its table.
        ordering = ["meeting_id", "position"]

    def __str__(self):
        return self.text


class Topic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=limits.TITLE, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        # By id, not by the meeting's own ordering, which would join its table.
        ordering = ["meeting_id", "position"]

    def __str__(self):
        return self.title or "(untitled)"


class Statement(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField()
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()

    class Meta:
        # By id, not by the topic's own ordering, which would join its table.
        ordering = ["topic_id", "position"]

    def __str__(self):
        return self.text[:80]


class NameRef(models.Model):
    """A name as the minutes write it (``RD``, ``Everyone``), and who it is."""

    name = models.CharField(max_length=limits.NAME, help_text="As written in the minutes.")
    key = models.CharField(max_length=limits.NAME, editable=False)
    is_group = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    # How the name was resolved ("initials of Simon Kuenzer, who attended as Simon"),
    # and the people it could be when more than one fits (their ids).
    evidence = models.CharField(max_length=300, blank=True)
    candidates = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class Speaker(NameRef):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements_spoken"
    )

    class Meta:
        # By id, not by the statement's own ordering, which would join its table.
        ordering = ["statement_id", "position"]
        indexes = [
            models.Index(fields=["person"], name="speaker_person_idx"),
            # Mapping a name resolves every speaker written so; unresolved names by key.
            models.Index(fields=["key"], name="speaker_key_idx"),
        ]


# What a row of a list shows of an item (ItemQuerySet.for_rows, meetings.rows).
ROW_FIELDS = (
    "pk",
    "kind",
    "text",
    "status",
    "raised",
    "last_raised",
    "mention_count",
    "removed",
    "status_changed",
    "meeting_id",
)


def stale_before(today=None):
    """The day before which an open item no meeting raised since is stale (``STALE_DAYS``)."""
    return (today or timezone.localdate()) - dt.timedelta(days=settings.STALE_DAYS)


# How many items a bulk status change writes a query: within every database's parameters.
CHANGED_A_QUERY = 500


@dataclass
class BulkChange:
    """What a change of many items at once did: each list holds (id, text) pairs."""

    batch: "StatusBatch | None" = None
    changed: list = field(default_factory=list)
    # Changed by someone else since the user looked: left as they are.
    stale: list = field(default_factory=list)
    # At the status asked for already.
    unchanged: list = field(default_factory=list)


class ItemQuerySet(models.QuerySet):
    def refresh_from_mentions(self):
        """Bring items in step with their mentions: text, first and last meeting, count.

        An item no minutes write any more is marked removed, never deleted.
        """
        items = list(self)
        live = {}
        # Only what is needed of each mention: a meeting's text is its whole minutes.
        mentions = (
            Mention.objects.filter(item__in=[item.pk for item in items], removed=False)
            .order_by("meeting__date", "meeting_id", "position")
            .values_list("item_id", "text", "meeting_id", "meeting__date")
        )
        for item_id, text, meeting_id, date in mentions:
            live.setdefault(item_id, []).append((text, meeting_id, date))
        for item in items:
            mine = live.get(item.pk, [])
            item.removed = not mine
            item.mention_count = len(mine)
            if mine:
                item.text = mine[-1][0]
                item.meeting_id, item.raised = mine[0][1], mine[0][2]
                item.last_raised = mine[-1][2]
        Item.objects.bulk_update(
            items, ["removed", "mention_count", "text", "meeting", "raised", "last_raised"]
        )

    def actions(self):
        return self.filter(kind=Item.Kind.ACTION)

    def stale(self, today=None):
        """Open items still in the minutes that no meeting has raised for ``STALE_DAYS``."""
        before = stale_before(today)
        return (
            self.open()
            .in_minutes()
            .filter(Q(last_raised__lt=before) | Q(last_raised__isnull=True, raised__lt=before))
        )

    def set_status(self, user, status, note="", seen=None, batch=True):
        """Change the status of these action items at once, as ``Item.set_status`` does one.

        A status change each (in one ``StatusBatch``, which can be undone, unless
        ``batch`` is false), the kept ownership and the open counts of their people
        and teams in step: in the same few queries for five items or five hundred.
        ``seen`` maps item ids to the ``(status, status_version)`` the user saw; an
        item changed by someone since is left as it is, and so is one at ``status``
        already. Returns a ``BulkChange``.
        """
        result = BulkChange()
        now = timezone.now()
        with transaction.atomic():
            rows = (
                self.actions()
                .order_by("raised", "pk")
                .select_for_update()
                .values_list("pk", "text", "status", "status_changed", "removed")
            )
            live = set()
            for pk, text, old, changed, removed in rows:
                version = changed.isoformat() if changed else ""
                if seen is not None and seen.get(pk) != (old, version):
                    result.stale.append((pk, text))
                    continue
                if old == status:
                    result.unchanged.append((pk, text))
                    continue
                result.changed.append((pk, text, old))
                if not removed:
                    live.add(pk)
            if not result.changed:
                return result
            if batch:
                result.batch = StatusBatch.objects.create(
                    user=user, status=status, note=note, created=now
                )
            ids = [pk for pk, _, _ in result.changed]
            open_now = status in Item.Status.still_open()
            # A few hundred ids a query: "select all" may take tens of thousands, more
            # than a database takes as parameters of one statement.
            for start in range(0, len(ids), CHANGED_A_QUERY):
                chunk = ids[start : start + CHANGED_A_QUERY]
                record_changes(chunk, user, status, note, now, result.batch)
                Item.objects.filter(pk__in=chunk).update(status=status, status_changed=now)
                still = [pk for pk in chunk if pk in live] if open_now else []
                Ownership.objects.filter(item__in=chunk).update(
                    status=status,
                    open=Case(When(item__in=still, then=Value(True)), default=Value(False))
                    if still
                    else Value(False),
                )
            # The open counts, as Item._count_change keeps them, counted again rather
            # than moved by one; and the charts' revisions moved on, whatever changed.
            keep_counts_of(ids)
        result.changed = [(pk, text) for pk, text, _ in result.changed]
        return result

    def decisions(self):
        return self.filter(kind=Item.Kind.DECISION)

    def open(self):
        return self.filter(kind=Item.Kind.ACTION, status__in=Item.Status.still_open())

    def in_minutes(self):
        """Items that some imported minutes still write."""
        return self.filter(removed=False)

    def owned_by(self, person):
        """Items the person owns, by name or as a participant of a meeting a group owns them in.

        Read from the kept ``Ownership`` table: one indexed join however many
        meetings the person attended (computing the group part live probed
        every item of each of them).
        """
        return self.filter(ownerships__person=person)

    def open_owned_by(self, person, statuses=None, *, newest_first=False):
        """The person's open items still in the minutes, oldest (or newest) first: one
        index range.

        The same rows as ``open().in_minutes().owned_by(person)`` in that order,
        read from ``ownership_open_status_idx`` (backwards for the newest) without
        touching the items they skip; ``statuses`` (of the open ones) narrows them
        within the index too.
        """
        mine = Q(ownerships__person=person, ownerships__open=True)
        if statuses is not None:
            mine &= Q(ownerships__status__in=statuses)
        order = ("ownerships__raised", "ownerships__item_id")
        if newest_first:
            order = tuple(f"-{key}" for key in order)
        return self.filter(mine).order_by(*order)

    def of_team(self, team):
        return self.of_teams([team])

    def of_teams(self, teams, *, before=None):
        """Items first raised at a meeting of any of ``teams`` (one before the date ``before``).

        Asked in the way that fills a page of a long list soonest. Teams holding
        a fair share of the open items (by the kept counts) are asked of each item in
        the list's order: a page fills after a few dozen rows, where collecting the
        items of all their meetings first read thousands (10 ms on SQLite). Smaller
        teams through their meetings: walking every open item for their few would be slower.
        """
        meetings = Meeting.teams.through.objects.filter(team__in=[team.pk for team in teams])
        # The date of the meeting that first raised an item is its own (``raised``):
        # asked of the item, not of each item's meeting.
        items = self if before is None else self.filter(raised__lt=before)
        if Team.hold_many_open_items(teams):
            return items.filter(Exists(meetings.filter(meeting=OuterRef("meeting"))))
        return items.filter(meeting__in=meetings.values("meeting"))

    def of_owner(self, text):
        """Items whose owners the minutes write as ``text``, whoever they are."""
        return self.filter(pk__in=Owner.objects.filter(key=name_key(text)).values("item"))

    def of_person(self, person):
        """The person's items, and owners written exactly as their handle not resolved yet."""
        written = Owner.objects.filter(key=person.key, person=None, is_group=False).order_by()
        owned = Ownership.objects.filter(person=person).values("item")
        return self.filter(pk__in=owned.union(written.values("item")))

    def mentioned_in(self, meeting):
        """Items that a meeting's minutes write, whichever meeting raised them first."""
        return self.filter(
            Exists(Mention.objects.filter(item=OuterRef("pk"), meeting=meeting, removed=False))
        )

    def for_rows(self):
        """What a row of a list shows, as plain values: ``meetings.rows`` reads the
        owners and teams of a page's rows (two queries) and writes them.

        Building model instances (the item, its meeting, each owner and their
        person) for a page of rows cost more than the rest of the list page.
        """
        return self.values_list(*ROW_FIELDS, named=True)

    def for_page(self):
        """With what the item page shows: owners and their people, the meeting and its teams.

        As plain lists (``item.row_owners``, ``item.meeting.row_teams``): a prefetch
        into the related managers builds a query set per item.
        """
        # A row never shows the meeting's minutes: their text stays in the database.
        return (
            self.select_related("meeting")
            .defer("meeting__text", "meeting__warnings")
            .prefetch_related(
                Prefetch(
                    "owners", queryset=Owner.objects.select_related("person"), to_attr="row_owners"
                ),
                Prefetch("meeting__teams", to_attr="row_teams"),
            )
        )


def keep_counts_of(items):
    """Count again the open items of the people and teams of ``items`` (ids), and so
    move their revisions on (their charts count items by status).

    Every person of the items, those of a meeting's "Everyone" too: their counts stay
    (they count items owned by name) but their charts change. Their people and teams
    are subqueries of the counting query, a few hundred ids each; past that many
    items, read first, so that no statement holds them all.
    """
    chunks = [items[i : i + CHANGED_A_QUERY] for i in range(0, len(items), CHANGED_A_QUERY)]
    people = [Ownership.objects.filter(item__in=chunk).values("person") for chunk in chunks]
    teams = [Team.objects.of_items(chunk) for chunk in chunks]
    if len(chunks) > 1:
        people = [{row["person"] for part in people for row in part}]
        teams = [{row["pk"] for part in teams for row in part}]
    Person.objects.filter(pk__in=people[0]).keep_counts()
    Team.objects.filter(pk__in=teams[0]).keep_counts()


def record_changes(ids, user, status, note, created, batch):
    """A ``StatusChange`` to ``status`` for each of the items ``ids``, from the status it has.

    One ``INSERT ... SELECT``: ``bulk_create`` writes a query per 142 rows on
    SQLite (at most 999 parameters a query), and a bulk change is one query
    however many items it changes.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(StatusChange._meta.get_field(name).column)
        for name in ("item", "batch", "user", "old", "new", "note", "created")
    )
    created = StatusChange._meta.get_field("created").get_db_prep_value(created, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(StatusChange._meta.db_table)} ({columns}) "
            f"SELECT {quote(Item._meta.pk.column)}, %s, %s, {quote('status')}, %s, %s, %s "
            f"FROM {quote(Item._meta.db_table)} "
            f"WHERE {quote(Item._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})",
            [batch.pk if batch else None, user.pk if user else None, status, note, created, *ids],
        )


class Item(models.Model):
    """An action item or decision as the tracker follows it across meetings."""

    class Kind(models.TextChoices):
        ACTION = "action", "Action item"
        DECISION = "decision", "Decision"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

        @classmethod
        def still_open(cls):
            return [cls.OPEN, cls.IN_PROGRESS]

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.ACTION)
    text = models.TextField(help_text="As the latest minutes write it, owner prefix removed.")
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    # The meeting that first raised the item, and its date: the item's age.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    raised = models.DateField()
    # The date of the latest minutes that write it: matching looks at recent items.
    last_raised = models.DateField(null=True, blank=True)
    # How many meetings' minutes write this item (kept in step with mentions).
    mention_count = models.PositiveIntegerField(default=1)
    # No imported minutes write it any more; kept so that its history is not lost.
    removed = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    status_changed = models.DateTimeField(null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["raised", "pk"]
        indexes = [
            # The items list in its orders, read in order until a page is full: the
            # status is checked row by row (an index on it too could not give the
            # two open statuses in one order without sorting them all).
            models.Index(fields=["kind", "raised"], name="item_kind_raised_idx"),
            models.Index(
                fields=["kind", "-mention_count", "raised"], name="item_kind_mentions_idx"
            ),
            models.Index(fields=["meeting", "kind"], name="item_meeting_idx"),
            # Matching: open items raised lately.
            models.Index(fields=["status", "last_raised"], name="item_status_last_raised_idx"),
            # Matching: a team's items raised lately, whatever their status (a line may
            # reopen one), read by date rather than among every action item.
            models.Index(fields=["kind", "last_raised"], name="item_kind_last_raised_idx"),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("meetings:item", args=[self.pk])

    def add_comment(self, user, text):
        return Comment.objects.create(item=self, user=user, text=text)

    def reassign(self, user, people):
        """Give the item to ``people`` (Person rows), in its history.

        Its owners become these people by handle; later minutes that write the
        item for them raise it again (matching compares the item's owners).
        """
        before = [
            owner.person.handle if owner.person else owner.name
            for owner in self.owners.select_related("person")
        ]
        self.owners.all().delete()
        given = f"given to them by {user.get_username()}" if user else "given to them"
        Owner.objects.bulk_create(
            Owner(
                item=self,
                name=p.handle,
                key=name_key(p.handle),
                person=p,
                position=n,
                evidence=given,
            )
            for n, p in enumerate(people)
        )
        after = ", ".join(person.handle for person in people)
        Event.objects.create(
            item=self,
            kind=Event.Kind.REASSIGNED,
            user=user,
            text=f"from {', '.join(before) or 'no one'} to {after}",
        )
        Ownership.objects.keep([self.pk])

    @property
    def is_open(self):
        return self.kind == self.Kind.ACTION and self.status in self.Status.still_open()

    @classmethod
    def is_still_open(cls, kind, status, removed):
        """Whether an item is an open action that the minutes still write: "open" to the lists."""
        return kind == cls.Kind.ACTION and status in cls.Status.still_open() and not removed

    @property
    def days_open(self):
        """Days from the first meeting that raised it to today, or to the day it was closed."""
        end = timezone.localdate()
        if not self.is_open and self.status_changed:
            end = timezone.localdate(self.status_changed)
        return max((end - self.raised).days, 0)

    @property
    def status_version(self):
        """What a status form carries to tell that someone changed the status since."""
        return self.status_changed.isoformat() if self.status_changed else ""

    def set_status(self, user, status, note=""):
        """Change the status and record who did it, when and why."""
        was_open = self.is_open
        with transaction.atomic():
            change = StatusChange.objects.create(
                item=self, user=user, old=self.status, new=status, note=note
            )
            self.status = status
            self.status_changed = change.created
            self.save(update_fields=["status", "status_changed"])
            open_now = Item.is_still_open(self.kind, self.status, self.removed)
            Ownership.objects.filter(item=self).update(open=open_now, status=status)
            self._count_change(self.is_open - was_open)
        return change

    def _count_change(self, change):
        """Keep the open counts of the item's people and teams (+1, -1 or nothing), and move
        their revisions on: their charts count items by status whatever the change."""
        people = Person.objects.filter(pk__in=Ownership.objects.filter(item=self).values("person"))
        teams = Team.objects.filter(meetings=self.meeting_id)
        if not change or self.removed:
            people.revise()
            teams.revise()
            return
        count = F("open_items") + change
        # Only where they own it by name: "Everyone" would count it for all who were there.
        by_name = Exists(
            Ownership.objects.filter(person=OuterRef("pk"), item=self, via_group=False)
        )
        people.update(
            open_items=Case(
                When(by_name, then=count),
                default=F("open_items"),
                output_field=models.PositiveIntegerField(),
            ),
            revision=F("revision") + 1,
        )
        teams.update(open_items=count, revision=F("revision") + 1)


class Owner(NameRef):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="owners")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned"
    )

    class Meta:
        # By id, not by the item's own ordering, which would join its table.
        ordering = ["item_id", "position"]
        indexes = [
            # Items owned by a person; items owned by a name as written.
            models.Index(fields=["person", "item"], name="owner_person_idx"),
            models.Index(fields=["key", "item"], name="owner_key_idx"),
            # Owners written as someone's handle and not resolved: few, however busy they are.
            # The person column too, or SQLite reads every owner of the key from the index
            # above to find none unresolved (3 ms for a person owning 4,000 items).
            models.Index(
                fields=["key", "person"],
                condition=Q(person__isnull=True),
                name="owner_unresolved_key_idx",
            ),
            # Items owned by a group, for its members (ItemQuerySet.owned_by).
            models.Index(fields=["item"], condition=Q(is_group=True), name="owner_group_idx"),
        ]


class OwnershipQuerySet(models.QuerySet):
    def keep(self, items, *, counts=True, new=()):
        """Bring the kept ownership of ``items`` (item ids) in step with their owners.

        Every path that changes who owns an item calls it: the import, who-is-who
        (resolving, learning, merging), a correction, linking and splitting.
        The counts of the people and teams concerned are kept again too, unless
        ``counts`` is false (an import counts once at the end of its run).
        ``new``: those of ``items`` just made, of whom nothing is kept yet to read
        or remove (most of an import's). Returns the ids of the people whose items changed.
        """
        ids = list(set(items))
        if not ids:
            return set()
        rows = {}
        items = {}  # id: (open, raised, status)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            owners = Owner.objects.filter(
                Q(person__isnull=False) | Q(is_group=True), item__in=chunk
            ).order_by()
            meeting_items = {}
            for person_id, item_id, meeting_id, kind, status, removed, raised in owners.values_list(
                "person",
                "item",
                "item__meeting",
                "item__kind",
                "item__status",
                "item__removed",
                "item__raised",
            ):
                items[item_id] = (Item.is_still_open(kind, status, removed), raised, status)
                if person_id is not None:
                    rows[person_id, item_id] = False
                else:
                    meeting_items.setdefault(meeting_id, []).append(item_id)
            if not meeting_items:
                continue
            attended = Participant.objects.filter(
                meeting__in=list(meeting_items), person__isnull=False
            ).order_by()
            for meeting_id, person_id in attended.values_list("meeting", "person"):
                for item_id in meeting_items[meeting_id]:
                    rows.setdefault((person_id, item_id), True)
        people = set()
        kept = set(ids).difference(new)
        if kept:
            before = self.filter(item__in=kept)
            people.update(before.values_list("person", flat=True))
            before.delete()
        self.bulk_create(
            [
                Ownership(
                    person_id=p,
                    item_id=i,
                    via_group=g,
                    open=items[i][0],
                    raised=items[i][1],
                    status=items[i][2],
                )
                for (p, i), g in rows.items()
            ],
            batch_size=500,
        )
        people.update(person_id for person_id, _ in rows)
        if counts:
            Person.objects.filter(pk__in=people).keep_counts()
            Team.objects.filter(pk__in=Team.objects.of_items(ids)).keep_counts()
        return people

    def open_of(self, person, statuses=None):
        """The rows of ``Item.objects.open_owned_by(person, statuses)``: to count them
        from the index alone."""
        rows = self.filter(person=person, open=True)
        return rows if statuses is None else rows.filter(status__in=statuses)

    def keep_all(self):
        """Rebuild the whole table and the counts: after a restore, or if anything drifted."""
        self.all().delete()
        self.keep(Item.objects.values_list("pk", flat=True))
        Person.objects.all().keep_counts()
        Team.objects.all().keep_counts()


class Ownership(models.Model):
    """Who owns which item, kept so that "my items" is one indexed join.

    Derived from ``Owner`` and ``Participant`` and kept in step by
    ``Ownership.objects.keep(items)``: an item's owners that are people, and for
    an item a group owns ("Everyone: ..."), each person at its first meeting
    (``via_group``). ``ItemQuerySet.owned_by`` reads it.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="ownerships")
    via_group = models.BooleanField(default=False)
    # The item's, for "my open items, oldest first" from this table's index alone:
    # an open action still in the minutes (Item.is_open and not removed), and when raised.
    open = models.BooleanField(default=False)
    raised = models.DateField()
    # The item's status: "my items in progress" (or only open) from the index too.
    status = models.CharField(max_length=12, choices=Item.Status, default=Item.Status.OPEN)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        constraints = [
            # A person's items: owned_by() and the counts of the people list.
            models.UniqueConstraint(fields=["person", "item"], name="ownership_once"),
        ]
        indexes = [
            models.Index(fields=["item"], name="ownership_item_idx"),
            # A person's open items, oldest first: home, the person page, the items list.
            models.Index(
                fields=["person", "raised", "item", "status"],
                condition=Q(open=True),
                name="ownership_open_status_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} owns #{self.item_id}"


class Mention(models.Model):
    """One meeting's minutes writing an item, exactly as they write it."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="mentions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="mentions")
    owners = models.JSONField(default=list, blank=True, help_text="As written.")
    text = models.TextField()
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    # The line is gone from the minutes since; kept so the item's history stays whole.
    removed = models.BooleanField(default=False)
    # Why this mention belongs to its item, and how sure the match was (0-100).
    reason = models.CharField(max_length=200, blank=True)
    score = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting__date", "position"]
        indexes = [
            models.Index(fields=["meeting", "position"], name="mention_meeting_idx"),
        ]

    def __str__(self):
        return self.text[:80]


class StatusBatch(models.Model):
    """Items whose status one user changed at once: its status changes say which, and
    from what, so that the batch can be undone for a while (``UNDO_MINUTES``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Item.Status)
    note = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    undone = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.changes.count()} items marked {self.get_status_display().lower()}"

    @property
    def undo_until(self):
        return self.created + dt.timedelta(minutes=settings.UNDO_MINUTES)

    def undo(self, user):
        """Put each item of the batch back to the status it had, unless changed since.

        Recorded in each item's history like any change; refused once the batch
        is older than ``UNDO_MINUTES`` or undone already. Returns a ``BulkChange``.
        """
        result = BulkChange()
        with transaction.atomic():
            # Two clicks on Undo: the second waits for the first, then finds it undone.
            batch = StatusBatch.objects.select_for_update().get(pk=self.pk)
            if batch.undone:
                raise ValidationError("This change was undone already.")
            if timezone.now() > batch.undo_until:
                raise ValidationError(
                    f"This change can no longer be undone: changes can be undone for "
                    f"{settings.UNDO_MINUTES} minutes. Change the items back one by one."
                )
            seen = defaultdict(dict)
            for pk, old, new, created in batch.changes.values_list("item", "old", "new", "created"):
                seen[old][pk] = (new, created.isoformat())
            note = f"Undone: a change of {sum(map(len, seen.values()))} items at once."
            for old, items in seen.items():
                back = batch.changes.filter(old=old).values("item")
                part = Item.objects.filter(pk__in=back).set_status(
                    user, old, note, seen=items, batch=False
                )
                result.changed += part.changed
                result.stale += part.stale + part.unchanged
            self.undone = batch.undone = timezone.now()
            batch.save(update_fields=["undone"])
        return result


class StatusChange(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="status_changes")
    # Changed with other items at once (and undone together), or alone.
    batch = models.ForeignKey(
        StatusBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old = models.CharField(max_length=12, choices=Item.Status)
    new = models.CharField(max_length=12, choices=Item.Status)
    note = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.old} → {self.new}"


class ImportLogQuerySet(models.QuerySet):
    def mark_interrupted(self):
        """Mark as interrupted the running imports that have not moved on for a while.

        A worker killed mid-import cannot say so itself; the files it imported
        stay imported (each in its own transaction) and running it again
        skips them by their hash.
        """
        stale = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
        return self.filter(state=ImportLog.State.RUNNING, updated__lt=stale).update(
            state=ImportLog.State.INTERRUPTED,
            error="The import stopped part-way (its worker ended); run it again to finish it.",
        )


class Upload(models.Model):
    """Minutes uploaded in the admin, awaiting their confirmation (and their import).

    The bytes are in the default storage, so that any web server or worker can
    read them; the row says whose they are and what their preview found.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    digest = models.CharField(max_length=64, help_text="A hash over what the upload holds.")
    origin = models.TextField(blank=True, help_text="The files uploaded, by name.")
    file = models.CharField(max_length=255, help_text="Where the batch is, in the storage.")
    count = models.PositiveIntegerField(default=0, help_text="How many files the preview reads.")
    # The preview: computed in the request for a few files, by the task worker for more.
    task = models.CharField(max_length=64, blank=True)
    progress = models.PositiveIntegerField(default=0)
    # Moved on with the progress: how a preview whose worker died is told from a slow one.
    updated = models.DateTimeField(default=timezone.now)
    preview = models.JSONField(null=True, blank=True)

    class Meta:
        # Sweeping expired uploads.
        indexes = [models.Index(fields=["created"], name="upload_created_idx")]

    def __str__(self):
        return f"upload of {self.origin}"


class ImportLog(models.Model):
    """Who imported what and when: written when the import starts, completed when it ends.

    An import whose worker died stays ``running`` with a stale ``updated``: it
    is shown (and marked) as interrupted, and can be run again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        INTERRUPTED = "interrupted", "Interrupted"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    files = models.JSONField(default=list, help_text="The sources read.")
    summary = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="Files imported so far.")
    total = models.PositiveIntegerField(default=0)
    # Moved on after each file: how an interrupted import is told from a slow one.
    updated = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the import stopped.")
    task = models.CharField(max_length=64, blank=True)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    # The upload's, kept: the upload itself is deleted once imported.
    digest = models.CharField(
        max_length=64, blank=True, help_text="A hash over what the upload held (SHA-256)."
    )

    objects = ImportLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"import of {len(self.files)} file(s) on {self.created:%Y-%m-%d %H:%M}"

    @property
    def unfinished(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class Link(models.Model):
    """A URL an item's text holds: the strongest evidence that two lines are one task."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="link_rows")
    url = models.CharField(max_length=limits.LINK)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "url"], name="link_once")]
        # Matching: the open items that name this pull request or issue.
        indexes = [models.Index(fields=["url"], name="link_url_idx")]

    def __str__(self):
        return self.url


class Merge(models.Model):
    """Two person records found to be one human: what moved, so that it can be undone."""

    target = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merged_from")
    # The record merged away (deleted): enough to make it again.
    source_person_id = models.BigIntegerField()
    source_handle = models.CharField(max_length=limits.NAME)
    source_name = models.CharField(max_length=limits.NAME)
    source_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The ids of the participants, owners, speakers and aliases that moved.
    moved = models.JSONField(default=dict)
    # How the minutes wrote the person merged away: an undone merge keeps them apart.
    spellings = models.JSONField(default=list)
    reason = models.CharField(max_length=200, blank=True)
    # Nobody: learned from the minutes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    undone = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.source_handle} → {self.target}"

    @transaction.atomic
    def undo(self, user):
        """Make the merged record again, give it back what moved, and keep the two apart."""
        source = Person.objects.create(
            pk=self.source_person_id,
            handle=free_handle(self.source_handle),
            name=self.source_name,
            manual=True,
        )
        moved = self.moved
        Participant.objects.filter(pk__in=moved.get("participants", [])).update(person=source)
        dropped = moved.get("dropped", [])
        dates = dict(
            Meeting.objects.filter(pk__in=[row["meeting_id"] for row in dropped]).values_list(
                "pk", "date"
            )
        )
        Participant.objects.bulk_create(
            Participant(person=source, date=dates[row["meeting_id"]], **row) for row in dropped
        )
        Owner.objects.filter(pk__in=moved.get("owners", [])).update(person=source)
        Speaker.objects.filter(pk__in=moved.get("speakers", [])).update(person=source)
        Alias.objects.filter(pk__in=moved.get("aliases", [])).update(person=source)
        # What the two own now: the target's items include everything that moved.
        owned = Ownership.objects.filter(person=self.target_id).values_list("item", flat=True)
        Ownership.objects.keep(owned)
        Person.objects.filter(pk__in=[source.pk, self.target_id]).keep_counts()
        if self.source_user_id and self.target.user_id == self.source_user_id:
            Person.objects.filter(pk=self.target_id).update(user=None)
            Person.objects.filter(pk=source.pk).update(user=self.source_user_id)
        self.undone = timezone.now()
        self.undone_by = user
        self.save(update_fields=["undone", "undone_by"])
        return source


class Verdict(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class Candidate(models.Model):
    """A later item that is possibly the same as an earlier one: for a person to decide."""

    earlier = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="candidates")
    later = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="candidate_of")
    score = models.FloatField()
    reason = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=Verdict, default=Verdict.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="candidate_once"),
        ]
        # The maintainers' review list: pending candidates.
        indexes = [models.Index(fields=["state", "-score"], name="candidate_state_idx")]

    def __str__(self):
        return f"{self.later} possibly the same as {self.earlier}"

    def dismiss(self, user):
        with transaction.atomic():
            self.state = Verdict.DISMISSED
            self.decided_by = user
            self.decided = timezone.now()
            self.save(update_fields=["state", "decided_by", "decided"])
            Event.objects.create(
                item=self.earlier,
                kind=Event.Kind.DISMISSED,
                user=user,
                text=f"#{self.later_id} “{self.later.text[:80]}” is another task.",
            )


class DoneSuggestion(models.Model):
    """A later meeting says the item is done ("PR #41 is merged"): for a person to confirm."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="done_suggestions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(help_text="What the minutes say.")
    line = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=Verdict, default=Verdict.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "meeting", "line"], name="done_suggestion_once"
            ),
        ]

    def __str__(self):
        return f"done in the meeting of {self.meeting.date}?"

    def decide(self, user, accepted):
        """Confirm (the item is done, as the minutes say) or dismiss the suggestion."""
        with transaction.atomic():
            self.state = Verdict.ACCEPTED if accepted else Verdict.DISMISSED
            self.decided_by = user
            self.decided = timezone.now()
            self.save(update_fields=["state", "decided_by", "decided"])
            if accepted and self.item.status != Item.Status.DONE:
                note = f"Done in the meeting of {self.meeting.date}: {self.text}"
                self.item.set_status(user, Item.Status.DONE, note)


class Event(models.Model):
    """Something that happened to an item other than a status change: its history."""

    class Kind(models.TextChoices):
        OWNERS = "owners", "Owners changed"
        REASSIGNED = "reassigned", "Given to others"
        LINKED = "linked", "Linked"
        SPLIT = "split", "Split"
        DISMISSED = "dismissed", "Not the same"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind)
    text = models.TextField()
    # Nobody: the import did it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return self.text


class Comment(models.Model):
    """What someone says about an item without changing its status: part of its history."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return self.text[:80]

    def handles(self):
        """The ``@handle`` mentions the comment writes, as written."""
        return HANDLE_MENTION.findall(self.text)


# "@MariaP", "@răzvan.d": a person named in a comment (not an email address's "@").
HANDLE_MENTION = re.compile(r"(?<![\w.@])@([^\W_][\w.-]*[^\W_]|[^\W_])")


class ClaimQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Claim.State.PENDING)


class Claim(models.Model):
    """An account says it is a person of the minutes: the claim, its answer, and who gave it.

    Until a claim is approved the account is not the person (``Person.user``
    stays empty), so it has none of the owner's rights. An account whose email
    is the person's is approved at once; any other claim waits for a maintainer.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a maintainer"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    # Approved because the account's email is the person's, not by a maintainer.
    by_email = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            # An account waits for one answer at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state="pending"),
                name="claim_one_pending_per_user",
            ),
        ]
        # The maintainers' review list: pending claims, oldest first.
        indexes = [models.Index(fields=["state", "created"], name="claim_state_idx")]

    def __str__(self):
        return f"{self.user} as {self.person}"

    @classmethod
    def submit(cls, user, person):
        """``user`` says they are ``person``: approved at once when their emails agree."""
        with transaction.atomic():
            claim = cls.objects.create(person=person, user=user)
            if same_email(user.email, person.email):
                claim.by_email = True
                claim.approve(None)
        return claim

    def approve(self, user):
        """Link the account to the person (``user`` decided; None: their emails agree).

        The person's other pending claims are refused: one person, one account.
        """
        with transaction.atomic():
            if Person.objects.filter(user=self.user_id).exists():
                raise ValidationError(f"{self.user} is someone in the minutes already.")
            linked = Person.objects.filter(pk=self.person_id, user__isnull=True).update(
                user=self.user_id
            )
            if not linked:
                raise ValidationError(f"{self.person} is someone else's account already.")
            self.person.user_id = self.user_id
            self._decide(Claim.State.APPROVED, user)
            others = Claim.objects.pending().filter(person=self.person_id).exclude(pk=self.pk)
            others.update(state=Claim.State.REFUSED, decided=self.decided, decided_by=user)

    def refuse(self, user):
        with transaction.atomic():
            self._decide(Claim.State.REFUSED, user)

    def _decide(self, state, user):
        self.state = state
        self.decided = timezone.now()
        self.decided_by = user
        self.save(update_fields=["state", "decided", "decided_by", "by_email"])


def same_email(one, other):
    """Whether two addresses are the same mailbox, as far as the tracker can tell."""
    one, other = one.strip().casefold(), other.strip().casefold()
    return bool(one) and one == other


class Digest(models.Model):
    """A mail of a person's items, sent once for its period ("2026-W49", or a team's
    next meeting: "community 2026-12-03"): the unique row is what makes a second run
    in the same period send nothing."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=limits.NAME + 20)
    sent = models.DateTimeField(default=timezone.now)
    open_items = models.PositiveIntegerField()
    changes = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="digest_once_a_period")
        ]

    def __str__(self):
        return f"{self.person} {self.period}"

"""What the tracker knows: meetings read from minutes, and the items they raise.

An ``Item`` is one action item (or decision) as the tracker follows it; each
time a meeting's minutes write it, that is a ``Mention``. The first import
makes one mention per item; matching across meetings adds more.
"""

import unicodedata

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


def name_key(text):
    """The identity of a name: case, accents, spaces and hyphens do not count.

    ``RăzvanD`` and ``RazvanD`` are one person; ``Plat Re-Arch`` and
    ``plat-rearch`` are one team.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in bare.casefold() if c not in " -_\t")


class Team(models.Model):
    name = models.CharField(max_length=100, help_text="As first written in the minutes.")
    key = models.CharField(max_length=100, unique=True, editable=False)
    slug = models.SlugField(max_length=100, unique=True)

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


class Person(models.Model):
    name = models.CharField(max_length=100, help_text="How the tracker shows this person.")
    handle = models.CharField(max_length=100, unique=True)
    # Handles that differ only in case or accents are one person.
    key = models.CharField(max_length=100, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["handle"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.handle

    def save(self, *args, **kwargs):
        self.key = name_key(self.handle)
        if not self.name:
            self.name = self.handle
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:person", args=[self.handle])


class Alias(models.Model):
    """A text the minutes write for a person (``CC`` for Cezar), perhaps in one team only."""

    text = models.CharField(max_length=100)
    key = models.CharField(max_length=100, editable=False)
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


class MeetingQuerySet(models.QuerySet):
    def of_team(self, team):
        return self.filter(teams=team)


class Meeting(models.Model):
    # Path of the minutes file relative to the minutes root: the meeting's identity.
    source = models.CharField(max_length=500, unique=True)
    file_name = models.CharField(max_length=255)
    date = models.DateField()
    datetime = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=500, blank=True)
    teams = models.ManyToManyField(Team, related_name="meetings")
    participants = models.ManyToManyField(Person, through="Participant", related_name="meetings")
    text = models.TextField(help_text="The minutes as imported.")
    content_hash = models.CharField(max_length=64)
    warnings = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "source"]
        indexes = [
            # The meetings list, newest first; items filtered by meeting date.
            models.Index(fields=["date"], name="meeting_date_idx"),
            # An uploaded file finds its meeting by file name and date.
            models.Index(fields=["file_name", "date"], name="meeting_file_date_idx"),
        ]

    def __str__(self):
        return self.title or self.source

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    name = models.CharField(max_length=100, help_text="As written in the minutes.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once"),
        ]

    def __str__(self):
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    text = models.TextField()
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self):
        return self.text


class Topic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self):
        return self.title or "(untitled)"


class Statement(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField()
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["topic", "position"]

    def __str__(self):
        return self.text[:80]


class NameRef(models.Model):
    """A name as the minutes write it (``RD``, ``Everyone``), and who it is."""

    name = models.CharField(max_length=100, help_text="As written in the minutes.")
    key = models.CharField(max_length=100, editable=False)
    is_group = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

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
        ordering = ["statement", "position"]
        indexes = [models.Index(fields=["person"], name="speaker_person_idx")]


class ItemQuerySet(models.QuerySet):
    def actions(self):
        return self.filter(kind=Item.Kind.ACTION)

    def decisions(self):
        return self.filter(kind=Item.Kind.DECISION)

    def open(self):
        return self.filter(kind=Item.Kind.ACTION, status__in=Item.Status.still_open())

    def in_minutes(self):
        """Items that some imported minutes still write."""
        return self.filter(removed=False)

    def owned_by(self, person):
        """Items the person owns, by name or as a member of a group owner."""
        direct = Owner.objects.filter(item=OuterRef("pk"), person=person)
        group = Owner.objects.filter(
            item=OuterRef("pk"),
            is_group=True,
            item__meeting__participations__person=person,
        )
        return self.filter(Exists(direct) | Exists(group))

    def owned_by_name(self, name):
        """Items whose owners, as written, include ``name`` (case and accents aside)."""
        return self.filter(Exists(Owner.objects.filter(item=OuterRef("pk"), key=name_key(name))))

    def of_team(self, team):
        return self.filter(meeting__teams=team)


class Item(models.Model):
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
    links = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    # The meeting that first raised the item, and its date: the item's age.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    raised = models.DateField()
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
            # Open items, oldest first: the default items list.
            models.Index(fields=["kind", "status", "raised"], name="item_kind_status_raised_idx"),
            models.Index(fields=["meeting", "kind"], name="item_meeting_idx"),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("meetings:item", args=[self.pk])

    @property
    def is_open(self):
        return self.kind == self.Kind.ACTION and self.status in self.Status.still_open()

    def set_status(self, user, status, note=""):
        """Change the status and record who did it, when and why."""
        with transaction.atomic():
            change = StatusChange.objects.create(
                item=self, user=user, old=self.status, new=status, note=note
            )
            self.status = status
            self.status_changed = change.created
            self.save(update_fields=["status", "status_changed"])
        return change


class Owner(NameRef):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="owners")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned"
    )

    class Meta:
        ordering = ["item", "position"]
        indexes = [
            # Items owned by a person; items owned by a name as written.
            models.Index(fields=["person", "item"], name="owner_person_idx"),
            models.Index(fields=["key", "item"], name="owner_key_idx"),
        ]


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


class StatusChange(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="status_changes")
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


class ImportLog(models.Model):
    """Who imported what and when, with the summary of what it did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    files = models.JSONField(default=list, help_text="The sources read.")
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"import of {len(self.files)} file(s) on {self.created:%Y-%m-%d %H:%M}"

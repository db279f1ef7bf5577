from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats, timezone

from meetings.models import Item, Person
from meetings.people.lookup import named

# What an item's status form offers, by the status it has: (new status, button text).
NEXT_STATUSES = {
    Item.Status.OPEN: [
        (Item.Status.DONE, "Done"),
        (Item.Status.IN_PROGRESS, "In progress"),
        (Item.Status.DROPPED, "Drop"),
    ],
    Item.Status.IN_PROGRESS: [
        (Item.Status.DONE, "Done"),
        (Item.Status.OPEN, "Not started"),
        (Item.Status.DROPPED, "Drop"),
    ],
    Item.Status.DONE: [(Item.Status.OPEN, "Reopen")],
    Item.Status.DROPPED: [(Item.Status.OPEN, "Reopen")],
}


class StatusForm(forms.Form):
    """A status change, carrying the status the user saw so that a stale one is refused."""

    status = forms.ChoiceField(choices=Item.Status.choices)
    note = forms.CharField(required=False, max_length=1000, strip=True)
    seen_status = forms.ChoiceField(choices=Item.Status.choices)
    seen_version = forms.CharField(required=False)

    def __init__(self, item, *args, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        item = self.item
        if "seen_status" not in cleaned:
            return cleaned
        if cleaned["seen_status"] != item.status or cleaned["seen_version"] != item.status_version:
            raise ValidationError(self.stale_message(), code="stale")
        if cleaned.get("status") == item.status:
            raise ValidationError(f"It is already {item.get_status_display().lower()}.")
        return cleaned

    @property
    def is_stale(self):
        return self.has_error(NON_FIELD_ERRORS, code="stale")

    def stale_message(self):
        status = self.item.get_status_display().lower()
        latest = self.item.status_changes.select_related("user__person").last()
        if latest is None or latest.new != self.item.status:
            return f"Someone has changed it since: it is {status} now. Your change was not saved."
        # The one date format of the pages ("1 Dec 2026, 04:14").
        when = formats.date_format(timezone.localtime(latest.created), "j M Y, H:i")
        return f"{who(latest.user)} changed it to {status} on {when}. Your change was not saved."


# What a list's bulk form offers: (status, button text).
BULK_STATUSES = [
    (Item.Status.DONE, "Done"),
    (Item.Status.DROPPED, "Drop"),
    (Item.Status.IN_PROGRESS, "In progress"),
]


class SeenItemsField(forms.Field):
    """Ticked items as ``id:status:version``: each item and what the user saw of it."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        seen = {}
        for text in value or []:
            pk, _, rest = str(text).partition(":")
            status, _, version = rest.partition(":")
            if not pk.isdigit() or status not in Item.Status.values:
                raise ValidationError("An item ticked is not one this list shows.", code="invalid")
            seen[int(pk)] = (status, version)
        return seen


class BulkStatusForm(forms.Form):
    """One status for many items: the ticked ones, or all that a list's filter matches."""

    status = forms.ChoiceField(choices=BULK_STATUSES)
    note = forms.CharField(required=False, max_length=1000, strip=True)
    item = SeenItemsField(required=False)
    # "All matching": the list's filter (an /items/ query), read when the form is sent.
    all = forms.BooleanField(required=False)
    filter = forms.CharField(required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all") and not cleaned.get("item") and "item" not in self.errors:
            raise ValidationError("No item was selected.", code="empty")
        return cleaned


def who(user):
    """How the tracker names a user: their person's handle when linked."""
    if user is None:
        return "Someone"
    person = getattr(user, "person", None)
    return person.handle if person else user.get_username()


class ClaimPersonForm(forms.Form):
    """A new user says which of the people in the minutes they are."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(user__isnull=True),
        label="Which one is you?",
        empty_label="Choose your handle",
        help_text=(
            "The name you sign the minutes with. A maintainer confirms it, unless your "
            "account's email is the one recorded for that person."
        ),
    )


class VerdictForm(forms.Form):
    """One click on what matching suggests: yes (link, mark done) or no (dismiss)."""

    verdict = forms.ChoiceField(choices=[("accept", "Yes"), ("dismiss", "No")])

    @property
    def accepted(self):
        return self.cleaned_data["verdict"] == "accept"


class BulkVerdictForm(VerdictForm):
    """The same answer for several candidates ticked on the review list."""

    candidate = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [(pk, pk) for pk in pending]


class OwnerForm(forms.Form):
    """Who an owner written on an item is: any spelling that names one person."""

    person = forms.CharField(max_length=100, label="Who is it?")

    def clean_person(self):
        text = self.cleaned_data["person"]
        person = named(text).person
        if person is None:
            raise forms.ValidationError(f"No one in the minutes is written “{text}”.")
        return person


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Write @handle to name someone.",
    )


class ReassignForm(forms.Form):
    """Whom an item is for now: one or more people, by any name that names one person."""

    owners = forms.CharField(
        label="Owners",
        max_length=500,
        help_text="Handles or names, separated by commas.",
    )

    def clean_owners(self):
        people, problems = [], []
        for text in (part.strip() for part in self.cleaned_data["owners"].split(",")):
            if not text:
                continue
            found = named(text)
            if found.person is not None:
                if found.person not in people:
                    people.append(found.person)
            elif found.candidates:
                handles = [person.handle for person in found.candidates]
                could_be = ", ".join(handles[:-1]) + f" or {handles[-1]}"
                problems.append(f"“{text}” could be {could_be}: write the handle.")
            else:
                problems.append(f"No one in the minutes is written “{text}”.")
        if problems:
            raise forms.ValidationError(" ".join(problems))
        if not people:
            raise forms.ValidationError("Name at least one person.")
        return people


class DigestForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["digest"]
        labels = {"digest": "Mail me my open items"}
        widgets = {"digest": forms.RadioSelect}

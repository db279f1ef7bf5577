"""Importing minutes through the admin: upload, preview, confirm, result.

The preview is a dry run of ``import_many`` over the uploaded files, read
while its rows exist; confirming runs ``import_many`` again over the very same
bytes, kept meanwhile by ``meetings.uploads``. The result page is the import's
``ImportLog`` entry. The Meeting admin's "re-import" action reads meetings'
files from ``MINUTES_ROOT`` and goes through the same preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from meetings import uploads
from meetings.importing import FileResult, Outcome, import_many
from meetings.models import ImportLog, Item, Owner

SESSION_KEY = "minutes_import"
# How the preview names each outcome.
LABELS = {
    Outcome.IMPORTED: "new",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.FAILED: "error",
}
# Up to this many files, the preview opens every file's details.
OPEN_DETAILS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        accept = ".md,.zip,text/markdown,application/zip"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        # An empty file is the parser's to refuse, by name, while the others import.
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        # None for no file at all: "This field is required."
        return [clean_one(file, initial) for file in files or [None]]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Minutes",
        help_text="One or more Markdown (.md) files, or one .zip of a minutes folder.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        zips = [file for file in files if file.name.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise forms.ValidationError(
                "Upload one .zip on its own, or Markdown files without a zip."
            )
        return files


def import_urls(model_admin):
    """The import pages, among the Meeting admin's URLs."""
    site = model_admin.admin_site
    # The upload page reads the request itself, to answer one over the limits kindly.
    upload_view = csrf_exempt(partial(upload, model_admin))
    return [
        path("import/", site.admin_view(upload_view), name="meetings_meeting_import"),
        path(
            "import/<str:digest>/",
            site.admin_view(partial(preview, model_admin)),
            name="meetings_meeting_import_preview",
        ),
    ]


def require_import_permission(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied


# Upload


def upload(model_admin, request):
    """The form: Markdown files or one zip. A valid upload is kept, and previewed."""
    require_import_permission(model_admin, request)
    if request.method == "POST":
        refusal = over_limits(request)
        if refusal:
            return form_page(model_admin, request, UploadForm(), refusal=refusal, status=413)
        return receive(request, model_admin)
    return form_page(model_admin, request, UploadForm())


def over_limits(request):
    """Why a request is too large to read, or None once its files are read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = uploads.request_limit()
    if length > limit:
        return (
            f"This upload is {uploads.size(length)}; one upload may send "
            f"{uploads.size(limit)} at most. Upload only the minutes, or fewer at a time."
        )
    try:
        _ = request.FILES
    except TooManyFilesSent:
        return (
            f"This upload holds more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files, more "
            "than one upload may send. Upload them as one .zip instead."
        )
    except RequestDataTooBig:
        return "This upload holds more form data than the server accepts. Nothing was read."
    return None


@csrf_protect
def receive(request, model_admin):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_page(model_admin, request, form)
    batch = uploads.read_uploads(form.cleaned_data["files"])
    return redirect(keep_for_preview(request, batch))


def form_page(model_admin, request, form, *, refusal=None, status=200):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import minutes",
        "form": form,
        "refusal": refusal,
        "max_bytes": uploads.size(settings.MINUTES_MAX_BYTES),
        "zip_max_bytes": uploads.size(settings.MINUTES_ZIP_MAX_BYTES),
        "zip_max_files": f"{settings.MINUTES_ZIP_MAX_FILES:,}",
    }
    return TemplateResponse(request, "admin/meetings/import_form.html", context, status=status)


def keep_for_preview(request, batch):
    """Keep a batch for its preview, in place of any this session had waiting; its URL."""
    waiting = request.session.get(SESSION_KEY)
    if waiting:
        uploads.discard(waiting["file"])
    digest = batch.digest
    request.session[SESSION_KEY] = {"digest": digest, "file": uploads.keep(batch)}
    return reverse("admin:meetings_meeting_import_preview", args=[digest])


# Preview and confirm


def preview(model_admin, request, digest):
    """What importing the upload would do (a dry run); POST imports it, or cancels."""
    require_import_permission(model_admin, request)
    waiting = request.session.get(SESSION_KEY) or {}
    batch = uploads.load(waiting["file"], digest) if waiting.get("digest") == digest else None
    if batch is None:
        if waiting.get("digest") == digest:  # expired, or damaged on disk
            uploads.discard(waiting["file"])
            del request.session[SESSION_KEY]
        messages.error(
            request,
            "That preview is out of date: it expired, was imported already, or another "
            "upload replaced it. Nothing was imported; upload the files again.",
        )
        return redirect("admin:meetings_meeting_import")

    if request.method == "POST":
        # Whichever request deletes the kept file imports it: a second click does not.
        claimed = uploads.discard(waiting["file"])
        request.session.pop(SESSION_KEY, None)
        if "cancel" in request.POST:
            messages.info(request, "Nothing was imported, and the upload is deleted.")
            return redirect("admin:meetings_meeting_import")
        if not claimed:
            messages.error(request, "That upload is being imported already: see the import log.")
            return redirect("admin:meetings_importlog_changelist")
        return confirm(request, batch, waiting.get("outcomes", []))

    shown = {}
    summary = import_many(
        batch.files,
        dry_run=True,
        progress=lambda result, done, total: shown.update({id(result): describe(result)}),
    )
    files = [shown.get(id(result)) or describe(result) for result in summary.results]
    waiting["outcomes"] = [[result.source, result.outcome] for result in summary.results]
    request.session.modified = True
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Preview: import minutes",
        "batch": batch,
        "files": files,
        "counts": summary.as_json(),
        "to_import": sum(1 for file in files if file.writes),
        "open_details": len(files) <= OPEN_DETAILS,
        "can_map": request.user.has_perm("meetings.add_alias"),
        "max_age_minutes": uploads.MAX_AGE // 60,
    }
    return TemplateResponse(request, "admin/meetings/import_preview.html", context)


def confirm(request, batch, previewed):
    """Import the batch the preview showed, log it, and show the result."""
    summary = import_many(batch.files)
    log = ImportLog.objects.create(
        user=request.user, files=batch.sources, summary=log_summary(batch, summary)
    )
    # The same bytes in the same order, but someone may have imported something meanwhile.
    differ = [
        f"{result.source} (previewed as {LABELS[before]}, now {LABELS[result.outcome]})"
        for (_, before), result in zip(previewed, summary.results, strict=False)
        if before != result.outcome
    ]
    if differ:
        messages.warning(
            request,
            "The database changed between the preview and the import, so these files "
            "turned out otherwise: " + "; ".join(differ),
        )
    messages.success(request, f"Imported: {outcome_line(log.summary)}.")
    return redirect("admin:meetings_importlog_change", log.pk)


@dataclass
class OwnerRow:
    name: str
    # "person", "group" or "unresolved"
    resolves: str
    person: str = ""


@dataclass
class ItemRow:
    text: str
    status: str
    owners: list[OwnerRow]
    # For an updated meeting: "new", "text changed", or "" for an item kept as it was.
    change: str = ""
    # When an earlier meeting raised the item that this line repeats.
    raised: dt.date | None = None


@dataclass
class FilePreview:
    """What the preview shows of one file, read while the dry run's rows exist."""

    result: FileResult
    date: dt.date | None = None
    teams: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    actions: list[ItemRow] = field(default_factory=list)
    decisions: list[ItemRow] = field(default_factory=list)

    @property
    def label(self):
        return LABELS[self.result.outcome]

    @property
    def writes(self):
        return self.result.outcome in (Outcome.IMPORTED, Outcome.UPDATED)

    @property
    def kept_statuses(self):
        """Items the minutes still write whose status someone set: the update keeps it."""
        return [row for row in self.actions if row.change != "new" and row.status != "Open"]


def describe(result) -> FilePreview:
    file = FilePreview(result)
    meeting = result.meeting
    if meeting is None:
        return file
    file.date = meeting.date
    file.teams = [team.name for team in meeting.teams.all()]
    file.participants = [participant.name for participant in meeting.participations.all()]
    if result.outcome == Outcome.UNCHANGED:
        return file
    added = set(result.added)
    changed = {new for _, new in result.changed}
    mentions = (
        meeting.mentions.filter(removed=False)
        .order_by("position")
        .select_related("item")
        .prefetch_related(Prefetch("item__owners", queryset=Owner.objects.select_related("person")))
    )
    for mention in mentions:
        item = mention.item
        change = ""
        if result.outcome == Outcome.UPDATED and mention.text in added:
            change = "new"
        elif result.outcome == Outcome.UPDATED and mention.text in changed:
            change = "text changed"
        row = ItemRow(
            text=mention.text,
            status=item.get_status_display(),
            owners=[owner_row(owner) for owner in item.owners.all()],
            change=change,
            raised=item.raised if item.meeting_id != meeting.pk else None,
        )
        (file.actions if item.kind == Item.Kind.ACTION else file.decisions).append(row)
    return file


def owner_row(owner):
    if owner.is_group:
        return OwnerRow(owner.name, "group")
    if owner.person is not None:
        return OwnerRow(owner.name, "person", owner.person.handle)
    return OwnerRow(owner.name, "unresolved")


# Result and log


def log_summary(batch, summary):
    """What the import log keeps: the summary, where the files came from, each file's outcome."""
    return {
        **summary.as_json(),
        "origin": batch.origin,
        "skipped": batch.skipped,
        "files": [
            {
                "source": result.source,
                "outcome": result.outcome,
                "error": result.error,
                "meeting": result.meeting.pk if result.meeting else None,
                "action_items": result.action_items,
                "decisions": result.decisions,
                "added": result.added,
                "changed": [list(pair) for pair in result.changed],
                "removed": result.removed,
                "kept": result.kept,
                "warnings": result.warnings,
            }
            for result in summary.results
        ],
    }


def outcome_line(counts):
    return (
        f"{counts.get('imported', 0)} new, {counts.get('updated', 0)} updated, "
        f"{counts.get('unchanged', 0)} unchanged, {len(counts.get('failed', []))} failed"
    )


class ImportLogAdmin(admin.ModelAdmin):
    """Who imported what and when, read-only; an entry's page is its import's result."""

    list_display = ["created", "user", "origin", "outcomes"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    change_form_template = "admin/meetings/import_result.html"

    def has_view_permission(self, request, obj=None):
        # Whoever may import sees what imports did.
        return request.user.has_perm("meetings.add_meeting") or super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="from")
    def origin(self, log):
        return log.summary.get("origin", "")

    @admin.display(description="outcome")
    def outcomes(self, log):
        return outcome_line(log.summary)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"title": "Import result", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)


# Re-import


def reimport_from_disk(model_admin, request, queryset):
    """Read the meetings' files again from MINUTES_ROOT, and preview what would change."""
    if not settings.MINUTES_ROOT:
        model_admin.message_user(
            request,
            "Re-importing reads the minutes folder on the server, and none is configured: "
            "set MINUTES_ROOT to it. Nothing was re-imported.",
            messages.ERROR,
        )
        return None
    root = Path(settings.MINUTES_ROOT)
    if not root.is_dir():
        model_admin.message_user(
            request,
            f"MINUTES_ROOT is {root}, which is not a folder on the server. "
            "Nothing was re-imported.",
            messages.ERROR,
        )
        return None
    sources = queryset.order_by("source").values_list("source", flat=True)
    batch, missing = uploads.read_from_root(root, sources)
    if missing:
        model_admin.message_user(
            request,
            f"No file under {root} for: {', '.join(missing)}. These are not re-imported.",
            messages.ERROR,
        )
    if not batch.files:
        return None
    return redirect(keep_for_preview(request, batch))

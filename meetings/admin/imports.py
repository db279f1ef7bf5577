"""Importing minutes through the admin: upload, preview, confirm, result.

The log of each import, its result page, is ``meetings.admin.logs``. The
upload is kept by ``meetings.uploads`` (storage and a row, so any web
server can go on with it). The preview reads and writes nothing
(``meetings.preview``); confirming logs the import, then imports the very
same bytes. Up to ``IMPORT_INLINE_FILES`` files, both run in the request;
more are enqueued for the task worker (``meetings.tasks``) and the page polls
their progress (htmx) until the preview or the result is there. The result
page is the import's ``ImportLog`` entry, where an interrupted import can be
run again. The Meeting admin's "re-import" action reads meetings' files from
``MINUTES_ROOT`` and goes through the same preview.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_htmx.http import HttpResponseClientRefresh

from meetings import tasks, uploads
from meetings.admin import logs
from meetings.models import ImportLog, Upload

logger = logging.getLogger(__name__)
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

    class Media:
        css = {"all": ["admin/css/forms.css"]}

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
            "import/<uuid:upload_id>/",
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
        "media": model_admin.media + form.media,
        "form": form,
        "refusal": refusal,
        "max_bytes": uploads.size(settings.MINUTES_MAX_BYTES),
        "zip_max_bytes": uploads.size(settings.MINUTES_ZIP_MAX_BYTES),
        "zip_max_files": f"{settings.MINUTES_ZIP_MAX_FILES:,}",
    }
    return TemplateResponse(request, "admin/meetings/import_form.html", context, status=status)


def keep_for_preview(request, batch):
    """Keep a batch for its preview, and the preview's URL; a long preview goes to the worker."""
    upload = uploads.keep(batch, request.user)
    if not runs_inline(upload.count):
        tasks.enqueue_preview(upload)
    return reverse("admin:meetings_meeting_import_preview", args=[upload.pk])


def runs_inline(count):
    """Whether this many files are previewed and imported within the request."""
    return count <= settings.IMPORT_INLINE_FILES


# Preview and confirm


def preview(model_admin, request, upload_id):
    """What importing the upload would do (read, not written); POST imports it, or cancels."""
    require_import_permission(model_admin, request)
    upload = Upload.objects.filter(pk=upload_id, user=request.user).first()
    if upload is not None and upload.imports.exists():
        log = upload.imports.first()
        messages.info(request, "That upload is imported already, or being imported: here it is.")
        return redirect("admin:meetings_importlog_change", log.pk)
    if upload is None or uploads.expired(upload) or (upload.preview or {}).get("gone"):
        if upload is not None:
            uploads.discard(upload)
        messages.error(
            request,
            "That preview is out of date: it expired, was imported already, or was "
            "cancelled. Nothing was imported; upload the files again.",
        )
        return redirect("admin:meetings_meeting_import")

    if request.method == "POST" and "cancel" in request.POST:
        uploads.discard(upload)
        messages.info(request, "Nothing was imported, and the upload is deleted.")
        return redirect("admin:meetings_meeting_import")

    if upload.preview is None and runs_inline(upload.count):
        tasks.make_preview(upload)
    if upload.preview is None:
        if tasks.restart_stale_preview(upload):
            messages.warning(
                request, "The preview stopped part-way (its worker ended); it runs again."
            )
        return waiting_page(model_admin, request, upload)
    if "failed" in upload.preview:
        uploads.discard(upload)
        messages.error(
            request,
            f"The preview could not be made ({upload.preview['failed']}). Nothing was "
            "imported; the error is in the task worker's log.",
        )
        return redirect("admin:meetings_meeting_import")
    if request.htmx:
        # The page polled for the preview, and it is ready: show it whole.
        return HttpResponseClientRefresh()

    refusal = None
    if request.method == "POST":
        if danger(upload.preview) and not request.POST.get("accept"):
            refusal = (
                "This import changes meetings already imported (in red below). Tick the box "
                "to say you mean it, or cancel. Nothing was imported."
            )
        else:
            return confirm(request, upload)
    return preview_page(model_admin, request, upload, refusal)


def danger(preview):
    return [(f["source"], note) for f in preview["files"] for note in f.get("danger", [])]


def waiting_page(model_admin, request, upload):
    """The preview is being made by the worker: its progress, polled until it is ready."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Preview: import minutes",
        "media": model_admin.media,
        "upload": upload,
        "what": "Reading the files for the preview",
        "done": upload.progress,
        "total": upload.count,
        "waited": (timezone.now() - upload.created).total_seconds(),
        "worker_missing_after": logs.WORKER_MISSING_AFTER,
        "poll_url": request.path,
    }
    template = "admin/meetings/_import_progress.html"
    if not request.htmx:
        template = "admin/meetings/import_waiting.html"
    return TemplateResponse(request, template, context)


def preview_page(model_admin, request, upload, refusal=None):
    files = upload.preview["files"]
    for file in files:
        file["day"] = dt.date.fromisoformat(file["date"]) if file.get("date") else None
    counts = upload.preview["counts"]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Preview: import minutes",
        "media": model_admin.media,
        "upload": upload,
        "skipped": upload.preview.get("skipped", []),
        "files": files,
        "counts": counts,
        "danger": danger(upload.preview),
        "refusal": refusal,
        "to_import": counts["imported"] + counts["updated"],
        "open_details": len(files) <= OPEN_DETAILS,
        "can_map": request.user.has_perm("meetings.add_alias"),
        "max_age_minutes": uploads.MAX_AGE // 60,
        "in_background": not runs_inline(upload.count),
    }
    status = 400 if refusal else 200
    return TemplateResponse(request, "admin/meetings/import_preview.html", context, status=status)


def confirm(request, upload):
    """Log the import, then run it here (a few files) or in the worker; show its log."""
    log = tasks.start_import(upload, request.user)
    if log is None:
        messages.error(request, "That upload is being imported already: see the import log.")
        return redirect("admin:meetings_importlog_changelist")
    if runs_inline(upload.count):
        try:
            tasks.run_import(log.pk)
        except Exception:
            # The log says the import stopped, and offers to run it again.
            logger.exception("The import of log %s stopped", log.pk)
        log.refresh_from_db()
        if log.state == ImportLog.State.DONE:
            messages.success(request, f"Imported: {logs.outcome_line(log.summary)}.")
    else:
        log.task = tasks.import_upload.enqueue(log.pk).id
        log.save(update_fields=["task"])
    return redirect("admin:meetings_importlog_change", log.pk)


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

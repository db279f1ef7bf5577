"""The import log in the admin: who imported what, and when; an entry's page is its result."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from meetings import tasks
from meetings.models import Digest, ImportLog

# Waiting this long (seconds) for a worker to pick a task up, the page asks whether one runs.
WORKER_MISSING_AFTER = 15


def outcome_line(counts):
    return (
        f"{counts.get('imported', 0)} new, {counts.get('updated', 0)} updated, "
        f"{counts.get('unchanged', 0)} unchanged, {len(counts.get('failed', []))} failed"
    )


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """Who imported what and when, read-only; an entry's page is its import's result."""

    list_display = ["created", "user", "origin", "progress", "outcomes"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    change_form_template = "admin/meetings/import_result.html"

    class Media:
        css = {"all": ["meetings/import.css"]}

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

    @admin.display(description="state")
    def progress(self, log):
        if log.state == ImportLog.State.DONE:
            return f"done ({log.total} files)"
        return f"{log.get_state_display().lower()}: {log.done} of {log.total} files"

    def get_urls(self):
        resume_view = self.admin_site.admin_view(require_POST(self.resume_view))
        resume = path("<int:log_id>/resume/", resume_view, name="meetings_importlog_resume")
        return [resume, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        ImportLog.objects.mark_interrupted()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The import's result; while it runs, its progress (polled by htmx)."""
        ImportLog.objects.mark_interrupted()
        log = ImportLog.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if log is not None and request.htmx:
            if not log.unfinished:
                return HttpResponseClientRefresh()
            if not self.has_view_permission(request, log):
                raise PermissionDenied
            return TemplateResponse(
                request, "admin/meetings/_import_progress.html", self.progress_context(log)
            )
        extra = {"title": "Import result", **(extra_context or {})}
        if log is not None:
            extra.update(self.progress_context(log))
        return super().change_view(request, object_id, form_url, extra)

    def progress_context(self, log):
        return {
            "log": log,
            "what": "Importing",
            "done": log.done,
            "total": log.total,
            "waited": (timezone.now() - log.created).total_seconds(),
            "queued": log.state == ImportLog.State.QUEUED,
            "worker_missing_after": WORKER_MISSING_AFTER,
            "poll_url": reverse("admin:meetings_importlog_change", args=[log.pk]),
        }

    def resume_view(self, request, log_id):
        """Run an interrupted import again: the files it imported are unchanged, the rest import."""
        if not request.user.has_perm("meetings.add_meeting"):
            raise PermissionDenied
        log = get_object_or_404(ImportLog, pk=log_id)
        if tasks.resume(log):
            messages.info(request, "The import runs again; the files it imported are kept.")
        else:
            messages.error(request, "That import is not interrupted: nothing to run again.")
        return redirect("admin:meetings_importlog_change", log.pk)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """The digests sent, read-only: to whom, for which period, with how many items."""

    list_display = ["sent", "person", "period", "open_items", "changes"]
    list_select_related = ["person"]
    list_filter = ["sent"]
    search_fields = ["person__handle", "period"]
    date_hierarchy = "sent"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

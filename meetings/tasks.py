"""Work that runs in the task worker (``manage.py db_worker``), not in a web request.

Through Django's tasks framework (``django_tasks``, the backport of Django 6's
``django.tasks``): which backend runs them is a setting (``TASKS``). The
admin enqueues a preview or an import of more than a few files, and shows
the progress these tasks write on their rows; fewer files run the same
functions in the request.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from meetings import charts, digests, uploads
from meetings.importing import Outcome, import_many
from meetings.models import ImportLog, Meeting, Person, Team, Upload
from meetings.preview import preview_files

logger = logging.getLogger(__name__)

# What an import did to a meeting that makes it the meeting's provenance.
WRITTEN = (Outcome.IMPORTED, Outcome.UPDATED)


@task()
def preview_upload(upload_id: str):
    make_preview(Upload.objects.get(pk=upload_id))


@task()
def import_upload(log_id: int):
    run_import(log_id)


def make_preview(upload):
    """Preview an upload (reading only), keeping its progress and its result on its row."""
    batch = uploads.load(upload)
    if batch is None:
        upload.preview = {"gone": True}
    else:

        def progress(done, total):
            Upload.objects.filter(pk=upload.pk).update(progress=done, updated=timezone.now())

        try:
            upload.preview = {**preview_files(batch.files, progress), "skipped": batch.skipped}
        except Exception as error:
            # Said on the page, rather than a preview awaited for ever; the traceback is logged.
            logger.exception("The preview of upload %s failed", upload.pk)
            upload.preview = {"failed": f"{type(error).__name__}: {error}"}
    upload.progress = upload.count
    upload.save(update_fields=["preview", "progress"])
    return upload


def enqueue_preview(upload):
    upload.task = preview_upload.enqueue(str(upload.pk)).id
    upload.updated = timezone.now()
    upload.save(update_fields=["task", "updated"])


def restart_stale_preview(upload):
    """Enqueue again a preview whose worker took it and then went silent (killed, say).

    A preview reads only, so running it twice does no harm; one still waiting
    for a worker is left waiting.
    """
    stale = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if not upload.task or upload.updated >= stale:
        return False
    try:
        status = preview_upload.get_result(upload.task).status
    except TaskResultDoesNotExist:
        status = None
    if status == TaskResultStatus.READY:
        return False
    enqueue_preview(upload)
    return True


def start_import(upload, user):
    """Log the import of an upload before it starts; None if it was confirmed already.

    The upload's row is locked while its log is written, so that a second click
    (on this server or another) finds the first one's log and imports nothing.
    """
    with transaction.atomic():
        locked = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if locked is None or locked.imports.exists():
            return None
        return ImportLog.objects.create(
            user=user,
            upload=locked,
            files=[file["source"] for file in (locked.preview or {}).get("files", [])],
            total=locked.count,
            summary={"origin": locked.origin},
            digest=locked.digest,
        )


def run_import(log_id):
    """Import the upload an import log names, file by file, and complete the log.

    Running it again (after an interruption) is safe: files imported already
    are unchanged, recognised by their hash, and the rest are imported.
    """
    log = ImportLog.objects.select_related("upload").get(pk=log_id)
    if log.state == ImportLog.State.DONE:
        return
    batch = uploads.load(log.upload) if log.upload else None
    if batch is None:
        log.state = ImportLog.State.INTERRUPTED
        log.error = (
            "The uploaded files are no longer kept (they expired), so the import cannot "
            "run. Upload them again: what was imported already is recognised."
        )
        log.save(update_fields=["state", "error"])
        return
    log.files = batch.sources
    log.state, log.done, log.total = ImportLog.State.RUNNING, 0, len(batch.files)
    log.error, log.updated = "", timezone.now()
    log.save(update_fields=["files", "state", "done", "total", "error", "updated"])
    failed_early = sum(1 for _, data in batch.files if isinstance(data, Exception))

    def progress(result, done, total):
        ImportLog.objects.filter(pk=log.pk).update(done=failed_early + done, updated=timezone.now())

    try:
        summary = import_many(batch.files, progress=progress)
    except Exception as error:
        # The files imported so far stay imported; the log says where it stopped.
        ImportLog.objects.filter(pk=log.pk).update(
            state=ImportLog.State.INTERRUPTED,
            error=f"The import stopped: {type(error).__name__}. Run it again to finish it.",
        )
        raise
    written = [r.meeting.pk for r in summary.results if r.outcome in WRITTEN and r.meeting]
    Meeting.objects.filter(pk__in=written).update(import_log=log)
    log.summary = log_summary(batch, summary, (log.upload.preview or {}).get("files", []))
    log.state, log.done, log.finished = ImportLog.State.DONE, log.total, timezone.now()
    log.updated = log.finished
    log.save(update_fields=["summary", "state", "done", "finished", "updated"])
    uploads.discard(log.upload)


def resume(log):
    """Run an interrupted import again, in the worker; False if it is not interrupted."""
    claimed = ImportLog.objects.filter(pk=log.pk, state=ImportLog.State.INTERRUPTED).update(
        state=ImportLog.State.QUEUED, error="", updated=timezone.now()
    )
    if not claimed:
        return False
    result = import_upload.enqueue(log.pk)
    ImportLog.objects.filter(pk=log.pk).update(task=result.id)
    return True


def log_summary(batch, summary, previewed=()):
    """What the import log keeps: the summary, where the files came from, each file's outcome.

    ``differ`` names the files that turned out otherwise than their preview
    said: someone imported something between the two.
    """
    labels = {"imported": "new", "updated": "updated", "unchanged": "unchanged", "failed": "error"}
    return {
        **summary.as_json(),
        "origin": batch.origin,
        "skipped": batch.skipped,
        # The preview lists the files in the order the import takes them.
        "differ": [
            {
                "source": r.source,
                "previewed": labels[before["outcome"]],
                "outcome": labels[r.outcome],
            }
            for before, r in zip(previewed, summary.results, strict=False)
            if before["source"] == r.source and before["outcome"] != r.outcome
        ],
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


@task()
def send_digests(team: str = ""):
    """The digests due today (``manage.py send_digests --queue``), of one team's people or all."""
    report = digests.send_digests(Team.objects.named(team) if team else None)
    logger.info("Sent %d digests; %d not sent", len(report.sent), len(report.skipped))
    return len(report.sent)


@task()
def draw_charts(kind: str, pk: int, small: bool = False):
    """A team's or person's charts drawn anew after a change, for every page to show."""
    try:
        charts.draw_and_keep(kind, pk, small, unless_current=True)
    except (Team.DoesNotExist, Person.DoesNotExist):
        return  # gone since: nothing to draw

"""A run of the importer: files in date order, each in a transaction of its own.

A broken file writes nothing and the others still import; what the importer
remembers from a file is forgotten with it. A lost connection is tried again
a few times; a database that stays away stops the run, saying so. An
unexpected error fails its file, is logged with the file named, and the run
goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.db import DatabaseError, InterfaceError, OperationalError, transaction

from meetings.importing import provenance
from meetings.importing.files import default_root, read_minutes, source_name
from meetings.importing.importer import Importer
from meetings.importing.results import FileResult, Outcome, Refused, Summary
from meetings.people import learn

logger = logging.getLogger(__name__)

# Waits (seconds) before trying a file again when the connection failed: a
# database restarting is back within them. Files failing so this many times
# in a row stop the run: the database is down, the other files would fail too.
RETRY_DELAYS = (0.5, 1.0, 2.0)
UNAVAILABLE_AFTER = 3


def import_paths(
    paths: list[Path],
    *,
    root: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[FileResult, int, int], None] | None = None,
) -> Summary:
    """Import the minutes files at ``paths`` (files or folders), oldest meeting first.

    Paths under a root given, or under the folders named, name their meetings
    even without a folder of their own; a file named alone is known by its path
    only when that has folders.
    """
    by_path = root is not None or all(path.is_dir() for path in paths)
    root = root or default_root(paths)
    found, skipped = read_minutes(paths)
    uploads = [(source_name(path, root), data) for path, data in found]
    committed = provenance.origins(paths, [path for path, _ in found])
    origins = {
        source_name(path, root): committed[path.resolve()]
        for path, _ in found
        if path.resolve() in committed
    }
    summary = import_many(
        uploads, dry_run=dry_run, progress=progress, by_path=by_path, origins=origins
    )
    summary.skipped = [source_name(path, root) for path in skipped]
    return summary


def import_many(uploads, *, dry_run=False, progress=None, by_path=False, origins=None) -> Summary:
    """Import ``(source, bytes)`` pairs, oldest meeting first, one transaction each.

    A dry run goes through exactly the same steps and rolls them all back.
    ``by_path``: every source is a path from the minutes root, even a bare file
    name; otherwise a bare name is a file uploaded without its folder, which
    names no meeting by itself. ``origins``: {source: provenance.Origin}, the
    commit each file read from a git work tree is at.
    """
    summary = Summary()
    readable = []
    for source, data in uploads:
        if isinstance(data, Exception):
            summary.results.append(FileResult(source, Outcome.FAILED, error=f"{source}: {data}"))
        else:
            readable.append((source, data))
    try:
        importer, pending = retried(lambda: _start(readable, by_path, origins or {}))
    except DatabaseUnavailable as error:
        _stop(summary, [source for source, _ in readable], error, progress)
        return summary
    # A real run commits file by file; a dry run wraps them all to roll them back.
    with transaction.atomic() if dry_run else nullcontext():
        unavailable = 0  # files in a row the database did not answer for
        for done, prepared in enumerate(pending, 1):
            try:
                result = import_one(importer, prepared)
            except DatabaseUnavailable as error:
                unavailable += 1
                if unavailable >= UNAVAILABLE_AFTER or error.transaction_lost:
                    rest = [p.source for p in pending[done - 1 :]]
                    _stop(
                        summary,
                        rest,
                        error,
                        progress,
                        done=done - 1,
                        total=len(pending),
                        before=unavailable - 1,
                    )
                    break
                result = FileResult(prepared.source, Outcome.FAILED, error=error.message(prepared))
            else:
                if result.outcome != Outcome.FAILED or prepared.minutes is not None:
                    unavailable = 0  # the database answered
            summary.results.append(result)
            if progress:
                progress(result, done, len(pending))
        if importer.needs_learning:
            # New spellings of people: who is who, learned again from the whole corpus.
            learn()
        importer.keep_counts()
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _start(readable, by_path, origins):
    importer = Importer((source for source, _ in readable), by_path=by_path, origins=origins)
    pending = [importer.prepare(source, data) for source, data in readable]
    importer.look_around(pending)
    # Date order, so that an item raised again later is a mention of the earlier one.
    pending.sort(key=lambda p: (p.date, p.source))
    return importer, pending


def import_one(importer, prepared) -> FileResult:
    """Write one file in a transaction of its own; a failure becomes its FileResult.

    Raises DatabaseUnavailable when the connection fails and keeps failing.
    """
    if prepared.error:
        return FileResult(prepared.source, Outcome.FAILED, error=prepared.error)
    if prepared.minutes is None:
        # Unchanged since imported: nothing to write, and what it holds was read up front.
        return importer.unchanged(prepared.meeting, prepared.source)
    attempts = 0

    def attempt():
        nonlocal attempts
        attempts += 1
        importer.known.undo = []
        try:
            with transaction.atomic():
                if attempts > 1:
                    done = importer.written_already(prepared)
                    if done:
                        return done
                return importer.write(prepared)
        except BaseException:
            importer.forget()
            raise

    try:
        return retried(attempt)
    except DatabaseUnavailable:
        raise
    except Refused as error:
        return FileResult(prepared.source, Outcome.FAILED, error=str(error))
    except DatabaseError as error:
        logger.exception("the database refused %s", prepared.source)
        return FileResult(
            prepared.source,
            Outcome.FAILED,
            error=(
                f"{prepared.source}: not imported: the database refused it"
                f" ({type(error).__name__}); the server log has the details"
            ),
        )
    except Exception as error:  # one broken file must not stop the others
        logger.exception("importing %s failed", prepared.source)
        first_line = (str(error).splitlines() or [""])[0][:200]
        return FileResult(
            prepared.source,
            Outcome.FAILED,
            error=f"{prepared.source}: not imported: {type(error).__name__}: {first_line}",
        )


def _stop(summary, sources, error, progress, *, done=0, total=None, before=0):
    """End the run: the database is unavailable, and ``sources`` are not imported.

    ``before`` files just before them failed for it too and are counted with them.
    """
    count = before + len(sources)
    summary.stopped = (
        f"database unavailable: {error.reason}; the import stopped"
        f" ({count} file{'s' if count != 1 else ''} not imported)"
    )
    total = total or len(sources)
    for source in sources:
        result = FileResult(
            source, Outcome.FAILED, error=f"{source}: not imported: the database is unavailable"
        )
        summary.results.append(result)
        done += 1
        if progress:
            progress(result, done, total)


class DatabaseUnavailable(Exception):
    """The connection to the database failed, again after waiting: the database is down."""

    def __init__(self, error, attempts, *, transaction_lost=False):
        super().__init__(str(error))
        self.reason = (
            f"the connection failed {attempts} time{'s' if attempts != 1 else ''}"
            f" ({type(error).__name__})"
        )
        # Inside a transaction that enclosed the run (a dry run) nothing can be tried again.
        self.transaction_lost = transaction_lost

    def message(self, prepared):
        return f"{prepared.source}: not imported: the database is unavailable ({self.reason})"


def retried(step):
    """``step()``, run again after a short wait while the connection to the database fails.

    Raises DatabaseUnavailable when it still fails after the last wait, or at
    once when a transaction around this call was lost with the connection.
    """
    connection = transaction.get_connection()
    for attempt, delay in enumerate((*RETRY_DELAYS, None), 1):
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if connection.needs_rollback:
                logger.exception("database connection lost inside a transaction")
                raise DatabaseUnavailable(error, attempt, transaction_lost=True) from error
            if delay is None:
                logger.exception("database unavailable after %d attempts", attempt)
                raise DatabaseUnavailable(error, attempt) from error
            logger.warning("database error, trying again in %.1f s: %s", delay, error)
            if not connection.in_atomic_block:
                # A broken connection is not reopened by itself outside a request.
                connection.close_if_unusable_or_obsolete()
            time.sleep(delay)
    raise AssertionError("unreachable")

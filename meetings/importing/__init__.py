"""Writing parsed minutes into the database: the one path the command, the admin and the
background task share.

Each file is imported in a transaction of its own, so a broken file writes
nothing and the others still import (``run``). Importing is idempotent: a
meeting is known by its source path (relative to the minutes root) and its
content hash tells an unchanged file from an edited one, which is then not
even parsed (``files``). A file without its folder (uploaded alone) is a
meeting already there only when the date and teams agree, or when its front
matter names the file it ``replaces`` (``deciding``, over what ``known``
read up front). An edited file updates its meeting in place; its items keep
their ids and statuses where the minutes still write them (or nearly: a
typo fix), and an item whose line is gone is marked removed, never deleted
(``writing``).
"""

from meetings.importing.deciding import owners_and_speakers
from meetings.importing.files import looks_like_minutes, read_minutes
from meetings.importing.importer import Importer
from meetings.importing.results import FileResult, Outcome, Refused, Summary
from meetings.importing.run import DatabaseUnavailable, import_many, import_paths

__all__ = [
    "DatabaseUnavailable",
    "FileResult",
    "Importer",
    "Outcome",
    "Refused",
    "Summary",
    "import_many",
    "import_paths",
    "looks_like_minutes",
    "owners_and_speakers",
    "read_minutes",
]

"""Where files read from disk come from: the git commit they are at, when they are in one.

A meeting imported from a folder inside a git work tree records the commit
(``HEAD``) and the file's path from the repository's top, so that each of
its lines can link to the file at that commit. Only a file as committed
gets one: a file modified since, staged, or not in the repository at all
would make the links point at lines that say something else. No git, or
no work tree: no commit, and no error.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Origin:
    commit: str
    path: str  # from the repository's top, with "/"


def origins(paths: list[Path], files: list[Path]) -> dict[Path, Origin]:
    """{file: its Origin} for the ``files`` read from ``paths`` that are as committed.

    Files are keyed by their resolved path. Git is asked a few times per
    path given, not per file.
    """
    found = {}
    for path in paths:
        folder = path if path.is_dir() else path.parent
        try:
            top, commit = git(folder, "rev-parse", "--show-toplevel", "HEAD").splitlines()
            tracked = set(git(folder, "ls-files", "-z", "--full-name").split("\0"))
            changed = changed_files(git(folder, "status", "--porcelain", "-z"))
        except (OSError, subprocess.SubprocessError, ValueError):
            continue  # no git, no work tree, no commit yet
        top = Path(top)
        for file in files:
            try:
                name = file.resolve().relative_to(top).as_posix()
            except ValueError:
                continue  # another path's
            if name in tracked and name not in changed:
                found[file.resolve()] = Origin(commit, name)
    return found


def git(folder, *arguments):
    return subprocess.run(
        ["git", "--no-optional-locks", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT_SECONDS,
        check=True,
    ).stdout.strip("\n")


def changed_files(status):
    """The paths ``git status --porcelain -z`` lists: modified, staged, renamed, untracked."""
    entries = status.split("\0")
    changed = set()
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        changed.add(entry[3:])
        if entry[0] in "RC":
            # A rename or copy: the next entry is the path it came from.
            changed.add(entries[index])
            index += 1
    return changed

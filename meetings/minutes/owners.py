"""Who a line of minutes is about: its speaker or owner prefix.

A prefix is a list of names before the first ": " (``RD/AJ: Post on social
media``) or, in an action item, before " to " (``AJ to fix ...``). A name is
initials, a participant's handle or first name, or a group. Any other word
before a colon is a label (``Timeline:``, ``CloudFest:``), and the line has no
prefix. Names are returned exactly as written; who they are is decided later,
by the tracker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meetings.names import GROUP_KEYS, first_name, is_initials, name_key

# Names are short, so only the start of a line is searched for a prefix: a
# 500 KB line costs no more here than a short one, and no regex sees more.
PREFIX_WINDOW = 120

NAME_SEPARATOR = re.compile(r"\s*[/,+&]\s*(?:and\s+)?|\s+and\s+")
TODO_LABEL = re.compile(r"todo(?::|\s)", re.IGNORECASE)

# A word that reads like a first name ("Razvan"), accepted next to a known
# name in a list ("Razvan, Vlad and Maria") even if that person did not sign in.
MAX_NAME_LENGTH = 24


@dataclass
class Prefix:
    """A recognised prefix: the names as written, and the rest of the line.

    ``names`` is empty for ``TODO: text``, an action item with no owner.
    ``text`` is empty for a bare prefix (``MS:`` on a line of its own).
    """

    names: list[str]
    text: str

    @property
    def is_bare(self) -> bool:
        return not self.text


class Names:
    """Recognises names, given the meeting's participants."""

    def __init__(self, participants: list[str]):
        self.handles = {name_key(p) for p in participants}
        self.first_names = {name_key(n) for p in participants if (n := first_name(p))}

    def is_known(self, name: str) -> bool:
        if not name:
            return False
        if is_initials(name):
            return True
        key = name_key(name)
        if key in GROUP_KEYS or key in self.handles or key in self.first_names:
            return True
        # "RaduN" or "DanU" for a participant who signed in as "Radu" or "Dan".
        given = first_name(name)
        return given is not None and given != name and name_key(given) in self.first_names

    def split(self, text: str) -> list[str] | None:
        """The names in ``RD, AJ and Marco``, or None when it is not a list of names.

        Every entry must look like a name and at least one must be known, so
        ``Plan`` or ``Ping people SMP + Firecracker support`` are not names.
        """
        if not text or len(text) > PREFIX_WINDOW:
            return None
        names = NAME_SEPARATOR.split(text.strip())
        if not all(
            self.is_known(n) or looks_like_a_name(n) or looks_like_a_handle(n) for n in names
        ):
            return None
        if not any(self.is_known(n) for n in names):
            return None
        return names


def looks_like_a_name(word: str) -> bool:
    """One capitalised word, like ``Razvan``."""
    return (
        len(word) <= MAX_NAME_LENGTH and word.isalpha() and word[0].isupper() and word[1:].islower()
    )


def could_be_a_name(word: str) -> bool:
    return looks_like_a_name(word) or looks_like_a_handle(word)


def looks_like_a_handle(word: str) -> bool:
    """A CamelCase handle, first name and surname or its initial: ``TeoTiron``, ``RazvanD``.

    Accepted only next to a name known otherwise (``MS / TeoTiron: <link>``), so
    ``CloudFest:`` alone stays a label.
    """
    return (
        len(word) <= MAX_NAME_LENGTH
        and word.isalpha()
        and word[0].isupper()
        and word[1:2].islower()
        and any(c.isupper() for c in word[2:])
    )


def speaker_prefix(line: str, names: Names) -> Prefix | None:
    """``SPEAKER: text``, the prefix of a statement in the discussions."""
    split = split_at_colon(line)
    if split is None:
        return None
    head, text = split
    found = names.split(head)
    return Prefix(found, text) if found else None


def owner_prefix(line: str, names: Names) -> Prefix | None:
    """The owners of an action item: ``RD: ...``, ``AJ to ...``, ``TODO RD: ...``."""
    if TODO_LABEL.match(line[:5]):
        return todo_prefix(line, names)
    return speaker_prefix(line, names) or to_verb_prefix(line, names)


def todo_prefix(line: str, names: Names) -> Prefix | None:
    """``TODO: text`` (no owner), ``TODO: Everyone: text`` and ``TODO RD: text``."""
    rest = line[4:]
    if rest.startswith(":"):
        rest = rest[1:].strip()
        return speaker_prefix(rest, names) or to_verb_prefix(rest, names) or Prefix([], rest)
    # Without its colon, TODO is only a label in front of an owner prefix.
    return speaker_prefix(rest.strip(), names)


def to_verb_prefix(line: str, names: Names) -> Prefix | None:
    """``AJ to fix merge pipeline`` → owners AJ, text ``fix merge pipeline``."""
    cut = line.find(" to ", 0, PREFIX_WINDOW)
    if cut == -1:
        return None
    found = names.split(line[:cut])
    text = line[cut + 4 :].strip()
    return Prefix(found, text) if found and text else None


def name_line(line: str, names: Names) -> Prefix | None:
    """A line holding only names (``RăzvanD / Teo``), as a bare prefix."""
    head = line.strip().removesuffix(":")
    found = names.split(head)
    return Prefix(found, "") if found else None


def split_at_colon(line: str) -> tuple[str, str] | None:
    """The text before the first ": " (or a final ":"), and the text after it."""
    cut = line.find(": ", 0, PREFIX_WINDOW)
    if cut != -1:
        return line[:cut].strip(), line[cut + 2 :].strip()
    if len(line) <= PREFIX_WINDOW:
        stripped = line.rstrip()
        if stripped.endswith(":"):
            return stripped[:-1].strip(), ""
    return None

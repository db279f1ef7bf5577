"""What a name says by itself: its words, first name, surname, initials, and whether it is a person.

Plain functions on strings; which person a name is depends on the meeting,
its team and the whole corpus, and is the business of ``directory`` and
``resolving``.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from meetings.minutes.owners import GROUP_NAMES, PLACEHOLDER_NAMES
from meetings.models import name_key

GROUP_KEYS = frozenset(name_key(name) for name in GROUP_NAMES)
PLACEHOLDER_KEYS = frozenset(name_key(name) for name in PLACEHOLDER_NAMES)

# What is written in brackets after a name: `Marc Rittinghaus (MR)`, `Marin (`adminy`)`.
BRACKETED = re.compile(r"\(([^)]*)\)")
NOT_A_WORD = re.compile(r"[\W_]+")


def is_group(name):
    return name_key(name) in GROUP_KEYS


def is_placeholder(name):
    """``TO FILL``, ``TBD``, ``?``, ``[someone]``: a name still to come, not a person."""
    stripped = name.strip()
    return (
        name_key(stripped) in PLACEHOLDER_KEYS
        or not any(c.isalpha() for c in stripped)
        or (stripped.startswith("[") and stripped.endswith("]"))
    )


def words(name):
    """The words of a handle or full name, CamelCase split: ``RăzvanD`` → Răzvan, D."""
    found = []
    for chunk in NOT_A_WORD.split(BRACKETED.sub(" ", name)):
        start = 0
        for i in range(1, len(chunk)):
            if chunk[i].isupper() and chunk[i - 1].islower():
                found.append(chunk[start:i])
                start = i
        if chunk:
            found.append(chunk[start:])
    return found


def bracketed(name):
    """What a participant added in brackets, backquotes aside: ``Marin (`adminy`)`` → adminy."""
    return [text.strip(" `") for text in BRACKETED.findall(name) if text.strip(" `")]


def without_brackets(name):
    """A participant's name without what follows in brackets: ``Marc Rittinghaus (MR)``."""
    return " ".join(BRACKETED.sub(" ", name).split())


def plain(text):
    """Without accents: ``Ștefan`` → Stefan."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def looks_like_initials(name):
    """Two to four capitals, perhaps with one lower-case letter inside: ``RD``, ``RdS``."""
    bare = plain(name)
    upper = sum(c.isupper() for c in bare)
    lower = sum(c.islower() for c in bare)
    return (
        bare.isalpha()
        and bare[:1].isupper()
        and 2 <= upper <= 4
        and lower <= 1
        and not bare[-1].islower()
    )


class Kind:
    FULL = "full"  # first name and surname: `Simon Kuenzer`, `TeoTiron`
    HANDLE = "handle"  # first name and the surname's initial: `SimonK`, `Razvan V`
    FIRST = "first"  # one word: `Simon`, `adminy`
    INITIALS = "initials"  # `SK`
    GROUP = "group"
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class Spelling:
    """A way of writing a person, read as far as it goes by itself.

    Keys are ``name_key``s: case and accents do not count. ``surname`` is
    the whole surname where written; ``initial`` its first letter, written
    or derived.
    """

    text: str
    kind: str
    first: str = ""
    surname: str = ""
    initial: str = ""
    # Initials written next to the name: `Marc Rittinghaus (MR)`.
    declared: tuple[str, ...] = ()
    # Handles written next to it: `Marin (`adminy`)`, `Alex Palmer (pluto)`.
    nicknames: tuple[str, ...] = field(default=())

    @property
    def key(self):
        return name_key(self.text)

    @property
    def initials(self):
        """The initials this spelling gives a person (keys), written or derived."""
        found = set(self.declared)
        if self.first and self.initial:
            found.add(self.first[0] + self.initial)
        return found

    @property
    def handle_key(self):
        """``simonk`` for `Simon Kuenzer`, `SimonK` and `Simon K`."""
        return self.first + self.initial if self.first and self.initial else ""


@lru_cache(maxsize=65536)
def spelling(text):
    """Read a participant's, owner's or speaker's name: what kind of name it is, and its parts.

    Names repeat (a corpus writes `RD` thousands of times): the reading is kept.
    """
    text = " ".join(text.split())
    if is_group(text):
        return Spelling(text, Kind.GROUP)
    if is_placeholder(text):
        return Spelling(text, Kind.PLACEHOLDER)
    declared, nicknames = [], []
    for extra in bracketed(text):
        if looks_like_initials(extra):
            declared.append(name_key(extra))
        elif len(extra.split()) == 1 and any(c.isalpha() for c in extra):
            nicknames.append(name_key(extra))
        # Anything else in brackets is a note: `Carol Bontas (came later)`.
    base = without_brackets(text) or text
    extras = {"declared": tuple(declared), "nicknames": tuple(nicknames)}
    if " " not in base and looks_like_initials(base):
        return Spelling(base, Kind.INITIALS, **extras)
    spaced = base.split()
    parts = spaced if len(spaced) >= 2 else words(base)
    parts = [part for part in parts if any(c.isalnum() for c in part)]
    if not parts:
        return Spelling(base, Kind.PLACEHOLDER)
    first = name_key(parts[0])
    if len(parts) == 1:
        return Spelling(base, Kind.FIRST, first=first, **extras)
    last = parts[-1].rstrip(".")
    if len(last) == 1 or (len(spaced) < 2 and last.isupper()):
        # `RăzvanD`, `Razvan V`, `Sairaj K.`: only the surname's initial.
        return Spelling(base, Kind.HANDLE, first=first, initial=name_key(last[0]), **extras)
    surname = name_key(last)
    return Spelling(base, Kind.FULL, first=first, surname=surname, initial=surname[:1], **extras)

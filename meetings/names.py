"""The rules about names, written once: plain Python, no Django.

Identity (``name_key``), initials, first names, groups, placeholders and
labels, and what a name says by itself (``spelling``: its words, first name,
surname, initials). The parser (``meetings.minutes``), the resolver
(``meetings.people``), matching, the models and the views all read names
through this module; which person a name is depends on the meeting, its team
and the whole corpus, and is the business of ``meetings.people``.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Owners that stand for several people rather than one: the tracker shows
# their items to everyone at the meeting, and the parser reads them as owners.
GROUP_NAMES = (
    "Everyone",
    "Everybody",
    "All",
    "All of us",
    "Community leaders",
    "Mentors",
    "Mentees",
    "Owners",
    "Team",
)
# Written where a name is still to come: no person, and no group.
PLACEHOLDER_NAMES = ("TO FILL", "TODO", "TBD", "TBA", "N/A", "someone", "somebody", "nobody")
# Shaped like initials, used as labels: "TODO: ...", "HINT: ...". TOOD is a
# typo the minutes really contain.
LABELS = frozenset({"TODO", "TODOS", "TOOD", "NOTE", "HINT", "FYI", "TBD", "WIP"})

# What is written in brackets after a name: `Marc Rittinghaus (MR)`, `Marin (`adminy`)`.
BRACKETED = re.compile(r"\(([^)]*)\)")
NOT_A_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def name_key(text):
    """The identity of a name: case, accents, spaces and hyphens do not count.

    ``RăzvanD`` and ``RazvanD`` are one person; ``Plat Re-Arch`` and
    ``plat-rearch`` are one team; ``Community leaders`` and ``community-leaders``
    one group. Names repeat: the key of each is kept.
    """
    return "".join(c for c in plain(text).casefold() if c not in " -_\t")


def plain(text):
    """Without accents: ``Ștefan`` → Stefan."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


GROUP_KEYS = frozenset(name_key(name) for name in GROUP_NAMES)
PLACEHOLDER_KEYS = frozenset(name_key(name) for name in PLACEHOLDER_NAMES)


def is_group(name):
    return name_key(name) in GROUP_KEYS


def is_placeholder(name):
    """``TO FILL``, ``TBD``, ``?``, ``[someone]``: a name still to come, not a person.

    A label where a name would be (``FYI``, ``WIP``) is no one either.
    """
    stripped = name.strip()
    return (
        name_key(stripped) in PLACEHOLDER_KEYS
        or stripped in LABELS
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


@lru_cache(maxsize=65536)
def is_initials(name):
    """Two to four capitals, perhaps with one lower-case letter inside: ``RD``, ``RdS``, ``ȘJ``.

    A label shaped like initials (``TODO``, ``FYI``) is not initials.
    """
    bare = plain(name)
    upper = sum(c.isupper() for c in bare)
    lower = sum(c.islower() for c in bare)
    return (
        upper + lower == len(bare)
        and 2 <= upper <= 4
        and lower <= 1
        and bare[0].isupper()
        and bare[-1].isupper()
        and bare.upper() not in LABELS
    )


def parts(name):
    """The words a name is read in: as spaced if it has spaces, else CamelCase split."""
    spaced = name.split()
    found = spaced if len(spaced) >= 2 else words(name)
    return [part for part in found if any(c.isalnum() for c in part)]


@lru_cache(maxsize=65536)
def first_name(name):
    """The first name a handle or full name starts with, as written; None for initials.

    ``Andrei Topală`` → Andrei, ``RăzvanD`` → Răzvan, ``Radu-Nichita`` → Radu,
    ``Cezar`` → Cezar, ``AJ`` → None.
    """
    base = without_brackets(name)
    if not base or is_initials(base):
        return None
    found = parts(base)
    return found[0] if found else None


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
        if is_initials(extra):
            declared.append(name_key(extra))
        elif len(extra.split()) == 1 and any(c.isalpha() for c in extra):
            nicknames.append(name_key(extra))
        # Anything else in brackets is a note: `Carol Bontas (came later)`.
    base = without_brackets(text) or text
    extras = {"declared": tuple(declared), "nicknames": tuple(nicknames)}
    if " " not in base and is_initials(base):
        return Spelling(base, Kind.INITIALS, **extras)
    found = parts(base)
    if not found:
        return Spelling(base, Kind.PLACEHOLDER)
    first = name_key(found[0])
    if len(found) == 1:
        return Spelling(base, Kind.FIRST, first=first, **extras)
    last = found[-1].rstrip(".")
    if len(last) == 1 or (" " not in base.strip() and last.isupper()):
        # `RăzvanD`, `Razvan V`, `Sairaj K.`: only the surname's initial.
        return Spelling(base, Kind.HANDLE, first=first, initial=name_key(last[0]), **extras)
    surname = name_key(last)
    return Spelling(base, Kind.FULL, first=first, surname=surname, initial=surname[:1], **extras)

"""What a name says by itself: its words, initials and first name, and whether it is a group.

Plain functions on strings; which person a name is depends on the meeting and
is the business of ``resolving``.
"""

import re
import unicodedata

from meetings.models import name_key

# Owners that stand for everyone at the meeting rather than for one person.
GROUP_KEYS = frozenset(
    name_key(name)
    for name in (
        "Everyone",
        "Everybody",
        "All",
        "All of us",
        "Community leaders",
        "Mentors",
        "Team",
    )
)

# What is written in brackets after a name: `Marc Rittinghaus (MR)`, `Marin (`adminy`)`.
BRACKETED = re.compile(r"\(([^)]*)\)")
NOT_A_WORD = re.compile(r"[\W_]+")


def is_group(name):
    return name_key(name) in GROUP_KEYS


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


def initials(name):
    """The initials of a name of two words or more (``RăzvanD`` → RD, ``Gabi Mocanu`` → GM)."""
    parts = words(name)
    return "".join(word[0] for word in parts) if len(parts) >= 2 else None


def first_name(name):
    """The first word of a name of two words or more (``RăzvanD`` → Răzvan)."""
    parts = words(name)
    return parts[0] if len(parts) >= 2 else None


def short_handle(name):
    """The handle a full name signs in with, first name and initial: ``Simon Kuenzer`` → SimonK."""
    parts = words(name)
    return parts[0] + parts[-1][0] if len(parts) >= 2 else None


def looks_like_initials(name):
    """Two to four capitals, perhaps with one lower-case letter inside: ``RD``, ``RdS``."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    upper = sum(c.isupper() for c in bare)
    lower = sum(c.islower() for c in bare)
    return (
        bare.isalpha()
        and bare[:1].isupper()
        and 2 <= upper <= 4
        and lower <= 1
        and not bare[-1].islower()
    )

"""Whether two lines of minutes are one task: what each is about, who owns it, what it links.

Plain Python, no database. A line is read into its terms: the words it is
about (folded, stemmed, English function words left out) and its key
terms, which weigh more: identifiers in backticks, names of repositories,
libraries and files, words with digits or inner capitals, acronyms, and pull
request or issue numbers. How much an ordinary word weighs is learned from the
team's own tasks (``Weights``): a word most of a team's TODOs use ("schedule",
"discussion", "review") says little about which task a line is.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import snowballstemmer
from rapidfuzz.distance import Levenshtein

from meetings.links import URL, links_in

# Links that name one piece of work: a pull request, merge request or issue.
WORK_LINK = re.compile(r"/(?:pull|pulls|issues|merge_requests)/(\d+)")
# The short ways minutes name a pull request or an issue: "PR #41", "PR 674", "#41".
NUMBER = re.compile(r"(?:\bPRs?\s*#?|\bpull request\s*#?|\bissue\s*#?|#)(\d+)\b", re.I)
BACKTICKS = re.compile(r"`([^`]+)`")
# A placeholder written where an owner goes: "[someone] Look into ...".
PLACEHOLDER = re.compile(r"^\s*\[[^\]]*\]\s*")
TOKEN = re.compile(r"[^\W_][\w.+#/-]*[\w+]|[^\W_]")
# English function words: grammar, not what a task is about.
FUNCTION_WORDS = frozenset(
    """a about after all also an and any are as at be been before being both but by can
    could did do does for from further get got has have he her here him his how i if in
    into is it its itself let may me more most my next no not of off on once one only or
    other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very via was we were what when where
    which while who whom why will with would you your""".split()  # noqa: SIM905
)
KEY_WEIGHT = 2.0
# Numbers that are no thing's name: a count, a day, an hour.
ORDINARY_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th|am|pm|h)?$|^\d{1,2}[:.]\d{2}(?:am|pm)?$", re.I)
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE = re.compile(
    rf"\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I
)
# A word in at least this share of a team's lines (and this many) is a stock word.
STOCK_SHARE = 0.05
STOCK_LINES = 4
# How much containment counts against Dice in how alike two lines are.
MIX = 0.7


def work_links(links):
    """The links that name a pull request or an issue, without trailing slash or full stop."""
    return frozenset(
        url for url in (link.rstrip("/.,;:") for link in links) if WORK_LINK.search(url)
    )


STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word):
    """``hammering`` and ``hammer``, ``integrating`` and ``integration``: one word."""
    return STEMMER.stemWord(word)


def is_key(token):
    """Whether a word as written names a thing: `lib-musl`, `uk_thread`, `x86`, `KraftKit`, `ESX`.

    Numbers alone, days and times ("2022", "4th", "3:30pm") are not.
    """
    if ORDINARY_NUMBER.match(token):
        return False
    if any(c.isdigit() for c in token) or any(c in token for c in "-_./+#"):
        return True
    if len(token) > 1 and token.isupper():
        return True
    return any(c.isupper() for c in token[1:]) and any(c.islower() for c in token)


def fold(token):
    """A term as compared: case folded, ``uk_thread`` = ``ukthread``, words stemmed."""
    folded = token.casefold()
    if folded.isalpha():
        return stem(folded)
    return folded.replace("_", "").replace("-", "") if folded[:1] != "#" else folded


@dataclass(frozen=True)
class Terms:
    """What a line is about: its terms, and which of them are key terms."""

    all: frozenset[str]
    keys: frozenset[str]


def identifiers(quoted):
    """The words of an identifier in backticks: `lib-musl` one, `kraft setup` two."""
    return [token.rstrip(".") for token in TOKEN.findall(quoted)]


@lru_cache(maxsize=65536)
def terms(text):
    """The terms of a line of minutes; links count as key terms by their number."""
    keys = {f"#{n}" for n in WORK_LINK.findall(text)}
    text = PLACEHOLDER.sub("", URL.sub(" ", text))
    keys.update(f"#{n}" for n in NUMBER.findall(text))
    for quoted in BACKTICKS.findall(text):
        keys.update(fold(token) for token in identifiers(quoted))
    words = set()
    for token in TOKEN.findall(NUMBER.sub(" ", BACKTICKS.sub(" ", text))):
        token = token.rstrip(".")
        folded = token.casefold()
        if not folded or folded in FUNCTION_WORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        (keys if is_key(token) else words).add(fold(token))
    return Terms(frozenset(words | keys), frozenset(keys))


def dates(text):
    """The days a line names ("Monday, August 15th", "2022-08-15"), as written, folded."""
    return {" ".join(found.casefold().split()) for found in DATE.findall(text)}


class Weights:
    """How much each term says about a task, learned from a team's tasks, each said once.

    Inverse document frequency: a term in few of the team's tasks weighs
    much, one in most of them little; key terms twice as much. A word in many
    of them is a stock word ("schedule", "discussion", "review"): it says
    nothing of which task a line is. A task raised again and again counts once,
    or its own subject would become a stock word by repeating.
    """

    def __init__(self, texts):
        self._content = {}
        self.lines = 0
        self.frequency = Counter()
        for text in texts:
            self.lines += 1
            self.frequency.update(terms(text).all)

    def __call__(self, term, key=False):
        idf = math.log((self.lines + 2) / (self.frequency[term] + 1)) + 0.2
        return idf * KEY_WEIGHT if key else idf

    def is_stock(self, term):
        return self.frequency[term] >= max(STOCK_LINES, STOCK_SHARE * self.lines)

    def of(self, found, keys=frozenset()):
        keys = keys or found.keys
        return sum(self(t, key=t in keys) for t in found.all)

    def content(self, text):
        """A line's terms without the team's stock words, and their weight; kept once read."""
        known = self._content.get(text)
        if known is None:
            found = content(terms(text), self)
            known = self._content[text] = (found, self.of(found))
        return known


def alike(a, b, weights):
    """How alike two lines are in what they are about (0-1), and the terms they share.

    Stock words aside, the mean of two measures: how much of the two lines the
    shared terms make (Dice), and how much of the shorter one (a reworded line
    often adds to the earlier one: "Continue work on Hyper-V" and "Continue work
    on porting the network driver for Hyper-V").
    """
    (ta, wa), (tb, wb) = weights.content(a), weights.content(b)
    # A key term of one line is one of the other too, though written plainly there
    # ("`clone`" and "clone") and, plainly written, a stock word of the team.
    ta, wa = with_keys(a, ta, wa, tb.keys, weights)
    tb, wb = with_keys(b, tb, wb, ta.keys, weights)
    common = ta.all & tb.all
    # A word misspelled once ("Firecraker") is the same word.
    common |= {
        x
        for x in ta.all - common
        for y in tb.all - common
        if min(len(x), len(y)) >= 6 and Levenshtein.distance(x, y) <= 1
    }
    shared = Terms(common, (ta.keys | tb.keys) & common)
    ws = weights.of(shared)
    if not wa or not wb:
        return 0.0, shared
    dice = 2 * ws / (wa + wb)
    if len(shared.all) < 2 and not shared.keys:
        return dice, shared  # one ordinary word in common says too little to contain a line
    containment = min(ws / min(wa, wb), 1.0)
    return MIX * containment + (1 - MIX) * dice, shared


def with_keys(text, found, weight, keys, weights):
    """A line's content with the terms it writes that are key terms of another line."""
    extra = (terms(text).all - found.all) & keys
    if not extra:
        return found, weight
    found = Terms(found.all | extra, found.keys | extra)
    return found, weights.of(found)


def content(found, weights):
    """A line's terms without the team's stock words."""
    kept = frozenset(t for t in found.all if t in found.keys or not weights.is_stock(t))
    return Terms(kept, found.keys & kept)


@dataclass(frozen=True)
class Who:
    """An owner as matching compares them: the person, or the name as written."""

    key: str
    person: int | None = None

    def same(self, other):
        if self.person is not None and other.person is not None:
            return self.person == other.person
        return self.key == other.key


def owners_relation(mine, theirs):
    """``same``, ``some`` (in common), ``other`` or ``unknown`` (one side names no one).

    Owners are compared as people where who-is-who knows them, else as written;
    placeholders (``[someone]``, ``TODO``) are left out before, as no one.
    """
    if not mine or not theirs:
        return "unknown"
    common = [m for m in mine if any(m.same(t) for t in theirs)]
    if not common:
        return "other"
    if len(common) == len(mine) and all(any(t.same(m) for m in mine) for t in theirs):
        return "same"
    return "some"


@dataclass(frozen=True)
class Task:
    """A line or an item as matching compares them."""

    owners: tuple[Who, ...]
    text: str
    links: frozenset[str]  # the pull requests and issues it names


@dataclass(frozen=True)
class Evidence:
    """How sure it is that a later line is an earlier item (0-100), and why."""

    score: float
    reason: str
    link: bool  # sure enough to link without asking: never for another person's line
    # What the lines are about, alike (0-1), when no link decided; and their owners.
    similarity: float = 0.0
    owners: str = "unknown"
    terms_shared: int = 0  # how many terms the lines share, stock words aside


# How alike two lines must be to be linked, and to be shown as possibly the
# same, by how their owners compare.
BARS = {"same": (0.65, 0.45), "some": (0.70, 0.60), "unknown": (0.72, 0.55), "other": (None, 0.95)}
# Lines of the same owners each the likeliest for the other, in two meetings, link
# at a lower bar: a reworded TODO raised again. Lower still within two weeks (the
# team's next meeting or the one after) for lines sharing two terms or more; never,
# more than nine weeks apart, for lines sharing one.
MUTUAL_BAR = 0.45
NEXT_MEETINGS = timedelta(days=14)
NEXT_MEETINGS_BAR = 0.33
LONG_AFTER = timedelta(days=63)


def numbers_aside(found):
    return Terms(
        frozenset(t for t in found.all if not t.startswith("#")),
        frozenset(k for k in found.keys if not k.startswith("#")),
    )


OWNERS_SAY = {
    "same": "same owners",
    "some": "some owners in common",
    "other": "other owners",
    "unknown": "no owner to compare",
}
# The scale of scores: a line this sure is linked, one this sure is a candidate, with the
# default settings (MATCH_AUTO_SCORE, MATCH_SUGGEST_SCORE), which may move the bars.
SURE, POSSIBLE = 85.0, 65.0


def wording(text):
    """A line's words as they compare word for word: case, spacing and a closing full stop aside."""
    return " ".join(text.casefold().split()).rstrip(".")


def same_words(a, b):
    """Whether two lines say the same, word for word."""
    return wording(a) == wording(b)


def judge(later, earlier, weights, auto=SURE):
    """The evidence that ``later`` raises ``earlier`` again.

    A shared pull request or issue is strong evidence, not proof: the same
    owners (or none written) with the same or a thin wording link; another
    action on it (both lines saying something else) or another person's line
    is only a candidate; a line listing several of them never links through
    one. Without a shared link, what the lines are about decides, measured in
    the team's own weights, and a line that shares only stock words with the
    item is not even a candidate.
    """
    suggest = POSSIBLE
    relation = owners_relation(later.owners, earlier.owners)
    similarity, shared = alike(later.text, earlier.text, weights)
    mine, theirs = later.links, earlier.links
    common = mine & theirs or written_numbers(later, earlier)
    about = sorted(t for t in shared.all if not t.isdigit())
    other_day = (
        bool(dates(later.text))
        and bool(dates(earlier.text))
        and not (dates(later.text) & dates(earlier.text))
    )
    reasons = []
    alike_enough = 0.0  # what the lines are about, alike, when nothing else decided
    if about:
        reasons.append("shared: " + ", ".join(about[:6]))
    reasons.append(f"{similarity:.0%} alike")
    reasons.append(OWNERS_SAY[relation])
    if same_words(later.text, earlier.text) and relation != "other" and not other_day:
        # Word for word again: a line repeated each week is the same task, however
        # stock its words have become in the team by repeating.
        reasons.insert(0, "the same words")
        score = SURE + 15
    elif common:
        link = min(common)
        reasons.insert(0, f"same link {link}")
        content, _ = alike_without_numbers(later.text, earlier.text, weights)
        several = (len(mine) > 1 or len(theirs) > 1) and mine != theirs
        if several:
            reasons.insert(1, "a line of several links")
            score = suggest + 5 if relation == "same" and content >= 0.5 else suggest - 20
        elif relation == "other":
            score = suggest + 5 if content >= 0.5 else suggest - 20
        elif content >= 0.25 or thin(later.text, weights) or thin(earlier.text, weights):
            score = max(SURE + 5, SURE + 15 * content)
        else:
            reasons.insert(1, "another action")
            score = suggest + 5
    elif mine and theirs:
        reasons.insert(0, "other links")
        score = 0.0
    elif other_day:
        reasons.insert(0, "another day")
        score = min(similarity * 100, suggest - 1)
    elif not about:
        score = min(similarity * 100, suggest - 1)
    elif against := other_subject(later.text, earlier.text, shared):
        reasons.insert(0, against)
        score = min(similarity * 100, suggest - 1)
    else:
        alike_enough = similarity
        high, low = BARS[relation]
        top = high if high is not None else 1.0
        score = suggest + (SURE - suggest) * (similarity - low) / (top - low)
        if similarity <= low:
            score = min(score, suggest - 1)
        if high is None:
            score = min(score, SURE - 1)
    score = max(min(score, 100.0), 0.0)
    return Evidence(
        score,
        "; ".join(reasons),
        link=score >= auto and relation != "other",
        similarity=alike_enough,
        owners=relation,
        terms_shared=len(about),
    )


def other_subject(later, earlier, shared):
    """Why two lines that share some words are about other things, or "" if nothing says so.

    Only where they share no key term: each links to something of its own
    ("Check Maria's code: <repository>" and "Check Maria's PR for <another>"),
    or the later line leaves out the identifiers the earlier one is about
    ("investigate complex apps on `AArch64`" and "use Shadow Stack for complex apps").
    """
    if shared.keys:
        return ""
    mine, theirs = set(links_in(later)), set(links_in(earlier))
    if mine and theirs and not mine & theirs:
        return "other links"
    named = {fold(token) for quoted in BACKTICKS.findall(earlier) for token in identifiers(quoted)}
    if named and not named & terms(later).all:
        return "without " + ", ".join(f"`{quoted}`" for quoted in BACKTICKS.findall(earlier))
    return ""


def written_numbers(later, earlier):
    """The pull request or issue numbers two lines share, one of them writing it out ("PR 674")."""

    def numbers(task):
        written = {f"#{n}" for n in NUMBER.findall(URL.sub(" ", task.text))}
        return written, written | {f"#{n}" for u in task.links for n in WORK_LINK.findall(u)}

    (written_l, all_l), (written_e, all_e) = numbers(later), numbers(earlier)
    return frozenset(all_l & all_e & (written_l | written_e))


def alike_without_numbers(a, b, weights):
    ta, tb = numbers_aside(terms(a)), numbers_aside(terms(b))
    ta, tb = content(ta, weights), content(tb, weights)
    shared = Terms(ta.all & tb.all, ta.keys | tb.keys)
    total = weights.of(ta) + weights.of(tb)
    return (2 * weights.of(shared) / total if total else 0.0), shared


def thin(text, weights):
    """A line that says little besides its link: "Update <PR>", "Status of <PR>"."""
    found = numbers_aside(terms(text))
    return len(found.all) <= 2 and not found.keys

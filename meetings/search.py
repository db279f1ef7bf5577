"""Search everything the minutes say: items, decisions, agenda topics, discussion topics
and lines, people and meetings.

``search(query, section)`` returns a queryset of that section's matches, best
first. On PostgreSQL the texts are searched with full-text search (each text's
``to_tsvector``, kept in a GIN index made by migration ``0018_search``), the
query read as a web search (``"two words"``, ``or``, ``-not``) and the best
match first; elsewhere (SQLite) every word of the query must appear in the
text, newest meeting first. People are found by any part of their handle, name
or aliases on both: a handle is not a word that a dictionary stems.
"""

import datetime as dt
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, Prefetch, Q, TextField, Value
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from meetings.matching.evidence import stem
from meetings.models import (
    AgendaItem,
    Alias,
    Item,
    Meeting,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
)
from meetings.names import name_key

# The sections of the results page, in their order, with their headings.
SECTIONS = {
    "items": "Action items",
    "decisions": "Decisions",
    "topics": "Agenda topics",
    "headings": "Discussion topics",
    "lines": "Discussion lines",
    "people": "People",
    "meetings": "Meetings",
}
# Shorter queries find everything and say nothing.
MIN_LENGTH = 2
# Up to this many matches are ranked on PostgreSQL; more, newest first (see found()).
RANKED = 1000
# A query is a few words, not a page of text.
MAX_LENGTH = 200
# The dictionary that full-text search stems words with (English: the minutes' language);
# the words found are marked by the same stemmer (Snowball's English, as matching uses).
CONFIG = "english"

# The texts searched with full-text search, by model: the GIN index of each
# (migration 0018_search) is on exactly this expression, so that PostgreSQL uses it.
SEARCHED = {
    Item: ("text", "item_text_search_idx"),
    AgendaItem: ("text", "agenda_text_search_idx"),
    Topic: ("title", "topic_title_search_idx"),
    Statement: ("text", "statement_text_search_idx"),
    Meeting: ("title", "meeting_title_search_idx"),
}


def vector(model):
    """A text's words for full-text search, as its GIN index holds them.

    Slashes are spaces: ``https://github.com/acme/core/pull/12`` and
    ``lib/alloc`` are read as their parts, not as one URL or path token.
    """
    text = Func(
        F(SEARCHED[model][0]),
        Value("/"),
        Value(" "),
        function="translate",
        output_field=TextField(),
    )
    return SearchVector(text, config=CONFIG)


def cleaned(query):
    """The query as searched: its spaces squeezed, at most MAX_LENGTH characters,
    without NUL (which PostgreSQL refuses in a text)."""
    return " ".join((query or "").replace("\x00", " ").split())[:MAX_LENGTH]


QUOTES = "\"'\u201c\u201d\u2018\u2019"


def words(query):
    """The words of a query that a text must hold, as the reader typed them.

    Quotes and a web search's ``or`` and ``-`` go: they say how words combine.
    """
    found = []
    for word in query.split():
        word = word.strip(QUOTES)
        if word.startswith("-") or word.lower() == "or" or not word:
            continue
        found.append(word)
    return found


def search(query, section, ranked=True):
    """The matches of ``query`` (cleaned) in ``section`` (a key of SECTIONS), best first.

    ``ranked=False``: newest meeting first on PostgreSQL too (see ``found``).
    """
    query = cleaned(query)
    if len(query) < MIN_LENGTH or not words(query):
        return _base(section).none()
    if section == "people":
        return _people(query)
    queryset = _base(section)
    ranked = ranked and connection.vendor == "postgresql"
    if section == "meetings":
        return _meetings(queryset, query, ranked)
    if connection.vendor == "postgresql":
        return _full_text(queryset, query, ranked)
    return _every_word(queryset, SEARCHED[queryset.model][0], query).order_by(
        *_newest(queryset.model)
    )


def found(query, section):
    """The matches of ``query`` in ``section``, and how many there are, counted up to
    RANKED + 1 (``BoundedPaginator``'s "more than 1,000").

    Past RANKED matches, newest meeting first on PostgreSQL too: ranking reads
    every match's text again (a word in a sixth of 200,000 items took 0.2 s),
    and for a word found a thousand times the newest say more than the "best".
    """
    matches = search(query, section)
    count = matches.order_by().values("pk")[: RANKED + 1].count()
    if count > RANKED:
        matches = search(query, section, ranked=False)
    return matches, count


def _base(section):
    """What a section lists, with what its results show."""
    if section in ("items", "decisions"):
        kind = Item.Kind.ACTION if section == "items" else Item.Kind.DECISION
        return (
            Item.objects.in_minutes()
            .filter(kind=kind)
            .select_related("meeting")
            .only(
                "pk",
                "kind",
                "text",
                "status",
                "raised",
                "meeting__title",
                "meeting__name",
                "meeting__source",
            )
        )
    if section == "topics":
        return AgendaItem.objects.select_related("meeting").only(
            "text", "line", "meeting__date", "meeting__title", "meeting__name", "meeting__source"
        )
    if section == "headings":
        return (
            Topic.objects.exclude(title="")
            .select_related("meeting")
            .only(
                "title",
                "line",
                "meeting__date",
                "meeting__title",
                "meeting__name",
                "meeting__source",
            )
        )
    if section == "lines":
        return (
            Statement.objects.select_related("topic__meeting")
            .only(
                "text",
                "line",
                "topic__title",
                "topic__meeting__date",
                "topic__meeting__title",
                "topic__meeting__name",
                "topic__meeting__source",
            )
            .prefetch_related(
                Prefetch("speakers", queryset=Speaker.objects.select_related("person"))
            )
        )
    if section == "people":
        return Person.objects.all()
    if section == "meetings":
        return Meeting.objects.only("date", "title", "name", "source").prefetch_related("teams")
    raise ValueError(f"no such section: {section}")


def _newest(model):
    """Newest meeting first: the order of the matches when none is better than another."""
    return {
        Item: ["-raised", "-pk"],
        AgendaItem: ["-meeting__date", "-meeting_id", "position"],
        Topic: ["-meeting__date", "-meeting_id", "position"],
        Statement: ["-topic__meeting__date", "-topic__meeting_id", "topic_id", "position"],
        Meeting: ["-date", "source"],
    }[model]


def _every_word(queryset, field, query):
    """Texts that hold every word of the query and none of its ``-words``."""
    for word in words(query):
        queryset = queryset.filter(**{f"{field}__icontains": word})
    for word in query.split():
        if word.startswith("-") and word.strip("-" + QUOTES):
            queryset = queryset.exclude(**{f"{field}__icontains": word.strip("-" + QUOTES)})
    return queryset


def _full_text(queryset, query, ranked):
    model = queryset.model
    words_of = SearchQuery(query, search_type="websearch", config=CONFIG)
    matches = queryset.alias(found=vector(model)).filter(found=words_of)
    if not ranked:
        return matches.order_by(*_newest(model))
    rank = SearchRank(vector(model), words_of)
    return matches.annotate(rank=rank).order_by("-rank", *_newest(model))


def _people(query):
    """Anyone whose handle, name or an alias holds every word, case and accents aside
    (``razvan`` finds ``RăzvanD``)."""
    people = Person.objects.all()
    for word in words(query):
        key = name_key(word)
        aliases = Alias.objects.filter(key__contains=key).values("person")
        people = people.filter(
            Q(handle__icontains=word)
            | Q(name__icontains=word)
            | Q(key__contains=key)
            | Q(pk__in=aliases)
        )
    return people.order_by("-meetings_attended", "handle")


def _meetings(queryset, query, ranked):
    """Meetings by title (full text on PostgreSQL), by a team's name, or by date (ISO)."""
    teams = _every_word(Team.objects.all(), "name", query).values("pk")
    by_team = Q(pk__in=Meeting.teams.through.objects.filter(team__in=teams).values("meeting"))
    by_date = Q()
    if re.fullmatch(r"\d{4}(-\d\d){0,2}", query):
        by_date = _on(query)
    if connection.vendor == "postgresql":
        words_of = SearchQuery(query, search_type="websearch", config=CONFIG)
        # By id, so that the title's index answers: OR'd with the team, the vector
        # was computed for every meeting.
        titled = Meeting.objects.alias(found=vector(Meeting)).filter(found=words_of)
        matches = queryset.filter(Q(pk__in=titled.values("pk")) | by_team | by_date)
        if not ranked:
            return matches.order_by(*_newest(Meeting))
        rank = SearchRank(vector(Meeting), words_of)
        return matches.annotate(rank=rank).order_by("-rank", *_newest(Meeting))
    by_title = Q(pk__in=_every_word(Meeting.objects.all(), "title", query).values("pk"))
    return queryset.filter(by_title | by_team | by_date).order_by(*_newest(Meeting))


def _on(query):
    """A year, a month or a day, written in ISO, as a filter; no filter for a date
    that cannot be (``0000``, ``2024-13``)."""
    parts = [int(part) for part in query.split("-")]
    try:
        day = dt.date(*parts, *[1] * (3 - len(parts)))
    except ValueError:
        return Q()
    if len(parts) == 1:
        return Q(date__year=day.year)
    if len(parts) == 2:
        return Q(date__year=day.year, date__month=day.month)
    return Q(date=day)


def highlight(text, found):
    """``text`` as HTML, escaped, with each word it holds of ``found`` marked (``<mark>``).

    A word is marked from where its stem begins to the end of the text's word,
    as full-text search matches it (``deprecating`` marks ``deprecated``).
    """
    found = sorted({stem(word.lower()) for word in found}, key=len, reverse=True)
    if not found:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) + r"\w*" for word in found), re.IGNORECASE)
    parts, at = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[at : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        at = match.end()
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # every part escaped above

"""The search page: one box, results in sections, each linked to where it was said."""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from meetings import search
from meetings.models import Item, Statement, Topic
from tests.helpers import import_text, make_item, make_meeting, page

pytestmark = pytest.mark.django_db

MINUTES = """
    ---
    title: "Core, January 10, 2024"
    datetime: 2024-01-10T13:00:00+01:00
    teams:
      - core
    participants:
      - MariaP
      - TomK
    ---

    ## Agenda

    * Scheduler rework

    ## Discussions

    #### Release

    MP: The allocator leaks memory on arm64
    TK: I will bisect it.

    ## TODOs and Decisions

    * MP: Arrange meetings with the vendor
    * We adopt semantic versioning.
"""


@pytest.fixture
def minutes(owner, teammate):
    return import_text(MINUTES, source="core/2024-01-10.md").meeting


def sections(html):
    """The sections of a results page, each with the text of its results."""
    found = re.findall(r'<ol class="results" data-section="(\w+)">(.*?)</ol>', html, re.S)
    return {section: re.sub(r"<[^>]+>", "", results) for section, results in found}


@pytest.mark.parametrize(
    ("section", "word", "shown"),
    [
        ("items", "vendor", "Arrange meetings with the vendor"),
        ("decisions", "versioning", "We adopt semantic versioning."),
        ("topics", "rework", "Scheduler rework"),
        ("headings", "release", "Release"),
        ("lines", "allocator", "The allocator leaks memory on arm64"),
        ("people", "tomk", "TomK"),
        ("meetings", "january", "Core, January 10, 2024"),
    ],
)
def test_each_section_finds_a_word_it_holds_and_only_it(reader, minutes, section, word, shown):
    found = sections(page(reader.get("/search/", {"q": word})))

    assert set(found) == {section}
    assert shown in found[section]


def test_every_word_must_be_found(reader, minutes):
    assert "lines" in sections(page(reader.get("/search/", {"q": "allocator memory"})))
    assert sections(page(reader.get("/search/", {"q": "allocator vendor"}))) == {}


def test_a_meeting_is_found_by_its_team_and_by_its_month(reader, minutes):
    for query in ["core", "2024-01"]:
        found = sections(page(reader.get("/search/", {"q": query})))

        assert "Core, January 10, 2024" in found["meetings"], query


def test_a_discussion_line_links_to_its_line_and_names_speaker_and_meeting(reader, minutes):
    statement = Statement.objects.get(text__contains="allocator")

    html = page(reader.get("/search/", {"q": "allocator"}))

    assert f'href="/meetings/{minutes.pk}/#L{statement.line}"' in html
    assert 'said by <a href="/people/mariap/" title="MariaP">MP</a>' in html
    assert f'in <a href="/meetings/{minutes.pk}/">Core, January 10, 2024</a>' in html
    assert "The <mark>allocator</mark> leaks memory" in html
    meeting_page = page(reader.get(f"/meetings/{minutes.pk}/"))
    assert f'<div class="statement" id="L{statement.line}">' in meeting_page


def test_an_item_result_links_to_the_item_with_its_status(reader, minutes):
    item = Item.objects.get(text__contains="vendor")

    html = page(reader.get("/search/", {"q": "vendor"}))

    assert f'href="/items/{item.pk}/"' in html
    assert '<span class="badge badge-open">Open</span>' in html


def test_the_header_of_every_page_has_the_search_box(reader, minutes):
    html = page(reader.get("/"))

    assert '<form class="site-search" method="get" action="/search/" role="search">' in html
    assert 'name="q" value=""' in html


def test_the_results_page_keeps_the_query_in_the_box(reader, minutes):
    html = page(reader.get("/search/", {"q": "allocator"}))

    assert 'name="q" value="allocator"' in html


def test_a_query_with_markup_is_shown_escaped(reader, minutes):
    html = page(reader.get("/search/", {"q": "<script>alert(1)</script>"}))

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markup_in_a_found_text_is_shown_escaped(reader, owner):
    make_item("Check <img src=x onerror=alert(1)> in the vendor docs", owners=[owner])

    html = page(reader.get("/search/", {"q": "vendor"}))

    assert "<img src=x" not in html
    assert "Check &lt;img src=x onerror=alert(1)&gt; in the <mark>vendor</mark> docs" in html


def test_the_highlight_escapes_before_it_marks():
    marked = search.highlight("a <b>Vendor</b> & vendors", ["vendor"])

    assert marked == "a &lt;b&gt;<mark>Vendor</mark>&lt;/b&gt; &amp; <mark>vendors</mark>"


def test_the_highlight_marks_other_forms_of_a_word_as_full_text_search_finds_them():
    marked = search.highlight("Deprecated, the deprecation of the old port", ["deprecating"])

    assert marked == "<mark>Deprecated</mark>, the <mark>deprecation</mark> of the old port"


@pytest.mark.parametrize("query", ["", "  ", "a", '""'])
def test_an_empty_or_too_short_query_explains_the_search(reader, minutes, query):
    html = page(reader.get("/search/", {"q": query}))

    assert "searches what the minutes say" in html
    assert 'class="results"' not in html


def test_a_query_that_matches_nothing_says_so(reader, minutes):
    html = page(reader.get("/search/", {"q": "zeppelin"}))

    assert "Nothing in the minutes matches “zeppelin”" in html


def said(meeting, count, text):
    """``count`` discussion lines of ``meeting``, each saying ``text`` and its number."""
    topic = Topic.objects.create(meeting=meeting, title="Memory", position=0)
    return Statement.objects.bulk_create(
        Statement(topic=topic, text=f"{text} {n}", line=10 + n, position=n) for n in range(count)
    )


def test_a_section_shows_its_first_ten_and_pages_through_the_rest(reader, settings):
    settings.TRACKER_PAGE_SIZE = 5
    said(make_meeting(), 12, "The allocator leaks, case")

    html = page(reader.get("/search/", {"q": "allocator"}))
    assert html.count('data-line="') == 10
    assert "Discussion lines <span" in html and "(12)" in html
    assert 'href="/search/?q=allocator&amp;in=lines">All 12 discussion lines →</a>' in html

    query = {"q": "allocator", "in": "lines"}
    pages = [page(reader.get("/search/", {**query, "page": n})) for n in (1, 2, 3)]
    assert [p.count('data-line="') for p in pages] == [5, 5, 2]
    assert 'href="?q=allocator&amp;in=lines&amp;page=2"' in pages[0]
    assert "Page 3 of 3" in pages[2]
    shown = "".join(pages)
    assert all(f"The <mark>allocator</mark> leaks, case {n}<" in shown for n in range(12))


def test_a_section_page_shows_only_that_section(reader, minutes):
    html = page(reader.get("/search/", {"q": "core", "in": "meetings"}))

    assert set(sections(html)) == {"meetings"}
    assert "All results for “core”" in html


def test_an_unknown_section_shows_them_all(reader, minutes):
    html = page(reader.get("/search/", {"q": "allocator", "in": "nowhere"}))

    assert set(sections(html)) == {"lines"}


def test_search_only_reads(reader):
    assert reader.post("/search/", {"q": "allocator"}).status_code == 405


def test_the_best_match_comes_first_or_without_full_text_search_the_newest(reader):
    said(make_meeting("2024-01-10", title="January"), 1, "allocator, allocator, the allocator")
    said(make_meeting("2024-03-06", title="March"), 1, "the allocator and other things")

    html = page(reader.get("/search/", {"q": "allocator"}))

    if connection.vendor == "postgresql":  # ranked: the line saying it three times
        assert html.index("January") < html.index("March")
    else:
        assert html.index("March") < html.index("January")


@pytest.mark.postgresql
def test_postgresql_ranks_the_best_match_first(reader):
    said(make_meeting("2024-01-10", title="January"), 1, "allocator, allocator, the allocator")
    said(make_meeting("2024-03-06", title="March"), 1, "the allocator and many other things")

    html = page(reader.get("/search/", {"q": "allocator"}))

    assert html.index("January") < html.index("March")


@pytest.mark.postgresql
def test_postgresql_lists_more_matches_than_it_ranks_newest_first(reader, monkeypatch):
    monkeypatch.setattr(search, "RANKED", 1)
    said(make_meeting("2024-01-10", title="January"), 1, "allocator, allocator, the allocator")
    said(make_meeting("2024-03-06", title="March"), 1, "the allocator and many other things")

    html = page(reader.get("/search/", {"q": "allocator"}))

    assert html.index("March") < html.index("January")
    assert "Discussion lines <span" in html and "(more than 1)" in html


@pytest.mark.postgresql
def test_postgresql_finds_a_word_in_another_form_and_a_phrase(reader, minutes):
    assert "lines" in sections(page(reader.get("/search/", {"q": "leaking allocators"})))
    quoted = sections(page(reader.get("/search/", {"q": '"leaks memory"'})))
    assert "The allocator leaks memory" in quoted["lines"]
    assert "lines" not in sections(page(reader.get("/search/", {"q": '"memory leaks"'})))


@pytest.mark.postgresql
def test_postgresql_reads_the_gin_index_of_each_searched_text(minutes):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_idx'")
        names = {row[0] for row in cursor.fetchall()}
        assert names == {name for _, name in search.SEARCHED.values()}
        # A tiny table is read whole; told not to, the planner shows that the
        # expression searched is the one indexed.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for model, (_, index) in search.SEARCHED.items():
            found = model.objects.alias(found=search.vector(model)).filter(
                found=SearchQuery("allocator", search_type="websearch", config=search.CONFIG)
            )
            assert f"Bitmap Index Scan on {index}" in found.explain(), index


@pytest.mark.parametrize("query", ["0000", "2024-13", "2024-02-30", "allo\x00cator", "-", "or"])
def test_an_odd_query_is_answered_not_failed(reader, minutes, query):
    assert reader.get("/search/", {"q": query}).status_code == 200

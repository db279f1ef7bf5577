"""The parser against the real minutes in ../shared: the six hand-checked
examples, and a sanity check of every file."""

import json
import re

import pytest

from meetings.minutes import MinutesError, parse
from tests.helpers import EXAMPLES, require_corpus

MINUTES = require_corpus()
MINUTES_FILES = sorted(path for path in MINUTES.rglob("*.md") if path.name != "README.md")
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.json"))

# A heading naming an action-items section (format, section 2), found without
# the parser, to check that such a section yields something. "Next Steps" is
# left out: below the section level it is only a topic.
ACTION_HEADING = re.compile(r"#{1,6}\s.*\b(todos?|tasks|action items|decisions)\b", re.IGNORECASE)
DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_NAME_LENGTH = 40


def relative(path, root):
    return str(path.relative_to(root))


def comparable(result):
    """A parse result as the examples show it: no line numbers, warnings or
    whitespace differences inside texts, and agenda items as plain strings."""

    def text(value):
        return " ".join(value.split())

    return {
        **{key: result[key] for key in ("source", "datetime", "title", "location")},
        "teams": result["teams"],
        "participants": result["participants"],
        "agenda": [
            text(item["text"] if isinstance(item, dict) else item) for item in result["agenda"]
        ],
        "topics": [
            {
                "title": topic["title"],
                "statements": [
                    {"speakers": s["speakers"], "text": text(s["text"])}
                    for s in topic["statements"]
                ],
            }
            for topic in result["topics"]
        ],
        "action_items": [
            {"owners": a["owners"], "text": text(a["text"]), "links": a["links"]}
            for a in result["action_items"]
        ],
        "decisions": [{"text": text(d["text"])} for d in result["decisions"]],
        "error": result["error"],
    }


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: relative(path, EXAMPLES))
def test_a_real_file_parses_as_its_hand_checked_example(example):
    source = relative(example, EXAMPLES).removesuffix(".json") + ".md"
    expected = json.loads(example.read_text(encoding="utf-8"))

    parsed = parse((MINUTES / source).read_bytes(), source)

    assert comparable(parsed.as_json()) == comparable(expected)


def test_there_are_six_hand_checked_examples():
    assert len(EXAMPLE_FILES) == 6


def has_text_under_an_action_heading(text):
    under_action_heading = False
    for line in text.splitlines():
        if line.startswith("#"):
            under_action_heading = bool(ACTION_HEADING.match(line))
        elif under_action_heading and line.strip():
            return True
    return False


def is_not_minutes(path):
    """A note kept among the minutes: no front matter, no date in its name."""
    text = path.read_text(encoding="utf-8")
    return not text.startswith("---") and not DATE_IN_NAME.search(path.name)


@pytest.mark.parametrize("path", MINUTES_FILES, ids=lambda path: relative(path, MINUTES))
def test_every_real_file_parses_sensibly(path):
    source = relative(path, MINUTES)
    data = path.read_bytes()
    if is_not_minutes(path):
        # The format rejects a file with no date anywhere, naming the file.
        with pytest.raises(MinutesError, match=re.escape(source)):
            parse(data, source)
        return

    minutes = parse(data, source)

    assert minutes.error is None
    text = data.decode("utf-8")
    if has_text_under_an_action_heading(text):
        assert minutes.action_items or minutes.decisions
    names = [n for a in minutes.action_items for n in a.owners] + [
        n for t in minutes.topics for s in t.statements for n in s.speakers
    ]
    assert all(0 < len(name) <= MAX_NAME_LENGTH for name in names)
    texts = [a.text for a in minutes.agenda + minutes.action_items + minutes.decisions] + [
        s.text for t in minutes.topics for s in t.statements
    ]
    assert all(t.strip() for t in texts)
    file_lines = text.replace("\r\n", "\n").split("\n")
    topic_lines = [t.line for t in minutes.topics if t.line is not None]
    assert all(1 <= line <= len(file_lines) for line in topic_lines)
    for what, who, line in [
        *[(a.text, [], a.line) for a in minutes.agenda],
        *[(a.text, a.owners, a.line) for a in minutes.action_items],
        *[(d.text, [], d.line) for d in minutes.decisions],
        *[(s.text, s.speakers, s.line) for t in minutes.topics for s in t.statements],
    ]:
        assert 1 <= line <= len(file_lines)
        # The line shows where the thing starts: its text, or who it is by.
        written = file_lines[line - 1]
        assert what.split("\n", 1)[0][:20] in written or any(name in written for name in who)


def test_the_real_minutes_yield_action_items_decisions_and_statements():
    totals = {"action_items": 0, "decisions": 0, "statements": 0}
    for path in MINUTES_FILES:
        if is_not_minutes(path):
            continue
        minutes = parse(path.read_bytes(), relative(path, MINUTES))
        totals["action_items"] += len(minutes.action_items)
        totals["decisions"] += len(minutes.decisions)
        totals["statements"] += sum(len(t.statements) for t in minutes.topics)
    assert totals["action_items"] > 1000
    assert totals["decisions"] > 50
    assert totals["statements"] > 3000

"""The sections of a minutes body, found by their headings' text (format, section 2)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from meetings.minutes.blocks import Block

AGENDA = "agenda"
DISCUSSIONS = "discussions"
ACTIONS = "actions"

DISCUSSION_TITLES = {"discussions", "discussion", "notes", "summary of activities"}
ACTION_WORDS = {"todo", "todos", "tasks", "action items", "decisions", "next steps"}
ACTION_WORD_SEPARATOR = re.compile(r"\s*(?:[/&,]|\band\b)\s*")
SHORTCODE = re.compile(r":[a-z0-9_+-]{1,40}:", re.IGNORECASE)

# Section names are a few words; a longer heading is never one, and no regex
# below runs over a huge heading.
MAX_SECTION_TITLE = 60

# Emoji that are not in the "So" (other symbol) category: joiners, variation
# selectors, keycaps, skin tones, tags.
EMOJI_PARTS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


@dataclass
class Section:
    kind: str
    heading: Block
    blocks: list[Block] = field(default_factory=list)
    # A "Summary of Activities": a line of names over a list names the speakers.
    is_summary: bool = False


def heading_title(text: str) -> str:
    """A heading's text without its leading emoji and ``:shortcode:`` decorations."""
    # Walk an index rather than re-slicing: a heading may be one huge line.
    pos = 0
    while pos < len(text):
        shortcode = SHORTCODE.match(text, pos)
        if shortcode:
            pos = shortcode.end()
        elif text[pos].isspace() or is_emoji(text[pos]):
            pos += 1
        else:
            break
    return text[pos:].strip()


def is_emoji(char: str) -> bool:
    return (
        unicodedata.category(char) == "So"
        or char in EMOJI_PARTS
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


def section_kind(title: str) -> tuple[str, bool] | None:
    """The section a heading starts, and whether it names "Next Steps".

    None when the heading is no section name (a topic, or an unknown heading).
    """
    if len(title) > MAX_SECTION_TITLE:
        return None
    name = plain_name(title)
    if name == AGENDA:
        return AGENDA, False
    if name in DISCUSSION_TITLES:
        return DISCUSSIONS, False
    words = ACTION_WORD_SEPARATOR.split(name)
    if all(word in ACTION_WORDS for word in words):
        return ACTIONS, "next steps" in words
    return None


def plain_name(title: str) -> str:
    """``Summary of  Activities:`` → ``summary of activities``."""
    return " ".join(title.lower().rstrip(":").split())


def find_sections(blocks: list[Block]) -> tuple[list[Section], list[tuple[int, str]]]:
    """Group the top-level blocks into sections, with notes on what did not fit.

    A section runs to the next heading of the same or a higher level; deeper
    headings stay in it (they start topics in the discussions). Blocks outside
    every section are left out. Each note is a body line and a message.
    """
    section_level = level_of_sections(blocks)
    sections: list[Section] = []
    notes: list[tuple[int, str]] = []
    current: Section | None = None
    skipping = False
    for block in blocks:
        if block.kind == "heading":
            skipping = False
            title = heading_title(block.content)
            found = section_kind(title)
            # "Next Steps" is often a topic; it is a section only at the level
            # of the other section headings.
            if found and found[1] and block.level > section_level:
                found = None
            if found:
                is_summary = plain_name(title) == "summary of activities"
                current = Section(found[0], block, is_summary=is_summary)
                sections.append(current)
                continue
            if current is not None and block.level <= current.heading.level:
                if current.kind == DISCUSSIONS:
                    # Minutes often put a topic at the level of the sections; its
                    # statements belong to the discussions all the same.
                    quoted = title[:MAX_SECTION_TITLE]
                    notes.append((block.start, f"heading {quoted!r} read as a discussion topic"))
                else:
                    current = None
        if current is not None:
            current.blocks.append(block)
        elif block.kind != "heading" and not skipping:
            notes.append(
                (block.start, "text outside the agenda, discussions and actions is skipped")
            )
            skipping = True
    return sections, notes


def level_of_sections(blocks: list[Block]) -> int:
    """The shallowest level of the headings that name a section other than "Next Steps"."""
    levels = []
    for block in blocks:
        if block.kind == "heading":
            found = section_kind(heading_title(block.content))
            if found and not found[1]:
                levels.append(block.level)
    # With no other section to compare with, "Next Steps" counts at any level.
    return min(levels, default=6)

"""The body of a minutes file: agenda, topics and their statements, action items
and decisions (sections 2 to 5 of MINUTES_FORMAT.md).

Structure comes from markdown-it-py (blocks.py); texts are the source lines as
written, so links and code survive untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from meetings.links import links_in
from meetings.minutes import ActionItem, AgendaItem, Decision, Statement, Topic, limits
from meetings.minutes.blocks import Block, parse_blocks
from meetings.minutes.entries import EntryReader
from meetings.minutes.owners import Names, name_line, owner_prefix, speaker_prefix
from meetings.minutes.sections import (
    ACTIONS,
    AGENDA,
    DISCUSSIONS,
    Section,
    find_sections,
    heading_title,
)


@dataclass
class Body:
    agenda: list[AgendaItem]
    topics: list[Topic]
    action_items: list[ActionItem]
    decisions: list[Decision]
    warnings: list[str]


def parse_body(body: str, *, participants: list[str], first_line: int = 1) -> Body:
    """Read the Markdown after the front matter; ``first_line`` is its line in the file."""
    lines = body.split("\n")
    names = Names(participants)
    blocks, too_deep_lines = parse_blocks(body)
    sections, notes = find_sections(blocks)
    result = Body(agenda=[], topics=[], action_items=[], decisions=[], warnings=[])
    for line in too_deep_lines:
        notes.append(
            (line, "lists or quotes nested too deep to parse; the deeper lines are kept as text")
        )
    for section in sections:
        if section.kind == AGENDA:
            result.agenda += read_agenda(section, first_line)
        elif section.kind == DISCUSSIONS:
            reader = EntryReader(lines, first_line, partial(speaker_prefix, names=names))
            if section.is_summary:
                reader.name_line_of = partial(name_line, names=names)
            result.topics += read_topics(section, reader)
            notes += reader.warnings
        else:
            reader = EntryReader(lines, first_line, partial(owner_prefix, names=names))
            read_actions(section, reader, result)
            notes += reader.warnings

    result.warnings = [f"line {first_line + line}: {note}" for line, note in sorted(notes)]
    found = {section.kind for section in sections}
    for kind in (AGENDA, DISCUSSIONS, ACTIONS):
        if kind not in found:
            result.warnings.append(f"no {kind} section")
    return result


def read_agenda(section: Section, first_line: int) -> list[AgendaItem]:
    """One item per list item, nested ones too; with no list, one per line."""
    has_list = any(block.kind == "list" for block in section.blocks)
    items = []
    for block in section.blocks:
        if block.kind == "list":
            found = list_items(block)
        elif block.kind == "paragraph" and not has_list:
            found = paragraph_lines(block)
        else:
            continue
        items += [AgendaItem(text, first_line + line) for text, line in found]
    return items


def list_items(block: Block) -> Iterator[tuple[str, int]]:
    for item in block.children:
        for index, child in enumerate(item.children):
            if child.kind == "paragraph" and index == 0:
                yield child.content.strip(), item.start
            elif child.kind == "list":
                yield from list_items(child)
            elif child.kind == "too_deep":
                yield from paragraph_lines(child)


def paragraph_lines(block: Block) -> Iterator[tuple[str, int]]:
    for offset, line in enumerate(block.content.split("\n")):
        if line.strip():
            yield line.strip(), block.start + offset


def read_topics(section: Section, reader: EntryReader) -> list[Topic]:
    """Each heading inside the discussions starts a topic; before the first, an untitled one."""
    topics = []
    topic = Topic(title=None)
    run: list[Block] = []
    for block in [*section.blocks, None]:
        if block is not None and block.kind != "heading":
            run.append(block)
            continue
        topic.statements = [
            Statement(entry.names or [], entry.text, reader.first_line + entry.line)
            for entry in reader.read(run)
        ]
        if topic.title is not None or topic.statements:
            topics.append(topic)
        if block is not None:
            title = heading_title(block.content) or block.content.strip()
            topic = Topic(title=title, line=reader.first_line + block.start)
            run = []
    return topics


def read_actions(section: Section, reader: EntryReader, result: Body) -> None:
    """Owned entries are action items; the others, decisions."""
    for entry in reader.read(section.blocks):
        line = reader.first_line + entry.line
        links = []
        for link in links_in(entry.text):
            if limits.link_fits(link):
                links.append(link)
            else:
                reader.warnings.append(
                    (
                        entry.line,
                        f"a link of {len(link.encode()):,} bytes is longer than the"
                        f" {limits.LINK:,} kept for matching; it stays in the text only",
                    )
                )
        if entry.names is None:
            result.decisions.append(Decision(entry.text, links, line))
            continue
        if not entry.names:
            # `TODO: text`: a task no one will be asked about.
            reader.warn(entry.line, "is a TODO with no owner")
        result.action_items.append(ActionItem(entry.names, entry.text, links, line))

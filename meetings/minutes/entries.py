"""Statements and action items alike: who (a prefix, maybe none) and what (text).

The discussions and the action-items section follow the same layout rules
(format, sections 4 and 5); only the prefixes they recognise differ, so one
reader serves both and the caller turns each Entry into its dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from meetings.minutes.blocks import Block
from meetings.minutes.owners import Prefix

# What can follow a paragraph and still be part of its statement or item.
DETAIL_KINDS = {"list", "code", "quote", "html", "too_deep"}

WARNING_QUOTE = 60


@dataclass
class Entry:
    # None when the entry has no prefix: a statement with no speaker, a decision.
    # Empty for an action item with no owner ("TODO: ...").
    names: list[str] | None
    text: str
    line: int  # 0-based line in the body


@dataclass
class Group:
    """Lines of a paragraph from one prefixed line up to the next."""

    offset: int
    prefix: Prefix | None
    lines: list[str]

    @property
    def is_bare(self) -> bool:
        return self.prefix is not None and self.prefix.is_bare and len(self.lines) == 1


@dataclass
class EntryReader:
    lines: list[str]
    first_line: int
    prefix_of: Callable[[str], Prefix | None]
    # Recognises a line holding only names, in a "Summary of Activities".
    name_line_of: Callable[[str], Prefix | None] | None = None
    # (0-based body line, message)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def read(self, blocks: list[Block], *, in_item: bool = False) -> list[Entry]:
        """The entries of a run of blocks: a section's, or a list item's."""
        entries: list[Entry] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            if block.kind == "paragraph":
                index = self.read_paragraph(blocks, index, entries, in_item=in_item)
                continue
            if block.kind == "list":
                for item in block.children:
                    entries.extend(self.read(item.children, in_item=True))
            elif block.kind in DETAIL_KINDS:
                entries.append(Entry(None, self.source(block.start, block.end), block.start))
            index += 1
        # An empty list item, or one holding only a link definition, says nothing.
        return [entry for entry in entries if entry.text]

    def read_paragraph(
        self, blocks: list[Block], index: int, entries: list[Entry], *, in_item: bool
    ) -> int:
        """Add the entries of the paragraph at ``index``; return the index after them."""
        paragraph = blocks[index]
        groups = self.groups(paragraph)
        entries.extend(self.entry(paragraph, group) for group in groups[:-1])
        last = groups[-1]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        bare = self.bare_prefix(last, following, single_line=len(groups) == 1)
        if bare is not None and following.kind == "list":
            # A bare "MS:" over a list: each list item is an entry of its own.
            for item in following.children:
                entries.append(Entry(bare.names, self.blocks_text(item.children), item.start))
            return index + 2
        if bare is not None:
            # A bare "MS:" over a paragraph: that paragraph is the text.
            end = self.end_of_details(blocks, index + 1, None, in_item=False)
            text = self.blocks_text(blocks[index + 1 : end])
            entries.append(Entry(bare.names, text, paragraph.start + last.offset))
            return end

        end = self.end_of_details(blocks, index, last, in_item=in_item)
        entries.append(
            self.entry(paragraph, last, self.details(paragraph, blocks[index + 1 : end]))
        )
        return end

    def entry(self, paragraph: Block, group: Group, details: str = "") -> Entry:
        text = "\n".join(group.lines).strip()
        if details:
            text = f"{text}\n{details}".strip()
        line = paragraph.start + group.offset
        if group.prefix is None:
            return Entry(None, text, line)
        if not text:
            self.warn(line, "is followed by no text")
        return Entry(group.prefix.names, text, line)

    def bare_prefix(self, last: Group, following: Block | None, *, single_line: bool):
        """The prefix of a paragraph's last line, when it stands alone over what follows."""
        if following is None:
            return None
        if last.is_bare and following.kind == "list":
            return last.prefix
        if (
            last.is_bare
            and following.kind == "paragraph"
            and not self.starts_with_prefix([following])
        ):
            return last.prefix
        if self.name_line_of and single_line and not last.prefix and following.kind == "list":
            return self.name_line_of(last.lines[0])
        return None

    def end_of_details(
        self, blocks: list[Block], index: int, group: Group | None, *, in_item: bool
    ) -> int:
        """The index after the blocks that belong with the paragraph at ``index``."""
        end = index + 1
        while end < len(blocks) and self.is_detail(blocks[end], group, in_item=in_item):
            end += 1
        return end

    def is_detail(self, block: Block, group: Group | None, *, in_item: bool) -> bool:
        """Whether ``block`` belongs to the statement or item of ``group``, above it."""
        if block.kind == "list" and group is not None and group.prefix is None:
            # "Next steps:" over "- RD: ...": the list's owners must not be lost.
            return not any(self.starts_with_prefix(item.children) for item in block.children)
        if block.kind == "paragraph":
            # A list item is one entry: its later paragraphs are details, unless
            # they start with a prefix of their own.
            return in_item and not self.starts_with_prefix([block])
        return block.kind in DETAIL_KINDS

    def starts_with_prefix(self, blocks: list[Block]) -> bool:
        if not blocks or blocks[0].kind != "paragraph":
            return False
        first_line = blocks[0].content.split("\n", 1)[0]
        return self.prefix_of(first_line.strip()) is not None

    def groups(self, paragraph: Block) -> list[Group]:
        """Split a paragraph where a line starts with a prefix of its own."""
        groups: list[Group] = []
        for offset, line in enumerate(paragraph.content.split("\n")):
            prefix = self.prefix_of(line.strip())
            if prefix is not None or not groups:
                groups.append(Group(offset, prefix, [prefix.text if prefix else line]))
            else:
                groups[-1].lines.append(line)
        return groups

    def blocks_text(self, blocks: list[Block]) -> str:
        """The text of consecutive blocks, a paragraph's without its list marker."""
        if not blocks:
            return ""
        first = blocks[0]
        if first.kind != "paragraph":
            return self.source(first.start, blocks[-1].end)
        return f"{first.content}\n{self.details(first, blocks[1:])}".strip()

    def details(self, paragraph: Block, blocks: list[Block]) -> str:
        """The text of the blocks under a paragraph, after the blank lines between."""
        if not blocks:
            return ""
        blank_lines = "\n" * (blocks[0].start - paragraph.end)
        return blank_lines + self.source(blocks[0].start, blocks[-1].end)

    def source(self, start: int, end: int) -> str:
        """Lines ``start`` to ``end`` as written, less their common indent."""
        lines = self.lines[start:end]
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        return "\n".join(line[cut:] for line in lines).strip()

    def warn(self, line: int, problem: str) -> None:
        quoted = self.lines[line].strip()[:WARNING_QUOTE]
        self.warnings.append((line, f"{quoted!r} {problem}"))

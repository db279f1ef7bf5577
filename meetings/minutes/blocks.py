"""The Markdown structure of a minutes body, from markdown-it-py's block tokens.

Only the block parser runs: the minutes keep their inline Markdown as written,
so inline parsing would be wasted work (and its cost on pathological lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# How deep lists and quotes may nest (each list costs two levels: the list and
# its item). Past it, markdown-it-py would silently drop the rest of the file;
# too_deep() keeps the deeper lines as one plain block instead.
MAX_DEPTH = 40

KINDS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "item",
    "blockquote_open": "quote",
    "code_block": "code",
    "fence": "code",
    "html_block": "html",
    "hr": "hr",
    "too_deep": "too_deep",
}


@dataclass
class Block:
    """A block of the body: lines ``start`` to ``end`` (0-based, end excluded)."""

    kind: str
    start: int
    end: int
    # A paragraph's or heading's source text, less list markers and indents.
    content: str = ""
    level: int = 0  # a heading's
    children: list[Block] = field(default_factory=list)


def parse_blocks(text: str) -> tuple[list[Block], list[int]]:
    """The body's top-level blocks, containers holding their children.

    Also the lines where nesting went past MAX_DEPTH, for a warning.
    """
    tokens = []
    too_deep_lines = []
    markdown.block.parse(text, markdown, {}, tokens)
    root = Block("root", 0, 0)
    stack = [root]
    for token in tokens:
        if token.nesting == -1:
            stack.pop()
            continue
        if token.type == "inline":
            stack[-1].content = token.content
            continue
        start, end = token.map
        block = Block(KINDS.get(token.type, "other"), start, end)
        if block.kind == "too_deep":
            too_deep_lines.append(start)
        if block.kind == "heading":
            block.level = int(token.tag[1:])
        elif token.nesting == 0:
            block.content = token.content
        if block.kind == "html" and block.content.lstrip().startswith("<!--"):
            # A comment is not shown to readers: it is no statement or decision.
            block.kind = "comment"
        stack[-1].children.append(block)
        if token.nesting == 1:
            stack.append(block)
    return root.children, too_deep_lines


def too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Take the lines of a container nested past MAX_DEPTH as one plain block."""
    if state.level < MAX_DEPTH:
        return False
    if silent:
        return True
    line = start + 1
    while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    while line - 1 > start and state.isEmpty(line - 1):
        line -= 1
    token = state.push("too_deep", "", 0)
    token.map = [start, line]
    token.content = state.getLines(start, line, state.blkIndent, False)
    state.line = line
    return True


def make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark")
    parser.block.ruler.before("table", "too_deep", too_deep)
    # too_deep() stops nesting first; this limit only guards against a bug.
    parser.options["maxNesting"] = MAX_DEPTH + 10
    return parser


markdown = make_parser()

"""Minutes text as safe HTML: Markdown with no raw HTML and only web and mail links.

Item and statement texts come from minutes anyone can edit, so they are
rendered with raw HTML off, images off (no remote content on our pages) and
links kept only when they are http, https or mailto; any other link stays as
its text. Bare http and https URLs become links (markdown-it's linkify), and a
link that shows a GitHub pull request or issue URL shows it short:
``unikraft#1105``.
"""

import html
from functools import lru_cache

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from meetings.links import GITHUB_REFERENCE, short_link_text, trim_url

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


def render(text):
    """The HTML for a minutes text, marked safe."""
    return mark_safe(_render(text, _home_orgs()))


def inline(text):
    """A one-line minutes text (a meeting's location) as HTML with no paragraph, marked safe."""
    return mark_safe(_markdown.renderInline(text, {"home_orgs": _home_orgs()}))


def _home_orgs():
    return tuple(org.casefold() for org in settings.TRACKER_GITHUB_ORGS)


def plain(text):
    """A minutes text as plain words: for titles and messages, where markup would show."""
    return " ".join(html.unescape(strip_tags(render(text))).split())


@lru_cache(maxsize=4096)
def _render(text, home_orgs):
    environment = {"home_orgs": home_orgs}
    return _markdown.render(text, environment)


def _allowed(url):
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _trim_linkified(state):
    """A bare URL ends where the parser says it does: ``see https://x/1: ...`` links ``https://x/1``.

    linkify-it keeps a final ``:`` or ``_``; the punctuation goes after the link,
    by the rule the parser uses for an item's links (``links.trim_url``).
    """
    for block in state.tokens:
        children = block.children or []
        for at in range(len(children) - 2, 0, -1):
            opening, text = children[at - 1], children[at]
            if opening.type != "link_open" or opening.markup != "linkify" or text.type != "text":
                continue
            trimmed = trim_url(text.content)
            if trimmed and trimmed != text.content:
                rest = Token("text", "", 0, level=opening.level)
                rest.content = text.content[len(trimmed) :]
                opening.attrs["href"] = state.md.normalizeLink(trimmed)
                text.content = trimmed
                children.insert(at + 2, rest)


def _shorten_references(state):
    """A link that shows its own URL, a pull request's or an issue's, reads ``repo#N``."""
    home_orgs = state.env.get("home_orgs", ())
    for block in state.tokens:
        children = block.children or []
        for opening, text, closing in zip(children, children[1:], children[2:], strict=False):
            if (
                opening.type == "link_open"
                and text.type == "text"
                and closing.type == "link_close"
                and GITHUB_REFERENCE.fullmatch(text.content)
                and state.md.normalizeLink(text.content) == opening.attrGet("href")
            ):
                text.content = short_link_text(text.content, home_orgs)


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True})
_markdown.enable("linkify").disable("image")
_markdown.validateLink = _allowed
# Bare URLs become links only when written with http:// or https://: not
# `example.org`, `someone@example.org`, `//example.org` or `ftp://...`.
_markdown.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
for _scheme in ("ftp:", "//", "mailto:"):
    _markdown.linkify.add(_scheme, None)
# The inline rule links every URL written with its scheme; the core rule's pass
# over the text is for fuzzy links only, which are off: skipping it renders the
# same HTML a third faster.
_markdown.core.ruler.disable("linkify")
_markdown.core.ruler.push("trim_linkified", _trim_linkified)
_markdown.core.ruler.push("short_references", _shorten_references)

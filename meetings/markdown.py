"""Minutes text as safe HTML: Markdown with no raw HTML and only web and mail links.

Item and statement texts come from minutes anyone can edit, so they are
rendered with raw HTML off, images off (no remote content on our pages) and
links kept only when they are http, https or mailto; any other link stays as
its text. Bare URLs become links, and a link that shows a GitHub pull request
or issue URL shows it short: ``unikraft#1105``.
"""

import html
import re
from functools import lru_cache

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from meetings.links import GITHUB_REFERENCE, short_link_text

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Sentence punctuation after a URL is not part of it.
TRAILING = ".,;:!?'\""


def render(text):
    """The HTML for a minutes text, marked safe."""
    return mark_safe(_render(text, tuple(org.casefold() for org in settings.TRACKER_GITHUB_ORGS)))


def plain(text):
    """A minutes text as plain words: for titles and messages, where markup would show."""
    return " ".join(html.unescape(strip_tags(render(text))).split())


@lru_cache(maxsize=4096)
def _render(text, home_orgs):
    environment = {"home_orgs": home_orgs}
    return _markdown.render(text, environment)


def _allowed(url):
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _link_bare_urls(state):
    """Make links of the URLs written as plain text (markdown-it's linkify needs a package)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type == "text" and not in_link and BARE_URL.search(token.content):
                children.extend(_split_urls(state.md, token))
            else:
                children.append(token)
        block.children = children


def _split_urls(md, token):
    text = token.content
    position = 0
    for found in BARE_URL.finditer(text):
        url = _trim(found.group())
        href = md.normalizeLink(url)
        if not md.validateLink(href):
            continue
        if found.start() > position:
            yield _text(text[position : found.start()], token.level)
        link = Token("link_open", "a", 1, level=token.level, markup="linkify", info="auto")
        link.attrs = {"href": href}
        yield link
        yield _text(md.normalizeLinkText(url), token.level + 1)
        yield Token("link_close", "a", -1, level=token.level, markup="linkify", info="auto")
        position = found.start() + len(url)
    if position < len(text):
        yield _text(text[position:], token.level)


def _trim(url):
    while url and (url[-1] in TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _text(content, level):
    token = Token("text", "", 0, level=level)
    token.content = content
    return token


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


_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")
_markdown.validateLink = _allowed
_markdown.core.ruler.push("bare_urls", _link_bare_urls)
_markdown.core.ruler.push("short_references", _shorten_references)

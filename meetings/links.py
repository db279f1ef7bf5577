"""The rules about links, written once: plain Python, no Django.

Which URLs a text holds and where each ends (sentence punctuation after a
URL is not part of it), and how a link to a GitHub pull request or issue
reads (``unikraft#1105``). Used by the parser (an item's ``links``) and by
the rendering of minutes text (``meetings.markdown``).
"""

import re

URL = re.compile(r"https?://[^\s<>\[\]\"'`]+")
# Sentence punctuation, and Markdown emphasis, written right after a URL.
TRAILING_PUNCTUATION = ".,;:!?*_~"

GITHUB_REFERENCE = re.compile(
    r"https?://(?:www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/"
    r"(?:pull|issues)/(?P<number>\d+)/?",
    re.IGNORECASE,
)


def links_in(text: str) -> list[str]:
    """The URLs in ``text``, in order, once each, without trailing punctuation."""
    return list(dict.fromkeys(trim_url(match.group()) for match in URL.finditer(text)))


def trim_url(url: str) -> str:
    """Drop the punctuation after a URL: "see https://x/1." or "(https://x/1)".

    A final ")" closes the prose, unless the URL opened it
    (https://en.wikipedia.org/wiki/Foo_(bar)).
    """
    unmatched = url.count(")") - url.count("(")
    end = len(url)
    while end:
        last = url[end - 1]
        if last == ")" and unmatched > 0:
            unmatched -= 1
        elif last not in TRAILING_PUNCTUATION:
            break
        end -= 1
    return url[:end]


def short_link_text(url: str, home_orgs=()) -> str:
    """How a link to ``url`` reads: ``repo#N`` for a pull request or issue, else the URL.

    Repositories of the community's own organisations (``home_orgs``, case-folded)
    go by their name alone, others by ``owner/repo``.
    """
    found = GITHUB_REFERENCE.fullmatch(url)
    if not found:
        return url
    owner, repo, number = found["owner"], found["repo"], found["number"]
    if owner.casefold() in home_orgs:
        return f"{repo}#{number}"
    return f"{owner}/{repo}#{number}"

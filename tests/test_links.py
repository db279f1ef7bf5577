"""The rules about links: where a URL in minutes ends, and how a pull request reads."""

import pytest

from meetings.links import links_in, trim_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Merged: https://github.com/unikraft/unikraft/pull/41.",
            "https://github.com/unikraft/unikraft/pull/41",
        ),
        (
            "(see https://github.com/unikraft/unikraft/pull/41)",
            "https://github.com/unikraft/unikraft/pull/41",
        ),
        ("**https://unikraft.org/docs**", "https://unikraft.org/docs"),
        (
            "https://en.wikipedia.org/wiki/Foo_(bar), again",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("<https://unikraft.org/>", "https://unikraft.org/"),
    ],
)
def test_a_url_ends_before_the_punctuation_that_follows_it(text, expected):
    assert links_in(text) == [expected]


def test_each_url_is_listed_once_in_the_order_written():
    text = "https://b.example/1 and https://a.example/2, then https://b.example/1."

    assert links_in(text) == ["https://b.example/1", "https://a.example/2"]


def test_a_url_without_trailing_punctuation_is_kept_whole():
    assert trim_url("https://github.com/unikraft/unikraft/issues/7") == (
        "https://github.com/unikraft/unikraft/issues/7"
    )

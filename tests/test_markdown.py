import pytest

from meetings.links import short_link_text
from meetings.markdown import render


@pytest.fixture(autouse=True)
def home_org(settings):
    settings.TRACKER_GITHUB_ORGS = ["unikraft"]


def test_markdown_is_rendered():
    html = render("Fix **the** `merge` pipeline\n\n- one\n- two")

    assert "<strong>the</strong>" in html
    assert "<code>merge</code>" in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text():
    html = render('<script>alert(1)</script> <img src=x onerror="alert(1)">')

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](jav&#x61;script:alert(1))",
        "[click](vbscript:msgbox)",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[click](/admin/)",
        "[click](ftp://example.org/file)",
    ],
)
def test_only_web_and_mail_links_are_links(link):
    html = render(link)

    assert "<a" not in html
    assert "href" not in html


def test_web_and_mail_links_are_kept():
    html = render(
        "[docs](https://example.org/docs), [plain](http://example.org), [me](mailto:a@b.org)"
    )

    assert '<a href="https://example.org/docs">docs</a>' in html
    assert '<a href="http://example.org">plain</a>' in html
    assert '<a href="mailto:a@b.org">me</a>' in html


def test_images_are_not_loaded():
    html = render("![logo](https://example.org/logo.png)")

    assert "<img" not in html


def test_a_bare_url_becomes_a_link_without_the_punctuation_after_it():
    html = render("See https://example.org/a_(b), then (https://example.org/c).")

    assert '<a href="https://example.org/a_(b)">https://example.org/a_(b)</a>,' in html
    assert '(<a href="https://example.org/c">https://example.org/c</a>).' in html


def test_urls_inside_code_stay_code():
    html = render("Run `curl https://example.org`")

    assert "<a" not in html


def test_a_pull_request_url_of_the_home_organisation_reads_short():
    html = render("Review https://github.com/unikraft/unikraft/pull/1105 please")

    assert '<a href="https://github.com/unikraft/unikraft/pull/1105">unikraft#1105</a>' in html


def test_an_issue_url_of_another_organisation_names_its_owner():
    html = render("<https://github.com/quarry-ssg/quarry/issues/70>")

    assert (
        '<a href="https://github.com/quarry-ssg/quarry/issues/70">quarry-ssg/quarry#70</a>' in html
    )


def test_a_link_with_its_own_text_keeps_it():
    html = render("[the fix](https://github.com/unikraft/unikraft/pull/1105)")

    assert ">the fix</a>" in html


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://github.com/unikraft/app-nginx/pull/3", "app-nginx#3"),
        ("https://github.com/unikraft/unikraft/issues/12/", "unikraft#12"),
        ("https://github.com/torvalds/linux/pull/1", "torvalds/linux#1"),
        ("https://github.com/unikraft/unikraft/pull/1105/files", None),
        ("https://github.com/unikraft", None),
        ("https://example.org/unikraft/unikraft/pull/1", None),
    ],
)
def test_short_link_text(url, text):
    assert short_link_text(url, home_orgs=("unikraft",)) == (text or url)


def test_a_bare_url_ends_where_the_parser_ends_it():
    html = render("* https://github.com/unikraft/lib-musl/pull/7/commits: Ask Marc")

    assert (
        '<a href="https://github.com/unikraft/lib-musl/pull/7/commits">'
        "https://github.com/unikraft/lib-musl/pull/7/commits</a>: Ask Marc"
    ) in html


def test_a_closing_bracket_after_a_bare_url_is_not_part_of_it():
    html = render("[see https://github.com/unikraft/lib-omniorbpy/pull/1]")

    assert '<a href="https://github.com/unikraft/lib-omniorbpy/pull/1">lib-omniorbpy#1</a>]' in html


@pytest.mark.parametrize(
    "text", ["www.example.org", "someone@example.org", "//example.org/x", "ftp://example.org/x"]
)
def test_only_bare_http_and_https_urls_become_links(text):
    assert "<a" not in render(f"See {text} now")

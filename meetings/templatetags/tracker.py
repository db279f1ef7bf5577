from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from meetings import forms, markdown, minutes_html, rows, search

register = template.Library()

# How many hex digits of a commit name it on a page, as git's short form does.
SHORT_COMMIT = 10


@register.filter(name="markdown")
def markdown_filter(text):
    """Minutes text as safe HTML: no raw HTML, only http, https and mailto links."""
    return markdown.render(text or "")


@register.filter(name="markdown_inline")
def markdown_inline_filter(text):
    """A one-line minutes text as safe HTML, as ``markdown`` but with no paragraph."""
    return markdown.inline(text or "")


@register.filter(name="plain")
def plain_filter(text):
    return markdown.plain(text)


@register.filter
def highlight(text, words):
    """The text escaped, with the words searched for marked."""
    return search.highlight(text or "", words)


@register.filter
def who(user):
    return forms.who(user)


@register.filter
def next_statuses(item):
    """The (status, button text) pairs an item's status form offers."""
    return forms.NEXT_STATUSES[item.status]


def _urls(context):
    """One set of URL patterns for everything a template renders."""
    urls = context.render_context.get("tracker_urls")
    if urls is None:  # not setdefault(): that would build one on every call
        urls = context.render_context["tracker_urls"] = rows.Urls()
    return urls


def _status_form(context):
    """What a status form needs, or None for a reader who may not change a status."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    request = context.get("request")
    next_url = context.get("next") or (request.get_full_path() if request else "")
    return str(context.get("csrf_token", "")), next_url


@register.simple_tag(takes_context=True)
def item_rows(context, items, group=""):
    """The rows of a list of items (meetings.rows: the hot path of every list), with a
    heading for each meeting or owner when ``group`` says so."""
    urls, form = _urls(context), _status_form(context)
    # A list with a bulk form (``_bulk_form.html``) has a checkbox on each row.
    select = bool(context.get("bulk"))
    read = rows.read(items)
    if group in ("meeting", "owner"):
        names = rows.meeting_names(read) if group == "meeting" else None
        html = rows.grouped_rows_html(
            read, urls, form=form, select=select, group=group, meeting_names=names
        )
    else:
        html = "\n".join(rows.row_html(item, urls, form=form, select=select) for item in read)
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def mention_rows(context, mentions, meeting):
    """The action items of a meeting's page (``rows.mention_html``)."""
    urls, form, source = _urls(context), _status_form(context), _line_source(meeting)
    return mark_safe(
        "\n".join(
            rows.mention_html(m, meeting, urls, form=form, source=source(m.line)) for m in mentions
        )
    )


def _line_source(meeting):
    """A line's link to the minutes' repository (``source_link``), or "" for every line
    when MINUTES_SOURCE_URL gives none."""
    if not meeting.source_url():
        return lambda line: ""
    return lambda line: source_link(meeting, line)


@register.simple_tag(takes_context=True)
def minutes_participants(context, meeting):
    """Who was at a meeting (``minutes_html``)."""
    return mark_safe(minutes_html.participants_html(meeting, _urls(context)))


@register.simple_tag(takes_context=True)
def minutes_body(context, meeting):
    """A meeting's agenda and discussions (``minutes_html``)."""
    agenda = minutes_html.agenda_html(meeting)
    return mark_safe(f"{agenda}\n{minutes_html.discussions_html(meeting, _urls(context))}")


@register.simple_tag
def minutes_decisions(decisions, meeting):
    """A meeting's decisions (``minutes_html``), linked to their lines when the source is."""
    return mark_safe(minutes_html.decisions_html(decisions, _line_source(meeting)))


@register.simple_tag(takes_context=True)
def meeting_links(context, meetings):
    """A list of recent meetings, each linked (``rows.meeting_link_html``)."""
    urls = _urls(context)
    return mark_safe("".join(rows.meeting_link_html(meeting, urls) for meeting in meetings))


@register.simple_tag(takes_context=True)
def person_rows(context, people):
    """The rows of the people list (``rows.person_row_html``)."""
    urls = _urls(context)
    return mark_safe("\n".join(rows.person_row_html(person, urls) for person in people))


@register.simple_tag(takes_context=True)
def item_owners(context, item):
    return mark_safe(rows.owners_html(item, _urls(context)))


@register.simple_tag(takes_context=True)
def item_status(context, item):
    html = rows.status_html(
        item,
        _urls(context),
        form=_status_form(context),
        errors=context.get("errors") or (),
        saved=context.get("saved", False),
    )
    return mark_safe(html)


@register.simple_tag
def source_link(meeting, line=None):
    """Where the minutes say it: a link to the file (at ``line``) at its commit, by
    MINUTES_SOURCE_URL; without that setting, the commit and the path as text."""
    if not meeting.commit:
        return ""
    short = meeting.commit[:SHORT_COMMIT]
    url = meeting.source_url(line)
    where = f"{meeting.commit_path}:{line}" if line else meeting.commit_path
    if url and line:
        return format_html(
            '<a class="source" href="{}" title="{} at {}">source</a>', url, where, short
        )
    if url:
        return format_html('<a class="source" href="{}">{} at {}</a>', url, where, short)
    return format_html('<span class="source">{} at <code>{}</code></span>', where, short)

"""A meeting's minutes as its page shows them: who was there, the agenda, the discussions
and the decisions, read as plain values and written as HTML.

Read as model instances (each topic, statement, speaker and person) and written
through template loops, the minutes were most of a meeting's page; here each
part is one query of the columns shown, written once, as ``rows`` writes an
item's row.
"""

from html import escape

from meetings import markdown, models


def participants_html(meeting, urls):
    """Who was there, each linked to their page; a name that fits no one yet as written."""
    names = []
    for name, handle, slug in (
        models.Participant.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("name", "person__handle", "person__slug")
    ):
        if handle is None:
            names.append(
                '<span class="owner-unresolved" title="not matched to a person yet">'
                f"{escape(name)}</span>"
            )
        else:
            names.append(f'<a href="{urls.person(slug)}">{escape(handle)}</a>')
    if not names:
        return ""
    return (
        f'<p class="participants"><span class="label">Participants:</span>\n{", ".join(names)}</p>'
    )


def agenda_html(meeting):
    entries = (
        models.AgendaItem.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("text", "line")
    )
    html = "".join(
        f'<li id="L{line}"><div class="md">{markdown.render(text)}</div></li>'
        for text, line in entries
    )
    if not html:
        return ""
    return f'<section class="agenda">\n<h2>Agenda</h2>\n<ul>\n{html}\n</ul>\n</section>'


def discussions_html(meeting, urls):
    """Each topic with its statements, each statement with who said it: one query, a row
    per speaker (a statement said by two comes twice)."""
    topics = {}  # by id, in order: its opening tag and heading, its statements' ids
    statements = {}  # by id: [who said it, text, line]
    for topic_id, title, topic_line, statement_id, text, line, *speaker in (
        models.Topic.objects.filter(meeting=meeting)
        .order_by("position", "statements__position", "statements__speakers__position")
        .values_list(
            "pk",
            "title",
            "line",
            "statements",
            "statements__text",
            "statements__line",
            "statements__speakers__name",
            "statements__speakers__is_group",
            "statements__speakers__person__handle",
            "statements__speakers__person__slug",
        )
    ):
        if topic_id not in topics:
            where = f' id="L{topic_line}"' if topic_line else ""
            heading = f"<h3>{escape(title)}</h3>" if title else ""
            topics[topic_id] = (f'<section class="topic"{where}>{heading}', [])
        if statement_id is None:
            continue
        if statement_id not in statements:
            statements[statement_id] = [[], text, line]
            topics[topic_id][1].append(statement_id)
        name, is_group, handle, slug = speaker
        if name is not None:
            statements[statement_id][0].append(_speaker_html(name, is_group, handle, slug, urls))
    if not topics:
        return ""
    sections = "\n".join(
        "\n".join([opening, *(_statement_html(*statements[pk]) for pk in ids), "</section>"])
        for opening, ids in topics.values()
    )
    return f'<section class="discussions">\n<h2>Discussions</h2>\n{sections}\n</section>'


def _speaker_html(name, is_group, handle, slug, urls):
    if handle is not None:
        return f'<a href="{urls.person(slug)}" title="{escape(handle)}">{escape(name)}</a>'
    if is_group:
        return f'<span class="owner-group">{escape(name)}</span>'
    return f"<span>{escape(name)}</span>"


def _statement_html(speakers, text, line):
    said = f'<span class="speakers">{"/".join(speakers)}:</span>\n' if speakers else ""
    return (
        f'<div class="statement" id="L{line}">\n{said}'
        f'<div class="md">{markdown.render(text)}</div>\n</div>'
    )


def decisions_html(decisions, source_link):
    """The meeting's decisions (mentions: ``item_id``, ``text``, ``line``), each with a link
    to its line in the minutes' repository when ``source_link(line)`` gives one."""
    if not decisions:
        return ""
    entries = []
    for decision in decisions:
        source = source_link(decision.line)
        meta = f'<p class="item-meta">{source}</p>' if source else ""
        entries.append(
            f'<li id="L{decision.line}" data-item="{decision.item_id}">'
            f'<div class="md">{markdown.render(decision.text)}</div>{meta}</li>'
        )
    return (
        '<section class="decisions">\n<h2>Decisions</h2>\n<ul>\n'
        + "\n".join(entries)
        + "\n</ul>\n</section>"
    )

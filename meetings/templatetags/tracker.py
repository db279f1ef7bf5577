from django import template

from meetings import forms, markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Minutes text as safe HTML: no raw HTML, only http, https and mailto links."""
    return markdown.render(text or "")


@register.filter(name="plain")
def plain_filter(text):
    return markdown.plain(text)


@register.filter
def who(user):
    return forms.who(user)


@register.filter
def next_statuses(item):
    """The (status, button text) pairs an item's status form offers."""
    return forms.NEXT_STATUSES[item.status]

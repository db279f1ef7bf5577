from django.shortcuts import render
from django.views.decorators.http import require_safe

from meetings import search as finder
from meetings.views.common import BoundedPaginator, paginate, reader_required

# How many matches of each section the results page shows before "more".
FIRST = 10


@require_safe
@reader_required
def search(request):
    """``/search/?q=words``: the matches in every section; ``&in=lines`` pages through one."""
    query = finder.cleaned(request.GET.get("q"))
    section = request.GET.get("in")
    context = {
        "search_query": query,
        "words": finder.words(query),
        "too_short": len(query) < finder.MIN_LENGTH or not finder.words(query),
        "min_length": finder.MIN_LENGTH,
    }
    if context["too_short"]:
        return render(request, "meetings/search.html", context)
    if section in finder.SECTIONS:
        context["section"] = section
        context["title"] = finder.SECTIONS[section]
        context["page"] = paginate(request, finder.search(query, section))
    else:
        context["sections"] = [
            first_of(key, title, finder.search(query, key))
            for key, title in finder.SECTIONS.items()
        ]
        context["found"] = any(s["rows"] for s in context["sections"])
    return render(request, "meetings/search.html", context)


def first_of(key, title, queryset):
    """The first matches of a section and how many there are (counted only past the first)."""
    rows = list(queryset[:FIRST])
    counted = BoundedPaginator(queryset, FIRST)
    if len(rows) < FIRST:
        counted.count = len(rows)  # all there are: no need to count
    return {"key": key, "title": title, "rows": rows, "counted": counted}

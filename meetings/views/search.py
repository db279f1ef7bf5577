from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from meetings import search as finder
from meetings.views.common import BoundedPaginator, reader_required

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
        counted = paginator(query, section, settings.TRACKER_PAGE_SIZE)
        context["section"] = section
        context["title"] = finder.SECTIONS[section]
        context["page"] = counted.get_page(request.GET.get("page"))
    else:
        context["sections"] = []
        for key, title in finder.SECTIONS.items():
            counted = paginator(query, key, FIRST)
            rows = list(counted.object_list[:FIRST]) if counted.count else []
            context["sections"].append(
                {"key": key, "title": title, "rows": rows, "counted": counted}
            )
        context["found"] = any(s["rows"] for s in context["sections"])
    return render(request, "meetings/search.html", context)


def paginator(query, section, per_page):
    """The matches of a section in pages, counted (up to a bound) once."""
    matches, count = finder.found(query, section)
    counted = BoundedPaginator(matches, per_page)
    counted.bound, counted.count = finder.RANKED, count
    return counted

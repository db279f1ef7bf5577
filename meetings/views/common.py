"""What the views share: who may read and decide, the page-or-fragment answer, paging."""

import math

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from meetings.models import Item, Person

# Anyone may read a public tracker; otherwise reading, like changing, needs an account.
reader_required = user_passes_test(
    lambda user: settings.TRACKER_PUBLIC_READ or user.is_authenticated
)


def linked_person(user):
    """The person a user is in the minutes, or None."""
    return getattr(user, "person", None)


def may_decide(user, *refs):
    """Whether ``user`` may decide about the items at ``refs``, as an expression for annotate().

    Deciding is linking, splitting, and confirming or dismissing a suggestion.
    An item's owners may (for an item that everyone at a meeting owns, the
    people who were there), and so may maintainers (staff), for every item.
    ``refs`` name the outer query's item columns, ``"pk"`` on Item itself.
    """
    if user.is_staff:
        return Value(True)
    person = linked_person(user)
    if person is None:
        return Value(False)
    either = Q()
    for ref in refs or ["pk"]:
        either |= Q(pk=OuterRef(ref))
    return Exists(Item.objects.owned_by(person).filter(either))


def partial_wanted(request):
    # A history restore asks for the whole page, though htmx sends it.
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(request, template, partial, context):
    """The full page, or for htmx the part of it that the request swaps."""
    response = render(request, partial if partial_wanted(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class BoundedPaginator(Paginator):
    """Pages that count their rows only up to ``bound``: "more than 1,000 items".

    Counting every match of a broad filter scans them all on every page; the
    first thousand say as much to a reader. Past the bound, a page exists while
    rows do, and "Next" is offered while the page after has one.
    """

    bound = 1000

    def __init__(self, object_list, per_page, counted=None):
        super().__init__(object_list, per_page)
        # What to count when it is cheaper than the rows and as many (the kept
        # ownership), or how many there are (a kept count).
        self.counted = counted

    @cached_property
    def count(self):
        counted = self.counted
        if isinstance(counted, int):
            return counted
        # Unordered: the database stops at the bound instead of sorting every match;
        # the ids alone, which an index holds, not the rows' text.
        if counted is None:
            counted = self.object_list.order_by().values("pk")
        return counted[: self.bound + 1].count()

    @property
    def more(self):
        """Whether the count stopped at the bound: a kept count is exact however large."""
        return not isinstance(self.counted, int) and self.count > self.bound

    @property
    def shown(self):
        """The count as a reader sees it."""
        return f"more than {self.bound:,}" if self.more else f"{self.count:,}"

    def validate_number(self, number):
        if not self.more:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def get_page(self, number):
        """The page asked for or, past the last (a list shrinks as items close), the last.

        Past the bound the last page is found by counting every row: only when a
        page past the end is asked for, not on every visit.
        """
        try:
            return super().get_page(number)
        except EmptyPage:
            if not self.more:
                return super().get_page(self.num_pages)
            rows = self.object_list.order_by().values("pk").count()
            return self.page(max(1, math.ceil(rows / self.per_page)))

    def page(self, number):
        if not self.more:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:  # no list is that long; a database may refuse the number
            raise EmptyPage("That page contains no results")
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        page = self._get_page(rows[: self.per_page], number, self)
        page.has_next = lambda: len(rows) > self.per_page
        return page


# Further than any list reaches, and within every database's integers.
MAX_OFFSET = 2**31


def paginate(request, queryset, per_page=None, counted=None):
    paginator = BoundedPaginator(queryset, per_page or settings.TRACKER_PAGE_SIZE, counted)
    return paginator.get_page(request.GET.get("page"))


def count_of(queryset):
    """How many distinct rows a correlated queryset has, as a subquery.

    Unlike Count() over a join, it is computed only for the rows shown (a page).
    """
    count = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Subquery(queryset.order_by().annotate(count=count).values("count"))


def next_url(request, default):
    """Where a form goes back to: the page it names in ``next`` if that is on this site."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return default
    return back


def own_person(request, slug):
    """The person of this page, if the signed-in user is them: only they change their
    digest, feed links and API token."""
    person = get_object_or_404(Person, slug=slug)
    if person.user_id != request.user.pk:
        raise PermissionDenied
    return person

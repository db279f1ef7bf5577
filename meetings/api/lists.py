"""How the API reads a list: the HTML list's FilterSet, and its bounded pages."""

from django.conf import settings
from django.core.paginator import EmptyPage
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from meetings.views.common import BoundedPaginator


class FilterSetBackend(DjangoFilterBackend):
    """The view's ``filterset_class``, as its HTML list uses it: a wrong value is a 400
    naming each wrong parameter. The filterset is kept on the view, for the page to count
    what it says to count (``ItemFilter.counted``)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class BoundedPagination(BasePagination):
    """Pages of ``TRACKER_PAGE_SIZE`` rows (``page_size`` up to 100), counted as the HTML
    lists count (``BoundedPaginator``): up to 1,000, ``more`` true past that."""

    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        filterset = getattr(view, "filterset", None)
        counted = getattr(filterset, "counted", None)
        paginator = BoundedPaginator(queryset, self.page_size(request), counted)
        number = request.query_params.get("page", "1")
        try:
            valid = int(number) >= 1
        except ValueError:
            valid = False
        if not valid:
            raise ValidationError({"page": [f"A page is a whole number from 1, not “{number}”."]})
        try:
            self.page = paginator.page(int(number))
        except EmptyPage:
            raise NotFound(f"There is no page {number} of this list.") from None
        return list(self.page)

    def page_size(self, request):
        asked = request.query_params.get("page_size", "")
        if asked.isdecimal() and len(asked) < 4 and int(asked) >= 1:
            return min(int(asked), self.max_page_size)
        return settings.TRACKER_PAGE_SIZE

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        count = min(paginator.count, paginator.bound) if paginator.more else paginator.count
        return Response(
            {
                "count": count,
                "more": paginator.more,
                "next": self.link(self.page.next_page_number() if self.page.has_next() else None),
                "previous": self.link(
                    self.page.previous_page_number() if self.page.has_previous() else None
                ),
                "results": data,
            }
        )

    def link(self, number):
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", number)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "more", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "How many match, counted up to 1,000.",
                },
                "more": {
                    "type": "boolean",
                    "description": "Whether more than 1,000 match (count stops there).",
                },
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "The page, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows a page: TRACKER_PAGE_SIZE, or up to {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

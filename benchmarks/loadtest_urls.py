"""The tracker's URLs, and the floor the load test compares its pages with."""

from django.shortcuts import render
from django.urls import include, path


def trivial(request):
    """The base template with nothing in it, through the same middleware and login."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("tracker.urls")),
]

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control

from meetings.views import accounts


@cache_control(max_age=86400, public=True)
def no_icon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's say nothing):
    there is none, and that is an answer, not a 404 in every console."""
    return HttpResponse(status=204)


urlpatterns = [
    path("favicon.ico", no_icon),
    path("admin/", admin.site.urls),
    # Before Django's own: it says so when the site cannot send the mail.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("meetings.api.urls")),
    path("", include("meetings.urls")),
]

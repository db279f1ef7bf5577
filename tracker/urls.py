from django.contrib import admin
from django.urls import include, path

from meetings.views import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's own: it says so when the site cannot send the mail.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("meetings.urls")),
]

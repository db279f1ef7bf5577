"""Logging in and resetting a password: the parts the tracker adds to Django's own views."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone

send_reset_mail = auth_views.PasswordResetView.as_view()


def password_reset(request):
    """Django's "forgotten password" form, where the site can send mail.

    Without mail it would say it sent one all the same: the user is told whom
    to ask instead.
    """
    if not settings.TRACKER_SENDS_MAIL:
        return render(request, "registration/password_reset_unavailable.html")
    return send_reset_mail(request)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login after too many failures: what happened, when to retry.

    Each attempt during the lockout counts as a failure and starts the wait
    again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the wait runs from now.
    """
    wait = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(wait.total_seconds() // 60),
        "retry_at": timezone.localtime() + wait,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def client_ip(request):
    """The address of the client, as the nearest trusted proxy saw it (for django-axes).

    Behind a proxy, REMOTE_ADDR is the proxy's. A client may send an
    X-Forwarded-For of its own, and each proxy appends the address it saw: only
    the last PROXY_COUNT entries are trustworthy, and the client is the first
    of those.
    """
    if settings.BEHIND_PROXY:
        chain = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        chain = [part.strip() for part in chain if part.strip()]
        if len(chain) >= settings.PROXY_COUNT:
            return chain[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")

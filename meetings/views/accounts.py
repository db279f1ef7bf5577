"""Logging in, resetting a password and a token for the API: the parts the tracker adds
to Django's own views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from meetings.views.common import own_person

# Where a token just made waits for the person's page to show it, once.
NEW_API_TOKEN = "new_api_token"

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


@login_required
@require_POST
def api_token(request, slug):
    """A person makes (or makes anew) their personal token for the API: only they may.

    Their page shows it once, after this redirect; an earlier token stops working.
    """
    person = own_person(request, slug)
    with transaction.atomic():
        had = Token.objects.filter(user=request.user).delete()[0]
        token = Token.objects.create(user=request.user)
    request.session[NEW_API_TOKEN] = token.key
    if had:
        messages.success(request, "Your API token is new: the old one no longer works.")
    else:
        messages.success(request, "Your API token is ready.")
    return redirect(person)

"""Login throttling with django-axes: who the client is, and what a locked-out editor sees.

Axes counts failed logins in the database (shared by every app server) per account and per
address and refuses a locked-out login even with the right password. This module gives it
the client's address behind a reverse proxy and turns its refusal into the admin login page
with a message in the editor's language, rather than a bare page in English.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import ngettext


def client_ip(request):
    """Return the address a request came from, as the trusted reverse proxies saw it.

    With `DJANGO_PROXY_COUNT=N` proxies in front, each appending the address it received the
    request from to the forwarding header, the client is the N-th address from the right:
    whatever a client writes into the header itself stays on the left, where it is ignored.
    Without proxies (the default) the header is not read at all.
    """
    count = settings.CLIENT_IP_PROXY_COUNT
    if count:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if len(addresses) >= count:
            return addresses[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed logins from this account or address. Logging in is blocked for "
        "%(minutes)d minute, even with the right password; try again later, or ask an "
        "administrator to unlock it.",
        "Too many failed logins from this account or address. Logging in is blocked for "
        "%(minutes)d minutes, even with the right password; try again later, or ask an "
        "administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin login form, saying so when a login was refused because of a lockout."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out login with the page the view rendered (the admin login form and
    its message), marked 429 Too Many Requests."""
    response = original_response or HttpResponse(lockout_message(), content_type="text/plain")
    response.status_code = 429
    return response


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """For the test suite only: the test client's `login()` authenticates without a request,
    which axes refuses; every real login (the admin's form) passes one and is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

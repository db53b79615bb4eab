"""What readers and editors see when the server fails: a clean page, never a traceback.

While the database is unreachable (restarting, failing over, overloaded) every page that needs
it fails; instead of a 500 they get a short 503 page in Chinese that says to try again shortly,
with `Retry-After`, so that browsers, crawlers and load balancers know it will pass. The app
needs no restart afterwards: Django drops a connection that failed and opens a new one on the
next request.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable():
    # Rendered without the request: the context processors would ask the database (the user).
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """handler500: a 503 page while the database is unreachable, Django's 500 otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable()
    return django_server_error(request)

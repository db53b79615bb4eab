"""`/healthz` for load balancers: 200 when the database answers, 503 when it does not.

Answered by a middleware at the top of the stack, before host checking, the HTTPS redirect,
sessions and the page cache: a load balancer polls it over plain HTTP, by the server's
address, without a login, and must never see a cached answer.
"""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"


def database_is_reachable():
    try:
        with connection.cursor() as cursor:
            # A table of ours, not "SELECT 1": SQLite would happily open an empty new file.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            return cursor.fetchone() is not None
    except DatabaseError:
        return False


def health_response():
    ok = database_is_reachable()
    response = HttpResponse(
        "ok\n" if ok else "database unreachable\n",
        status=200 if ok else 503,
        content_type="text/plain; charset=utf-8",
    )
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)

"""Refuse what no page can mean before a view passes it to the database."""

from django.http import HttpResponseBadRequest, JsonResponse


def _holds_nul(request):
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    """Answer 400 to a URL that holds NUL (%00) in its path or its parameters.

    No text the site stores can hold NUL (PostgreSQL refuses it outright: a 500 from any
    lookup, in the admin's search and filters too), so no page can mean it. The API answers
    in JSON, as it always does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _holds_nul(request):
            return None
        message = "the URL holds a NUL character (%00)"
        if getattr(view_func, "__module__", "") == "bulletins.api":
            return JsonResponse({"error": message}, status=400)
        return HttpResponseBadRequest(message)

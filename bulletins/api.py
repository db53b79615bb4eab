"""The public, read-only JSON API: published content only, in shapes other tools rely on.

Error messages are in English, like the command-line tools: they are read by programs.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from .caching import reader_page
from .filters import ItemFilter
from .legacy.exporter import issue_for_export, issue_to_dict
from .models import Issue
from .params import whole_number
from .search import SearchTooBroad, snippet

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10**6  # more than 100,000,000 items' worth: past it, no page can exist


class BadRequest(Exception):
    pass


def _error(message, status=400, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def _positive(request, name, default, maximum):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    value = whole_number(raw, maximum=maximum)
    if value is None:
        raise BadRequest(f"{name} must be a whole number from 1 to {maximum}, in ASCII digits")
    return value


def _paginate(request, queryset, serialize):
    page_size = _positive(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = _positive(request, "page", 1, MAX_PAGE)
    paginator = Paginator(queryset, page_size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise BadRequest(f"there is no page {number}") from None

    def link(target):
        params = request.GET.copy()
        params["page"] = target
        return request.build_absolute_uri(request.path + "?" + params.urlencode())

    return JsonResponse(
        {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(obj) for obj in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _bad_requests_as_json(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _error(str(error))
        except SearchTooBroad:
            return _error(
                "the search is too broad to answer quickly: use more specific words, "
                "or narrow it with section, issue or date_from/date_to"
            )

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return require_GET(wrapper)


@reader_page
@_bad_requests_as_json
def issue_list(request):
    """GET /api/issues/: published issues, newest first."""
    issues = Issue.objects.published().newest_first()
    return _paginate(
        request,
        issues,
        lambda issue: {
            "number": issue.number,
            "title": issue.title,
            "issue_date": issue.issue_date.isoformat() if issue.issue_date else None,
            "url": request.build_absolute_uri(issue.get_absolute_url()),
        },
    )


@reader_page
@_bad_requests_as_json
def issue_detail(request, number):
    """GET /api/issues/<number>/: the issue as `export_issue --format json` prints it, plus URLs."""
    try:
        issue = issue_for_export(number, Issue.objects.published())
    except Issue.DoesNotExist:
        return _error(f"there is no published issue {number}", 404)
    data = issue_to_dict(issue, build_url=request.build_absolute_uri)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@reader_page
@_bad_requests_as_json
def item_list(request):
    """GET /api/items/?q=&section=&issue=&date_from=&date_to=&page=&page_size="""
    filterset = ItemFilter(request.GET)
    if not filterset.is_valid():
        with translation.override("en"):
            fields = {
                name: [e["message"] for e in errors]
                for name, errors in filterset.errors.get_json_data().items()
            }
        return _error("invalid parameters", fields=fields)
    items = filterset.results()
    terms = filterset.terms

    def serialize(item):
        before, match, after = snippet(item.body, terms)
        return {
            "id": item.id,
            "issue": item.section.issue.number,
            "section": item.section.slug,
            "title": item.title,
            "snippet": before + match + after,
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }

    return _paginate(request, items, serialize)


def not_found(request):
    """Answer any other path under /api/ in JSON: the programs that call it read no HTML."""
    return _error(f"there is no API at {request.path}", 404)

"""Reader pages. Each selects with a constant number of queries and renders."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .filters import TOO_BROAD, ItemFilter, SectionItemFilter, latest_published_section
from .models import Issue, Item, Section, count_items
from .search import SearchTooBroad, snippet


def _with_contents(issues):
    """Fetch sections and their items along with the issues: three queries in all."""
    return issues.prefetch_related(
        Prefetch("sections", queryset=Section.objects.prefetch_related("items"))
    )


def _render_issue(request, issue, *, preview=False):
    return render(request, "bulletins/issue_detail.html", {"issue": issue, "preview": preview})


def home(request):
    issue = _with_contents(Issue.objects.published().newest_first()).first()
    if issue is None:
        return render(request, "bulletins/no_issue.html", status=200)
    return _render_issue(request, issue)


def issue_detail(request, number):
    issue = get_object_or_404(_with_contents(Issue.objects.published()), number=number)
    return _render_issue(request, issue)


@never_cache
@staff_member_required
def issue_preview(request, number):
    issue = get_object_or_404(_with_contents(Issue.objects.all()), number=number)
    return _render_issue(request, issue, preview=True)


def issue_archive(request):
    issues = Issue.objects.published().newest_first()
    page = _page(request, issues, settings.ARCHIVE_PAGE_SIZE)
    count_items(page.object_list)
    return render(request, "bulletins/issue_archive.html", {"page": page})


def item_detail(request, number, section_position, item_position):
    issue = get_object_or_404(Issue.objects.published(), number=number)
    items = list(
        Item.objects.filter(section__issue=issue)
        .select_related("section")
        .order_by("section__position", "position")
    )
    for item in items:
        item.section.issue = issue
    positions = [(item.section.position, item.position) for item in items]
    if (section_position, item_position) not in positions:
        raise Http404("No such item in this issue.")
    index = positions.index((section_position, item_position))
    item = items[index]
    context = {
        "issue": issue,
        "item": item,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
    }
    return render(request, "bulletins/item_detail.html", context)


def _page(request, queryset, size):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _with_snippets(items, terms):
    for item in items:
        item.snippet = snippet(item.body, terms) if terms else None
        item.title_parts = snippet(item.title, terms, radius=len(item.title)) if terms else None
    return items


def _results_page(request, filterset, size):
    """The page of results the filters ask for; None, with a message to the reader beside the
    query, when the search is too broad to answer within its time budget."""
    try:
        return _page(request, filterset.results(), size)
    except SearchTooBroad:
        filterset.form.add_error("q", TOO_BROAD)
        return None


def section_archive(request, slug):
    filterset = SectionItemFilter(request.GET or None, slug=slug)
    page = _results_page(request, filterset, settings.SECTION_PAGE_SIZE)
    section = page.object_list[0].section if page and page.object_list else None
    if section is None:
        section = latest_published_section(slug)
        if section is None:
            raise Http404("No published section has this slug.")
    if page:
        _with_snippets(page.object_list, filterset.terms)
    context = {"section": section, "page": page, "filter": filterset}
    return render(request, "bulletins/section_archive.html", context)


def search_page(request):
    filterset = ItemFilter(request.GET or None)
    page = None
    if filterset.terms:
        page = _results_page(request, filterset, settings.SEARCH_PAGE_SIZE)
        if page:
            _with_snippets(page.object_list, filterset.terms)
    context = {"filter": filterset, "page": page, "query": request.GET.get("q", "")}
    return render(request, "bulletins/search.html", context)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "Disallow: " + reverse("bulletins:search"),
        "Sitemap: " + request.build_absolute_uri(reverse("sitemap")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

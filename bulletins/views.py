"""Reader pages. Each selects with a constant number of queries and renders."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .caching import reader_page
from .caching.fragments import (
    issue_page,
    issue_shown,
    render_around,
    render_contents,
    render_kept,
)
from .contents import (
    item_values,
    item_with_neighbours,
    latest_issue,
    make_item,
    pictured_items,
    published_issue,
)
from .filters import TOO_BROAD, ItemFilter, SectionItemFilter, latest_published_section
from .images.markup import first_share_image
from .models import Issue, count_items
from .search import SearchTooBroad, snippet

# The templates of the issue and item pages, which are kept rendered whole or in parts (see
# caching.fragments); an issue's contents are read in one query (see contents).
ISSUE_ITEM = "bulletins/_issue_item.html"
TOC_ITEM = "bulletins/_toc_item.html"
ISSUE_PAGE = "bulletins/issue_detail.html"
ITEM_PAGE = "bulletins/item_detail.html"
# The length of a page's summary in its head, as templates/bulletins/_meta.html truncates it.
SUMMARY_CHARS = 150


def _published_or_404(number):
    issue = published_issue(number)
    if issue is None:
        raise Http404("No published issue has this number.")
    return issue


def _render_issue(request, issue, *, preview=False):
    def render_page():
        sections = render_contents(issue, ISSUE_ITEM, TOC_ITEM, cache=not preview, preview=preview)
        description = issue.editors_note or _headlines(sections)  # for search engines
        # The picture other sites show: the first of the issue's (none in a preview's head).
        image = None if preview else first_share_image(pictured_items(sections), request)
        context = {"issue": issue, "sections": sections, "preview": preview, "image": image}
        # The page around the parts that change with its items (the head's summary of the
        # first headlines, each section's entries and items) is kept rendered under what it
        # shows; the summary is what the head's template would make of the description.
        summary = (
            [escape(truncatechars(description, SUMMARY_CHARS)).encode()] if description else []
        )
        parts = summary + [part for s in sections for part in (s.toc, s.items_html)]

        def context_with(part):
            first = len(summary)
            for index, section in enumerate(sections):
                section.toc_part = part(first + 2 * index)
                section.items_part = part(first + 2 * index + 1)
            return {**context, "summary": part(0) if summary else None}

        kept_as = None
        if not preview:
            kept_as = (issue_shown(issue), bool(summary), image)
            kept_as += tuple(section.values for section in sections)
        return render_around(ISSUE_PAGE, request, context_with, parts, kept_as=kept_as)

    if preview:
        return HttpResponse(render_page())  # never cached, not even in parts
    return HttpResponse(issue_page(request, issue, render_page))


def _headlines(sections, count=5):
    """Describe an issue without an editor's note by its first headlines."""
    titles = item_values(sections, "title")[:count]
    if not titles:
        return ""
    return _("In this issue: %(headlines)s") % {"headlines": "；".join(titles)}


@reader_page
def home(request):
    issue = latest_issue()
    if issue is None:
        return render(request, "bulletins/no_issue.html", status=200)
    return _render_issue(request, issue)


@reader_page
def issue_detail(request, number):
    issue = _published_or_404(number)
    return _render_issue(request, issue)


def _may_view_issues(user):
    """Tell whether a user may read drafts: the admin's own rule for viewing issues."""
    return user.has_perm("bulletins.view_issue") or user.has_perm("bulletins.change_issue")


@never_cache
@staff_member_required
def issue_preview(request, number):
    if not _may_view_issues(request.user):
        # 404, not 403: a staff account without the right learns nothing about drafts.
        raise Http404("No issue with this number.")
    issue = get_object_or_404(Issue.objects.all(), number=number)
    return _render_issue(request, issue, preview=True)


@reader_page
def issue_archive(request):
    issues = Issue.objects.published().newest_first()
    page = _page(request, issues, settings.ARCHIVE_PAGE_SIZE)
    count_items(page.object_list)
    return render(request, "bulletins/issue_archive.html", {"page": page})


@reader_page
def item_detail(request, number, section_position, item_position):
    issue = _published_or_404(number)

    def render_page():
        found = item_with_neighbours(issue, section_position, item_position)
        if found is None:
            raise Http404("No such item in this issue.")
        previous, row, following = found

        def render_item():
            context = {
                "issue": issue,
                "item": make_item(*row),
                "previous": previous and make_item(*previous),
                "next": following and make_item(*following),
            }
            return render_to_string(ITEM_PAGE, context, request).encode()

        # Kept under what it shows, the same after an edit to another item of its issue.
        shown = [issue_shown(issue)]
        shown += [each and (each[0].values, each[1]) for each in (previous, row, following)]
        return render_kept(request, ITEM_PAGE, shown, render_item)

    # The page shows its issue only (the item, its neighbours): kept under the issue's count.
    part = ("item", section_position, item_position)
    return HttpResponse(issue_page(request, issue, render_page, part=part))


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
        filterset.too_broad = True
        return None


def _uncached_if_too_broad(response, filterset):
    """Keep a "too broad" answer out of every cache: the same search may be answered when
    the server is less busy."""
    if getattr(filterset, "too_broad", False):
        add_never_cache_headers(response)
    return response


@reader_page
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
    response = render(request, "bulletins/section_archive.html", context)
    return _uncached_if_too_broad(response, filterset)


@reader_page
def search_page(request):
    filterset = ItemFilter(request.GET or None)
    page = None
    if filterset.terms:
        page = _results_page(request, filterset, settings.SEARCH_PAGE_SIZE)
        if page:
            _with_snippets(page.object_list, filterset.terms)
    context = {"filter": filterset, "page": page, "query": request.GET.get("q", "")}
    response = render(request, "bulletins/search.html", context)
    return _uncached_if_too_broad(response, filterset)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "Disallow: " + reverse("bulletins:search"),
        "Sitemap: " + request.build_absolute_uri(reverse("sitemap")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever the page links: the icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))

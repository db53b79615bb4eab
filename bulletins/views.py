"""Reader pages. Each selects with a constant number of queries and renders."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import Issue, Item, Section


def _with_contents(issues):
    """Fetch sections and their items along with the issues: three queries in all."""
    return issues.prefetch_related(
        Prefetch("sections", queryset=Section.objects.prefetch_related("items"))
    )


def _render_issue(request, issue, *, preview=False):
    return render(request, "bulletins/issue_detail.html", {"issue": issue, "preview": preview})


def home(request):
    issue = _with_contents(Issue.objects.published()).order_by("-number").first()
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
    issues = Issue.objects.published().annotate(item_count=Count("sections__items"))
    page = Paginator(issues.order_by("-number"), settings.ARCHIVE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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


def section_archive(request, slug):
    items = (
        Item.objects.filter(section__slug=slug, section__issue__in=Issue.objects.published())
        .select_related("section__issue")
        .order_by("-section__issue__number", "position")
    )
    page = Paginator(items, settings.SECTION_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if not page.object_list:
        raise Http404("No published section has this slug.")
    section = page.object_list[0].section
    return render(request, "bulletins/section_archive.html", {"section": section, "page": page})

"""RSS and Atom feeds: every published issue whole, and each section's items."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .caching import reader_page
from .filters import READING_ORDER, latest_published_section, published_items
from .images.feeds import FeedRequestMixin, feed_request, item_enclosures
from .listing import SortedByIds
from .models import Issue, Section

ITEMS_IN_FEED = 20
# Each entry is a whole issue: twenty weekly issues of 50 items made a feed of 1.2 MB, which
# every subscriber's reader fetched on each poll; ten keep it near 600 KB.
ISSUES_IN_FEED = 10


class CachedFeed(FeedRequestMixin, Feed):
    """A feed served like every reader page (`caching.reader_page`): a reader's repeat poll
    is answered 304, and a first fetch from the page cache, without rendering the feed."""

    def __call__(self, request, *args, **kwargs):
        return reader_page(super().__call__)(request, *args, **kwargs)


class IssuesFeed(CachedFeed):
    title = gettext_lazy("Newsroom · Weekly industry news")
    description = gettext_lazy("Every issue of the weekly bulletin, in full.")
    link = reverse_lazy("bulletins:issue_archive")

    def items(self):
        sections = Section.objects.prefetch_related("items")
        return (
            Issue.objects.published()
            .newest_first()
            .prefetch_related(Prefetch("sections", queryset=sections))[:ISSUES_IN_FEED]
        )

    def item_title(self, issue):
        return _("No. %(number)s: %(title)s") % {"number": issue.number, "title": issue.title}

    def item_description(self, issue):
        context = {"issue": issue, "request": feed_request()}
        return render_to_string("bulletins/feed_issue.html", context)

    def item_pubdate(self, issue):
        return issue.published_at

    def item_updateddate(self, issue):
        return issue.updated_at


class IssuesAtomFeed(IssuesFeed):
    feed_type = Atom1Feed
    subtitle = IssuesFeed.description


class SectionFeed(CachedFeed):
    description = gettext_lazy("This section's news from every issue, newest first.")

    def get_object(self, request, slug):
        section = latest_published_section(slug)
        if section is None:
            raise Http404("No published section has this slug.")
        return section

    def title(self, section):
        return _("Newsroom · %(section)s") % {"section": section.title}

    def link(self, section):
        return reverse("bulletins:section_archive", args=[section.slug])

    def items(self, section):
        items = published_items().filter(section__slug=section.slug).order_by(*READING_ORDER)
        return SortedByIds(items)[:ITEMS_IN_FEED]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        context = {"item": item, "request": feed_request()}
        return render_to_string("bulletins/feed_item.html", context)

    def item_enclosures(self, item):
        return item_enclosures(item)

    def item_pubdate(self, item):
        return item.section.issue.published_at


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    subtitle = SectionFeed.description

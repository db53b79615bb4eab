"""sitemap.xml: published issues, their items and the section archives."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .filters import READING_ORDER, published_items, section_choices
from .models import Issue


def _latest_issue_change():
    """When a published issue last changed: its items change with it (the compose screen)."""
    return Issue.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class IssueSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().newest_first()

    def lastmod(self, issue):
        return issue.updated_at

    def get_latest_lastmod(self):
        # Django's own asks lastmod() of every issue, for the sitemap index.
        return _latest_issue_change()


class ItemSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.5
    limit = 5000

    def items(self):
        # Only what the location and lastmod need: not 5,000 bodies per page.
        return (
            published_items()
            .order_by(*READING_ORDER)
            .only(
                "position",
                "section__position",
                "section__issue__number",
                "section__issue__updated_at",
            )
        )

    def lastmod(self, item):
        return item.section.issue.updated_at

    def get_latest_lastmod(self):
        # Django's own asks lastmod() of every item (10 s for 100,000 items).
        return _latest_issue_change()


class SectionArchiveSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return sorted(slug for slug, _title in section_choices())

    def location(self, slug):
        return reverse("bulletins:section_archive", args=[slug])


SITEMAPS = {"issues": IssueSitemap, "items": ItemSitemap, "sections": SectionArchiveSitemap}

"""sitemap.xml: published issues, their items and the section archives."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .filters import published_items, published_sections
from .models import Issue


class IssueSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().order_by("-number")

    def lastmod(self, issue):
        return issue.updated_at


class ItemSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.5
    limit = 5000

    def items(self):
        return published_items().order_by(
            "-section__issue__number", "section__position", "position"
        )

    def lastmod(self, item):
        return item.section.issue.updated_at


class SectionArchiveSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return sorted(set(published_sections().values_list("slug", flat=True)))

    def location(self, slug):
        return reverse("bulletins:section_archive", args=[slug])


SITEMAPS = {"issues": IssueSitemap, "items": ItemSitemap, "sections": SectionArchiveSitemap}

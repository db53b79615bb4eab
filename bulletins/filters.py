"""Reader-facing filters: a search query combined with section, issue number and date range."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Issue, Item, Section
from .search import search


def published_items():
    """Items of published issues, with what their URLs and listings need."""
    return Item.objects.filter(section__issue__in=Issue.objects.published()).select_related(
        "section__issue"
    )


def section_choices():
    """Slugs of sections that readers can see, each with its latest title."""
    seen = {}
    rows = (
        Section.objects.filter(issue__in=Issue.objects.published())
        .order_by("-issue__number")
        .values_list("slug", "title")
    )
    for slug, title in rows:
        seen.setdefault(slug, title)
    return sorted(seen.items(), key=lambda pair: pair[1])


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_query", label=_("Search"), max_length=200)
    section = django_filters.ChoiceFilter(
        field_name="section__slug",
        label=_("Section"),
        empty_label=_("All sections"),
        choices=section_choices,
    )
    issue = django_filters.NumberFilter(
        field_name="section__issue__number", label=_("Issue number"), min_value=1
    )
    date_from = django_filters.DateFilter(
        field_name="section__issue__issue_date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="section__issue__issue_date", lookup_expr="lte", label=_("To")
    )

    class Meta:
        model = Item
        fields = ["q", "section", "issue", "date_from", "date_to"]

    @property
    def terms_given(self):
        return bool(self.form.is_bound and self.data.get("q", "").strip())

    def filter_query(self, queryset, name, value):
        return search(queryset, value)


class SectionItemFilter(ItemFilter):
    """The same filters within one section's archive."""

    section = None

    class Meta(ItemFilter.Meta):
        fields = ["q", "issue", "date_from", "date_to"]

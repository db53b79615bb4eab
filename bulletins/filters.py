"""Reader-facing filters: a search query combined with section, issue number and date range."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F
from django.utils.translation import gettext_lazy as _

from .listing import SortedByIds
from .models import Issue, Item, Section
from .params import ISSUE_NUMBER_MAX, WholeNumberField
from .search import SearchResults, query_terms, section_key_prefix
from .widgets import render_directly

# Items as readers meet them: newest issue first (Issue.objects.newest_first), then the issue's
# own order.
READING_ORDER = [
    F("section__issue__issue_date").desc(nulls_last=True),
    "-section__issue__number",
    "section__position",
    "position",
]


def published_items():
    """Items of published issues, with what their URLs and listings need."""
    return Item.objects.filter(section__issue__in=Issue.objects.published()).select_related(
        "section__issue"
    )


def published_sections():
    """Sections of published issues, newest issue first (by issue date, then number)."""
    return Section.objects.filter(issue__in=Issue.objects.published()).order_by(
        F("issue__issue_date").desc(nulls_last=True), "-issue__number"
    )


def latest_published_section(slug):
    """The newest readers can see of the sections with this slug (its title heads archives)."""
    return published_sections().filter(slug=slug).first()


def section_choices():
    """Slugs of sections that readers can see, each with its latest title, sorted by title.
    A section without a slug (a legacy title that makes none) has no archive: left out.

    Every issue repeats its sections under the same few slugs (10,000 sections, 5 slugs), so
    the slugs are found by skipping along the slug index, and each slug's title by looking
    back from the newest published issue: about 1 ms, where ranking every section by slug
    took 22 ms.
    """
    published, params = Issue.objects.published().values("pk").query.sql_with_params()
    sections, issues = Section._meta.db_table, Issue._meta.db_table
    sql = f"""
        WITH RECURSIVE slugs(slug) AS (
            SELECT min(slug) FROM {sections} WHERE slug > ''
            UNION ALL
            SELECT (SELECT min(slug) FROM {sections} WHERE slug > slugs.slug)
            FROM slugs WHERE slugs.slug IS NOT NULL
        )
        SELECT slug, (
            SELECT section.title FROM {sections} section
            JOIN {issues} issue ON issue.id = section.issue_id
            WHERE section.slug = slugs.slug AND issue.id IN ({published})
            ORDER BY issue.issue_date DESC NULLS LAST, issue.number DESC LIMIT 1
        ) FROM slugs WHERE slugs.slug IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(((slug, title) for slug, title in rows if title is not None), key=lambda r: r[1])


class SectionChoiceField(django_filters.fields.ChoiceField):
    def valid_value(self, value):
        """Look up the one slug given instead of listing every section to find it: only a form
        that is shown needs the list."""
        return published_sections().filter(slug=value).exists()


class SectionFilter(django_filters.ChoiceFilter):
    field_class = SectionChoiceField


class IssueNumberFilter(django_filters.Filter):
    """An issue number as readers type it: ASCII digits, 1 to 10⁹ (see `params`)."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_value=ISSUE_NUMBER_MAX, **kwargs)


# Each term is a lookup, and all must match: a reader needs a few; a bot's hundred common
# characters cost seconds (see bench/bench_hostile.py).
MAX_TERMS = 10

TOO_BROAD = _(
    "This search is too broad to answer quickly: use more specific words, "
    "or narrow it by section, issue or date."
)


class ItemFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        """Write the fields' HTML in Python: through Django's widget templates (a select listing
        every section among them) it took a fifth of an uncached search page's time."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            render_directly(field.widget, line_breaks=True)

    def clean_q(self):
        """Refuse more terms than a search may have, counted as search counts them (repeated
        terms, and terms inside others, are not counted)."""
        query = self.cleaned_data.get("q")
        count = len(query_terms(query))
        if count > MAX_TERMS:
            raise forms.ValidationError(
                _("Search for at most %(max)d words at a time (this search has %(count)d)."),
                code="too_many_terms",
                params={"max": MAX_TERMS, "count": count},
            )
        return query

    def clean(self):
        """Refuse a date range that ends before it starts, rather than quietly finding nothing."""
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ItemFilter(django_filters.FilterSet):
    """Filter published items; with a query, rank them by search (see `results`).

    Whatever queryset it is given, it only ever lists published items: `qs` starts from
    `published_items()`, built when a listing needs it (a search answers from its index).
    """

    q = django_filters.CharFilter(method="filter_query", label=_("Search"), max_length=200)
    section = SectionFilter(
        field_name="section__slug",
        label=_("Section"),
        empty_label=_("All sections"),
        choices=section_choices,
    )
    issue = IssueNumberFilter(field_name="section__issue__number", label=_("Issue number"))
    date_from = django_filters.DateFilter(
        field_name="section__issue__issue_date",
        lookup_expr="gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="section__issue__issue_date",
        lookup_expr="lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Item
        fields = ["q", "section", "issue", "date_from", "date_to"]
        form = ItemFilterForm

    fixed_section = None  # a section archive's slug

    @property
    def terms(self):
        if not (self.form.is_bound and self.is_valid()):
            return []
        return query_terms(self.form.cleaned_data.get("q"))

    def filter_query(self, queryset, name, value):
        return queryset  # the query ranks through the search index: see results()

    @property
    def qs(self):
        """Published items that pass the filters, unranked (see `results`)."""
        if not hasattr(self, "_qs"):
            items = published_items()
            if self.fixed_section:
                items = items.filter(section__slug=self.fixed_section)
            self._qs = self.filter_queryset(items) if self.is_bound else items
        return self._qs

    def results(self):
        """What readers see: search results when there is a query, else newest items first."""
        if self.is_bound and not self.is_valid():
            return Item.objects.none()
        if not self.terms:
            return SortedByIds(self.qs.order_by(*READING_ORDER))
        data = self.form.cleaned_data
        issues = Issue.objects.published()
        if data.get("issue"):
            issues = issues.filter(number=data["issue"])
        if data.get("date_from"):
            issues = issues.filter(issue_date__gte=data["date_from"])
        if data.get("date_to"):
            issues = issues.filter(issue_date__lte=data["date_to"])
        slug = self.fixed_section or data.get("section")
        sections = None
        if slug:
            sections = Section.objects.filter(issue__in=issues, slug=slug).annotate(
                key_prefix=ExpressionWrapper(
                    section_key_prefix(F("issue__search_slot"), F("position")),
                    output_field=BigIntegerField(),
                )
            )
        return SearchResults(self.terms, issues=issues, sections=sections)


class SectionItemFilter(ItemFilter):
    """The same filters within one section's archive."""

    section = None

    class Meta(ItemFilter.Meta):
        fields = ["q", "issue", "date_from", "date_to"]

    def __init__(self, *args, slug, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_section = slug

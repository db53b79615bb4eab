"""Long listings of items, cut into pages without sorting whole rows."""


class SortedByIds:
    """A sorted queryset as a lazy sequence for Paginator: a page's ids, then their rows.

    Cutting a page from a sorted queryset sorts every matching row, bodies included: on
    SQLite, the 50th page of a section's 20,000 items took 410 ms, and the 100th page of all
    100,000 items 1.9 s. Sorting the ids alone, then fetching the page's rows by id, keeps
    the sort narrow; the queryset's own filters and select_related still apply to the rows.
    """

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        return in_order_of(self.queryset, list(self.queryset.values_list("pk", flat=True)[window]))


def in_order_of(queryset, ids):
    """The queryset's rows with these ids, in the order of the ids; those it lacks left out."""
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [rows[pk] for pk in ids if pk in rows]

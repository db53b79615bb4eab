"""The editor's compose screen: a whole issue, its sections and their items on one page."""

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_import import LegacyImportMixin
from .editorial import start_next_issue
from .forms import IssueForm, ItemForm, PositionedFormSet, SectionForm
from .models import Issue, Item, Section
from .ordering import park_positions, renumber_positions
from .params import YEAR_MAX, whole_number
from .search import index_issue


class ItemInline(nested_admin.NestedStackedInline):
    model = Item
    form = ItemForm
    formset = PositionedFormSet
    sortable_field_name = "position"
    extra = 0
    fieldsets = [
        (None, {"fields": ["position", "title", "body"]}),
        (
            _("Source and image"),
            {
                "fields": [
                    "source",
                    "source_url",
                    "image",
                    "image_alt",
                    "image_caption",
                    "image_credit",
                ]
            },
        ),
    ]


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    form = SectionForm
    formset = PositionedFormSet
    sortable_field_name = "position"
    inlines = [ItemInline]
    extra = 0
    fields = [("position", "number"), "title", "slug"]


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Issue.objects.filter(issue_date__isnull=False).dates("issue_date", "year")
        return [(str(day.year), str(day.year)) for day in reversed(years)]

    def queryset(self, request, queryset):
        year = whole_number(self.value(), maximum=YEAR_MAX)
        if self.value() and year is None:
            raise IncorrectLookupParameters(self.value())  # the list shows itself unfiltered
        return queryset.filter(issue_date__year=year) if year else queryset


@admin.register(Issue)
class IssueAdmin(LegacyImportMixin, nested_admin.NestedModelAdmin):
    form = IssueForm
    inlines = [SectionInline]
    list_display = ["number", "title", "issue_date", "state", "item_count", "reader_link"]
    list_display_links = ["number", "title"]
    list_filter = ["status", YearListFilter]
    search_fields = ["=number", "title", "sections__items__title"]
    date_hierarchy = "issue_date"
    actions = ["publish", "unpublish", "start_next"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": [("number", "issue_date"), "title", "editors_note"]}),
        (_("Publication"), {"fields": [("status", "published_at")]}),
        (_("History"), {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_item_count("_item_count")

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:  # the date hierarchy's ?issue_date__year=10000000000
            raise IncorrectLookupParameters(error) from error

    def get_changeform_initial_data(self, request):
        return {
            "number": Issue.objects.next_number(),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("items"), ordering="_item_count")
    def item_count(self, issue):
        return issue._item_count

    @admin.display(description=_("state"), ordering="status")
    def state(self, issue):
        if issue.is_public:
            return _("Published")
        if issue.is_scheduled:
            return _("Scheduled for %(time)s") % {
                "time": timezone.localtime(issue.published_at).strftime("%Y-%m-%d %H:%M")
            }
        return _("Draft")

    @admin.display(description=_("on the site"))
    def reader_link(self, issue):
        if issue.is_public:
            return format_html('<a href="{}">{}</a>', issue.get_absolute_url(), _("View"))
        return format_html('<a href="{}">{}</a>', issue.get_preview_url(), _("Preview"))

    def view_on_site(self, issue):
        return issue.get_absolute_url() if issue.is_public else issue.get_preview_url()

    def save_related(self, request, form, formsets, change):
        issue = form.instance
        with transaction.atomic():
            if change:
                park_positions(issue)
            super().save_related(request, form, formsets, change)
            renumber_positions(issue)
            index_issue(issue)

    @admin.action(description=_("Publish the selected issues"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            queryset.filter(published_at__isnull=True).update(published_at=now)
            count = queryset.update(status=Issue.Status.PUBLISHED, updated_at=now)
        self.message_user(
            request,
            ngettext("%(count)d issue published.", "%(count)d issues published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected issues"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Issue.Status.DRAFT, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d issue withdrawn.", "%(count)d issues withdrawn.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Start the next issue with the selected issue's sections"),
        permissions=["add"],
    )
    def start_next(self, request, queryset):
        sources = list(queryset[:2])
        if len(sources) != 1:
            self.message_user(
                request, _("Select one issue to start the next one from."), messages.ERROR
            )
            return None
        try:
            issue = start_next_issue(sources[0])
        except IntegrityError:  # another editor took the number a moment ago
            self.message_user(
                request, _("The next number was just taken: please try again."), messages.ERROR
            )
            return None
        self.message_user(
            request,
            _(
                "Draft issue No. %(number)d is ready with the sections of No. %(source)d: "
                "add this week's news."
            )
            % {"number": issue.number, "source": sources[0].number},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:bulletins_issue_change", args=[issue.pk]))

"""The editor's compose screen: a whole issue, its sections and their items as one outline."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import editorial
from .admin_history import HistoryAdminMixin
from .admin_import import LegacyImportMixin
from .compose import (
    compose_media,
    conflict_context,
    error_summary,
    field_legend,
    save_summary,
)
from .forms import (
    IssueForm,
    ItemForm,
    MinuteSplitDateTimeField,
    PositionedFormSet,
    SectionForm,
    SectionFormSet,
)
from .history import record_revision
from .history.merge import (
    ISSUE_FIELDS,
    keep_their_untouched_fields,
    keep_their_untouched_rows,
    opened_snapshot,
)
from .models import Issue, Item, Section
from .ordering import apply_order, prepare_rows
from .params import YEAR_MAX, whole_number
from .search import index_issue

# Fields only a chief editor may set; a form from anyone else that carries them is forged.
PUBLICATION_FIELDS = ("status", "published_at", "published_at_0", "published_at_1")


class ComposeInlineAdminFormset(nested_admin.NestedInlineAdminFormset):
    @property
    def media(self):
        # nested-admin builds every row of the outline a second time to collect their media;
        # the rows' widgets share their formset's, and the outline's scripts are compose_media.
        return self.formset.media


# The rows' text inputs are sized by compose.css; the admin's own class on each was 3 KB a page.
ROW_WIDGETS = {models.CharField: {"widget": forms.TextInput}}


class ItemInline(nested_admin.NestedStackedInline):
    model = Item
    formfield_overrides = ROW_WIDGETS
    form = ItemForm
    formset = PositionedFormSet
    template = "admin/bulletins/issue/item_inline.html"
    sortable_field_name = "position"
    verbose_name = _("news item")
    verbose_name_plural = _("news items")
    extra = 1
    fields = [
        "position",
        "title",
        "body",
        "source",
        "source_url",
        "image",
        "image_alt",
        "image_caption",
        "image_credit",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        issue_id = obj.issue_id if obj is not None else None
        choices = getattr(request, "_newsroom_section_choices", {})
        if issue_id not in choices:
            sections = Section.objects.filter(issue_id=issue_id).order_by("position")
            choices[issue_id] = [
                (section.pk, f"{section.position}. {section.title}") for section in sections
            ]
            request._newsroom_section_choices = choices
        formset.section_choices = choices[issue_id] if issue_id else []
        return formset


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    formfield_overrides = ROW_WIDGETS
    form = SectionForm
    formset = SectionFormSet
    template = "admin/bulletins/issue/section_inline.html"
    sortable_field_name = "position"
    inlines = [ItemInline]
    extra = 1
    fields = ["position", "number", "title", "slug"]


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


class IssueActionForm(ActionForm):
    publish_at = forms.DateTimeField(
        label=_("go-live time"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("For “Schedule”: when the selected issues go live."),
    )


def _local_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def issue_state(issue, can_publish):
    """One line over the compose screen: whether readers see the issue, and who decides."""
    if issue.is_public:
        line = _("Published: readers see each change you save at once.")
    elif issue.is_scheduled:
        line = _("Scheduled: goes live at %(time)s; until then readers do not see it.") % {
            "time": _local_time(issue.published_at)
        }
    else:
        line = _("Draft: readers do not see this issue.")
    if not can_publish:
        line = f"{line} {_('Publishing, scheduling and withdrawing are for chief editors.')}"
    return {
        "kind": "public" if issue.is_public else "scheduled" if issue.is_scheduled else "draft",
        "line": line,
        "warning": editorial.empty_sections_warning(issue, once_begun=True),
    }


@admin.register(Issue)
class IssueAdmin(HistoryAdminMixin, LegacyImportMixin, nested_admin.NestedModelAdmin):
    form = IssueForm
    inlines = [SectionInline]
    inline_admin_formset_helper_cls = ComposeInlineAdminFormset
    change_form_template = "admin/bulletins/issue/change_form.html"
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": MinuteSplitDateTimeField,
            "widget": AdminSplitDateTime,
        }
    }
    action_form = IssueActionForm
    list_display = ["number", "title", "issue_date", "state", "item_count", "reader_link"]
    list_display_links = ["number", "title"]
    list_filter = ["status", YearListFilter]
    search_fields = ["=number", "title", "sections__items__title"]
    date_hierarchy = "issue_date"
    actions = ["delete_selected", "publish", "unpublish", "schedule", "start_next"]
    fieldsets = [
        (None, {"fields": [("number", "issue_date"), "title", "editors_note"]}),
        (_("Publication"), {"fields": [("status", "published_at")]}),
        (_("Created and updated"), {"fields": [("created_at", "updated_at")]}),
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and formfield is not None:
            # The date and time inputs have no <label> of their own: name them.
            date_input, time_input = formfield.widget.widgets
            date_input.attrs["aria-label"] = _("Publication date")
            time_input.attrs["aria-label"] = _("Publication time (hour:minute)")
        return formfield

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": editorial.can_publish(request.user),
        }
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_at", "updated_at"]
        if not editorial.can_publish(request.user):
            readonly += ["status", "published_at"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:2]

    # Roles: editors (编辑) write; chief editors (主编) also publish, schedule and delete.

    def has_publish_permission(self, request):
        return editorial.can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is not None and obj.status == Issue.Status.PUBLISHED:
            return editorial.can_publish(request.user)
        return True

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        forged = request.method == "POST" and any(
            name in request.POST for name in PUBLICATION_FIELDS
        )
        if forged and not editorial.can_publish(request.user):
            raise PermissionDenied(_("Only chief editors may publish or schedule issues."))
        return super().changeform_view(request, object_id, form_url, extra_context)

    # The list.

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

    # The compose screen.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["media"] = compose_media(context["media"])
        context["error_summary"] = error_summary(context)
        context["field_legend"] = field_legend()
        context["errors"] = None  # the summary above takes the place of Django's error note
        context["conflict"] = conflict_context(context["adminform"].form, obj)
        context["can_publish"] = editorial.can_publish(request.user)
        context["issue_state"] = issue_state(obj, context["can_publish"]) if obj else None
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def save_model(self, request, obj, form, change):
        if change and form.saving_over:  # the editor confirmed saving over a newer version
            opened = opened_snapshot(obj, form.saving_over)
            if opened is not None:
                keep_their_untouched_fields(form, opened.issue, ISSUE_FIELDS)
                request._newsroom_opened = opened
        if not change or form.has_changed():
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        formset.save()

    def save_related(self, request, form, formsets, change):
        issue = form.instance
        plan = next(formset.plan for formset in formsets if hasattr(formset, "plan"))
        opened = getattr(request, "_newsroom_opened", None)
        if opened is not None:
            keep_their_untouched_rows(formsets, opened)
        with transaction.atomic():
            reordered = prepare_rows(issue, plan)
            super().save_related(request, form, formsets, change)
            if reordered:
                apply_order(issue, plan)
            rows_changed = reordered or any(
                formset.new_objects or formset.changed_objects or formset.deleted_objects
                for formset in formsets
            )
            if change and not rows_changed and not form.has_changed():
                request._newsroom_nothing_changed = True
                return
            if rows_changed and change and not form.has_changed():
                issue.save(update_fields=["updated_at"])  # what readers see has changed
            index_issue(issue)
            moved = reordered and plan.reorders_rows()
            record_revision(issue, request.user, save_summary(form, formsets, change, moved))

    def log_change(self, request, obj, message):
        if getattr(request, "_newsroom_nothing_changed", False):
            return None
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_newsroom_nothing_changed", False) and level == messages.SUCCESS:
            message, level = _("Nothing was changed, so nothing was saved."), messages.INFO
        return super().message_user(request, message, level, *args, **kwargs)

    # Editorial actions: each calls bulletins.editorial, which records a revision.

    def _act(self, request, queryset, act, done_message, **kwargs):
        done = []
        for issue in queryset.order_by("number"):
            try:
                done.append(act(issue, user=request.user, **kwargs))
            except editorial.EditorialError as error:
                self.message_user(request, str(error), messages.ERROR)
        if done and done_message:
            count = len(done)
            self.message_user(request, done_message(count) % {"count": count}, messages.SUCCESS)
        if act in (editorial.publish, editorial.schedule):
            for issue in done:
                warning = editorial.empty_sections_warning(issue)
                if warning:
                    self.message_user(
                        request,
                        _("No. %(number)d: ") % {"number": issue.number} + warning,
                        messages.WARNING,
                    )
        return done

    @admin.action(
        description=admin_actions.delete_selected.short_description, permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Django's bulk delete, refused up front with a plain reason when an editor's
        selection holds a published (or scheduled) issue, which only chief editors delete."""
        if not editorial.can_publish(request.user):
            published = queryset.filter(status=Issue.Status.PUBLISHED).order_by("number")
            numbers = [str(number) for number in published.values_list("number", flat=True)]
            if numbers:
                self.message_user(
                    request,
                    _(
                        "No. %(numbers)s: published issues may be deleted only by a chief "
                        "editor. Nothing was deleted."
                    )
                    % {"numbers": _(", ").join(numbers)},
                    messages.ERROR,
                )
                return None
        return admin_actions.delete_selected(self, request, queryset)

    @admin.action(description=_("Publish the selected issues"), permissions=["publish"])
    def publish(self, request, queryset):
        done = self._act(request, queryset, editorial.publish, None)
        public = [issue for issue in done if not issue.is_scheduled]
        if public:
            self.message_user(
                request,
                ngettext("%(count)d issue published.", "%(count)d issues published.", len(public))
                % {"count": len(public)},
                messages.SUCCESS,
            )
        for issue in done:
            if issue.is_scheduled:  # published at the time it already had: not public yet
                self.message_user(
                    request,
                    _(
                        "No. %(number)d already has a publication time: it goes live at "
                        "%(time)s. To publish it now, set its publication time to now on its "
                        "page."
                    )
                    % {"number": issue.number, "time": _local_time(issue.published_at)},
                    messages.WARNING,
                )

    @admin.action(description=_("Unpublish the selected issues"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._act(
            request,
            queryset,
            editorial.unpublish,
            lambda n: ngettext("%(count)d issue withdrawn.", "%(count)d issues withdrawn.", n),
        )

    @admin.action(description=_("Schedule the selected issues"), permissions=["publish"])
    def schedule(self, request, queryset):
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        when = form.cleaned_data.get("publish_at") if form.is_valid() else None
        if when is None or when <= timezone.now():
            self.message_user(
                request, _("Give a go-live time in the future to schedule."), messages.ERROR
            )
            return
        self._act(
            request,
            queryset,
            editorial.schedule,
            lambda n: ngettext("%(count)d issue scheduled.", "%(count)d issues scheduled.", n),
            when=when,
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
            issue = editorial.start_next_issue(sources[0], user=request.user)
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
        same_date = (
            Issue.objects.filter(issue_date=issue.issue_date)
            .exclude(pk=issue.pk)
            .order_by("number")
            .values_list("number", flat=True)
            if issue.issue_date
            else []
        )
        if same_date:  # started twice, or from an older issue than the latest
            self.message_user(
                request,
                _(
                    "No. %(numbers)s already covers %(date)s: check the new issue's date, or "
                    "delete it if it was started twice."
                )
                % {
                    "numbers": _(", ").join(str(number) for number in same_date),
                    "date": issue.issue_date.isoformat(),
                },
                messages.WARNING,
            )
        return redirect(reverse("admin:bulletins_issue_change", args=[issue.pk]))

"""The content of the weekly bulletin: an Issue has numbered Sections, a Section has Items."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .images.fields import PictureField
from .params import ISSUE_NUMBER_MAX

# A news item is a few hundred to a few thousand characters. The cap keeps every body within
# what PostgreSQL's search index can hold for one item (a tsvector of at most 1 MB).
BODY_MAX_LENGTH = 20_000


class IssueQuerySet(models.QuerySet):
    def published(self, now=None):
        """Return the issues readers may see: published, and their go-live time has come (by
        `now`, the current time unless given)."""
        now = now or timezone.now()
        return self.filter(status=Issue.Status.PUBLISHED, published_at__lte=now)

    def with_item_count(self, name="item_count"):
        """Annotate each issue with its number of items, e.g. to sort a list by it.

        A subquery per issue rather than a join and GROUP BY, which counts every item of every
        issue before a page is cut (260 ms for a page of 2,000 issues of 50 items). The
        subquery still runs for the rows an OFFSET skips: to show a page, cut it first and
        use `count_items`.
        """
        items = Item.objects.filter(section__issue=models.OuterRef("pk")).order_by()
        count = items.values("section__issue").annotate(count=models.Count("pk")).values("count")
        return self.annotate(**{name: Coalesce(models.Subquery(count), 0)})

    def newest_first(self):
        """Order issues as readers meet them: by issue date, then number, newest first.

        Numbers say in which order issues were made, not which news they cover: an old issue
        imported today takes the next number, yet belongs among the issues of its date. An
        issue without a date (a draft) comes after every dated one.
        """
        return self.order_by(models.F("issue_date").desc(nulls_last=True), "-number")

    def next_number(self):
        """The number that follows the highest issue number in use (1 for the first issue)."""
        return (self.aggregate(top=models.Max("number"))["top"] or 0) + 1


def count_items(issues):
    """Set `item_count` on each of the issues given (say, a page already cut), in one query.

    Annotating the paginated queryset instead counts for every issue an OFFSET skips: the
    archive's page 50 (of 2,000 issues) took 73 ms for that.
    """
    issues = list(issues)
    counts = dict(
        Item.objects.filter(section__issue__in=issues)
        .order_by()
        .values_list("section__issue")
        .annotate(count=models.Count("pk"))
    )
    for issue in issues:
        issue.item_count = counts.get(issue.pk, 0)
    return issues


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(
        _("number"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(ISSUE_NUMBER_MAX)],
        help_text=_(
            "The issue number printed as “No. N”, from 1 to 1,000,000,000. "
            "Each issue has its own number."
        ),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The issue's title as readers see it, e.g. “Weekly industry news”."),
    )
    issue_date = models.DateField(
        _("issue date"),
        null=True,
        blank=True,
        help_text=_("The date the issue covers. May stay empty while drafting."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published issues whose publication time has come are shown to readers."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "When the issue goes live. Leave empty to publish now; "
            "a future time schedules the issue."
        ),
    )
    editors_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("An optional note shown to readers above the table of contents."),
    )
    source_hash = models.CharField(
        _("source hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "SHA-256 of the legacy text this issue was imported from, if any: of the text as "
            "decoded and normalised, so that a copy in another encoding is the same issue."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_slot = models.BigIntegerField(
        _("search slot"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Where the issue's items stand in the search index, from its date and number: "
            "kept by the index (see bulletins/search.py), never typed."
        ),
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-number"]
        # Held by the chief editors' group (主编): see bulletins.editorial.
        permissions = [
            (
                "publish_issue",
                _("Can publish, unpublish and schedule issues, and delete published ones"),
            ),
        ]
        indexes = [
            # Answers the publish rule from the index alone: every reader page asks it.
            models.Index(fields=["status", "published_at", "number"], name="issue_published"),
            # Search asks which issues hold the slots between two others (search._issue_scope).
            models.Index(fields=["search_slot"], name="issue_search_slot"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="issue_number_positive"),
            models.CheckConstraint(
                condition=models.Q(number__lte=ISSUE_NUMBER_MAX), name="issue_number_at_most_1e9"
            ),
            models.UniqueConstraint(
                fields=["source_hash"],
                condition=~models.Q(source_hash=""),
                name="issue_unique_source_hash",
            ),
        ]

    def __str__(self):
        return _("No. %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self):
        return reverse("bulletins:issue_detail", args=[self.number])

    def get_preview_url(self):
        return reverse("bulletins:issue_preview", args=[self.number])

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def display_date(self):
        """Return the date readers see: the covered date, else the publication day."""
        if self.issue_date:
            return self.issue_date
        if self.published_at:
            return timezone.localdate(self.published_at)
        return None


class Section(models.Model):
    issue = models.ForeignKey(
        Issue,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("issue"),
    )
    position = models.PositiveIntegerField(
        _("position"),
        validators=[MaxValueValidator(9999)],
        help_text=_("Order of the section within the issue (1 comes first)."),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The section heading, e.g. “Semiconductor industry weekly news”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "Keep it the same every week so readers can follow a section across issues. "
            "Left empty, it is made from the title."
        ),
    )
    number = models.PositiveSmallIntegerField(
        _("printed number"),
        null=True,
        blank=True,
        help_text=_("The section number as printed in the bulletin, if any."),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["issue", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "position"], name="section_unique_position_in_issue"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("bulletins:section_archive", args=[self.slug])

    @property
    def anchor(self):
        return f"section-{self.position}"


def item_image_path(item, filename):
    return f"items/{timezone.now():%Y/%m}/{filename}"


class Item(models.Model):
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("section"),
    )
    position = models.PositiveIntegerField(
        _("position"),
        validators=[MaxValueValidator(9999)],
        help_text=_("Order of the item within its section (1 comes first)."),
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The headline, shown in the table of contents and above the item."),
    )
    body = models.TextField(
        _("body"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Plain text. Start each paragraph on a new line."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the news comes from, e.g. a publication's name."),
    )
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        help_text=_("Link to the original report, if there is one."),
    )
    image = PictureField(
        _("image"),
        upload_to=item_image_path,
        blank=True,
        record_field="image_renditions",
        help_text=_(
            "An optional picture shown with the item: JPEG, PNG, WebP or GIF, up to 10 MB "
            "and 40 megapixels. It is turned upright, its location and camera data are "
            "removed, and readers get copies sized for their screens."
        ),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("Describe the picture for readers who cannot see it. Required with an image."),
    )
    image_caption = models.CharField(
        _("image caption"),
        max_length=300,
        blank=True,
        help_text=_("Optional. Shown under the picture, e.g. what or who it shows."),
    )
    image_credit = models.CharField(
        _("image credit"),
        max_length=200,
        blank=True,
        help_text=_(
            "Optional. Who took or owns the picture, e.g. a photographer or an agency; "
            "shown under the picture as “Image: …”."
        ),
    )
    image_renditions = models.JSONField(
        _("image renditions"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The picture's size and the resized copies made of it (set on upload)."),
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="item_unique_position_in_section"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Link to the item's permalink: issue number, then section and item positions."""
        section = self.section
        return reverse(
            "bulletins:item_detail",
            kwargs={
                "number": section.issue.number,
                "section_position": section.position,
                "item_position": self.position,
            },
        )

    @property
    def anchor(self):
        return f"item-{self.section.position}-{self.position}"

    @property
    def paragraphs(self):
        return [line.strip() for line in self.body.splitlines() if line.strip()]

"""What the legacy parser produces: plain dataclasses, no database."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str

    def __str__(self):
        if not self.line:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParsedItem:
    title: str
    body: str
    line: int
    source: str = ""
    source_url: str = ""

    @property
    def paragraphs(self):
        return self.body.split("\n") if self.body else []


@dataclass
class ParsedSection:
    title: str
    number: int | None
    line: int
    headlines: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class ParsedIssue:
    """A parsed legacy file. `error` is set, and nothing should be saved, when it is unusable."""

    title: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self):
        return self.error is None

    @property
    def item_count(self):
        return sum(len(section.items) for section in self.sections)

"""What the legacy parser produces: plain dataclasses, no database."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A file with more warnings than this is mostly not a bulletin; the rest are only counted.
MAX_WARNINGS = 200


@dataclass(frozen=True)
class ParseWarning:
    """A warning at a line: `text` is the English message, translated when it is shown (a
    file can give thousands of warnings; translating each as it is found cost more than the
    parse), with `params` as (name, value) pairs for its placeholders."""

    line: int
    text: str
    params: tuple = ()

    @property
    def message(self):
        return _(self.text) % dict(self.params) if self.params else _(self.text)

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
    warnings_left_out: int = 0

    def warn(self, line, text, /, **params):
        """Add a warning (`text` marked with gettext_noop), or count it past MAX_WARNINGS."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(ParseWarning(line, text, tuple(params.items())))
        else:
            self.warnings_left_out += 1

    @property
    def ok(self):
        return self.error is None

    @property
    def item_count(self):
        return sum(len(section.items) for section in self.sections)

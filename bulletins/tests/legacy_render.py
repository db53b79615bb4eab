"""Render an issue structure the way PDF extraction lays it out, to make variants of the sample.

Hard wraps at a chosen width, a trailing space where a wrap falls on a space, letter-spaced
justified lines, page footers, and a section's second-page headlines printed inside an item.
"""

import re

from bulletins.legacy.text import display_width, is_cjk, is_latin

# A Latin word is every character up to the next space or Chinese character: "(AWS)",
# "Dell'Oro", "5.8Gbps", "https://…". Typesetters break Latin text only at spaces.
_ATOM = re.compile(r"\s|[^\s]")


def _atoms(text):
    """Split text into unbreakable pieces: each Chinese character, each space, each Latin word;
    Latin set solid against Chinese stays with it ("22亿", "，Gemma")."""
    atoms = []
    for char in _ATOM.findall(text):
        glue = atoms and (
            (is_latin(char) and is_latin(atoms[-1][-1]))
            or (is_latin(char) and is_cjk(atoms[-1][-1]))
            or (is_cjk(char) and is_latin(atoms[-1][-1]))
        )
        if glue:
            atoms[-1] += char
        else:
            atoms.append(char)
    return atoms


def wrap(text, width, *, cut_long_words=False):
    """Wrap at `width` ems: at spaces (the line keeps its trailing space) or between Chinese
    characters, never inside a Latin word, unless it is wider than a whole line and
    `cut_long_words`: then it fills the line and goes on on the next ones, as typesetters do.
    """
    lines, current = [], ""
    for atom in _atoms(text):
        if cut_long_words and not atom.isspace() and display_width(atom) > width:
            for char in atom:
                if display_width(current + char) > width:
                    lines.append(current)
                    current = ""
                current += char
        elif current.strip() and display_width(current + atom) > width:
            if atom.isspace():
                lines.append(current + " ")
                current = ""
                continue
            lines.append(current)
            current = atom
        else:
            current += atom
    if current.strip():
        lines.append(current)
    return lines


def letter_space(line):
    out = ""
    for index, char in enumerate(line):
        out += char
        if index + 1 < len(line) and is_cjk(char) and is_cjk(line[index + 1]):
            out += " "
    return out


def render(
    sections, *, width=17, page_lines=40, spaced_every=5, split_section=None, cut_long_words=False
):
    """Return legacy text for [(number, title, headlines, [(title, body), ...]), ...]."""
    out = []
    counter = {"lines": 0, "page": 1}

    def emit(line, *, may_space=False):
        counter["lines"] += 1
        if may_space and counter["lines"] % spaced_every == 0:
            line = letter_space(line)
        out.append(line)
        if counter["lines"] % page_lines == 0:
            counter["page"] += 1
            out.extend(["", "", f"- {counter['page']} -", ""])

    def headline_block(headlines):
        for headline in headlines:
            out.extend([headline, ""])
        for _ in headlines:
            out.extend(["··", ""])

    for number, title, headlines, items in sections:
        late = headlines[-2:] if split_section == number and len(items) >= 3 else []
        out.extend([f"{number} {title}", ""])
        headline_block(headlines[: len(headlines) - len(late)])
        for index, (item_title, body) in enumerate(items):
            title_lines = wrap("■ " + item_title, width, cut_long_words=cut_long_words)
            for line in title_lines:
                emit(line, may_space=line is not title_lines[-1])
            paragraphs = body.split("\n")
            for p_index, paragraph in enumerate(paragraphs):
                lines = wrap(paragraph, width, cut_long_words=cut_long_words)
                for l_index, line in enumerate(lines):
                    emit(line, may_space=l_index < len(lines) - 1)
                    if late and index == 1 and p_index == 0 and l_index == 1:
                        out.append("")
                        headline_block(late)
            out.append("")
    return "\n".join(out)

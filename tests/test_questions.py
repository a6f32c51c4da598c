"""The page "Questions readers ask": every entry has its source and a link to a
section whose executed cells check the answer."""

from __future__ import annotations

import re

from tests.book import ROOT, notebooks, read_notebook

PAGE = ROOT / "chapters" / "questions.md"
ENTRY = re.compile(
    r"^\((?P<slug>q-[a-z0-9-]+)\)=\n### (?P<question>[^\n]+\?)\n\n"
    r"Asked in \[[^\n](?:[^\n]|\n(?!\n))*?\]\((?P<source>https://[^)\s]+)\)\.\n\n"
    r"(?P<answer>[^\n]+(?:\n[^\n]+)*)\n\n"
    r"Checked in (?P<checks>[^\n]+)\.\n",
    re.M,
)
REF = re.compile(r"\{ref\}`([\w-]+)`")
HEADING = re.compile(r"^(#+) ")
LABEL = re.compile(r"^\(([\w-]+)\)=$")


def checked_sections() -> dict[str, bool]:
    """Every label of a notebook section -> whether the section (up to the next
    heading of its level or above) holds a code cell that was executed and
    shows an output or asserts."""
    sections = {}
    for path in notebooks():
        open_labels: dict[str, int] = {}
        for cell in read_notebook(path).cells:
            if cell.cell_type == "code":
                if cell.get("outputs") or "assert" in cell.source:
                    for label in open_labels:
                        sections[label] = True
                continue
            pending = None
            for line in cell.source.splitlines():
                if match := LABEL.match(line):
                    pending = match.group(1)
                elif match := HEADING.match(line):
                    level = len(match.group(1))
                    open_labels = {k: v for k, v in open_labels.items() if v < level}
                    if pending:
                        open_labels[pending] = level
                        sections.setdefault(pending, False)
                    pending = None
    return sections


def entries(text: str) -> list[re.Match]:
    return list(ENTRY.finditer(text))


def test_every_question_has_its_source_and_a_checked_section():
    text = PAGE.read_text(encoding="utf-8")
    found = entries(text)
    assert len(found) >= 40, f"{len(found)} entries: the page promises at least 40"
    questions = len(re.findall(r"^### ", text, re.M))
    assert questions == len(found), (
        f"{questions - len(found)} of the {questions} questions do not follow the "
        "entry's form (label, question?, 'Asked in [title](https://...).', one "
        "paragraph, 'Checked in {ref}`label`.')")
    slugs = [m["slug"] for m in found]
    assert len(slugs) == len(set(slugs)), "two entries share a label"
    sections = checked_sections()
    for m in found:
        labels = REF.findall(m["checks"])
        assert labels, f"{m['slug']}: 'Checked in' names no section"
        for label in labels:
            assert label in sections, f"{m['slug']}: no notebook section is labelled {label!r}"
            assert sections[label], f"{m['slug']}: the section {label!r} runs no check"


def test_the_entry_check_fails_on_a_broken_entry():
    good = (
        "(q-x)=\n### Why?\n\nAsked in [t](https://example.org/1).\n\n"
        "An answer.\n\nChecked in {ref}`in-lm`.\n")
    assert len(entries(good)) == 1
    for broken in (good.replace("https://example.org/1", "example"),
                   good.replace("Checked in", "See"),
                   good.replace("An answer.", "One.\n\nTwo.")):
        assert not entries(broken)
    sections = checked_sections()
    assert sections["in-lm"] and sections["ch9-class-dim"]
    assert "ch9-loss-wrong" in sections  # a part heading whose checks sit in its subsections

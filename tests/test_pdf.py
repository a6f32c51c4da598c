"""The PDF editions (make pdf): built offline from the stored outputs, and a real book.

Both editions are built once for the session, side by side (scripts/pdf.py: Sphinx's LaTeX,
then XeLaTeX), unless the ones in _build/pdf are current (scripts/pdf.py's is_current); then
read as a reader and a printer would: its text (pdftotext), its fonts (pdffonts), its outline
and LaTeX's log. These tests run last (tests/conftest.py).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from _ext import figures
from scripts import pdf
from tests.book import ROOT, toc_entries
from tests.conftest import BUILD_NOTES

pytestmark = pytest.mark.pdf

EDITIONS = {"en": ROOT / "_build" / "html", "ko": ROOT / "_build" / "html" / "ko"}
#: The chapters whose glued values are looked for in the PDFs: those that glue the most.
SAMPLE_GLUED = ["chapters/06_cnn_cross_entropy", "chapters/08_two_are_one", "chapters/09_mistakes"]


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} not found: install poppler-utils (Debian)")
    return path


@pytest.fixture(scope="session")
def pdfs(build_log, pytestconfig) -> dict[str, dict]:
    """Both editions, each with its text, LaTeX log and outline: built here, unless _build/pdf
    holds an edition built from the checkout as it is now (scripts/pdf.py's is_current)."""
    try:
        paths = pdf.build_pdfs(list(EDITIONS), reuse=True)
    except pdf.PDFError as error:
        pytest.fail(str(error))
    reused = [edition for edition, (_, was_reused) in paths.items() if was_reused]
    if reused:
        pytestconfig.stash.setdefault(BUILD_NOTES, []).append(
            f"Not built again, since their builds' stamps match the checkout: the PDF edition(s) "
            f"{', '.join(reused)} in {pdf.OUT}")
    built = {}
    for edition, (path, _) in paths.items():
        latex = pdf.LATEX / edition / "_build" / "latex"
        text = subprocess.run([_poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        built[edition] = {"path": path, "text": text, "log": (latex / "book.log").read_text(errors="replace"),
                          "outline": (latex / "book.out").read_text(errors="replace"),
                          "tex": (latex / "book.tex").read_text(encoding="utf-8")}
    return built


def _squeeze(text: str) -> str:
    """Text without white space: pdftotext puts spaces where fonts change (Hangul after Latin)."""
    return re.sub(r"\s+", "", text)


def _page_html(edition: str, entry: str) -> str:
    return (EDITIONS[edition] / f"{entry}.html").read_text(encoding="utf-8")


def _title(edition: str, entry: str) -> str:
    article = _page_html(edition, entry).split('<article class="bd-article">')[-1]
    h1 = re.search(r"<h1>(.*?)</h1>", article, re.S)[1]
    h1 = re.sub(r'<span class="section-number">.*?</span>|<a class="headerlink".*?</a>', "", h1)
    return html.unescape(re.sub(r"<[^>]+>", "", h1)).strip()


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_pdf_is_a_book_with_every_chapter(pdfs, edition):
    """A title page, the contents with page numbers, and every page of the book under its title."""
    text = _squeeze(pdfs[edition]["text"])
    book = pdf.build.KOREAN["title"] if edition == "ko" else "CrossEntropyLoss or NLLLoss?"
    assert _squeeze(book) in text[:400], "no title page"
    contents = "목차" if edition == "ko" else "CONTENTS"
    assert contents in text[:2000], "no table of contents"
    missing = [entry for entry in toc_entries() if entry != "intro"
               and _squeeze(_title(edition, entry)) not in text]
    assert not missing, f"chapters whose title the PDF lacks: {missing}"
    if edition == "ko":  # LaTeX's own words, in Korean too
        # a part's page ("Part I") and the running footer ("Chapter 1. ..."), not code that says it
        english = re.findall(r"^\s*Part [IVX]+\s*$|\bChapter \d+\.\s", pdfs[edition]["text"], re.M)
        assert not english, f"LaTeX's English names in the Korean PDF: {sorted(set(english))[:5]}"
    # The contents list chapters and their sections with page numbers: "1.5 Temperature .... 9".
    assert len(re.findall(r"^\s*\d+\.\d+\s.*?\.\s\.\s.*?\d+\s*$", pdfs[edition]["text"], re.M)) > 100


@pytest.mark.parametrize("edition", EDITIONS)
def test_glued_values_are_filled_in(pdfs, edition):
    """A sample of the values the chapters glue into their text, as the site shows them."""
    text = _squeeze(pdfs[edition]["text"])
    values = []
    for entry in SAMPLE_GLUED:
        page = _page_html(edition, entry)
        values += [html.unescape(re.sub(r"<[^>]+>", "", v)) for v in
                   re.findall(r'<span class="pasted-text">(.*?)</span>', page, re.S)]
    assert len(values) > 30
    missing = [v for v in values if _squeeze(v) not in text]
    assert not missing, f"glued values the PDF lacks: {missing[:10]}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_reference_resolves(pdfs, edition):
    log = pdfs[edition]["log"]
    assert "??" not in pdfs[edition]["text"], "an unresolved reference (??) in the text"
    unresolved = re.findall(r"LaTeX Warning: (?:Reference|Citation|Hyper reference) .*? undefined.*", log)
    assert not unresolved and "There were undefined references" not in log, unresolved[:5]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_font_is_embedded_and_every_character_drawn(pdfs, edition):
    fonts = subprocess.run([_poppler("pdffonts"), str(pdfs[edition]["path"])], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert fonts and not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    missing = sorted(set(re.findall(r"Missing character: There is no (.*?) in font", pdfs[edition]["log"])))
    assert not missing, f"characters no font has: {missing[:20]}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_nothing_runs_into_the_margin(pdfs, edition):
    """No line wider than the text: not a line of code or output (wrapped, with a mark), not a
    table cell, not a heading. LaTeX reports each as an overfull box; a point is let pass."""
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\).*\n(.*)", pdfs[edition]["log"])
    wide = [f"{width}pt: {line.strip()[:100]}" for width, line in overfull if float(width) > 1]
    assert not wide, f"{len(wide)} line(s) wider than the text:\n" + "\n".join(wide[:20])


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_outline_numbers_chapters_and_equations(pdfs, edition):
    """PDF bookmarks for every chapter and section, numbered chapters, numbered equations."""
    outline = pdfs[edition]["outline"]
    chapters = re.findall(r"\\BOOKMARK \[0\]", outline)
    sections = re.findall(r"\\BOOKMARK \[1\]", outline)
    assert len(chapters) >= 15 and len(sections) >= 100, (len(chapters), len(sections))
    tex = pdfs[edition]["tex"]
    assert tex.count("\\begin{equation}") >= 10, "numbered equations"
    assert "\\chapter{" in tex and "\\chapter*{" not in tex.split("\\mainmatter")[-1]


@pytest.mark.parametrize("edition", EDITIONS)
def test_figures_are_drawn_in_the_editions_language(pdfs, edition):
    """Every figure of the notebooks is in the PDF, drawn as PDF (vector) in its language."""
    tex = pdfs[edition]["tex"]
    drawn = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([0-9a-f]+)\}\.pdf\}", tex)
    assert len(drawn) >= 25, f"{len(drawn)} figures"
    # chapter 1's axis label, which only that figure draws (the prose says "temperature")
    label = "temperature T (log scale)"
    if edition == "ko":
        label = figures.load_catalogue()[label]
    assert _squeeze(label) in _squeeze(pdfs[edition]["text"]), f"a figure's label, {label!r}, is not in the PDF"


@pytest.mark.parametrize("edition", EDITIONS)
def test_solutions_are_printed_as_solutions(pdfs, edition):
    text = _squeeze(pdfs[edition]["text"])
    title = r"연습1\.[\d.]+의해답" if edition == "ko" else r"SolutiontoExercise1\.[\d.]+"
    assert len(re.findall(title, text)) >= 5, "chapter 1's solutions are not in the PDF"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_links_to_both_pdfs(pdfs, edition):
    """Under the chapter list: the two PDFs, which the site serves from its own pdf/."""
    for entry in ("intro", "chapters/08_two_are_one"):
        page = EDITIONS[edition] / f"{entry}.html"
        block = re.search(r'<p class="book-pdfs">(.*?)</p>', page.read_text(encoding="utf-8"), re.S)
        assert block, f"{edition}/{entry}: no links to the PDFs"
        hrefs = re.findall(r'href="([^"]+)"', block[1])
        assert len(hrefs) == 2, hrefs
        for href, name in zip(hrefs, pdf.NAMES.values(), strict=True):
            target = (page.parent / href).resolve()
            assert target.name == name and target.read_bytes() == (pdf.OUT / name).read_bytes(), href

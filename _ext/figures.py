"""The chapters' figures in the reader's language.

A chapter's set-up cell calls ``lossbook.figures.book_figures()``, so each
figure a cell shows is stored as SVG, with the matplotlib figure itself
pickled into the output's metadata. The English site shows the stored SVG.
Before myst-nb reads a notebook, this extension draws each figure again from
its pickle where that is needed: as PDF for the printed editions (LaTeX takes
no SVG), and for the Korean site and PDF with every text of the figure
(titles, axis labels, legends, tick labels with words) and its alt text put
through ``locales/ko/LC_MESSAGES/figures.po``, then laid out again (every
chapter figure is laid out with ``tight_layout``). A live figure
(``lossbook.figures.live_figure``) becomes, on the site, the markup that
_static/live_figures.js draws, its labels looked up in figures.po on the
Korean site, and in print its static figure. Changing a Korean label needs no
re-execution.

Numbers in a figure's text come from the run, so a message stands for them
with ``{0}``, ``{1}``... in order: "from step {0}, by at most {1}". A
translation places them where Korean wants them.

``make translations`` collects the messages: the gettext build writes
``figures.pot`` beside the pages' templates, which sphinx-intl merges into
``figures.po`` like any page's catalogue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib
import matplotlib.ticker
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from sphinx.errors import ExtensionError

from lossbook.figures import FIGURE_KEY, LIVE_MIME, figure_svg, unpack_figure

matplotlib.use("agg")

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locales" / "ko" / "LC_MESSAGES" / "figures.po"
SVG = "image/svg+xml"
#: The fonts of a Korean figure: matplotlib's own for Latin letters and digits, as in the
#: English figure, and Noto Sans CJK (Debian's fonts-noto-cjk) for Hangul.
KOREAN_FONTS = ["DejaVu Sans", "Noto Sans CJK KR"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?")
_PLACE = re.compile(r"\{(\d+)\}")
_WORD = re.compile(r"[^\W\d_]{2,}")


def template(text: str) -> tuple[str, list[str]]:
    """``text`` with its numbers replaced by ``{0}``, ``{1}``..., and the numbers."""
    numbers: list[str] = []

    def place(match: re.Match) -> str:
        numbers.append(match[0])
        return f"{{{len(numbers) - 1}}}"

    return _NUMBER.sub(place, text), numbers


def fill(translation: str, numbers: list[str]) -> str:
    """The translation of a template with the numbers put back."""
    return _PLACE.sub(lambda m: numbers[int(m[1])], translation)


_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def needs_translation(text: str) -> bool:
    """A text with a word outside its formulas: a number, a symbol or a formula stays as it is."""
    return bool(_WORD.search(_MATH.sub(" ", text)))


def load_catalogue(path: Path = CATALOGUE) -> dict[str, str]:
    """The translated messages of ``figures.po`` (an empty or fuzzy one is a lag: not used)."""
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        catalogue = read_po(fh, abort_invalid=True)
    return {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}


def translator(messages: dict[str, str]) -> Callable[[str], str]:
    def translate(text: str) -> str:
        if not needs_translation(text):
            return text
        key, numbers = template(text)
        return fill(messages[key], numbers) if key in messages else text

    return translate


def notebook_figures(nb: dict) -> Iterable[tuple[dict, dict, str]]:
    """(cell, output, packed figure) for every figure output of a notebook."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            packed = output.get("metadata", {}).get(SVG, {}).get(FIGURE_KEY)
            if packed:
                yield cell, output, packed


def _alt(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")


def figure_texts(fig) -> list[str]:
    """Every text drawn in the figure that has a word in it, tick labels included."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels are made when the figure is drawn
    texts = [t.get_text() for t in fig.findobj(Text)]
    return [t for t in dict.fromkeys(texts) if needs_translation(t)]


class _Translated(matplotlib.ticker.Formatter):
    """A tick formatter whose labels go through a translation."""

    def __init__(self, inner, translate):
        self.inner, self.translate = inner, translate

    def set_axis(self, axis):
        self.inner.set_axis(axis)

    def set_locs(self, locs):
        self.inner.set_locs(locs)

    def format_ticks(self, values):
        return [self.translate(label) for label in self.inner.format_ticks(values)]

    def __call__(self, x, pos=None):
        return self.translate(self.inner(x, pos))

    def get_offset(self):
        return self.inner.get_offset()


def translate_figure(fig, translate: Callable[[str], str]) -> None:
    """Put every text of ``fig`` through ``translate``, then lay the figure out again.

    A translated text is set in ``KOREAN_FONTS``, whose second font draws the Hangul that the
    first lacks. Mathtext has no such fallback: a translated text with a formula in it is set in
    the Korean font alone (its formula keeps mathtext's own fonts).
    """
    from matplotlib.text import Text

    for axes in fig.get_axes():
        for axis in (axes.xaxis, axes.yaxis):
            axis.set_major_formatter(_Translated(axis.get_major_formatter(), translate))
            axis.set_minor_formatter(_Translated(axis.get_minor_formatter(), translate))
        axes.tick_params(which="both", labelfontfamily=KOREAN_FONTS)
    for text in fig.findobj(Text):
        english = text.get_text()
        korean = translate(english)
        if korean != english:
            text.set_text(korean)
            text.set_fontfamily(KOREAN_FONTS[-1:] if _MATH.search(korean) else KOREAN_FONTS)
    fig.tight_layout()


def _check_korean_font() -> None:
    from matplotlib import font_manager

    try:
        font_manager.findfont(font_manager.FontProperties(family=KOREAN_FONTS[-1]),
                              fallback_to_default=False)
    except ValueError:
        raise ExtensionError(
            f"The Korean edition's figures need the font {KOREAN_FONTS[-1]!r}, which matplotlib "
            "cannot find. Install it (Debian: apt-get install fonts-noto-cjk), then remove "
            "matplotlib's font cache (~/.cache/matplotlib) and build again."
        ) from None


def live_html(spec: dict, labels: Callable[[str], str]) -> str:
    """The markup from which _static/live_figures.js draws a live figure: its spec, with its
    labels (message keys) through ``labels``."""
    import html

    spec = dict(spec, labels={name: labels(key) for name, key in spec.get("labels", {}).items()})
    return (f'<div class="live-figure" data-kind="{html.escape(spec["kind"])}" '
            f'data-spec="{html.escape(json.dumps(spec, ensure_ascii=False))}"></div>')


def redraw_notebook(source: str, translate: Callable[[str], str] | None, fmt: str,
                    labels: Callable[[str], str] = lambda key: key) -> str:
    """A notebook's JSON with each figure drawn again from its stored figure: its texts and alt
    text through ``translate`` (None: as they are), as ``fmt``, "svg" for the site or "pdf" for
    print (LaTeX takes no SVG). A live figure becomes, on the site, the markup that
    _static/live_figures.js draws, its labels through ``labels``; in print, its static figure."""
    import base64
    import io

    import matplotlib.pyplot as plt

    nb = json.loads(source)
    found = False
    for cell, output, packed in notebook_figures(nb):
        found = True
        live = output["data"].pop(LIVE_MIME, None)
        if live and fmt == "svg":
            output["data"] = {"text/html": live_html(live, labels), "text/plain": output["data"]["text/plain"]}
            continue
        if translate is None and fmt == "svg":
            continue  # the stored SVG is this figure as it would be drawn
        fig = unpack_figure(packed)
        try:
            if translate:
                translate_figure(fig, translate)
            if fmt == "svg":
                output["data"][SVG] = figure_svg(fig)
            else:
                out = io.BytesIO()
                fig.savefig(out, format="pdf", bbox_inches="tight", metadata={"CreationDate": None})
                del output["data"][SVG]
                output["data"]["application/pdf"] = base64.b64encode(out.getvalue()).decode("ascii")
        finally:
            plt.close(fig)
        alt = _alt(cell)
        if alt and translate:
            cell["metadata"]["mystnb"]["image"]["alt"] = translate(alt)
    return json.dumps(nb, ensure_ascii=False) if found else source


def messages(notebooks: Iterable[Path]) -> dict[str, list[tuple[str, int]]]:
    """The messages of the notebooks' figures and alt texts: template -> [(file, cell)]."""
    import matplotlib.pyplot as plt

    found: dict[str, list[tuple[str, int]]] = {}
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        cells = {id(cell): n for n, cell in enumerate(nb.get("cells", []))}
        for cell, output, packed in notebook_figures(nb):
            fig = unpack_figure(packed)
            try:
                texts = figure_texts(fig)
            finally:
                plt.close(fig)
            alt = _alt(cell)
            keys = [template(text)[0] for text in [*texts, *([alt] if alt else [])]]
            live = output["data"].get(LIVE_MIME, {})
            keys += list(live.get("labels", {}).values())  # already message keys
            for key in keys:
                found.setdefault(key, []).append((where, cells[id(cell)]))
    return found


def write_template(path: Path, notebooks: Iterable[Path]) -> None:
    """``figures.pot``: every figure message, with where it is drawn."""
    catalogue = Catalog(project="CrossEntropyLoss or NLLLoss?", charset="utf-8")
    for key, places in sorted(messages(notebooks).items()):
        catalogue.add(key, locations=sorted(set(places)))
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=79, omit_header=False)


def _notebooks(app) -> list[Path]:
    paths = (Path(app.env.doc2path(doc)) for doc in sorted(app.env.found_docs))
    return [p for p in paths if p.suffix == ".ipynb"]


def _source_read(app, docname: str, source: list[str]) -> None:
    """The Korean edition's figures in Korean; every figure as PDF for LaTeX; live figures."""
    korean = app.config.language == "ko"
    latex = app.builder.format == "latex"
    if not (korean or latex or LIVE_MIME in source[0]) or FIGURE_KEY not in source[0]:
        return
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    labels = lambda key: key  # noqa: E731
    translate = None
    if korean:
        if not hasattr(app, "_korean_catalogue"):
            _check_korean_font()
            app._korean_catalogue = load_catalogue()
        catalogue = app._korean_catalogue
        translate, labels = translator(catalogue), lambda key: catalogue.get(key, key)
    source[0] = redraw_notebook(source[0], translate, "pdf" if latex else "svg", labels)


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.name == "gettext":
        write_template(Path(app.outdir) / "figures.pot", _notebooks(app))


def setup(app):
    app.connect("source-read", _source_read)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Figures: the grid of digits that several MNIST chapters draw, and how every
chapter stores its figures (:func:`book_figures`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

from lossbook.data import MNIST_MEAN, MNIST_STD

if TYPE_CHECKING:  # the book's build draws figures without importing torch
    import torch


def show_digits(images: torch.Tensor, captions: list[str], ncols: int = 8,
                title: str | None = None, normalized: bool = True,
                size: float = 1.3):
    """A grid of MNIST digits, each with a caption below it.

    ``images`` is ``(N, 1, 28, 28)`` or ``(N, 28, 28)``. ``normalized=True``
    undoes the standardisation of :func:`lossbook.training.mnist_tensors`
    for display. Returns the figure; call ``plt.show()`` to draw it.
    """
    images = images.detach().cpu().float().reshape(-1, 28, 28)
    if normalized:
        images = images * MNIST_STD + MNIST_MEAN
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols,
                             figsize=(size * ncols, size * 1.25 * nrows),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, caption in zip(axes.flat, images, captions, strict=False):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(caption, fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


#: Where an output's metadata keeps its figure (see :func:`book_figures`).
FIGURE_KEY = "lossbook/figure"


def figure_svg(fig) -> str:
    """``fig`` as an SVG document, the same bytes every time it is drawn alike.

    Text is drawn as outlines, so the SVG looks the same wherever it is
    opened, and no date is written into it.
    """
    import io

    with plt.rc_context({"svg.hashsalt": "lossbook", "svg.fonttype": "path"}):
        out = io.StringIO()
        fig.savefig(out, format="svg", bbox_inches="tight",
                    metadata={"Date": None})
    return out.getvalue()


def pack_figure(fig) -> str:
    """The figure, pickled, compressed and base64-encoded: an ASCII string,
    to keep in a notebook's JSON."""
    import base64
    import pickle
    import zlib

    packed = zlib.compress(pickle.dumps(fig), 9)
    return base64.b64encode(packed).decode("ascii")


def unpack_figure(packed: str):
    """The figure that :func:`pack_figure` packed."""
    import base64
    import pickle
    import zlib

    # The book's own outputs, which its build trusts as it runs its code.
    return pickle.loads(zlib.decompress(base64.b64decode(packed)))


def book_figures() -> None:
    """Show this notebook's matplotlib figures as SVG, with the figure kept.

    Each figure a cell shows becomes one SVG output, sharp at any size, and
    the figure itself rides along in that output's metadata (pickled, under
    ``FIGURE_KEY``). The book's build draws the figure again from it: as PDF
    for the printed editions, and for the Korean site with its labels
    translated, so every edition shows the same executed data. Outside
    IPython this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg")
    formatter = shell.display_formatter.formatters["image/svg+xml"]
    formatter.for_type(
        Figure, lambda fig: (figure_svg(fig), {FIGURE_KEY: pack_figure(fig)}))


#: The output type of a figure that moves on the site (:func:`live_figure`).
LIVE_MIME = "application/vnd.lossbook.live+json"


def live_figure(kind: str, spec: dict, fig) -> None:
    """Show ``fig``, and on the book's site a figure that moves with no kernel.

    One output carries three things: the SVG of ``fig``, which a notebook
    shows; ``fig`` itself, pickled (as :func:`book_figures` keeps it), from
    which the book's build draws the PDF's static figure; and ``spec``, under
    ``LIVE_MIME``, from which the site's ``_static/live_figures.js`` draws
    ``kind`` with sliders, computing in the browser the formula that the cell
    computed with PyTorch. ``spec`` holds the figure's numbers, its labels
    (each used as it is as a message key of ``figures.po``, where the Korean
    site looks it up; ``{0}`` stands for a number the script fills in), and
    ``checks``: values the cell computed, which the browser test finds again
    by moving the sliders. nbval compares ``spec`` like any output, so its
    numbers are rounded where a CPU could change the last bits.
    """
    from IPython.display import display

    svg = figure_svg(fig)
    data = {"text/plain": f"<live figure: {kind}>", "image/svg+xml": svg,
            LIVE_MIME: {"kind": kind, **spec}}
    display(data, raw=True,
            metadata={"image/svg+xml": {FIGURE_KEY: pack_figure(fig)}})
    plt.close(fig)

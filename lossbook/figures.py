"""Figures that several MNIST chapters draw."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from lossbook.data import MNIST_MEAN, MNIST_STD


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

"""Looking at a trained MNIST classifier beyond its accuracy.

Chapter 6 writes these for the CNN; chapter 7 uses them again for the Net.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import matplotlib.pyplot as plt

from lossbook.figures import show_digits

__all__ = [
    "digit_table",
    "most_frequent_mistake",
    "confusion_heatmap",
    "confident_mistakes",
    "show_mistakes",
]


def digit_table(cm):
    """Print images, right, wrong and accuracy by digit; return wrong, share.

    ``cm`` is a confusion matrix (row: the label; column: the prediction).
    Returns two tensors: the number wrong and the fraction right, by digit.

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """
    n, right = cm.sum(dim=1), cm.diag()
    print("digit  images  right  wrong  accuracy")
    for d in range(len(cm)):
        print(f"{d:5d}  {n[d].item():6d}  {right[d].item():5d}  "
              f"{(n - right)[d].item():5d}  "
              f"{100 * right[d].item() / n[d].item():7.2f}%")
    print(f"total  {n.sum().item():6d}  {right.sum().item():5d}  "
          f"{(n - right).sum().item():5d}")
    return n - right, right / n


def most_frequent_mistake(cm):
    """The largest cell off the diagonal: (label, prediction, count).

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """
    off_diagonal = cm.clone().fill_diagonal_(0)
    label, prediction = divmod(off_diagonal.argmax().item(), len(cm))
    return label, prediction, off_diagonal[label, prediction].item()


def confusion_heatmap(cm):
    """Draw the confusion matrix, its diagonal white: only mistakes colour.

    The title gives the number of mistakes and the largest cell. Returns the
    figure; call ``plt.show()`` to draw it.

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """
    errors = cm.float()
    errors.fill_diagonal_(float("nan"))  # drawn white
    fig, ax = plt.subplots(figsize=(6.2, 5))
    image = ax.imshow(errors, cmap="Reds")
    for i in range(len(cm)):
        for j in range(len(cm)):
            color = ("gray" if i == j
                     else "white" if cm[i, j] > 3 else "black")
            ax.text(j, i, cm[i, j].item(), ha="center", va="center",
                    fontsize=7, color=color)
    ax.set_xticks(range(len(cm)))
    ax.set_yticks(range(len(cm)))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    label, prediction, count = most_frequent_mistake(cm)
    n_wrong = (cm.sum() - cm.trace()).item()
    ax.set_title(f"{n_wrong} mistakes, at most {count} in a cell "
                 f"({label} taken for {prediction})")
    fig.colorbar(image, ax=ax, label="test images (off the diagonal)")
    fig.tight_layout()
    return fig


def confident_mistakes(probs, labels, k=12):
    """Print and return the k wrong predictions with the largest probability.

    ``probs`` holds one row of class probabilities per image. Returns the
    images' indices (on the CPU), the surest mistake first.

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """
    confidence, predicted = probs.max(dim=1)
    wrong = (predicted != labels).nonzero().squeeze(1)
    order = confidence[wrong].argsort(descending=True, stable=True)
    worst = wrong[order[:k]].cpu()
    print("image  label  predicted  p(predicted)  p(label)")
    for i in worst.tolist():
        y = labels[i].item()
        print(f"{i:5d}  {y:5d}  {predicted[i].item():9d}"
              f"  {confidence[i].item():12.4f}  {probs[i, y].item():8.4f}")
    return worst


def show_mistakes(images, probs, labels, idx, title=None, ncols=6):
    """Draw the images ``idx``, "label→prediction (probability)" below each.

    The default title states the smallest of those probabilities, in percent
    rounded down. Returns the figure; call ``plt.show()`` to draw it.

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """
    confidence, predicted = probs.max(dim=1)
    captions = [f"{labels[i].item()}→{predicted[i].item()} "
                f"({confidence[i].item():.2f})" for i in idx.tolist()]
    if title is None:
        sure = int(100 * confidence[idx].min().item())
        title = f"Wrong, and at least {sure}% sure (label→prediction)"
    return show_digits(images[idx], captions, ncols=ncols, title=title)

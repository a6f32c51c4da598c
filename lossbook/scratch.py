"""The book's from-scratch loss functions, built in chapters 1 to 4.

Each takes the same arguments, in the same order, as its namesake in
``torch.nn.functional``, so that one can be swapped for the other; the tests
check that both give the same results, on random problems and edge cases.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import torch

__all__ = ["softmax", "log_softmax", "nll_loss", "cross_entropy"]


def softmax(input, dim):
    """Softmax along dim, shifted by the row maximum: exp cannot overflow.

    Defined in chapter 1, 01_softmax.ipynb.
    """
    if not input.is_floating_point():  # as torch: no softmax of integers
        raise NotImplementedError(f"softmax of {input.dtype} input")
    if input.dim() > 0 and input.size(dim) == 0:
        return input.clone()  # no classes: nothing to normalise
    shifted = input - input.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(input, dim):
    """Log-softmax along dim: shifted logits minus their log-sum-exp.

    Defined in chapter 2, 02_log_softmax.ipynb.
    """
    if not input.is_floating_point():  # the guards of chapter 1's softmax
        raise NotImplementedError(f"log_softmax of {input.dtype} input")
    if input.dim() > 0 and input.size(dim) == 0:
        return input.clone()
    shifted = input - input.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of the targets, given log-probabilities.

    Defined in chapter 3, 03_nll_loss.ipynb.
    """
    if input.dim() == 1:  # one example without a batch: input (C,), target ()
        loss = nll_loss(input[None], target[None], weight, ignore_index,
                        reduction)
        return loss[0] if reduction == "none" else loss
    if target.dtype not in (torch.int64, torch.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, "
                           f"but got {target.dtype}")
    target = target.long()  # uint8 class indices too, as gather needs int64
    keep = target != ignore_index
    safe_target = torch.where(keep, target, 0)  # valid index; masked below
    # the target's entry of each row, at every position for K-dim input
    picked = input.gather(1, safe_target.unsqueeze(1)).squeeze(1)
    w = torch.ones_like(picked) if weight is None else weight[safe_target]
    w = torch.where(keep, w, 0)
    losses = torch.where(keep, -picked * w, 0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.sum() / w.sum()  # divided by the weights' sum, not N
    raise ValueError(
        f"reduction must be 'none', 'mean' or 'sum', not {reduction!r}")


def cross_entropy(input, target, weight=None, ignore_index=-100,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits: log_softmax, then nll_loss (or soft q).

    Defined in chapter 4, 04_cross_entropy.ipynb.
    """
    if input.dim() == 1:  # one example: input (C,), target () or (C,)
        loss = cross_entropy(input[None], target[None], weight, ignore_index,
                             reduction, label_smoothing)
        return loss[0] if reduction == "none" else loss
    n_classes = input.shape[1]
    logp = log_softmax(input, dim=1)
    # weight as a (1, C, 1, ...) tensor, to multiply logp of shape (N, C, ...)
    shape = (1, -1) + (1,) * (input.dim() - 2)
    w = 1.0 if weight is None else weight.view(shape)

    if target.shape == input.shape:  # class probabilities: decided by shape
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with "
                               f"class probabilities, got {target.dtype}")
        q = target * (1 - label_smoothing) + label_smoothing / n_classes
        losses = -(w * q * logp).sum(dim=1)
        if reduction == "mean":  # a plain mean over examples (and positions)
            return losses.sum() / losses.numel()
        return losses.sum() if reduction == "sum" else losses

    nll = nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return nll
    # The smoothing term: -sum_c w_c log p_c, with the same reduction as nll.
    keep = target != ignore_index
    smooth = torch.where(keep, -(w * logp).sum(dim=1), 0)
    if reduction == "mean":  # divide by the total weight that nll_loss uses
        safe = torch.where(keep, target, 0).long()  # valid index; masked out
        total = keep.sum() if weight is None else (weight[safe] * keep).sum()
        smooth = smooth.sum() / total
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + label_smoothing / n_classes * smooth

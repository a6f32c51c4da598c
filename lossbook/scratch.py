"""The book's from-scratch loss functions, built in chapters 1 to 4.

Each takes the same arguments, in the same order, as its namesake in
``torch.nn.functional``, so that one can be swapped for the other; the tests
check that both give the same results, on random problems and edge cases.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import warnings

import torch

__all__ = [
    "softmax_dim",
    "softmax",
    "log_softmax",
    "nll_loss",
    "legacy_reduction",
    "check_nll_loss",
    "cross_entropy",
]


def softmax_dim(name, input, dim, stacklevel):
    """The dim a softmax works along, checked as PyTorch checks it.

    Defined in chapter 1, 01_softmax.ipynb.
    """
    if dim is None:  # PyTorch's old guess, deprecated
        warnings.warn(f"Implicit dimension choice for {name} has been "
                      "deprecated. Change the call to include dim=X as an "
                      "argument.", stacklevel=stacklevel)
        return 0 if input.dim() in (0, 1, 3) else 1
    n = max(input.dim(), 1)  # a scalar counts as one dim, of size 1
    if not -n <= dim < n:
        raise IndexError("Dimension out of range (expected to be in range "
                         f"of [{-n}, {n - 1}], but got {dim})")
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax along dim, shifted by the row maximum: exp cannot overflow.

    Defined in chapter 1, 01_softmax.ipynb.
    """
    dim = softmax_dim("softmax", input, dim, _stacklevel)
    if dtype is not None:  # as torch: cast the input first
        input = input.to(dtype)
    if input.numel() == 0:
        return input.clone()  # nothing to normalise, whatever the dtype
    if not input.is_floating_point():  # as torch: no softmax of integers
        raise NotImplementedError(f"softmax of {input.dtype} input")
    x = input.float() if input.itemsize < 4 else input  # 16-bit: in float32
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return (exps / exps.sum(dim=dim, keepdim=True)).to(input.dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Log-softmax along dim: shifted logits minus their log-sum-exp.

    Defined in chapter 2, 02_log_softmax.ipynb.
    """
    dim = softmax_dim("log_softmax", input, dim, _stacklevel)
    if dtype is not None:  # the guards of chapter 1's softmax
        input = input.to(dtype)
    if input.numel() == 0:
        return input.clone()
    if not input.is_floating_point():
        raise NotImplementedError(f"log_softmax of {input.dtype} input")
    x = input.float() if input.itemsize < 4 else input
    shifted = x - x.amax(dim=dim, keepdim=True)
    lse = shifted.exp().sum(dim=dim, keepdim=True).log()
    return (shifted - lse).to(input.dtype)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean"):
    """Negative log-likelihood of the targets, given log-probabilities.

    Defined in chapter 3, 03_nll_loss.ipynb.
    """
    if size_average is not None or reduce is not None:  # the old arguments
        reduction = legacy_reduction(size_average, reduce)
    check_nll_loss(input, target, weight, reduction)
    if input.dim() == 1:  # one example without a batch: input (C,), target ()
        loss = nll_loss(input[None], target.reshape(1), weight,
                        ignore_index=ignore_index, reduction=reduction)
        return loss[0] if reduction == "none" else loss
    target = target.long()  # uint8 class indices too, as gather needs int64
    keep = target != ignore_index
    outside = target[keep & ((target < 0) | (target >= input.size(1)))]
    if outside.numel():
        raise IndexError(f"Target {outside[0].item()} is out of bounds.")
    safe_target = torch.where(keep, target, 0)  # valid index; masked below
    # the target's entry of each row, at every position for K-dim input
    picked = input.gather(1, safe_target.unsqueeze(1)).squeeze(1)
    w = torch.ones_like(picked) if weight is None else (
        weight.reshape(-1)[safe_target])
    w = torch.where(keep, w, 0)
    losses = torch.where(keep, -picked * w, 0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / w.sum()  # the mean: by the weights' sum, not N


def legacy_reduction(size_average, reduce):
    """The reduction named by the old size_average and reduce, warning.

    Defined in chapter 3, 03_nll_loss.ipynb.
    """
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else (
        "sum" if reduce else "none")
    warnings.warn("size_average and reduce args will be deprecated, please "
                  f"use reduction='{reduction}' instead.",
                  stacklevel=3)  # the line that called the loss
    return reduction


def check_nll_loss(input, target, weight, reduction):
    """Refuse what F.nll_loss refuses, in PyTorch's order and error types.

    Defined in chapter 3, 03_nll_loss.ipynb.
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    n = target.size(0) if target.dim() else 0
    if input.dim() > 1 and input.size(0) != n:
        raise ValueError(f"Expected input batch_size ({input.size(0)}) to "
                         f"match target batch_size ({n}).")
    n_classes = input.size(0) if input.dim() == 1 else input.size(1)
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target "
                           "not supported")
    if input.dim() > 2 and (target.shape[1:] != input.shape[2:]
                            or input.dim() == 4 and target.dim() != 3):
        raise RuntimeError(f"Expected target size {[n, *input.shape[2:]]}, "
                           f"got {list(target.shape)}")
    if target.dtype not in (torch.int64, torch.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but "
                           f"got {target.dtype}")
    if input.dim() == 2 and target.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no "
                         "dimensions")
    if input.dim() == 1 and target.dim() == 1 and n != 1:
        raise ValueError("For 1D input, 1D target must have size 1, but got "
                         f"target size: {n}")
    if weight is not None and (weight.numel() != n_classes or (
            input.dim() <= 2 and weight.dim() != 1)):
        raise RuntimeError("weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes")
    if not input.is_floating_point():
        raise NotImplementedError(f"nll_loss of {input.dtype} input")
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype} but found "
                           f"{weight.dtype}")
    if input.dim() > 2 and target.dtype != torch.int64:  # (N, C, d1, ...)
        raise RuntimeError("expected scalar type Long but found "
                           f"{target.dtype}")


def cross_entropy(input, target, weight=None, size_average=None,
                  ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy of logits: log_softmax, then nll_loss (or soft q).

    Defined in chapter 4, 04_cross_entropy.ipynb.
    """
    if size_average is not None or reduce is not None:  # the old arguments
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    dim = 0 if input.dim() == 1 else 1  # the class dimension
    soft = target.shape == input.shape  # class probabilities: by shape
    if soft:
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with "
                               f"class probabilities, got {target.dtype}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating "
                               "point target")
        n = input.size(dim)
        if weight is not None and weight.shape != (n,):
            raise RuntimeError("cross_entropy: weight tensor should be "
                               f"defined either for all {n} classes or no "
                               "classes")
    too_much = RuntimeError("label_smoothing must be between 0.0 and 1.0. "
                            f"Got: {label_smoothing}")
    if not soft and label_smoothing > 1:
        raise too_much
    logp = log_softmax(input, dim=dim)
    if label_smoothing > 1:  # probabilities: PyTorch checks it after this
        raise too_much
    smoothing = max(label_smoothing, 0.0)  # below 0: none, as in PyTorch
    eps = smoothing / logp.size(dim)  # each class's share of it
    if not soft:
        nll = nll_loss(logp, target, weight, ignore_index=ignore_index,
                       reduction=reduction)
        if not smoothing:
            return nll
    # weight as a (1, C, 1, ...) tensor, to multiply logp of shape (N, C, ...)
    w = 1.0 if weight is None else weight.view(
        [len(weight) if d == dim else 1 for d in range(logp.dim())])

    if soft:
        q = target * (1 - smoothing) + eps if smoothing else target
        losses = -(logp * q * w).sum(dim=dim)
        if reduction == "mean":  # a plain mean over examples (and positions)
            return losses.sum() / losses.numel()
        return losses.sum() if reduction == "sum" else losses

    # The smoothing term: -sum_c w_c log p_c, with the same reduction as nll.
    keep = target != ignore_index
    smooth = (-(logp * w).sum(dim=dim)).masked_fill_(~keep, 0)
    if reduction == "mean":  # divided by the total weight that nll_loss uses
        total = keep.sum() if weight is None else weight.gather(
            0, target[keep]).sum()
        smooth = smooth.sum() / total
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - smoothing) * nll + eps * smooth

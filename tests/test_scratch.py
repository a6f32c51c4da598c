"""The book's from-scratch functions can stand in for torch.nn.functional's.

Chapters 1-4 each build one function with the name and the whole signature of
its namesake in torch.nn.functional. ``lossbook.scratch`` is generated from
those chapters' cells (``make lib``; tests/test_lib.py checks that it is up to
date), so testing the module tests the chapters' code. A call has the same
outcome in both: the same value (to the precision of the input's dtype) with
the same warnings, or an exception of PyTorch's class. The calls are
generated: every argument and every kind of input that PyTorch's
documentation names, valid or not, mixed at random with a fixed seed; and
PyTorch's own sample and error inputs for these functions and their modules
(torch.testing._internal). Left out: a classifier with no class at all
(C = 0), where PyTorch divides by the number of classes.
"""

from __future__ import annotations

import inspect
import random
import warnings

import pytest
import torch
import torch.nn.functional as F

from lossbook import scratch

NAMES = ["softmax", "log_softmax", "nll_loss", "cross_entropy"]


def outcome(fn, *args, **kwargs):
    """("value", tensor, warnings) or ("raises", exception class, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - compared with PyTorch's
            return "raises", type(error), str(error)
    return "value", value, sorted({(w.category, str(w.message)) for w in caught})


def same_outcome(name, *args, **kwargs) -> str | None:
    """None if the book's function does what PyTorch's does, else why not."""
    theirs, ours = outcome(getattr(F, name), *args, **kwargs), outcome(getattr(scratch, name), *args, **kwargs)
    if theirs[0] == "raises":
        # PyTorch 2.14 fails to format some out-of-bounds uint8 targets (255): an IndexError meant.
        expected = IndexError if theirs[1] is UnicodeDecodeError else theirs[1]
        if ours[0] == "raises" and issubclass(ours[1], expected):
            return None
        return f"PyTorch raises {theirs[1].__name__}({theirs[2]!r}), the book {ours[:2]}"
    if ours[0] == "raises":
        return f"PyTorch returns a value, the book raises {ours[1].__name__}({ours[2]!r})"
    if ours[2] != theirs[2]:
        return f"warnings differ: {ours[2]} != {theirs[2]}"
    tensors = [a for a in (*args, *kwargs.values(), theirs[1]) if torch.is_tensor(a) and a.is_floating_point()]
    least = max((t.dtype for t in tensors), key=lambda d: torch.finfo(d).eps, default=torch.float64)
    tol = {} if least.itemsize >= 4 else {"rtol": 4 * torch.finfo(least).eps, "atol": 4 * torch.finfo(least).eps}
    try:
        torch.testing.assert_close(ours[1], theirs[1], equal_nan=True, **tol)
    except AssertionError as error:
        return str(error).splitlines()[0]
    return None


@pytest.mark.parametrize("name", NAMES)
def test_the_whole_signature_of_torch(name):
    def parameters(fn):  # names, kinds and defaults, in order (PyTorch adds annotations)
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert parameters(getattr(scratch, name)) == parameters(getattr(F, name))


def _softmax_call(rng: random.Random):
    generator = torch.Generator().manual_seed(rng.randrange(1 << 30))
    shape = rng.choice([(), (0,), (5,), (3, 4), (2, 0), (0, 3), (2, 3, 4), (2, 3, 2, 3)])
    x = 3 * torch.randn(shape, generator=generator)
    dtype = rng.choice([torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.bool])
    x = x.round().to(dtype) if dtype is not torch.bool else x > 0
    if x.is_floating_point() and x.numel() and rng.random() < 0.2:
        x.view(-1)[0] = rng.choice([float("-inf"), float("inf"), float("nan"), 1e4])
    kwargs = {"dtype": rng.choice([torch.float64, torch.float16, torch.int64])} if rng.random() < 0.3 else {}
    dim = rng.choice([None, 0, 1, -1, 2, -3, 5])
    return ((x,) if dim is None else (x, dim)), kwargs


def _loss_call(rng: random.Random, name: str, classes: int = 3):
    """Input, target and arguments for nll_loss or cross_entropy, good or bad."""
    generator = torch.Generator().manual_seed(rng.randrange(1 << 30))
    shape = rng.choice([(classes,), (4, classes), (1, classes), (4, classes, 2), (2, classes, 2, 3), (),
                        (0, classes), (2, classes, 1, 2, 2)])
    dtype = rng.choice([torch.float32, torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64])
    x = rng.choice([1, 10]) * torch.randn(shape, generator=generator)
    if name == "nll_loss" and x.dim() and x.numel():
        x = F.log_softmax(x, dim=0 if x.dim() == 1 else 1)
    x = x.round().long() if dtype is torch.int64 else x.to(dtype)
    batch = () if x.dim() <= 1 else (shape[0], *shape[2:])
    kind = rng.choice(["index"] * 4 + ["ignored", "too large", "negative", "batch", "extra dim", "scalar",
                                        "spatial", "probabilities", "integer probabilities"])
    if kind == "probabilities":
        target = torch.rand(shape, generator=generator)
        target = (target / target.sum(dim=min(1, target.dim() - 1), keepdim=True)).to(
            rng.choice([torch.float32, torch.float64])) if target.dim() else target
    elif kind == "integer probabilities":
        target = torch.zeros(shape, dtype=torch.long)
    else:
        size = {"batch": (batch[0] + 1, *batch[1:]) if batch else (2,), "extra dim": (*batch, 1), "scalar": (),
                "spatial": (*batch[:-1], batch[-1] + 1) if len(batch) > 1 else batch}.get(kind, batch)
        target = torch.randint(0, classes, size, generator=generator)
        if kind == "ignored":
            target[torch.rand(size, generator=generator) < 0.5] = -100
        target = {"too large": torch.full(size, classes), "negative": torch.full(size, -1)}.get(kind, target)
        if kind != "ignored":
            target = target.to(rng.choice([torch.int64] * 3 + [torch.uint8, torch.int32, torch.float32, torch.bool]))
    kwargs = {"ignore_index": rng.choice([-100, -100, 0, 1, -1]),
              "reduction": rng.choice(["mean", "mean", "sum", "none", "average"])}
    weight = rng.choice([None, None, "ok", "zero", "too long", "too short", "float64", "2-d"])
    if weight:
        kwargs["weight"] = {"ok": torch.rand(classes, generator=generator) + 0.5, "zero": torch.zeros(classes),
                            "too long": torch.ones(classes + 1), "too short": torch.ones(classes - 1),
                            "float64": torch.rand(classes, dtype=torch.float64), "2-d": torch.ones(1, classes)}[weight]
    if rng.random() < 0.3:  # the old arguments
        kwargs["size_average"], kwargs["reduce"] = rng.choice([(False, None), (None, False), (True, True),
                                                              (False, True), (0, None)])
    if name == "cross_entropy":
        kwargs["label_smoothing"] = rng.choice([0.0, 0.0, 0.2, 1.0, -0.1, 1.5])
    return (x, target), kwargs


@pytest.mark.parametrize("name", NAMES)
def test_generated_calls_have_the_same_outcome(name):
    rng = random.Random(f"calls of {name}")
    differ = []
    for _ in range(1500 if "softmax" in name else 3000):
        args, kwargs = _softmax_call(rng) if "softmax" in name else _loss_call(rng, name)
        problem = same_outcome(name, *args, **kwargs)
        if problem:
            shapes = [(tuple(a.shape), a.dtype) if torch.is_tensor(a) else a for a in args]
            differ.append(f"{name}{shapes} {kwargs}: {problem}")
    assert not differ, f"{len(differ)} calls differ, e.g.\n" + "\n".join(differ[:5])


def _pytorch_samples():
    """(name, sample) pairs: PyTorch's own inputs for these functions and modules."""
    from torch.testing._internal.common_methods_invocations import op_db
    from torch.testing._internal.common_modules import module_db

    functional = {"softmax": "softmax", "log_softmax": "log_softmax", "nn.functional.nll_loss": "nll_loss",
                  "nn.functional.cross_entropy": "cross_entropy"}
    for op in op_db:
        if op.name in functional:
            for dtype in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
                for s in op.sample_inputs("cpu", dtype):
                    yield functional[op.name], (s.input, *s.args), s.kwargs
    modules = {"Softmax": "softmax", "LogSoftmax": "log_softmax", "NLLLoss": "nll_loss",
               "CrossEntropyLoss": "cross_entropy"}
    for info in module_db:
        name = modules.get(info.module_cls.__name__)
        if name:
            for s in info.module_inputs_func(info, device="cpu", dtype=torch.float32, requires_grad=False,
                                             training=False):
                ctor, forward = s.constructor_input, s.forward_input
                if "softmax" in name:
                    yield name, (*forward.args, *ctor.args), {}
                else:  # the module's arguments, then the forward call's
                    yield name, forward.args, {**ctor.kwargs, **forward.kwargs}


def test_pytorch_own_sample_inputs_have_the_same_outcome():
    differ, n = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the testing module's import warns about CUDA
        samples = list(_pytorch_samples())
    for name, args, kwargs in samples:
        n += 1
        problem = same_outcome(name, *args, **kwargs)
        if problem:
            differ.append(f"{name}: {problem}")
    assert n > 400 and not differ, "\n".join(differ[:5])


def test_logits_of_1e4_stay_finite_and_exact():
    x, target = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]]), torch.tensor([1, 2])
    assert scratch.log_softmax(x, dim=1)[0].tolist() == [0.0, -20000.0, -10000.0]
    assert scratch.cross_entropy(x, target, reduction="none").tolist() == [20000.0, 0.0]


def test_the_checker_does_catch_a_difference():
    """Not vacuous: a function that differs from PyTorch is caught, in value and in refusal."""
    x, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 1])
    assert same_outcome("cross_entropy", x, target) is None
    scratch_loss = scratch.cross_entropy
    try:
        scratch.cross_entropy = lambda *a, **k: scratch_loss(*a, **k) * 1.01
        assert "not close" in same_outcome("cross_entropy", x, target)
        scratch.cross_entropy = lambda *a, **k: torch.tensor(0.0)
        assert "the book" in same_outcome("cross_entropy", x, torch.tensor([0, 1, 2, 3]))
    finally:
        scratch.cross_entropy = scratch_loss

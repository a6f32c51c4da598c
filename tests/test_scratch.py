"""The book's from-scratch functions equal torch.nn.functional's.

Chapters 1-4 each build one function with the name and argument order of its
namesake in torch.nn.functional. ``lossbook.scratch`` is generated from those
chapters' cells (``make lib``; tests/test_lib.py checks that it is up to
date), so testing the module tests the chapters' code: cross_entropy with the
book's own log_softmax and nll_loss.
"""

from __future__ import annotations

import inspect

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossbook import scratch

CHAPTER_OF = {
    "softmax": "01_softmax",
    "log_softmax": "02_log_softmax",
    "nll_loss": "03_nll_loss",
    "cross_entropy": "04_cross_entropy",
}
REDUCTIONS = ["none", "mean", "sum"]
BOOK = {name: getattr(scratch, name) for name in CHAPTER_OF}


@pytest.mark.parametrize("name", CHAPTER_OF)
def test_same_arguments_as_torch(name):
    deprecated = {"size_average", "reduce", "_stacklevel"}
    book = list(inspect.signature(BOOK[name]).parameters.items())
    torch_params = [
        (t, tp) for t, tp in inspect.signature(getattr(F, name)).parameters.items() if t not in deprecated
    ]
    for (b, bp), (t, tp) in zip(book, torch_params, strict=False):
        assert b == t, f"{name}: argument {b!r} where torch has {t!r}"
        if tp.default is not inspect.Parameter.empty and t != "dim":
            assert bp.default == tp.default, f"{name}({b}=...) default differs from torch"


def close(actual, expected):
    torch.testing.assert_close(actual, expected, equal_nan=True)


# ---------------------------------------------------------------- random inputs


@st.composite
def problems(draw):
    """A random classification problem: logits (N, C, *extra), targets, options."""
    n = draw(st.integers(1, 6))
    c = draw(st.integers(1, 7))
    extra = draw(st.lists(st.integers(1, 3), max_size=2))
    scale = draw(st.sampled_from([0.1, 1.0, 10.0, 1e3, 1e4]))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    x = (scale * torch.randn(n, c, *extra, generator=gen)).to(dtype)
    target = torch.randint(0, c, (n, *extra), generator=gen)
    ignore_index = draw(st.sampled_from([-100, 0, c - 1]))
    if draw(st.booleans()):  # some targets ignored
        target = torch.where(torch.rand(target.shape, generator=gen) < 0.3, -100, target)
        ignore_index = -100
    weight = None
    if draw(st.booleans()):
        weight = torch.rand(c, generator=gen).to(dtype) * 2
        weight[torch.rand(c, generator=gen) < 0.3] = 0.0  # zero weights happen
    return {
        "x": x, "target": target, "weight": weight, "ignore_index": ignore_index,
        "reduction": draw(st.sampled_from(REDUCTIONS)),
        "label_smoothing": draw(st.sampled_from([0.0, 0.1, 0.37, 1.0])),
        "probs": torch.softmax(torch.randn(x.shape, generator=gen), dim=1).to(dtype),
    }


SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems(), st.sampled_from([0, 1, -1]))
def test_softmax_and_log_softmax_random(p, dim):
    x = p["x"]
    close(BOOK["softmax"](x, dim=dim), F.softmax(x, dim=dim))
    close(BOOK["log_softmax"](x, dim=dim), F.log_softmax(x, dim=dim))


@SETTINGS
@given(problems())
def test_nll_loss_random(p):
    logp = F.log_softmax(p["x"], dim=1)
    kw = {"weight": p["weight"], "ignore_index": p["ignore_index"], "reduction": p["reduction"]}
    close(BOOK["nll_loss"](logp, p["target"], **kw), F.nll_loss(logp, p["target"], **kw))


@SETTINGS
@given(problems())
def test_cross_entropy_random_class_indices(p):
    kw = {key: p[key] for key in ("weight", "ignore_index", "reduction", "label_smoothing")}
    close(BOOK["cross_entropy"](p["x"], p["target"], **kw), F.cross_entropy(p["x"], p["target"], **kw))


@SETTINGS
@given(problems())
def test_cross_entropy_random_class_probabilities(p):
    kw = {"weight": p["weight"], "reduction": p["reduction"], "label_smoothing": p["label_smoothing"]}
    close(BOOK["cross_entropy"](p["x"], p["probs"], **kw), F.cross_entropy(p["x"], p["probs"], **kw))


# ------------------------------------------------------------------- edge cases

_EDGE_GEN = torch.Generator().manual_seed(0)
EDGE = {
    "logits of +-1e4": (torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]]), torch.tensor([1, 2])),
    "one class": (torch.randn(4, 1, generator=_EDGE_GEN), torch.zeros(4, dtype=torch.long)),
    "a batch of one": (torch.randn(1, 5, generator=_EDGE_GEN), torch.tensor([3])),
    "every target ignored": (torch.randn(3, 4, generator=_EDGE_GEN), torch.full((3,), -100)),
    "K-dimensional (N, C, d1, d2)": (
        torch.randn(2, 3, 4, 5, generator=_EDGE_GEN),
        torch.randint(0, 3, (2, 4, 5), generator=_EDGE_GEN),
    ),
    "unbatched (C,)": (torch.randn(6, generator=_EDGE_GEN), torch.tensor(2)),
}
WEIGHTS = {
    "no weight": lambda c: None,
    "weights with zeros": lambda c: torch.tensor([0.0, 1.5, 0.0, 2.0, 0.5, 1.0])[:c],
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("case", EDGE)
def test_edge_cases(case, weights, reduction):
    x, target = EDGE[case]
    c = x.shape[0] if x.dim() == 1 else x.shape[1]
    w = WEIGHTS[weights](c)
    dim = 0 if x.dim() == 1 else 1
    close(BOOK["softmax"](x, dim=dim), F.softmax(x, dim=dim))
    close(BOOK["log_softmax"](x, dim=dim), F.log_softmax(x, dim=dim))
    logp = F.log_softmax(x, dim=dim)
    close(BOOK["nll_loss"](logp, target, w, reduction=reduction), F.nll_loss(logp, target, w, reduction=reduction))
    for ls in (0.0, 0.1, 1.0):
        kw = {"weight": w, "reduction": reduction, "label_smoothing": ls}
        close(BOOK["cross_entropy"](x, target, **kw), F.cross_entropy(x, target, **kw))
        probs = torch.softmax(torch.randn(x.shape, generator=torch.Generator().manual_seed(1)), dim=dim)
        close(BOOK["cross_entropy"](x, probs, **kw), F.cross_entropy(x, probs, **kw))


def test_every_target_ignored_gives_nan_like_pytorch():
    x, target = EDGE["every target ignored"]
    assert torch.isnan(F.cross_entropy(x, target)) and torch.isnan(BOOK["cross_entropy"](x, target))
    assert BOOK["cross_entropy"](x, target, reduction="sum").item() == 0.0


def test_logits_of_1e4_stay_finite_and_exact():
    x, target = EDGE["logits of +-1e4"]
    out = BOOK["log_softmax"](x, dim=1)
    assert torch.isfinite(out).all()
    assert out[0].tolist() == [0.0, -20000.0, -10000.0]
    assert BOOK["cross_entropy"](x, target, reduction="none").tolist() == [20000.0, 0.0]


def test_invalid_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction"):
        BOOK["nll_loss"](torch.zeros(2, 3), torch.tensor([0, 1]), reduction="average")


def _same_outcome(name, *args, **kwargs):
    """The book's function raises where torch's does, and equals it elsewhere."""
    try:
        expected = getattr(F, name)(*args, **kwargs)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            BOOK[name](*args, **kwargs)
        return "raises"
    close(BOOK[name](*args, **kwargs), expected)
    return "equal"


@pytest.mark.parametrize("dtype", [torch.int64, torch.uint8, torch.int32, torch.int16, torch.bool,
                                   torch.float32, torch.float64])
def test_class_index_dtypes_like_pytorch(dtype):
    """N == C, so a float (N,) target would pass for probabilities if the dtype decided."""
    x = torch.randn(3, 3, generator=torch.Generator().manual_seed(0))
    target = torch.tensor([0, 1, 2]).to(dtype)
    outcomes = {_same_outcome("nll_loss", F.log_softmax(x, dim=1), target)}
    weight = torch.tensor([0.5, 1.0, 2.0])
    for kw in ({}, {"weight": weight}, {"label_smoothing": 0.1}, {"ignore_index": 1}):
        outcomes.add(_same_outcome("cross_entropy", x, target, **kw))
    assert outcomes == ({"equal"} if dtype in (torch.int64, torch.uint8) else {"raises"})


def test_uint8_indices_with_weight_and_smoothing():
    """PyTorch 2.14.1 refuses uint8 class indices in one combination only.

    With both ``weight`` and ``label_smoothing`` its smoothing term gathers the
    weights with the raw target, and ``gather`` wants int64. Everywhere else it
    accepts uint8, and so does the book, here too (equal to the int64 result).
    If this test fails, PyTorch changed: look again.
    """
    x = torch.randn(3, 3, generator=torch.Generator().manual_seed(0))
    target = torch.tensor([0, 1, 2])
    kw = {"weight": torch.tensor([0.5, 1.0, 2.0]), "label_smoothing": 0.1}
    with pytest.raises(RuntimeError, match="gather"):
        F.cross_entropy(x, target.to(torch.uint8), **kw)
    close(BOOK["cross_entropy"](x, target.to(torch.uint8), **kw), F.cross_entropy(x, target, **kw))


@pytest.mark.parametrize("dtype", [torch.int64, torch.uint8, torch.float32])
def test_a_target_shaped_like_the_input_is_class_probabilities(dtype):
    x = torch.randn(4, 4, generator=torch.Generator().manual_seed(0))
    target = torch.eye(4).to(dtype)
    expected = "equal" if dtype.is_floating_point else "raises"
    assert _same_outcome("cross_entropy", x, target) == expected


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, dim", [((2, 0), 1), ((0, 3), 1), ((2, 0), 0), ((), 0), ((), -1), ((3,), 0)])
def test_softmaxes_on_empty_and_scalar_tensors_like_pytorch(name, shape, dim):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    assert _same_outcome(name, x, dim=dim) == "equal"


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool])
def test_softmaxes_refuse_integer_input_like_pytorch(name, dtype):
    assert _same_outcome(name, torch.tensor([1, 0]).to(dtype), dim=0) == "raises"


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmaxes_refuse_a_dim_out_of_range_like_pytorch(name):
    with pytest.raises(IndexError):
        getattr(F, name)(torch.empty(2, 0), dim=2)
    with pytest.raises(IndexError):
        BOOK[name](torch.empty(2, 0), dim=2)

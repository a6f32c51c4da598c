"""The shared plumbing of the MNIST chapters: models, batching, evaluation."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lossbook import models
from lossbook.data import MNIST_MEAN, MNIST_STD
from lossbook.training import (
    N_VALIDATION,
    accuracy,
    batches,
    confusion_matrix,
    predict,
    train,
    validation_split,
)


@pytest.mark.parametrize(("name", "n_params"), [("CNN", 50_186), ("Net", 21_840)])
def test_models_shapes_and_outputs(name, n_params):
    torch.manual_seed(0)
    model = getattr(models, name)().eval()
    assert sum(p.numel() for p in model.parameters()) == n_params
    x = torch.randn(5, 1, 28, 28)
    out = model(x)
    assert out.shape == (5, 10)
    if name == "Net":  # log-probabilities
        torch.testing.assert_close(out.exp().sum(dim=1), torch.ones(5))
    cl = model.to(memory_format=torch.channels_last)(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(cl, out)


def test_batches_cover_every_index_once_in_a_seeded_order():
    first = torch.cat(list(batches(1000, 128, torch.Generator().manual_seed(3))))
    again = torch.cat(list(batches(1000, 128, torch.Generator().manual_seed(3))))
    assert torch.equal(first, again)
    assert torch.equal(first.sort().values, torch.arange(1000))
    assert not torch.equal(first, torch.arange(1000))
    assert [len(b) for b in batches(300, 128)] == [128, 128, 44]


def test_predict_evaluates_without_dropout_and_restores_the_mode():
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(4, 3)).train()
    x = torch.randn(50, 4)
    a, b = predict(model, x, batch_size=7), predict(model, x)
    torch.testing.assert_close(a, b)  # no dropout: the batching does not matter
    torch.testing.assert_close(a, model[1](x).detach())
    assert not a.requires_grad
    assert model.training


def test_accuracy_and_confusion_matrix():
    outputs = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    labels = torch.tensor([1, 1, 0, 0])
    assert accuracy(outputs, labels) == 0.5
    assert confusion_matrix(outputs, labels, 2).tolist() == [[1, 1], [1, 1]]


def test_normalisation_constants_match_the_training_pixels():
    from lossbook.data import load_mnist

    pixels = load_mnist(train=True).data.double() / 255
    assert round(pixels.mean().item(), 4) == MNIST_MEAN
    assert round(pixels.std().item(), 4) == MNIST_STD


def test_train_learns_a_separable_problem_and_logs_each_epoch():
    torch.manual_seed(0)
    x = torch.randn(512, 2)
    y = (x[:, 0] > 0).long()
    model = nn.Linear(2, 2)
    lines, losses = [], []
    history = train(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), (x, y), (x, y),
                    epochs=3, batch_size=64, log=lines.append, batch_losses=losses)
    assert len(history) == 3 and len(lines) == 3 and len(losses) == 24
    assert history[-1].val_accuracy > 0.95
    assert history[-1].train_loss < history[0].train_loss
    assert lines[0].startswith("epoch  1  train loss ")


def test_validation_split_is_fixed_disjoint_and_covers_the_training_set():
    train_idx, val_idx = validation_split()
    assert len(train_idx) == 55_000 and len(val_idx) == N_VALIDATION == 5_000
    assert torch.equal(torch.cat([train_idx, val_idx]).sort().values, torch.arange(60_000))
    # the same split on every machine and PyTorch version that the book supports
    assert val_idx[:8].tolist() == [1, 3, 47, 49, 80, 83, 109, 111]
    assert int(val_idx.sum()) == 149_911_330
    again_train, again_val = validation_split()
    assert torch.equal(train_idx, again_train) and torch.equal(val_idx, again_val)

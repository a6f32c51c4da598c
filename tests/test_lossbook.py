"""The shared plumbing of the MNIST chapters: models, batching, evaluation."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lossbook import models, timing
from lossbook.data import MNIST_MEAN, MNIST_STD
from lossbook.training import (
    N_VALIDATION,
    accuracy,
    batches,
    confusion_matrix,
    predict,
    train,
    train_steps,
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


def test_train_steps_takes_the_steps_of_train_across_epochs():
    """train_steps takes the steps train takes, as its docstring and the appendix say: from the same
    seed and weights, without a scheduler, the same batches and the same step, into the second
    epoch (7 steps, 5 an epoch: four of 64, one of 44). record is called once a step, after it,
    with the outputs from before it (chapter 8 records fc's norm and the batch accuracy)."""
    torch.manual_seed(0)
    x, y = torch.randn(300, 4), torch.randint(0, 3, (300,))

    def fresh():
        torch.manual_seed(1)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        return model, torch.optim.Adam(model.parameters(), lr=1e-2)

    model, optimizer = fresh()
    by_epoch: list[float] = []
    train(model, nn.CrossEntropyLoss(), optimizer, (x, y), (x, y), epochs=2, batch_size=64, seed=5,
          log=None, batch_losses=by_epoch)
    model, optimizer = fresh()
    initial = model[2].weight.detach().clone()
    recorded = []

    def record(outputs, labels, loss):
        recorded.append((len(labels), loss.item(), nn.functional.cross_entropy(outputs, labels).item(),
                         model[2].weight.detach().clone()))

    by_step = train_steps(model, nn.CrossEntropyLoss(), optimizer, (x, y), 7, batch_size=64, seed=5,
                          record=record)
    assert len(by_epoch) == 10 and by_step == by_epoch[:7]
    assert [(n, loss) for n, loss, _, _ in recorded] == list(zip([64] * 4 + [44, 64, 64], by_step, strict=True))
    assert all(again == loss for _, loss, again, _ in recorded)  # the outputs the loss was computed from
    assert not torch.equal(recorded[0][3], initial)  # the first step was taken before record
    assert torch.equal(recorded[-1][3], model[2].weight)


def test_validation_split_is_fixed_disjoint_and_covers_the_training_set():
    train_idx, val_idx = validation_split()
    assert len(train_idx) == 55_000 and len(val_idx) == N_VALIDATION == 5_000
    assert torch.equal(torch.cat([train_idx, val_idx]).sort().values, torch.arange(60_000))
    # the same split on every machine and PyTorch version that the book supports
    assert val_idx[:8].tolist() == [1, 3, 47, 49, 80, 83, 109, 111]
    assert int(val_idx.sum()) == 149_911_330
    again_train, again_val = validation_split()
    assert torch.equal(train_idx, again_train) and torch.equal(val_idx, again_val)


def _toy_training(model, data, steps, batch_losses=None):
    """Seeds what it draws from, prints a log, fills a list: as train_net."""
    torch.manual_seed(1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(steps):
        loss = (nn.functional.dropout(model(data), 0.5) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch_losses is not None:
            batch_losses.append(loss.item())
        print(f"step {step}: {loss.item():.4f}")
    return {"steps": steps}


def test_a_run_is_trained_once_then_loaded_the_same(tmp_path, monkeypatch, capsys):
    from lossbook.memo import trained

    monkeypatch.setenv("LOSSBOOK_CACHE", str(tmp_path))
    data = torch.randn(8, 3)

    def fresh(seed=0):
        torch.manual_seed(seed)
        return nn.Linear(3, 2)

    first, losses = fresh(), []
    assert trained(_toy_training, first, data, 5, batch_losses=losses) == {"steps": 5}
    rng_after = torch.get_rng_state()
    log = capsys.readouterr().out
    assert log.count("step ") == 5 and len(losses) == 5
    assert len(list(tmp_path.glob("run-*.pt"))) == 1

    torch.manual_seed(123)  # the state before the call is not part of the key
    again, losses_again = fresh(), []
    assert trained(_toy_training, again, data, 5, batch_losses=losses_again) == {"steps": 5}
    out = capsys.readouterr().out
    assert out.startswith(log) and "loaded by lossbook.memo" in out
    assert losses_again == losses and torch.equal(torch.get_rng_state(), rng_after)
    for p, q in zip(first.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)

    # Other initial weights, data or arguments: another run, trained.
    for model, args in [(fresh(seed=1), (data, 5)), (fresh(), (data + 1, 5)), (fresh(), (data, 4))]:
        trained(_toy_training, model, *args)
        assert "loaded" not in capsys.readouterr().out
    assert len(list(tmp_path.glob("run-*.pt"))) == 4


def _relu(self, x):
    return nn.Linear.forward(self, x).relu()


def _relu_again(self, x):
    """The same code, with a docstring: lossbook's copy of a chapter's function."""
    return nn.Linear.forward(self, x).relu()


def _tanh(self, x):
    return nn.Linear.forward(self, x).tanh()


def test_a_run_is_keyed_by_what_its_function_and_model_do():
    """Chapter 7's train_net and Net, and their copies in lossbook: the same run."""
    from lossbook.memo import run_key

    def key(train_fn, forward, steps=3):
        torch.manual_seed(0)
        model = type("Model", (nn.Linear,), {"forward": forward, "__doc__": str(forward)})(2, 2)
        return run_key(train_fn, model, (steps,), {})

    assert key(_relu, _relu) == key(_relu_again, _relu_again)
    assert key(_relu, _relu) != key(_tanh, _relu) != key(_relu, _tanh) != key(_relu, _relu, 4)


def test_the_fastest_round_leaves_out_the_rounds_that_another_process_slowed(monkeypatch):
    clock = {"now": 0.0, "calls": 0}
    monkeypatch.setattr(timing.time, "perf_counter", lambda: clock["now"])

    def steady():  # 1 ms a call
        clock["now"] += 0.001

    def interrupted():  # 1 ms in one round, 30 ms in the others, as if descheduled
        clock["calls"] += 1
        clock["now"] += 0.001 if clock["calls"] == 4 else 0.030

    candidates = {"steady": steady, "interrupted": interrupted}
    assert timing.fastest_ms(candidates, rounds=5) == pytest.approx({"steady": 1.0, "interrupted": 1.0})
    clock["calls"] = 0
    assert timing.median_ms(candidates, rounds=5) == pytest.approx({"steady": 1.0, "interrupted": 30.0})
    with pytest.raises(ValueError, match="at least 1"):
        timing.fastest_ms(candidates, rounds=0)

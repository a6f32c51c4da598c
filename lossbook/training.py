"""Training and evaluation loops shared by the MNIST chapters (5 to 9).

The whole of MNIST fits in memory as one tensor (60,000 x 1 x 28 x 28 float32
is 188 MB), so the loops below index it directly instead of going through a
``DataLoader`` that converts one PIL image at a time; chapter 5 measures the
difference. Everything is deterministic for a given seed, thread count and
machine: the order of the batches comes from its own ``torch.Generator``.

There is one training step, :func:`_step`, and two ways to drive it:
:func:`train` by epochs, evaluating on validation data after each, and
:func:`train_steps` for a fixed number of steps, recording what a chapter
asks for after each. Both draw the batches in the same order.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn

from lossbook.data import MNIST_MEAN, MNIST_STD, load_mnist

Data = tuple[torch.Tensor, torch.Tensor]  # (images, labels)
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def mnist_tensors(train: bool, device: str | torch.device = "cpu",
                  normalize: bool = True) -> Data:
    """MNIST as images ``(N, 1, 28, 28)`` float32 and labels ``(N,)`` int64.

    ``normalize=True`` standardises the pixels with
    :data:`lossbook.data.MNIST_MEAN` and :data:`lossbook.data.MNIST_STD`;
    ``False`` leaves them in [0, 1].
    """
    ds = load_mnist(train=train)
    images = ds.data.unsqueeze(1).float().div_(255)
    if normalize:
        images = (images - MNIST_MEAN) / MNIST_STD
    return images.to(device), ds.targets.to(device)


#: Training images held out to validate on: the book's recipes were chosen,
#: and the training runs are watched, on these; the test set is scored once.
N_VALIDATION = 5_000


def validation_split(n: int = 60_000, n_validation: int = N_VALIDATION,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices ``(train, validation)`` that split ``range(n)`` once.

    A permutation drawn from its own generator seeded with ``seed``: the same
    split on every machine and in every chapter. Both index tensors are
    sorted.
    """
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return (order[n_validation:].sort().values,
            order[:n_validation].sort().values)


def mnist_splits(device: str | torch.device = "cpu",
                 normalize: bool = True) -> tuple[Data, Data, Data]:
    """``(train, validation, test)``, each an ``(images, labels)`` pair.

    55,000 and 5,000 of the training images (:func:`validation_split`) and
    the 10,000 test images, as :func:`mnist_tensors` gives them.
    """
    images, labels = mnist_tensors(train=True, device=device,
                                   normalize=normalize)
    train_idx, val_idx = (i.to(images.device)
                          for i in validation_split(len(images)))
    test = mnist_tensors(train=False, device=device, normalize=normalize)
    return ((images[train_idx], labels[train_idx]),
            (images[val_idx], labels[val_idx]), test)


def batches_per_epoch(n: int, batch_size: int) -> int:
    """How many batches cover ``n`` examples: ``n / batch_size``, rounded up.

    The last batch is smaller when ``batch_size`` does not divide ``n``.
    """
    return -(-n // batch_size)


def batches(n: int, batch_size: int,
            generator: torch.Generator | None = None,
            ) -> Iterator[torch.Tensor]:
    """Index tensors that cover ``range(n)`` once, shuffled by ``generator``.

    Without a generator the indices come in order.
    """
    order = (torch.randperm(n, generator=generator) if generator is not None
             else torch.arange(n))
    yield from order.split(batch_size)


class Recipe(NamedTuple):
    """How long and how fast to train: epochs, batch size, peak rate.

    ``max_lr`` is the peak learning rate of :func:`adam_one_cycle`. The
    book's two recipes, ``CNN_RECIPE`` and ``NET_RECIPE``, are defined in
    chapters 6 and 7 (``lossbook.recipes``); the benchmark imports them.
    """

    epochs: int
    batch_size: int
    max_lr: float


def adam_one_cycle(parameters, max_lr: float, total_steps: int):
    """Adam and a one-cycle learning-rate schedule: optimizer, scheduler.

    The recipe of chapters 6 and 7: PyTorch's default Adam, and
    ``OneCycleLR``, which warms the learning rate up to ``max_lr`` and anneals
    it to almost zero over ``total_steps`` batches (step it once per batch).
    """
    optimizer = torch.optim.Adam(parameters)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=max_lr, total_steps=total_steps)
    return optimizer, scheduler


@torch.inference_mode()
def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 2000,
            train_mode: bool = False) -> torch.Tensor:
    """The model's outputs for all images, batch by batch, without autograd.

    In evaluation mode (dropout off), unless ``train_mode=True``: then
    dropout stays on, as it is during training, which is what forgetting
    ``model.eval()`` does, and what Monte Carlo dropout wants. Either way the
    model is left in the mode it was in.
    """
    was_training = model.training
    model.train(train_mode)
    try:
        return torch.cat([model(images[i:i + batch_size])
                          for i in range(0, len(images), batch_size)])
    finally:
        model.train(was_training)


def accuracy(outputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of rows whose largest output is at the label.

    The same for logits, probabilities and log-probabilities, since softmax
    and log_softmax keep the order within a row.
    """
    return (outputs.argmax(dim=1) == labels).float().mean().item()


def confusion_matrix(outputs: torch.Tensor, labels: torch.Tensor,
                     n_classes: int = 10) -> torch.Tensor:
    """``m[i, j]`` counts the examples of class ``i`` predicted as ``j``.

    An int64 tensor on the CPU; its diagonal holds the right predictions.
    """
    predicted = outputs.argmax(dim=1).cpu()
    return torch.bincount(labels.cpu() * n_classes + predicted,
                          minlength=n_classes**2).view(n_classes, n_classes)


@dataclass
class Epoch:
    """What :func:`train` reports after each epoch."""

    epoch: int
    train_loss: float  # mean of the batch losses of this epoch
    val_accuracy: float  # on the validation data, after the epoch
    seconds: float  # training time of this epoch, evaluation excluded

    def __str__(self) -> str:
        return (
            f"epoch {self.epoch:2d}  train loss {self.train_loss:.4f}  "
            f"validation accuracy {100 * self.val_accuracy:.2f}%"
        )


def _step(model, loss_fn, optimizer, scheduler, images, labels, idx):
    """One training step on ``images[idx]``: ``(outputs, labels, loss)``."""
    idx = idx.to(images.device)
    x, y = images[idx], labels[idx]
    outputs = model(x)
    loss = loss_fn(outputs, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    if scheduler is not None:
        scheduler.step()
    return outputs, y, loss


def train(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    train_data: Data,
    val_data: Data,
    epochs: int,
    batch_size: int,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    seed: int = 0,
    log: Callable[[str], None] | None = print,
    batch_losses: list[float] | None = None,
) -> list[Epoch]:
    """Train for ``epochs`` passes over ``train_data``, validating after each.

    ``loss_fn(model(x), y)`` is the loss, so the same loop trains a model that
    returns logits with ``nn.CrossEntropyLoss()`` and one that returns
    log-probabilities with ``nn.NLLLoss()``. ``scheduler.step()`` is called
    after every batch (one-cycle schedules count batches). Each epoch's
    summary goes to ``log``; the loss of every batch is appended to
    ``batch_losses``. The test set has no place here: the chapters score it
    once, at the end.
    """
    images, labels = train_data
    generator = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        total, count = torch.zeros((), device=images.device), 0
        for idx in batches(len(images), batch_size, generator):
            _, _, loss = _step(model, loss_fn, optimizer, scheduler,
                               images, labels, idx)
            total += loss.detach()
            count += 1
            if batch_losses is not None:
                batch_losses.append(loss.item())
        if images.device.type == "cuda":
            torch.cuda.synchronize(images.device)
        seconds = time.perf_counter() - start
        val_accuracy = accuracy(predict(model, val_data[0]), val_data[1])
        history.append(Epoch(epoch, (total / count).item(), val_accuracy,
                             seconds))
        if log is not None:
            log(str(history[-1]))
    return history


def train_steps(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    train_data: Data,
    steps: int,
    batch_size: int,
    seed: int = 0,
    record: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], None]
    | None = None,
) -> list[float]:
    """Take ``steps`` training steps and return the loss of each.

    The batches come in the order :func:`train` draws them with the same
    ``seed``, epoch after epoch, so the first steps of the two are the same
    steps. After each step ``record(outputs, labels, loss)`` is called with
    the batch's outputs (before the step), its labels and its loss, for a
    chapter that watches more than the loss.
    """
    images, labels = train_data
    generator = torch.Generator().manual_seed(seed)
    epochs = iter(lambda: batches(len(images), batch_size, generator), None)
    order = itertools.chain.from_iterable(epochs)
    model.train()
    losses = []
    for idx in itertools.islice(order, steps):
        outputs, y, loss = _step(model, loss_fn, optimizer, None,
                                 images, labels, idx)
        losses.append(loss.item())
        if record is not None:
            record(outputs.detach(), y, loss.detach())
    return losses

"""Complete training recipes: model, loss, optimiser and schedule.

Chapter 7 trains its Net with one; chapter 9 trains the same Net again.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import torch
from torch import nn

from lossbook.training import adam_one_cycle, batches_per_epoch, train

__all__ = ["train_net"]


def train_net(model, train_data, val_data, epochs=10, batch_size=64,
              max_lr=0.003, seed=0, **kwargs):
    """Train a Net with chapter 7's recipe; return train's history.

    nn.NLLLoss on the model's log-probabilities; Adam with a one-cycle
    schedule up to max_lr. ``seed`` fixes the order of the batches and the
    dropout masks. Other keyword arguments go to ``train``.

    Defined in chapter 7, 07_net_nll_loss.ipynb.
    """
    steps = epochs * batches_per_epoch(len(train_data[0]), batch_size)
    optimizer, scheduler = adam_one_cycle(model.parameters(), max_lr, steps)
    torch.manual_seed(seed)  # the dropout masks
    return train(model, nn.NLLLoss(), optimizer, train_data, val_data,
                 epochs=epochs, batch_size=batch_size, scheduler=scheduler,
                 seed=seed, **kwargs)

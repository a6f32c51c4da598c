"""The book's training recipes, from chapters 6 and 7.

``CNN_RECIPE`` and ``NET_RECIPE`` are the two models' epochs, batch sizes and
peak learning rates; the benchmark (bench/run.py) measures them. ``train_net``
is chapter 7's whole recipe, which chapter 9 trains again.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import torch
from torch import nn

from lossbook.training import Recipe, adam_one_cycle, batches_per_epoch, train

__all__ = ["CNN_RECIPE", "NET_RECIPE", "train_net"]


#: The CNN's recipe. Its peak learning rate was chosen on the validation
#: images (make sweep; chapter 13 shows the sweep).
#: Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
CNN_RECIPE = Recipe(epochs=4, batch_size=128, max_lr=1e-2)


#: The Net's recipe. Its peak learning rate was chosen on the validation
#: images (make sweep; chapter 13 shows the sweep).
#: Defined in chapter 7, 07_net_nll_loss.ipynb.
NET_RECIPE = Recipe(epochs=10, batch_size=64, max_lr=3e-3)


def train_net(model, train_data, val_data, epochs=NET_RECIPE.epochs,
              batch_size=NET_RECIPE.batch_size, max_lr=NET_RECIPE.max_lr,
              seed=0, **kwargs):
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

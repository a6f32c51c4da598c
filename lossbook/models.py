"""The two MNIST models of the book, from chapters 6 and 7.

``CNN`` returns logits and is trained with ``nn.CrossEntropyLoss``; ``Net``
returns log-probabilities and is trained with ``nn.NLLLoss``.

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""

import torch.nn.functional as F
from torch import nn

__all__ = ["CNN", "Net"]


class CNN(nn.Module):
    """Two conv blocks and a linear layer; returns logits.

    Defined in chapter 6, 06_cnn_cross_entropy.ipynb.
    """

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),  # after pooling: same as before it, on 1/4 as many
        )
        self.layer2 = nn.Sequential(
            nn.Conv2d(32, 64, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),  # after pooling: same as before it, on 1/4 as many
        )
        self.fc = nn.Linear(7 * 7 * 64, 10)
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        x = self.layer1(x)
        x = self.layer2(x)
        x = x.flatten(1)  # (N, 64, 7, 7) -> (N, 3136), for any memory layout
        # logits: no softmax here, nn.CrossEntropyLoss applies log-softmax
        return self.fc(x)


class Net(nn.Module):
    """The classic MNIST example net; returns log-probabilities.

    Defined in chapter 7, 07_net_nll_loss.ipynb.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.flatten(1)  # (N, 20, 4, 4) -> (N, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)  # log-probabilities

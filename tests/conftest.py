"""Shared set-up of the test suite (run it with `make test`)."""

import random
from pathlib import Path

from lossbook.environment import apply_environment

# The chapters' environment, for nbval's kernels, which inherit it, and for
# this process's PyTorch threads: set before torch is imported.
apply_environment()

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import settings  # noqa: E402

# Hypothesis draws the same examples on every run and every machine, so that
# a failure seen once is seen again.
settings.register_profile("book", derandomize=True, print_blob=True)
settings.load_profile("book")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state, whatever ran before it."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

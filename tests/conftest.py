"""Shared set-up of the test suite (run it with `make test`)."""

import os
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import settings

# nbval's kernels inherit this: warnings name the cell "<IPY-INPUT>" instead of
# a temporary file whose name changes on every run.
os.environ.setdefault("IPYKERNEL_CELL_NAME", "<IPY-INPUT>")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see the Makefile
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", "33554432")  # see the Makefile
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", "1073741824")

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

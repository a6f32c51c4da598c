"""Shared set-up of the test suite (run it with `make test`)."""

import os
from pathlib import Path

import pytest

# nbval's kernels inherit this: warnings name the cell "<IPY-INPUT>" instead of
# a temporary file whose name changes on every run.
os.environ.setdefault("IPYKERNEL_CELL_NAME", "<IPY-INPUT>")
os.environ.setdefault("PYTHONHASHSEED", "0")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

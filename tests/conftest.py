"""Shared set-up of the test suite (run it with `make test`)."""

import os
from pathlib import Path

import pytest

# nbval's kernels inherit this: warnings name the cell "<IPY-INPUT>" instead of
# a temporary file whose name changes on every run.
os.environ.setdefault("IPYKERNEL_CELL_NAME", "<IPY-INPUT>")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see the Makefile

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

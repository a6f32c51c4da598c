"""The process environment in which the chapters are executed and tested.

``make test``, ``make refresh`` and the benchmark run the chapters in kernels
that inherit these variables; each is set unless the caller already set it.
This module imports nothing heavy, so that it can run before PyTorch loads.
"""

from __future__ import annotations

import os

#: name -> value, and why.
ENVIRONMENT = {
    # Warnings name the cell "<IPY-INPUT>" instead of a temporary file whose
    # name changes on every run, so that a stored warning stays true.
    "IPYKERNEL_CELL_NAME": "<IPY-INPUT>",
    # The same hash of a str in every run: set iteration order is stable.
    "PYTHONHASHSEED": "0",
    # Two PyTorch threads that spin while they wait for each other slow
    # training many times over when anything else uses a core; waiting
    # passively costs almost nothing on an idle machine.
    "OMP_WAIT_POLICY": "PASSIVE",
    # glibc's malloc can hand a large block (a batch's activations, its
    # gradients) back to the system when it is freed, and fault it in again,
    # zeroed, on the next step. Keeping blocks up to 32 MiB in the heap makes
    # a CNN training step faster (make bench measures by how much) and
    # changes no result. Other platforms ignore these two variables.
    "MALLOC_MMAP_THRESHOLD_": "33554432",
    "MALLOC_TRIM_THRESHOLD_": "1073741824",
}


def apply_environment() -> None:
    """Set every variable of :data:`ENVIRONMENT` that is not already set.

    Processes started afterwards (notebook kernels) inherit them. Call it
    before PyTorch is imported: OpenMP reads its variables when it loads.
    """
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)

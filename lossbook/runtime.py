"""Where the chapters run: the device and the number of CPU threads.

Every chapter's first code cell asks these two functions, so that one
environment variable changes all chapters at once:

- ``LOSSBOOK_DEVICE`` forces the device (``cpu``, ``cuda`` or ``cuda:N``);
  unset, the chapters use CUDA when PyTorch sees a GPU and the CPU otherwise.
- ``LOSSBOOK_THREADS`` sets the number of CPU threads; unset, each chapter
  uses the number it asks for. The tests set it to run the chapters again
  with another thread count, one of the ways in which a reader's machine
  differs from the one that stored the outputs.
"""

from __future__ import annotations

import os

import torch

#: cuBLAS needs this set before its first call to compute deterministically
#: (PyTorch's documentation of ``torch.use_deterministic_algorithms``).
CUBLAS_DETERMINISTIC = ":4096:8"


def default_device() -> str:
    """``LOSSBOOK_DEVICE`` if set, else ``"cuda"`` if available, else CPU.

    When the device is a GPU, ``CUBLAS_WORKSPACE_CONFIG`` is set (unless it
    already is) so that ``torch.use_deterministic_algorithms(True)`` does not
    stop the first matrix product: call this before any CUDA work.
    """
    device = os.environ.get("LOSSBOOK_DEVICE", "").strip()
    if not device:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as error:
        raise ValueError(
            f"LOSSBOOK_DEVICE={device!r} is not a device PyTorch knows "
            "(use cpu, cuda or cuda:N, or unset it)") from error
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"LOSSBOOK_DEVICE={device!r}, but PyTorch sees no GPU "
                "(torch.cuda.is_available() is False): unset LOSSBOOK_DEVICE "
                "or install a CUDA build of PyTorch")
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", CUBLAS_DETERMINISTIC)
    return device


def num_threads(default: int) -> int:
    """``LOSSBOOK_THREADS`` if set, else ``default``: CPU threads to use."""
    value = os.environ.get("LOSSBOOK_THREADS", "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"LOSSBOOK_THREADS={value!r}: expected a whole number of threads, "
            "at least 1 (or unset it)")
    return int(value)

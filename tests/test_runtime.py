"""The chapters' set-up on a machine this suite does not have: a CUDA GPU.

PyTorch raises under ``torch.use_deterministic_algorithms(True)`` for
``nn.NLLLoss`` on a CUDA tensor, and for cuBLAS without
``CUBLAS_WORKSPACE_CONFIG``. No GPU is here, so every chapter's set-up cell
is run, one after the other, in a fresh interpreter in which PyTorch reports
a GPU, and what each leaves behind is inspected: the chapter picks CUDA, sets the cuBLAS workspace before
any CUDA work, and asks for determinism in the mode that warns instead of
raising.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pytest
import torch

from lossbook import runtime
from tests.book import notebooks, read_notebook

# Runs every chapter's set-up cell in one process (importing torch is most of
# the time): each as on a CUDA machine, then again with LOSSBOOK_DEVICE=cpu
# and LOSSBOOK_THREADS=1, undoing in between what a run set.
PROBE = r"""
import json, os, sys
import torch
torch.cuda.is_available = lambda: True  # a GPU, as far as a chapter can tell
cells = json.loads(sys.stdin.read())


def run(source):
    namespace = {}
    exec(compile(source, "set-up cell", "exec"), namespace)
    state = {
        "device": str(namespace.get("device")),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
        "cublas": os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
        "cuda_initialized": torch.cuda.is_initialized(),
        "threads": torch.get_num_threads(),
    }
    torch.use_deterministic_algorithms(False)
    for name in ("CUBLAS_WORKSPACE_CONFIG", "LOSSBOOK_DEVICE", "LOSSBOOK_THREADS"):
        os.environ.pop(name, None)
    return state


states = {}
for name, source in cells.items():
    cuda = run(source)
    os.environ.update(LOSSBOOK_DEVICE="cpu", LOSSBOOK_THREADS="1")
    states[name] = {"cuda": cuda, "forced": run(source)}
print(json.dumps(states))
"""


def _setup_source(path) -> str:
    cell = next(c for c in read_notebook(path).cells if c.cell_type == "code")
    return "\n".join(line for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


@functools.cache
def _states() -> dict:
    """chapter -> {"cuda": the state after its set-up cell on a CUDA machine, "forced": with the environment set}."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("LOSSBOOK_DEVICE", "LOSSBOOK_THREADS", "CUBLAS_WORKSPACE_CONFIG")}
    cells = {path.name: _setup_source(path) for path in notebooks()}
    result = subprocess.run([sys.executable, "-c", PROBE], input=json.dumps(cells),
                            capture_output=True, text=True, cwd=notebooks()[0].parent, env=environ)
    assert result.returncode == 0, f"a set-up cell failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def _run_setup(path) -> dict:
    return _states()[path.name]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_setup_cell_is_safe_on_a_cuda_machine(path):
    state = _run_setup(path)["cuda"]
    assert state["deterministic"] and state["warn_only"], (
        "call torch.use_deterministic_algorithms(True, warn_only=True): with "
        "mode=True alone, nn.NLLLoss raises on a CUDA tensor")
    assert not state["cuda_initialized"], "the set-up cell must not start CUDA"
    if "device" in _setup_source(path):
        assert state["device"] == "cuda"
        assert state["cublas"] == runtime.CUBLAS_DETERMINISTIC


@pytest.mark.parametrize("path", [p for p in notebooks() if "device =" in _setup_source(p)],
                         ids=lambda p: p.name)
def test_environment_forces_the_device_and_threads(path):
    state = _run_setup(path)["forced"]
    assert state["device"] == "cpu" and state["threads"] == 1
    assert state["cublas"] is None


def test_forced_cuda_without_a_gpu_says_what_to_do(monkeypatch):
    monkeypatch.setenv("LOSSBOOK_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="sees no GPU.*unset LOSSBOOK_DEVICE"):
        runtime.default_device()


@pytest.mark.parametrize("value", ["gpu", "cuda:x"])
def test_unknown_device_is_refused(monkeypatch, value):
    monkeypatch.setenv("LOSSBOOK_DEVICE", value)
    with pytest.raises(ValueError, match="not a device PyTorch knows"):
        runtime.default_device()


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_bad_thread_count_is_refused(monkeypatch, value):
    monkeypatch.setenv("LOSSBOOK_THREADS", value)
    with pytest.raises(ValueError, match="whole number of threads"):
        runtime.num_threads(2)


def test_thread_count_default_and_override(monkeypatch):
    monkeypatch.delenv("LOSSBOOK_THREADS", raising=False)
    assert runtime.num_threads(2) == 2
    monkeypatch.setenv("LOSSBOOK_THREADS", "3")
    assert runtime.num_threads(2) == 3


def test_cpu_is_the_default_without_a_gpu(monkeypatch):
    monkeypatch.delenv("LOSSBOOK_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.default_device() == "cpu"


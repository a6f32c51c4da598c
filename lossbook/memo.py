"""A training run done once per machine: chapter 9 reuses chapter 7's Net.

Chapter 9 measures what mistakes cost on the Net that chapter 7 trains: the
same recipe from the same initial weights, so on any one machine the same
run, step for step. Training it takes a minute or more on a CPU, so
:func:`trained` keeps what a run produced: the trained weights, the history
the training function returned and the log it printed, the state of
PyTorch's random generators afterwards, and the lists it filled. A later
call with the same training function, initial weights, data and arguments,
on the same machine (PyTorch version, CPU kernels, thread count, device) and
with the same lossbook, loads these instead of training again. Any
difference in them makes another key, so a stored run never stands in for a
different one.

The training function must seed every random generator it draws from
(``train_net`` does: the batch order and the dropout masks), since the
generators' state before the call is not part of the key. A keyword argument
that is an empty list is taken to be filled by the training (``batch_losses``)
and is not part of the key either; it is filled from the stored run.

Runs are kept in the folder ``LOSSBOOK_CACHE``, else ``~/.cache/lossbook``;
the tests give each test run a folder of its own.
"""

from __future__ import annotations

import contextlib
import dis
import hashlib
import io
import os
import sys
import types
from pathlib import Path

import torch
from torch import nn

#: Changes when what is stored, or how the key is made, changes.
FORMAT = 1
#: Environment variables that change which kernels PyTorch runs.
KERNEL_VARIABLES = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA",
                    "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "CUBLAS_WORKSPACE_CONFIG")


def cache_dir() -> Path:
    """Where runs are kept: ``LOSSBOOK_CACHE``, else ``~/.cache/lossbook``."""
    if os.environ.get("LOSSBOOK_CACHE"):
        return Path(os.environ["LOSSBOOK_CACHE"])
    return Path.home() / ".cache" / "lossbook"


def _filled(value) -> bool:
    """An argument the training fills: an empty list."""
    return isinstance(value, list) and not value


def _tensor(digest, tensor: torch.Tensor) -> None:
    digest.update(repr((tensor.dtype, tuple(tensor.shape), tensor.stride(),
                        tensor.device.type)).encode())
    digest.update(tensor.detach().cpu().contiguous().reshape(-1)
                  .view(torch.uint8).numpy())


def _value(digest, value) -> None:
    if isinstance(value, torch.Tensor):
        _tensor(digest, value)
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _value(digest, item)
    else:
        digest.update(repr(value).encode())
    digest.update(b"\0")


def _code(code: types.CodeType) -> list:
    """A code object's instructions, as the same source compiles anywhere.

    Jumps point at instruction numbers, not byte offsets; the compiler's
    choice between ``LOAD_METHOD`` and ``LOAD_ATTR`` for ``module.f()``,
    which depends on the code around, is left out; so are docstrings, which
    no instruction loads.
    """
    shape = []
    skip = ("CACHE", "NOP", "RESUME", "EXTENDED_ARG", "PUSH_NULL")
    instructions = [i for i in dis.get_instructions(code)
                    if i.opname not in skip]
    number = {i.offset: n for n, i in enumerate(instructions)}
    for ins in instructions:
        arg = ins.argval
        if ins.opcode in dis.hasjabs or ins.opcode in dis.hasjrel:
            arg = number.get(arg)
        elif isinstance(arg, types.CodeType):
            arg = _code(arg)
        name = "LOAD_ATTR" if ins.opname == "LOAD_METHOD" else ins.opname
        shape.append((name, arg if isinstance(arg, list) else repr(arg)))
    return shape


def _function(train_fn) -> str:
    """What a function does: its instructions and defaults, not its name.

    Chapter 7 defines ``train_net`` in a cell, and lossbook.recipes holds the
    same code with a line added to its docstring: the same function.
    """
    return repr((_code(train_fn.__code__), train_fn.__defaults__,
                 train_fn.__kwdefaults__))


def _class(cls) -> str:
    """What a model's class does: its methods, and its own bases' (not
    PyTorch's). Chapter 7 defines ``Net`` in a cell; lossbook.models holds
    the same class."""
    methods = []
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] in ("torch", "builtins"):
            continue
        for name, member in sorted(vars(klass).items()):
            if isinstance(member, types.FunctionType):
                methods.append((name, _function(member)))
    return repr(methods)


def run_key(train_fn, model: nn.Module, args: tuple, kwargs: dict) -> str:
    """The key of a run: everything its result depends on, hashed."""
    digest = hashlib.sha256()
    _value(digest, (FORMAT, _function(train_fn)))
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    device = next(model.parameters()).device
    _value(digest, (
        torch.__version__, torch.backends.cpu.get_cpu_capability(),
        torch.get_num_threads(), torch.are_deterministic_algorithms_enabled(),
        [os.environ.get(name) for name in KERNEL_VARIABLES], device.type,
        torch.cuda.get_device_name(device) if device.type == "cuda" else ""))
    _value(digest, (_class(type(model)), str(model)))
    for name, tensor in model.state_dict().items():
        _value(digest, name)
        _tensor(digest, tensor)
    _value(digest, args)
    for name in sorted(kwargs):
        if not _filled(kwargs[name]):  # a list to fill is not read
            _value(digest, (name, kwargs[name]))
    return digest.hexdigest()


class _Tee(io.TextIOBase):
    """Writes to the real stdout and keeps a copy."""

    def __init__(self, out):
        self.out, self.kept = out, io.StringIO()

    def write(self, text):
        self.kept.write(text)
        return self.out.write(text)

    def flush(self):
        self.out.flush()


def trained(train_fn, model: nn.Module, *args, **kwargs):
    """``train_fn(model, *args, **kwargs)``, or the same run, loaded.

    Returns what ``train_fn`` returns; ``model`` ends with the trained
    weights either way, and PyTorch's random generators in the state the
    training left them in. See the module's text for when a run is loaded.
    """
    filled = [name for name, value in kwargs.items() if _filled(value)]
    path = cache_dir() / f"run-{run_key(train_fn, model, args, kwargs)}.pt"
    if path.is_file():
        # A file this function wrote: the history is whatever train_fn
        # returned, so it is unpickled (weights_only=False).
        stored = torch.load(path, map_location="cpu", weights_only=False)
        if set(filled) <= set(stored["lists"]):
            model.load_state_dict(stored["state"])
            model.train(stored["training"])
            torch.set_rng_state(stored["rng"])
            if stored["cuda_rng"] is not None:
                torch.cuda.set_rng_state_all(stored["cuda_rng"])
            for name in filled:
                kwargs[name].extend(stored["lists"][name])
            print(stored["log"], end="")
            print("(this run was trained before on this machine, with the "
                  "same code and inputs: loaded by lossbook.memo)")
            return stored["result"]
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        result = train_fn(model, *args, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    torch.save({
        "state": {k: v.detach().cpu().clone()
                  for k, v in model.state_dict().items()},
        "training": model.training,
        "rng": torch.get_rng_state(),
        "cuda_rng": (torch.cuda.get_rng_state_all()
                     if torch.cuda.is_initialized() else None),
        "lists": {name: list(kwargs[name]) for name in filled},
        "log": tee.kept.getvalue(),
        "result": result,
    }, partial)
    partial.replace(path)  # whole or not at all
    return result

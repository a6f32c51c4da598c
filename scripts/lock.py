"""Read the lock, requirements.txt: derive Binder's file from it, or print a pin.

    python scripts/lock.py           write binder/requirements.txt
    python scripts/lock.py --check   fail if binder/requirements.txt is not what it would write
    python scripts/lock.py --requirement uv   print one package's pin, with its hashes

`make lock` runs it after compiling requirements.txt from requirements.in. It
reads the lock only (no network): Binder gets the packages the book's runtime
needs, at the lock's versions, with PyTorch's CPU builds instead of the CUDA
ones.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import re
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
BINDER = ROOT / "binder" / "requirements.txt"

# What the notebooks import (myst-nb for `glue`); with everything these need, it is what Binder
# installs (repo2docker brings Jupyter itself).
RUNTIME = ("torch", "torchvision", "numpy", "matplotlib", "ipykernel", "ipywidgets", "myst-nb",
           "keras", "jax", "jaxlib", "optax", "scikit-learn")
# Installed from PyTorch's CPU index as <version>+cpu: the same code without CUDA.
CPU_BUILDS = ("torch", "torchvision")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

HEADER = f"""\
# What mybinder.org installs (repo2docker reads binder/ first): the book's
# runtime with everything it needs, at the versions of ../requirements.txt,
# and PyTorch's CPU builds, a fraction of the size of the default CUDA ones.
# Generated from ../requirements.txt by scripts/lock.py (`make lock`): do not
# edit. No hashes: the +cpu wheels are not the ones the lock hashes.
--extra-index-url {CPU_INDEX}
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> list[importlib.metadata.Distribution]:
    """Every distribution in this interpreter's site-packages (not a stray *.egg-info elsewhere
    on sys.path, such as a test's temporary folder or lossbook's own in the checkout)."""
    paths = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    return list(importlib.metadata.distributions(path=paths))


def cuda_only(name: str) -> bool:
    """What torch's CUDA build requires on Linux and its +cpu build does not."""
    return name.startswith(("nvidia-", "cuda-")) or name == "triton"


@dataclass
class Pin:
    name: str
    version: str
    marker: str = ""
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)  # the lock's annotations: who needs it


def read_lock(path: Path = LOCK) -> list[Pin]:
    """The pins of a lock written by `uv pip compile --generate-hashes` (with annotations)."""
    pins: list[Pin] = []
    in_via = False
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not line[0].isspace():
            in_via = False
            if stripped.startswith("#"):
                continue
            spec, _, marker = stripped.rstrip("\\").strip().partition(";")
            name, sep, version = spec.strip().partition("==")
            if not sep:
                raise ValueError(f"{path.name}: not a pin: {line!r}")
            pins.append(Pin(canonical(name), version.strip(), marker.strip()))
        elif stripped.startswith("--hash="):
            pins[-1].hashes.append(stripped.rstrip("\\").strip().removeprefix("--hash="))
        elif stripped.startswith("# via"):
            rest = stripped.removeprefix("# via").strip()
            in_via = not rest
            if rest:
                pins[-1].via.append(rest)
        elif stripped.startswith("#") and in_via:
            pins[-1].via.append(stripped.lstrip("#").strip())
    return pins


def runtime_pins(pins: list[Pin]) -> list[Pin]:
    """The runtime packages and, through the lock's annotations, everything they need."""
    needed = set(RUNTIME)
    grew = True
    while grew:
        grew = False
        for pin in pins:
            if pin.name not in needed and not cuda_only(pin.name) and needed.intersection(pin.via):
                needed.add(pin.name)
                grew = True
    return [pin for pin in pins if pin.name in needed]


def binder_text(pins: list[Pin]) -> str:
    lines = [HEADER.rstrip("\n")]
    for pin in runtime_pins(pins):
        version = pin.version + "+cpu" if pin.name in CPU_BUILDS else pin.version
        lines.append(f"{pin.name}=={version}" + (f" ; {pin.marker}" if pin.marker else ""))
    return "\n".join(lines) + "\n"


def requirement(name: str, pins: list[Pin]) -> str:
    """One pin of the lock as a hash-checked requirement line (make setup installs uv with it)."""
    for pin in pins:
        if pin.name == canonical(name):
            return " ".join([f"{pin.name}=={pin.version}", *(f"--hash={h}" for h in pin.hashes)])
    raise KeyError(f"{name} is not in {LOCK.name}")


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--requirement":
        print(requirement(argv[1], read_lock()))
        return 0
    if argv not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    text = binder_text(read_lock())
    if argv == ["--check"]:
        current = BINDER.read_text() if BINDER.exists() else ""
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                    "binder/requirements.txt", "derived from requirements.txt")
        sys.stdout.writelines(diff)
        print("binder/requirements.txt is out of date: run `make lock` (or python scripts/lock.py)")
        return 1
    BINDER.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

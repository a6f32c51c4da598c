"""binder/ installs into a fresh virtual environment, and a chapter runs in it.

mybinder.org builds the book's environment from binder/ (repo2docker):
binder/requirements.txt, derived from the lock, then binder/postBuild. This
test does the same in a fresh virtual environment, from the package indexes
this machine reaches, then runs chapter 1 there.

It installs about 2 GB of packages, which takes minutes, so `make test`
leaves it out: `make test-binder` runs it (and CI's weekly run). When
PyTorch's CPU index (binder's source for torch and torchvision) is out of
reach, as on the book's own machines, it installs the same versions from
PyPI (the CUDA builds, which run on the CPU too) and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path

import pytest

from tests.book import ROOT

pytestmark = pytest.mark.skipif(
    os.environ.get("BOOK_TEST_BINDER") != "1",
    reason="installs 2 GB of packages: run `make test-binder`")

CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10):
            return True
    except OSError:
        return False


def _requirements(where: Path) -> Path:
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    if _reachable(f"{CPU_INDEX}/torch/"):
        return ROOT / "binder" / "requirements.txt"
    warnings.warn(f"{CPU_INDEX} is out of reach: installing torch and "
                  "torchvision from PyPI instead (the CUDA builds)",
                  stacklevel=1)
    fallback = [line.replace("+cpu", "") for line in lines
                if not line.startswith("--extra-index-url")]
    path = where / "requirements.txt"
    path.write_text("\n".join(fallback) + "\n")
    return path


def test_binder_installs_and_a_chapter_runs(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    subprocess.run([str(python), "-m", "pip", "install", "-q",
                    "-r", str(_requirements(tmp_path))],
                   check=True, env=env, timeout=3600)
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT,
                   check=True, env=env, timeout=600)
    chapter = ROOT / "chapters" / "01_softmax.ipynb"
    out = tmp_path / chapter.name
    run = subprocess.run(
        [str(python), "-c",
         "import nbformat, sys\n"
         "from nbclient import NotebookClient\n"
         "nb = nbformat.read(sys.argv[1], as_version=4)\n"
         "NotebookClient(nb, timeout=600, kernel_name='python3', resources="
         "{'metadata': {'path': sys.argv[3]}}).execute()\n"
         "nbformat.write(nb, sys.argv[2])\n",
         str(chapter), str(out), str(chapter.parent)],
        env=env, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    import nbformat

    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran"

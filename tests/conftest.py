"""Shared set-up of the test suite, and its tiers.

A bare ``pytest`` runs the quick tier: no chapter, no site build, no
browser, no fresh environment (about half a minute). Naming a path or a
marker runs what it names (``pytest chapters/06_cnn_cross_entropy.ipynb``,
``pytest -m site``). The Makefile's targets choose for you: ``make check``,
``make chapter N=06``, ``make test`` (CONTRIBUTING.md).
"""

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from lossbook.environment import apply_environment
from scripts import build

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

#: The markers left out of a bare `pytest` (pyproject.toml describes them).
HEAVY = ("notebook", "site", "browser", "slow", "pdf")


def pytest_configure(config):
    # A test run keeps its trained models to itself (lossbook.memo): chapter 9
    # reuses chapter 7's Net only within one run.
    os.environ.setdefault("LOSSBOOK_CACHE", tempfile.mkdtemp(prefix="lossbook-cache-"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
    # The PDF tests last: their two builds run side by side, and in make test they then start
    # near the end of the chapter passes, when a core is about to be free.
    items.sort(key=lambda item: item.get_closest_marker("pdf") is not None)
    named = config.args_source != pytest.Config.ArgsSource.TESTPATHS
    if named or config.option.markexpr:
        return
    quick = [item for item in items if not any(item.get_closest_marker(m) for m in HEAVY)]
    config.hook.pytest_deselected(items=[item for item in items if item not in quick])
    items[:] = quick


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state, whatever ran before it."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


#: Which builds a test run read as an earlier build left them, for the summary at the end.
BUILD_NOTES = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def build_log(pytestconfig) -> str:
    """make book's build, both editions, in _build/html: its log. Built here unless the build
    there is current (scripts/build.py's is_current: its stamp matches the checkout as it is)."""
    notes = pytestconfig.stash.setdefault(BUILD_NOTES, [])
    if build.is_current():
        notes.append(f"Not built again, since its build's stamp matches the checkout: the site in {build.HTML}")
    else:
        if build.inputs_digest() is None:
            notes.append("Built, as every time here: git does not list this checkout's files, so no build is reused")
        result = subprocess.run([sys.executable, "-m", "scripts.build"], cwd=ROOT, capture_output=True,
                                text=True)
        log = result.stdout + result.stderr
        assert result.returncode == 0, f"the build failed:\n{log[-6000:]}"
    return build.LOG.read_text(encoding="utf-8")


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    for note in config.stash.get(BUILD_NOTES, []):
        terminalreporter.write_line(note)

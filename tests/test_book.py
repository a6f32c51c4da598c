"""The book's configuration, its notebooks' stored outputs, and its set-up files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.book import ROOT, load_yaml, notebooks, read_notebook, source_of, toc_entries

PAGES_DIRS = ("chapters", "appendix")


def test_every_toc_entry_exists():
    for entry in toc_entries():
        source_of(entry)  # raises, naming the entry, if it does not


def test_every_page_is_in_the_toc_and_only_once():
    entries = toc_entries()
    assert len(entries) == len(set(entries)), "a page is listed twice in _toc.yml"
    pages = {
        str(p.relative_to(ROOT).with_suffix(""))
        for folder in PAGES_DIRS
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".ipynb", ".md") and not any(part.startswith(".") for part in p.parts)
    }
    missing = sorted(pages - set(entries))
    assert not missing, f"pages not in _toc.yml (add them, or delete them): {missing}"


def test_config_shows_stored_outputs_and_launches_this_repository():
    config = load_yaml("_config.yml")
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["only_build_toc_files"] is True
    repo = config["repository"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo["url"])
    assert repo["branch"] == "main"
    launch = config["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org" and launch["thebe"] is True
    assert "intersphinx" not in str(config.get("sphinx", {})), "intersphinx needs the network"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_follows_the_conventions(path):
    nb = read_notebook(path)
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata, "widget state is not stored (make refresh drops it)"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell: the title"

    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = code[0].source
    for call in ("random.seed(", "np.random.seed(", "torch.manual_seed(", "torch.set_num_threads(num_threads(",
                 "torch.use_deterministic_algorithms(True, warn_only=True)"):
        assert call in setup, f"the first code cell must call {call}"

    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        "stored outputs must come from one top-to-bottom run in a fresh kernel: run `make refresh`"
    )
    for i, cell in enumerate(code):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags and "NBVAL_SKIP" not in cell.source, f"code cell {i} is skipped"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert bool(errors) == ("raises-exception" in tags), (
            f"code cell {i}: an error output needs the raises-exception tag, and the tag needs an error"
        )


def test_requirements_pin_every_direct_dependency():
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
    ]
    specs = [line for line in lines if line and line != "-e ."]
    loose = [s for s in specs if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+]+", s)]
    assert not loose, f"pin these exactly with ==: {loose}"
    names = {s.split("==")[0].lower() for s in specs}
    for needed in ("torch", "torchvision", "jupyter-book", "nbval", "matplotlib", "ipykernel",
                   "ipywidgets", "pytest", "sphinx", "myst-nb", "sphinx-book-theme"):
        assert needed in names


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_binder_installs_the_same_versions():
    book, binder = _pins(ROOT / "requirements.txt"), _pins(ROOT / "binder" / "requirements.txt")
    assert binder["torch"] == book["torch"] + "+cpu"
    assert binder["torchvision"] == book["torchvision"] + "+cpu"
    for name, version in binder.items():
        if name not in ("torch", "torchvision"):
            assert book.get(name) == version, f"binder pins {name}=={version}, the book {book.get(name)}"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_ci_runs_the_readme_test_command_and_nothing_else():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", readme, flags=re.S)
    assert any(block.strip() == "make test" for block in commands), "README must show `make test`"
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert ci[-1] == "make test"
    # Before it, only the shell's settings and the machine's system packages.
    allowed = ("set ", "cd ", "bash scripts/ensure_chromium.sh")
    assert all(line.startswith(allowed) for line in ci[:-1]), f".ci/run does more: {ci}"


def test_make_test_installs_no_system_package():
    makefile = (ROOT / "Makefile").read_text()
    assert "apt-get" not in makefile and "ensure_chromium" not in makefile


def test_code_is_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

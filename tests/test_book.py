"""The book's configuration, its notebooks' stored outputs, and its set-up files."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys

import pytest
from packaging.markers import Marker

from lossbook.figures import FIGURE_KEY, unpack_figure
from scripts import lock
from tests.book import ROOT, load_yaml, notebooks, read_notebook, source_of, toc_entries

PAGES_DIRS = ("chapters",)


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
    # No address written here: _ext/repository.py reads it at build time (tests/test_repository.py).
    assert "url" not in config["repository"] and "branch" not in config["repository"]
    assert config["sphinx"]["local_extensions"]["repository"] == "_ext"
    launch = config["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org" and launch["thebe"] is True
    assert launch["colab_url"] == "https://colab.research.google.com"
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
    setup = code[0].source  # the first code cell sets the stage
    for call in ("random.seed(", "np.random.seed(", "torch.manual_seed(", "torch.set_num_threads(num_threads(",
                 "torch.use_deterministic_algorithms(True, warn_only=True)"):
        assert call in setup, f"the set-up cell must call {call}"

    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        "stored outputs must come from one top-to-bottom run in a fresh kernel: run `make refresh`"
    )
    for i, cell in enumerate(code):
        # English is the source; Korean lives in locales/ko (CONTRIBUTING.md). A chapter glues values,
        # never words; and it runs from any repository, so it names none (scripts/launch.py).
        text = cell.source + json.dumps(cell.outputs, ensure_ascii=False)
        assert not re.search(r"[\uac00-\ud7a3]", text), f"code cell {i}: Hangul in an English notebook's code"
        assert "github.com" not in cell.source, f"code cell {i} names a repository"
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags and "NBVAL_SKIP" not in cell.source, f"code cell {i} is skipped"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert bool(errors) == ("raises-exception" in tags), (
            f"code cell {i}: an error output needs the raises-exception tag, and the tag needs an error"
        )


def _direct_pins() -> dict[str, str]:
    """requirements.in: name -> version."""
    pins = {}
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([\w.+!-]+)", line)
            assert match, f"requirements.in: pin {line!r} exactly with =="
            pins[lock.canonical(match[1])] = match[2]
    return pins


def test_lock_pins_each_direct_dependency_at_its_version():
    direct = _direct_pins()
    for needed in ("torch", "torchvision", "jupyter-book", "nbval", "matplotlib", "ipykernel",
                   "ipywidgets", "pytest", "sphinx", "myst-nb", "sphinx-book-theme", "pyyaml"):
        assert needed in direct, f"requirements.in must name {needed}"
    locked: dict[str, set[str]] = {}
    for pin in lock.read_lock():
        locked.setdefault(pin.name, set()).add(pin.version)
    stale = {name: (version, locked.get(name)) for name, version in direct.items()
             if locked.get(name) != {version}}
    assert not stale, f"requirements.in and requirements.txt disagree (run make lock): {stale}"


def _installed() -> dict[str, importlib.metadata.Distribution]:
    return {lock.canonical(d.metadata["Name"]): d for d in lock.installed()}


def test_venv_is_exactly_the_lock():
    wanted = {pin.name: pin.version for pin in lock.read_lock() if not pin.marker or Marker(pin.marker).evaluate()}
    dists = _installed()
    lossbook = dists.pop("lossbook", None)
    assert lossbook and lossbook.version == "0.1.0", "lossbook is not installed: run make setup"
    direct_url = json.loads(lossbook.read_text("direct_url.json") or "{}")
    assert direct_url.get("dir_info", {}).get("editable"), "lossbook must be installed editable: run make setup"
    installed = {name: dist.version for name, dist in dists.items()}
    differ = {name: (installed.get(name), wanted.get(name))
              for name in installed.keys() | wanted.keys() if installed.get(name) != wanted.get(name)}
    assert not differ, f"(installed, locked) versions differ; run make setup to sync .venv to the lock: {differ}"


def test_binder_file_is_derived_from_the_lock():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock.py"), "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _imported_modules() -> set[str]:
    """Top-level modules imported by the tests, lossbook, the scripts, the extension and the chapters."""
    sources = [p.read_text() for folder in ("tests", "lossbook", "scripts", "_ext", "data", "bench")
               for p in (ROOT / folder).glob("*.py")]
    for path in notebooks():
        for cell in read_notebook(path).cells:
            if cell.cell_type == "code":
                sources.append("\n".join(line for line in cell.source.splitlines()
                                         if not line.lstrip().startswith(("%", "!"))))
    modules = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_every_imported_package_is_a_declared_dependency():
    direct = _direct_pins()
    providers = importlib.metadata.packages_distributions()
    local = {"tests", "lossbook", "__future__", "scripts", "bench", "data", "_ext"} | {
        p.stem for folder in ("_ext", "scripts") for p in (ROOT / folder).glob("*.py")}
    undeclared = {}
    for module in sorted(_imported_modules() - set(sys.stdlib_module_names) - local):
        dists = {lock.canonical(d) for d in providers.get(module, [])}
        if not dists & direct.keys():
            undeclared[module] = sorted(dists)
    assert not undeclared, f"imported but not in requirements.in (module: installed by): {undeclared}"


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
    allowed = ("set ", "cd ", "bash scripts/ensure_system_packages.sh")
    assert all(line.startswith(allowed) for line in ci[:-1]), f".ci/run does more: {ci}"


def test_make_test_installs_no_system_package():
    makefile = (ROOT / "Makefile").read_text()
    assert "apt-get" not in makefile and "ensure_system_packages" not in makefile


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_every_figure_has_an_alt_text(path):
    """A figure's alt text is what a screen reader reads and what shows when the image fails.

    myst-nb takes it from the cell's metadata, ``"mystnb": {"image": {"alt": ...}}``;
    without it the page's <img> gets the image's hash file name (the browser
    test checks the rendered pages too).
    """
    for i, cell in enumerate(read_notebook(path).cells):
        if cell.cell_type != "code":
            continue
        if any(IMAGES & set(out.get("data", {})) for out in cell.outputs):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt.split()) >= 3, f"cell {i} ({cell.get('id')}) shows a figure without an alt text"


IMAGES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml"}


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_every_figure_is_stored_as_a_book_figure(path):
    """Every image a chapter shows is an SVG with its matplotlib figure kept in the output's
    metadata (lossbook.figures.book_figures, called by the set-up cell): sharp on any screen, and
    drawn again with Korean labels for the Korean edition. A PNG would stay English there."""
    for i, cell in enumerate(read_notebook(path).cells):
        for out in cell.get("outputs", []):
            kinds = IMAGES & set(out.get("data", {}))
            if not kinds:
                continue
            where = f"cell {i} ({cell.get('id')})"
            assert kinds == {"image/svg+xml"}, (
                f"{where} stores {sorted(kinds)}: call lossbook.figures.book_figures() in the "
                "set-up cell, then make refresh")
            figure = out.get("metadata", {}).get("image/svg+xml", {}).get(FIGURE_KEY)
            assert figure, f"{where}: an SVG without its figure (make refresh)"
            unpack_figure(figure)  # a figure this matplotlib can read

"""lossbook is readable, documented, and, where generated, up to date.

The modules generated from the chapters (scripts/export_lib.py, `make lib`)
must equal what the chapters give today: an edit to a chapter without
`make lib`, or an edit by hand to a generated file, fails here.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from scripts import export_lib
from tests.book import ROOT

MODULES = sorted(p.stem for p in (ROOT / "lossbook").glob("*.py")
                 if p.stem != "__init__")
GENERATED = [m for m, parts in export_lib.collect().items() if parts["names"]]


def test_generated_modules_are_up_to_date():
    run = subprocess.run([sys.executable, "scripts/export_lib.py", "--check"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_check_fails_on_a_hand_edit(tmp_path, monkeypatch):
    """The check is not vacuous: one changed character in a file fails it."""
    package = tmp_path / "lossbook"
    package.mkdir()
    for module in GENERATED:
        text = (ROOT / "lossbook" / f"{module}.py").read_text()
        (package / f"{module}.py").write_text(text)
    monkeypatch.setattr(export_lib, "PACKAGE", package)
    monkeypatch.setattr(export_lib, "ROOT", tmp_path)
    (tmp_path / "chapters").symlink_to(ROOT / "chapters")
    assert export_lib.main(["--check"]) == 0
    scratch = package / "scratch.py"
    scratch.write_text(scratch.read_text().replace("amax", "max", 1))
    assert export_lib.main(["--check"]) == 1


def test_export_refuses_an_undocumented_definition(tmp_path):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"),
                nbformat.v4.new_code_cell("import torch"),
                nbformat.v4.new_code_cell("def f(x):\n    return x\n")]
    nb.cells[2].metadata["tags"] = ["export:scratch"]
    nbformat.write(nb, chapters / "99_test.ipynb")
    with pytest.raises(export_lib.ExportError, match="f has no docstring"):
        export_lib.collect(tmp_path)
    nb.cells[2].source = "#: a comment, then code\nx = 1\nLIMIT = 3\n"
    nbformat.write(nb, chapters / "99_test.ipynb")
    with pytest.raises(export_lib.ExportError, match="LIMIT has no comment"):
        export_lib.collect(tmp_path)
    nb.cells[2].metadata["tags"] = ["export:nowhere"]
    nbformat.write(nb, chapters / "99_test.ipynb")
    with pytest.raises(export_lib.ExportError, match="names no module"):
        export_lib.collect(tmp_path)


@pytest.mark.parametrize("module", MODULES)
def test_generated_files_say_so_and_others_do_not(module):
    text = (ROOT / "lossbook" / f"{module}.py").read_text()
    says = "generated from the chapters by ``make lib``" in text
    assert says == (module in GENERATED), (
        f"lossbook/{module}.py: " + ("its chapters export nothing to it, "
                                     "yet it says it is generated" if says
                                     else "generated, without the header"))

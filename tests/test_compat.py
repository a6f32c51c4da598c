"""_ext/compat.py: each patch of a third party's internals is still needed.

Each test builds a one-page Sphinx project twice, without and with the patch,
and sees the bug in the first build only. When an upgrade fixes a bug, its
test fails: delete the patch and the test, and update compat.WRITTEN_FOR.
The version check, which stops a build on other versions, is tested too.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from docutils import nodes
from sphinx.errors import ExtensionError

from _ext import compat
from tests.book import ROOT


def _build(where: Path, extensions: list[str], page: str = "Title\n=====\n\nA page.\n",
           conf: str = "") -> str:
    """A one-page project with these extensions, built to HTML: the page. ``page``, in
    reStructuredText, or in MyST when it starts with ``#``."""
    src = where / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\nextensions = {extensions!r}\n{conf}")
    (src / ("index.md" if page.startswith("#") else "index.rst")).write_text(page)
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(where / "doctrees"),
                          str(src), str(where / "out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return (where / "out" / "index.html").read_text(encoding="utf-8")


def test_dedupe_scripts_is_still_needed(tmp_path):
    third_party = ["sphinx_thebe", "sphinx_togglebutton"]
    without = _build(tmp_path / "without", third_party)
    assert without.count("const THEBE_JS_URL") == 2, "fixed upstream: delete compat._dedupe_scripts"
    with_patch = _build(tmp_path / "with", [*third_party, "compat"])
    assert with_patch.count("const THEBE_JS_URL") == 1


def _translated_doctree(where: Path, extensions: list[str]) -> tuple[nodes.document, bytes]:
    """A MyST page whose paragraph, with a link, has a Korean translation, built: its pickled
    doctree, read back, and the pickle."""
    catalogue = Catalog(locale="ko")
    catalogue.add("See [this page](index.md).", "[이 쪽](index.md)을 보라.")
    messages = where / "src" / "locales" / "ko" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    with (messages / "index.mo").open("wb") as mo:
        write_mo(mo, catalogue)
    page = _build(where, ["myst_parser", *extensions], "# Title\n\nSee [this page](index.md).\n",
                  'language = "ko"\nlocale_dirs = ["locales"]\n')
    assert "을 보라" in page
    raw = (where / "doctrees" / "index.doctree").read_bytes()
    return pickle.loads(raw), raw


def _strangers(doctree: nodes.document) -> list[nodes.Node]:
    return [node for node in doctree.findall() if node is not doctree and node.document is not doctree]


def test_rehome_translated_nodes_is_still_needed(tmp_path):
    without, raw = _translated_doctree(tmp_path / "without", [])
    strangers = _strangers(without)
    assert strangers, "fixed upstream: delete compat._rehome_translated_nodes"
    assert b"BuildEnvironment" in raw, "fixed upstream (the environment is not pickled): delete the patch"
    doctree, raw = _translated_doctree(tmp_path / "with", ["compat"])
    assert not _strangers(doctree)
    assert b"BuildEnvironment" not in raw


def test_a_build_stops_on_other_versions():
    compat.check_versions()  # the lock's versions
    with pytest.raises(ExtensionError, match=r"sphinx 7\.4\.7 \(written for 0\.0\)"):
        compat.check_versions({"sphinx": "0.0"})
    with pytest.raises(ExtensionError, match="no-such-package not installed"):
        compat.check_versions({"no-such-package": "1.0"})

"""_ext/compat.py: each patch of a third party's internals is still needed.

Each test builds a one-page Sphinx project twice, without and with the patch,
and sees the bug in the first build only. When an upgrade fixes a bug, its
test fails: delete the patch and the test, and update compat.WRITTEN_FOR.
The version check, which stops a build on other versions, is tested too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from _ext import compat
from tests.book import ROOT


def _build(where: Path, extensions: list[str]) -> str:
    """A one-page project with these extensions, built to HTML: the page."""
    src = where / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\nextensions = {extensions!r}\n")
    (src / "index.rst").write_text("Title\n=====\n\nA page.\n")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(where / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return (where / "out" / "index.html").read_text(encoding="utf-8")


def test_dedupe_scripts_is_still_needed(tmp_path):
    third_party = ["sphinx_thebe", "sphinx_togglebutton"]
    without = _build(tmp_path / "without", third_party)
    assert without.count("const THEBE_JS_URL") == 2, "fixed upstream: delete compat._dedupe_scripts"
    with_patch = _build(tmp_path / "with", [*third_party, "compat"])
    assert with_patch.count("const THEBE_JS_URL") == 1


def test_a_build_stops_on_other_versions():
    compat.check_versions()  # the lock's versions
    with pytest.raises(ExtensionError, match=r"sphinx 7\.4\.7 \(written for 0\.0\)"):
        compat.check_versions({"sphinx": "0.0"})
    with pytest.raises(ExtensionError, match="no-such-package not installed"):
        compat.check_versions({"no-such-package": "1.0"})

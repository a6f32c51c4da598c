"""Serve MathJax 3 from the built site instead of a CDN.

Sphinx loads MathJax from a CDN by default, so a reader offline (or behind a
strict firewall) sees raw TeX. This extension copies the MathJax 3 ``es5``
bundle shipped by the PyPI package ``django-static-mathjax`` (pinned in
``requirements.txt``) into ``_static/mathjax/`` of the HTML output, and points
``mathjax_path`` at it. MathJax then finds its fonts and TeX extensions next
to itself, on the same server.
"""

from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ENTRY = "mathjax/tex-chtml.js"


def mathjax_es5_dir() -> Path:
    spec = find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(
            "MathJax is not installed: the site serves MathJax itself. "
            "Install the pinned requirements (`make book` does) or "
            "`pip install django-static-mathjax==3.2.2.1`."
        )
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").is_file():
        raise ExtensionError(f"MathJax bundle not found at {es5}; reinstall django-static-mathjax.")
    return es5


def _configure(app: Sphinx, config) -> None:
    mathjax_es5_dir()  # fail early, before any page is written
    config.mathjax_path = ENTRY


def _copy(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(mathjax_es5_dir(), target, dirs_exist_ok=True)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure, priority=900)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Serve MathJax 3 from the built site instead of a CDN.

Sphinx loads MathJax from a CDN by default, so a reader offline (or behind a
strict firewall) sees raw TeX. This extension copies the MathJax 3 ``es5``
bundle shipped by the PyPI package ``django-static-mathjax`` (pinned in
``requirements.txt``) into ``_static/mathjax/`` of the HTML output, and points
``mathjax_path`` at it. MathJax then finds its fonts and TeX extensions next
to itself, on the same server. Only the files the pages load are copied
(``FILES``), not the whole 24 MB bundle.
"""

from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ENTRY = "mathjax/tex-chtml.js"

# The files of the es5 bundle that the pages request, found by opening every
# page of the built site in Chromium and listing the requests under
# _static/mathjax/. tex-chtml.js is one file holding the loader, the TeX input
# (with its default packages: ams, newcommand, require, autoload, ...), the
# CHTML output, the menu and assistive MathML; the page config
# (mathjax3_config) only sets processHtmlClass, so nothing else is preloaded.
# The rest is fetched on demand:
# - input/tex/extensions/<name>.js when a page uses a macro that the autoload
#   package maps to an extension (\boldsymbol, in chapter 2);
# - the CHTML fonts, one woff per font style the math uses; the whole woff-v2
#   folder (23 files, 348 kB) is copied, as which styles are used changes with
#   the text.
# To check: tests/test_site.py fails with "HTTP 404: .../_static/mathjax/..."
# for a missing file (say, a page starts using \cancel); add its path here.
FILES = ["tex-chtml.js", "input/tex/extensions/boldsymbol.js", "output/chtml/fonts/woff-v2"]


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
    source, target = mathjax_es5_dir(), Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)  # no files left from an older list
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        else:
            shutil.copy2(source / name, target / name)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure, priority=900)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

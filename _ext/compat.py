"""Every patch of a third party's internals, fenced in one place.

The site's other extensions use documented extension points only (events,
configuration values, templates, roles, transforms). What no extension point
reaches is patched here, and each patch was written for the versions in
``WRITTEN_FOR``. At the start of every build this checks that exactly those
versions are installed, and stops with a message otherwise: after an
upgrade, a patch can turn into a silent no-op, or break the pages, without a
warning. tests/test_compat.py shows, for each patch, that it is still needed:
the bug it works around appears in a build without it. When an upgrade fixes
one, that test fails; delete the patch and its test, and update the versions.

The patches:

- ``_dedupe_scripts``: sphinx-thebe and sphinx-togglebutton add inline
  scripts with ``app.add_js_file(None, body=...)`` once the builder exists.
  Sphinx 7.4 then holds each of them twice, once as given (file name
  ``None``) and once copied from its registry (file name ``""``), and the two
  do not compare equal. A page gets both, and the browser stops at the
  second ``const THEBE_JS_URL = ...`` with "Identifier 'THEBE_JS_URL' has
  already been declared". The patch keeps the first of each group of scripts
  that differ only in ``None`` versus ``""``; it reads the private attributes
  of Sphinx's ``_JavaScript`` (filename, priority, attributes).
- ``_static/theme_toggles.js``: pydata-sphinx-theme binds the narrow-screen
  chapter list and page contents to the first ``.primary-toggle`` and
  ``.secondary-toggle`` of the page, which under sphinx-book-theme are hidden
  copies in the theme's header; the visible buttons do nothing. The script
  (in every page's head, as every script of _static/) removes the hidden
  copies once the page is parsed, before the theme's deferred script runs.
  tests/test_site.py shows, in Chromium, that a tap does nothing without it.
- ``_static/search_snippets.js``: Sphinx's search page takes each result's
  snippet from the page's ``[role="main"]``, which under the theme holds the
  article's header buttons, the contents list and the code cells as well as
  the text. The script replaces ``Search.htmlToText`` with one that reads the
  article's prose. tests/test_site.py checks the snippets a search shows.
- ``_rehome_translated_nodes``: Sphinx's i18n transform parses each
  translation as a small document of its own and moves its nodes into the
  page by setting their parent directly; docutils 0.21 nodes keep the
  document they were stamped with, and that small document's settings hold
  Sphinx's whole build environment (Sphinx clears it only on the copy of
  the settings it gives the page). So every translated page's pickled
  doctree carried a copy of the environment (4 MB a page, not 0.03 to 0.5),
  which Sphinx unpickles each time it reads a page back: the Korean LaTeX
  build took 63 s instead of 29, the site's build (both editions) 59 s
  instead of 39. On ``doctree-read``, after the translation transforms, the
  handler tells each moved node the page is its document (the public
  ``Node.document``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: distribution -> the version whose internals the patches below rely on.
WRITTEN_FOR = {
    "sphinx": "7.4.7",
    "docutils": "0.21.2",
    "sphinx-thebe": "0.3.1",
    "sphinx-togglebutton": "0.4.5",
    "pydata-sphinx-theme": "0.17.1",
    "sphinx-book-theme": "1.3.0",
}


def check_versions(wanted: dict[str, str] = WRITTEN_FOR) -> None:
    """Raise ExtensionError unless exactly the versions in ``wanted`` are installed."""
    wrong = []
    for name, expected in wanted.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != expected:
            wrong.append(f"{name} {installed} (written for {expected})")
    if wrong:
        raise ExtensionError(
            "_ext/compat.py patches internals of " + ", ".join(wrong) + ". "
            "Check each patch against the installed version (tests/test_compat.py "
            "shows whether it is still needed), then update WRITTEN_FOR in "
            "_ext/compat.py; or install the lock (make setup).")


def _key(js) -> tuple:
    return (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))


def _dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        unique = {}
        for js in scripts:
            unique.setdefault(_key(js), js)
        context["script_files"] = list(unique.values())


def _rehome_translated_nodes(app: Sphinx, doctree: nodes.document) -> None:
    for node in doctree.findall():
        if node is not doctree and node.document is not doctree:
            node.document = doctree


def _check(app: Sphinx, config) -> None:
    check_versions()


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _check, priority=0)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("doctree-read", _rehome_translated_nodes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

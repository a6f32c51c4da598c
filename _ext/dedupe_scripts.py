"""Drop repeated inline <script> entries from every page.

sphinx-thebe and sphinx-togglebutton add inline scripts with
``app.add_js_file(None, body=...)`` once the builder exists. Sphinx 7.4 then
holds each of them twice: once as given (file name ``None``) and once copied
from its registry (file name ``""``), and the two do not compare equal. The
page gets both, and the browser stops at the second copy of
``const THEBE_JS_URL = ...`` with "Identifier 'THEBE_JS_URL' has already been
declared". This keeps the first of each group of scripts that differ only in
``None`` versus ``""``, and changes nothing else.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _key(js) -> tuple:
    return (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))


def _dedupe(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        unique = {}
        for js in scripts:
            unique.setdefault(_key(js), js)
        context["script_files"] = list(unique.values())


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""The role ``{pick}``: words in the text chosen by a value a notebook glued.

A chapter glues values, never words: ``glue("ch6_T_above", bool(T > 1),
display=False)``. The words around them belong to the text, and so to its
translations. When a sentence must say one thing or another depending on
such a value, the text gives the choices and the value picks one::

    dividing by it {pick}`ch6_T_above|sharpens|flattens` the probabilities

``key|choice 0|choice 1|...``: a glued ``False`` or ``0`` shows the first
choice, ``True`` or ``1`` the second, and so on. A translation translates
the choices and keeps the key and their number (scripts/check_translations.py
checks it). The value is read from the stored outputs of the page's own
notebook, as myst-nb's ``{glue:text}`` reads it (its ``text/plain`` record),
so the role works in a translated paragraph too.
"""

from __future__ import annotations

import ast
import json
from functools import lru_cache
from pathlib import Path

from docutils import nodes

GLUE = "application/papermill.record/text/plain"


@lru_cache(maxsize=8)
def _glued(path: str, mtime: float) -> dict[str, object]:
    """Every value a notebook glued: name -> the Python value."""
    values = {}
    for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE in output.get("data", {}):
                try:
                    values[name] = ast.literal_eval(output["data"][GLUE])
                except (ValueError, SyntaxError):  # a NumPy or torch value
                    values[name] = output["data"][GLUE]
    return values


def glued_value(source: Path, key: str) -> object:
    """The value glued as ``key`` by the notebook ``source``."""
    if source.suffix != ".ipynb":
        raise KeyError(f"{source.name} is not a notebook, so it glues nothing")
    values = _glued(str(source), source.stat().st_mtime)
    if key not in values:
        raise KeyError(f"{source.name} glues no value {key!r}")
    return values[key]


def pick_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    document = inliner.document
    key, *choices = (part.strip() for part in text.split("|"))

    def error(message):
        msg = document.reporter.error(f"{{pick}}`{text}`: {message}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]

    if len(choices) < 2:
        return error("write the key and at least two choices, key|first|second")
    env = document.settings.env
    try:
        value = glued_value(Path(env.doc2path(env.docname)), key)
    except KeyError as exc:
        return error(exc.args[0])
    if isinstance(value, bool) or (isinstance(value, int) and 0 <= value < len(choices)):
        return [nodes.inline(rawtext, choices[int(value)], classes=["pasted-text"])], []
    return error(f"the glued value {value!r} picks none of the {len(choices)} choices "
                 "(glue a bool, or an int from 0)")


def setup(app):
    app.add_role("pick", pick_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Write the generated modules of ``lossbook`` from the chapters' tagged cells.

    make lib                                  # writes lossbook/<module>.py
    .venv/bin/python scripts/export_lib.py --check   # fails if out of date

A code cell tagged ``export:<module>`` (the tag is invisible on the site)
gives every top-level ``def``, ``class`` and ``CONSTANT = ...`` it contains
to ``lossbook/<module>.py``; the rest of the cell, the chapter's
demonstration, stays in the chapter. Each definition must have a docstring,
each constant a ``#:`` comment above it, to which the module adds the line
"Defined in chapter N". ruff sorts the module's imports. The imports come from the
chapter's set-up cell: those whose names the exported code uses. Chapters are
read in the order of their file names, cells from top to bottom.

The chapter is the only source: the generated files say so in their first
lines, and ``tests/test_lib.py`` runs ``--check``, which fails when a file
differs from what the chapters give (after an edit to a chapter without
``make lib``, or an edit by hand to the file).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lossbook"
TAG = "export:"

#: module -> its docstring's opening: what it holds and who uses it.
MODULES = {
    "scratch": """The book's from-scratch loss functions, built in chapters 1 to 4.

Each takes the same arguments, in the same order, as its namesake in
``torch.nn.functional``, so that one can be swapped for the other; the tests
check that both give the same results, on random problems and edge cases.""",
    "models": """The two MNIST models of the book, from chapters 6 and 7.

``CNN`` returns logits and is trained with ``nn.CrossEntropyLoss``; ``Net``
returns log-probabilities and is trained with ``nn.NLLLoss``.""",
    "evaluation": """Looking at a trained MNIST classifier beyond its accuracy.

Chapter 6 writes these for the CNN; chapter 7 uses them again for the Net.""",
    "recipes": """The book's training recipes, from chapters 6 and 7.

``CNN_RECIPE`` and ``NET_RECIPE`` are the two models' epochs, batch sizes and
peak learning rates; the benchmark (bench/run.py) measures them. ``train_net``
is chapter 7's whole recipe, which chapter 9 trains again.""",
}

HEADER = '''"""{doc}

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""
'''


class ExportError(Exception):
    """A tagged cell that cannot be exported, with the reason."""


def _code(cell) -> str:
    # IPython's magics and shell escapes are not Python: drop those lines.
    return "\n".join(line for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")


def _exported(node) -> str | None:
    """The name a top-level statement exports: a def, a class, a CONSTANT."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and CONSTANT.fullmatch(node.targets[0].id)):
        return node.targets[0].id
    return None


def _constant_with_origin(node, lines: list[str], origin: str,
                          where: str) -> str:
    """A constant's source, its ``#:`` comment ending with ``origin``."""
    first = node.lineno - 1
    while first > 0 and lines[first - 1].startswith("#:"):
        first -= 1
    if first == node.lineno - 1:
        raise ExportError(f"{where}: {_exported(node)} has no comment; an "
                          "exported constant needs one, in lines starting "
                          "with #: right above it")
    return "\n".join(lines[first:node.lineno - 1] + [f"#: {origin}"]
                     + lines[node.lineno - 1:node.end_lineno])


def _with_origin(node, lines: list[str], origin: str, where: str) -> str:
    """The definition's source, its docstring ending with ``origin``."""
    if isinstance(node, ast.Assign):
        return _constant_with_origin(node, lines, origin, where)
    doc = ast.get_docstring(node, clean=False)
    if doc is None:
        raise ExportError(f"{where}: {node.name} has no docstring; exported "
                          "code needs one (its first line says what it is)")
    if "\\" in doc or '"""' in doc:
        raise ExportError(f"{where}: {node.name}'s docstring has a backslash "
                          "or triple quotes, which the exporter cannot copy")
    first = (node.decorator_list[0] if node.decorator_list else node).lineno
    first -= 1
    body = lines[first:node.end_lineno]
    expr = node.body[0]
    start, end = expr.lineno - 1 - first, expr.end_lineno - 1 - first
    pad = " " * expr.col_offset
    text = inspect.cleandoc(doc).splitlines()
    new = ([f'{pad}"""{text[0]}']
           + [f"{pad}{t}".rstrip() for t in text[1:]]
           + ["", f"{pad}{origin}", f'{pad}"""'])
    return "\n".join(body[:start] + new + body[end + 1:])


def _names_used(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def collect(root: Path = ROOT) -> dict[str, dict]:
    """module -> {"defs": [source], "names": [name], "imports": {line}}."""
    out = {m: {"defs": [], "names": [], "imports": set()} for m in MODULES}
    owner: dict[str, str] = {}
    for path in sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        chapter = int(path.name[:2])
        origin = f"Defined in chapter {chapter}, {path.name}."
        setup = next(c for c in nb.cells if c.cell_type == "code")
        setup_imports = [n for n in ast.parse(_code(setup)).body
                         if isinstance(n, (ast.Import, ast.ImportFrom))]
        for i, cell in enumerate(nb.cells):
            tags = [t for t in cell.metadata.get("tags", [])
                    if t.startswith(TAG)]
            if not tags:
                continue
            where = f"chapters/{path.name}, cell {i}"
            module = tags[0][len(TAG):]
            if cell.cell_type != "code" or module not in MODULES:
                raise ExportError(
                    f"{where}: tag {tags[0]!r} names no module that "
                    f"lossbook generates (one of {', '.join(MODULES)}), or "
                    "the cell is not code")
            source = _code(cell)
            lines = source.splitlines()
            tree = ast.parse(source)
            defs = [n for n in tree.body if _exported(n)]
            if not defs:
                raise ExportError(f"{where}: tagged {tags[0]!r} but defines "
                                  "no function, class or CONSTANT at the top "
                                  "level")
            for node in defs:
                name = _exported(node)
                if name in owner:
                    raise ExportError(
                        f"{where}: {name} is exported already, from "
                        f"{owner[name]}; a name has one source")
                owner[name] = where
                out[module]["defs"].append(
                    _with_origin(node, lines, origin, where))
                out[module]["names"].append(name)
                used = _names_used(node)
                for imp in setup_imports:
                    if isinstance(imp, ast.ImportFrom) and imp.module == (
                            f"lossbook.{module}"):
                        continue  # the module itself
                    for alias in imp.names:
                        bound = (alias.asname or alias.name).split(".")[0]
                        if bound in used:
                            out[module]["imports"].add(_import_line(imp,
                                                                    alias))
    return out


def _import_line(imp, alias) -> str:
    name = alias.name + (f" as {alias.asname}" if alias.asname else "")
    if isinstance(imp, ast.ImportFrom):
        return f"from {imp.module} import {name}"
    return f"import {name}"


def _sort_imports(text: str, module: str) -> str:
    """The module's text with its imports grouped and ordered by ruff."""
    ruff = Path(sys.executable).parent / "ruff"
    book = Path(__file__).resolve().parent.parent  # lossbook/ruff.toml
    run = subprocess.run(
        [str(ruff), "check", "--quiet", "--select", "I", "--fix",
         "--stdin-filename", str(book / "lossbook" / f"{module}.py"), "-"],
        input=text, capture_output=True, text=True, cwd=book)
    if run.returncode:
        raise ExportError(f"ruff could not sort lossbook/{module}.py's "
                          f"imports: {run.stderr.strip()}")
    return run.stdout


def render(module: str, parts: dict) -> str:
    """The text of ``lossbook/<module>.py``."""
    names = ", ".join(f'"{n}"' for n in parts["names"])
    if len(names) > 79 - len("__all__ = []"):
        names = "\n" + "".join(f'    "{n}",\n' for n in parts["names"])
    text = HEADER.format(doc=MODULES[module])
    if parts["imports"]:
        text += "\n" + "\n".join(sorted(parts["imports"])) + "\n"
    text += f"\n__all__ = [{names}]\n"
    for source in parts["defs"]:
        text += "\n\n" + source + "\n"
    return _sort_imports(text, module)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if a file is out of date")
    args = parser.parse_args(argv)
    try:
        modules = collect()
    except ExportError as error:
        print(f"export_lib: {error}", file=sys.stderr)
        return 2
    stale = []
    for module, parts in modules.items():
        path = PACKAGE / f"{module}.py"
        if not parts["names"]:
            continue  # no chapter exports to it (yet)
        text = render(module, parts)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        if args.check:
            stale.append(path)
            diff = difflib.unified_diff(
                old.splitlines(), text.splitlines(),
                f"{path.relative_to(ROOT)} (as it is)",
                f"{path.relative_to(ROOT)} (from the chapters)", lineterm="")
            print("\n".join(list(diff)[:40]), file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"\n{names}: not what `make lib` writes. lossbook's generated "
              "modules come from the chapters: edit the chapter (never a "
              "generated file), then run `make lib`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

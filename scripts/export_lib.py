"""Write the generated modules of ``lossbook`` from the chapters' tagged cells.

    make lib                                  # writes lossbook/<module>.py
    .venv/bin/python scripts/export_lib.py --check   # fails if out of date

A code cell tagged ``export:<module>`` (the tag is invisible on the site)
gives every top-level ``def`` and ``class`` it contains to
``lossbook/<module>.py``; the rest of the cell, the chapter's demonstration,
stays in the chapter. Each definition must have a docstring, to which the
module adds the line "Defined in chapter N". The imports come from the
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
import json
import re
import sys
import textwrap
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
    "recipes": """Complete training recipes: model, loss, optimiser and schedule.

Chapter 7 trains its Net with one; chapter 9 trains the same Net again.""",
}

HEADER = '''"""{doc}

This file is generated from the chapters by ``make lib``
(scripts/export_lib.py). Do not edit it: edit the chapter's cell, then run
``make lib``. A test fails when the two differ.
"""
'''


BOOTSTRAP_TAG = "bootstrap"

#: The first code cell of every chapter, which makes it run outside the
#: repository (Colab): {fetch} is what the chapter needs besides lossbook.
BOOTSTRAP = '''{header}
{imports}

BOOK_REPOSITORY, BOOK_REF = {repository}, {ref}  # set by `make lib`
if importlib.util.find_spec("lossbook") is None:
{body}'''

_INSTALL = '''    package = os.environ.get("LOSSBOOK_PIP") or BOOK_REPOSITORY and (
        f"lossbook[colab] @ git+https://github.com/{BOOK_REPOSITORY}"
        f"@{BOOK_REF}")
    if not package:
        raise RuntimeError(
            "This chapter needs lossbook, the book's package, and this copy "
            "of the book names no repository to install it from: set "
            "LOSSBOOK_PIP to a pip requirement for it")
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q",
                           package])
    importlib.invalidate_caches()'''

_FETCH = '''
    from lossbook.data import fetch_mnist

    fetch_mnist()  # into ./data, checked against the repository's MD5s'''

_REPOSITORY_ONLY = '''    raise RuntimeError(
        "This chapter reads the benchmark's stored results, bench/results/ "
        "in the book's repository: run it in Binder or in a clone of the "
        "repository")'''



def _repository():
    """_ext/repository.py, which knows the book's repository."""
    folder = str(Path(__file__).resolve().parent.parent / "_ext")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import repository

    return repository


def bootstrap_source(nb, name: str, repository: str | None, ref: str) -> str:
    """The bootstrap cell for chapter ``name``."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    imports = "import importlib.util\nimport os\nimport subprocess\nimport sys"
    if name in _repository().REPOSITORY_ONLY:
        what, body = "stops: the chapter needs the whole repository", (
            _REPOSITORY_ONLY)
        imports = "import importlib.util"
    elif re.search(r"\b(mnist_splits|mnist_tensors|load_mnist)\(", code):
        what, body = "installs the book's package and fetches MNIST", (
            _INSTALL + _FETCH)
    else:
        what, body = "installs the book's package", _INSTALL
    header = textwrap.fill(
        f"Run outside the book's repository (in Colab, or on its own), this "
        f"cell {what}; in the repository it does nothing.", width=79,
        initial_indent="# ", subsequent_indent="# ")
    return BOOTSTRAP.format(header=header, imports=imports, body=body,
                            repository=_literal(repository), ref=_literal(ref))


def _literal(value: str | None) -> str:
    return "None" if value is None else json.dumps(value)


def current_pin(nb) -> tuple[str | None, str]:
    """(repository, ref) that a chapter's bootstrap cell installs from."""
    return _repository().pin_of(nb)


def bootstraps(root: Path = ROOT, repository: str | None = None,
               ref: str | None = None) -> dict[Path, tuple]:
    """chapter -> (notebook, the bootstrap cell's source as it should be).

    ``repository`` and ``ref``: the pin to write; None keeps each chapter's
    current one.
    """
    out = {}
    for path in sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        pinned, pinned_ref = current_pin(nb)
        source = bootstrap_source(nb, path.name, repository or pinned,
                                  ref or pinned_ref)
        out[path] = (nb, source)
    return out


def set_bootstrap(nb, source: str) -> bool:
    """Put the bootstrap cell first among the code cells; True if changed."""
    cells = [c for c in nb.cells
             if BOOTSTRAP_TAG in c.metadata.get("tags", [])]
    if cells and cells[0].source == source:
        return False
    if cells:
        cells[0].source = source
        return True
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [BOOTSTRAP_TAG, "hide-input"]
    first_code = next(i for i, c in enumerate(nb.cells)
                      if c.cell_type == "code")
    nb.cells.insert(first_code, cell)
    return True


class ExportError(Exception):
    """A tagged cell that cannot be exported, with the reason."""


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return ""


def _code(cell) -> str:
    # IPython's magics and shell escapes are not Python: drop those lines.
    return "\n".join(line for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


def _with_origin(node, lines: list[str], origin: str, where: str) -> str:
    """The definition's source, its docstring ending with ``origin``."""
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
        setup = next((c for c in nb.cells if c.cell_type == "code"
                      and BOOTSTRAP_TAG not in c.metadata.get("tags", [])),
                     None)
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
            defs = [n for n in tree.body if isinstance(
                n, (ast.FunctionDef, ast.ClassDef))]
            if not defs:
                raise ExportError(f"{where}: tagged {tags[0]!r} but defines "
                                  "no function or class at the top level")
            for node in defs:
                if node.name in owner:
                    raise ExportError(
                        f"{where}: {node.name} is exported already, from "
                        f"{owner[node.name]}; a name has one source")
                owner[node.name] = where
                out[module]["defs"].append(
                    _with_origin(node, lines, origin, where))
                out[module]["names"].append(node.name)
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


def _sorted_imports(lines: set[str]) -> str:
    """The import lines grouped and ordered as ruff's isort rules want."""
    def top(line):
        return line.split()[1].split(".")[0]

    groups = [
        [line for line in lines if top(line) in sys.stdlib_module_names],
        [line for line in lines if top(line) not in sys.stdlib_module_names
         and top(line) != "lossbook"],
        [line for line in lines if top(line) == "lossbook"],
    ]
    blocks = []
    for group in groups:
        plain = sorted((x for x in group if x.startswith("import ")),
                       key=lambda x: x.split()[1])
        froms = _merge_froms(x for x in group if x.startswith("from "))
        if plain or froms:
            blocks.append("\n".join(plain + froms))
    return "\n\n".join(blocks)


def _merge_froms(lines) -> list[str]:
    by_module: dict[str, list[str]] = {}
    for line in lines:
        _, module, _, name = line.split(" ", 3)
        by_module.setdefault(module, []).append(name)
    merged = []
    for module in sorted(by_module):
        names = sorted(set(by_module[module]),
                       key=lambda n: (not n[0].isupper(), n.lower()))
        one = f"from {module} import {', '.join(names)}"
        if len(one) <= 79:
            merged.append(one)
        else:
            merged.append(f"from {module} import (\n"
                          + "".join(f"    {n},\n" for n in names) + ")")
    return merged


def render(module: str, parts: dict) -> str:
    """The text of ``lossbook/<module>.py``."""
    names = ", ".join(f'"{n}"' for n in parts["names"])
    if len(names) > 79 - len("__all__ = []"):
        names = "\n" + "".join(f'    "{n}",\n' for n in parts["names"])
    text = HEADER.format(doc=MODULES[module])
    if parts["imports"]:
        text += "\n" + _sorted_imports(parts["imports"]) + "\n"
    text += f"\n__all__ = [{names}]\n"
    for source in parts["defs"]:
        text += "\n\n" + source + "\n"
    return text


def _bootstraps(check: bool) -> list[Path]:
    """Bring every chapter's bootstrap cell up to date (check: only report).

    The pin is the repository the site is built for (_ext/repository.py:
    BOOK_REPOSITORY, else a GitHub origin) when one is known, else the one
    the chapters already name; the check never depends on the remote.
    """
    repository = _repository()
    slug = None if check else repository.repository_slug()
    ref = repository.repository_ref() if slug else None
    stale = []
    pins = set()
    for path, (nb, source) in bootstraps(ROOT, slug, ref).items():
        pins.add(current_pin(nb) if check else (slug, ref))
        if not set_bootstrap(nb, source):
            continue
        if check:
            stale.append(path)
            print(f"{path.relative_to(ROOT)}: its first code cell is not "
                  "the bootstrap cell as it should be", file=sys.stderr)
        else:
            nbformat.write(nb, path)
            print(f"wrote the bootstrap cell of {path.relative_to(ROOT)}")
    if check and len(pins) > 1:
        print(f"the chapters install lossbook from different places: {pins}",
              file=sys.stderr)
        stale.append(ROOT / "chapters")
    return stale


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
    stale += _bootstraps(args.check)
    if stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"\n{names}: not what `make lib` writes. lossbook's generated "
              "modules and the chapters' bootstrap cells come from the "
              "chapters and scripts/export_lib.py: edit the chapter (never a "
              "generated file), then run `make lib`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

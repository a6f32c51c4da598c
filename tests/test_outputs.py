"""The rule for what nbval compares, checked on every chapter (CONTRIBUTING.md).

A stored output is compared byte for byte only if every supported machine
reproduces it. An output that depends on the machine (a training log, a
metric after training, a timing) is shown but tagged ``nbval-ignore-output``,
and the next code cell, which nbval does compare, asserts the claim that the
output supports with a bound that holds anywhere. Numbers from such outputs
reach the prose only through ``{glue:text}``.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

from tests.book import notebooks, read_notebook

IGNORE = "nbval-ignore-output"
NOTEBOOKS = notebooks()


def _ids(path: Path) -> str:
    return path.name


def _python(source: str) -> str:
    """A cell's source without IPython magics and shell escapes."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    )


def _code_cells(path: Path):
    return [c for c in read_notebook(path).cells if c.cell_type == "code"]


def _ignored(cell) -> bool:
    return IGNORE in cell.metadata.get("tags", [])


def _names(tree: ast.AST, store: bool) -> set[str]:
    wanted = (ast.Store,) if store else (ast.Load,)
    names = {
        node.id for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, wanted)
    }
    if store:
        names |= {
            node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))
        }
    return names - set(dir(builtins))


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_every_ignored_output_is_asserted_in_the_next_cell(path):
    """An ignored cell is followed by a compared cell that asserts on it."""
    cells = _code_cells(path)
    modules = set()
    for cell in cells:
        modules |= _imported(ast.parse(_python(cell.source)))
    for i, cell in enumerate(cells):
        assert "NBVAL_IGNORE_OUTPUT" not in cell.source, (
            f"code cell {i}: use the tag {IGNORE!r}, not a comment marker")
        if not _ignored(cell):
            continue
        tree = ast.parse(_python(cell.source))
        shown = _names(tree, store=True) or _names(tree, store=False)
        shown -= modules
        assert i + 1 < len(cells), (
            f"code cell {i} is output-ignored and is the last code cell: "
            "assert what it shows in a compared cell after it")
        after = cells[i + 1]
        assert not _ignored(after), (
            f"code cell {i + 1} follows the output-ignored cell {i} and is "
            "ignored too: the cell after an ignored one must be compared")
        after_tree = ast.parse(_python(after.source))
        has_assert = any(isinstance(n, ast.Assert) for n in ast.walk(after_tree))
        used = _names(after_tree, store=False)
        assert has_assert and used & shown, (
            f"code cell {i} is output-ignored, and code cell {i + 1} after it "
            f"asserts nothing about what it computed ({sorted(shown)}): "
            "state the claim with a bound that holds on any machine")


def _output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts += [v for k, v in out["data"].items()
                      if k.endswith("text/plain") and isinstance(v, str)]
    return "\n".join(parts)


# Numbers precise enough to be a measurement or an index, not a count of
# chapters: 99.24, 0.0230, 1.96e-03, 2,123, and whole numbers of three digits
# or more (the index of a test image a run got wrong: 2130).
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+\.\d{2,}(?:e[-+]?\d+)?"
                    r"|(?<![\w.])(?<!\d,)\d{3,}(?!\w|,\d|\.\d)")


def _numbers(text: str) -> set[str]:
    return {m.group().lstrip("-") for m in NUMBER.finditer(text)}


def _prose(cell) -> str:
    """A markdown cell's text without glue roles and code spans."""
    text = re.sub(r"\{glue(?::\w+)?\}`[^`]*`", "", cell.source)
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_prose_states_no_number_that_only_an_ignored_output_shows(path):
    nb = read_notebook(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    compared = set().union(*(_numbers(_output_text(c)) for c in code if not _ignored(c)),
                           *(_numbers(c.source) for c in code))
    machine = set().union(*(_numbers(_output_text(c)) for c in code if _ignored(c))) - compared
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            problems += [f"cell {i}: {n}" for n in sorted(_numbers(_prose(cell)) & machine)]
    assert not problems, (
        "the prose states numbers that only a machine-dependent (ignored) output "
        "shows; glue them ({glue:text}`name`) or state a bound: " + ", ".join(problems))


WALL_CLOCK = re.compile(r"(?:seconds?|times?|elapsed|_ms|_us)\b\)?\s*<=?\s*\d")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_no_wall_clock_assert(path):
    """Timings depend on the machine and its load: no bound on them in a test."""
    for i, cell in enumerate(_code_cells(path)):
        for line in cell.source.splitlines():
            if line.strip().startswith("assert"):
                assert not WALL_CLOCK.search(line), (
                    f"code cell {i} asserts a wall-clock time: {line.strip()!r}; "
                    "compare two timings of one run (a ratio with a wide margin), "
                    "or leave speed to the benchmark")


GLUE_TEXT = "application/papermill.record/text/plain"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_glued_values_are_plain_python(path):
    """{glue:text}`name:.2f` formats the value's text; `np.float64(0.5)` or
    `tensor(0.5)` cannot be formatted and breaks the site's build."""
    for i, cell in enumerate(_code_cells(path)):
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get(GLUE_TEXT)
            if text is None:
                continue
            try:
                ast.literal_eval(text)
            except (ValueError, SyntaxError):
                pytest.fail(f"code cell {i} glues {text!r}: glue a Python int, float "
                            "or str (float(x), x.item()), not a NumPy or torch value")

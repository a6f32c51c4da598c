"""Write the chapters as the site's launch buttons open them.

    python scripts/launch.py --repository owner/name DIR

The chapters in the repository begin with their set-up cell, which imports
``lossbook`` from the checkout and reads MNIST from ``data/``. Colab opens a
single notebook, with neither. So the site's Binder and Colab buttons open
the branch ``launch``, which the deploy job writes for each published commit:
the same tree, with one cell put first in every chapter. Outside the
repository, that cell clones the launch branch, installs ``lossbook`` from
the clone, and moves into the clone's ``chapters/`` folder, so that the
chapter finds ``data/`` and ``bench/results/`` where it expects them. Inside
the repository (Binder) it does nothing.

The repository is named once, here, when the deploy job runs (it passes
``$GITHUB_REPOSITORY``): no notebook on ``main`` names one, and a fork's own
deploy writes its own launch branch, so its buttons never install another
repository's code. ``DIR`` is a copy of the repository whose chapters are
rewritten in place; the deploy job commits the result. Only the standard
library is used: the deploy job has no virtual environment.

``LOSSBOOK_CLONE`` (a URL or path for ``git clone``) replaces the GitHub
address when the cell runs: ``tests/test_colab.py`` points it at a local
repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

#: The branch the launch buttons open (_ext/repository.py reads it too).
BRANCH = "launch"
TAG = "launch"

CELL = '''\
# Outside the book's repository (in Colab), this cell fetches the book: a
# shallow clone of its "{branch}" branch, lossbook installed from it, and the
# clone's chapters/ folder as the working directory, where data/ and the
# stored results are found. In the repository (Binder) it does nothing.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("lossbook") is None:
    book = os.environ.get("LOSSBOOK_CLONE", "https://github.com/{repository}")
    if not os.path.isdir("book"):
        subprocess.check_call(["git", "clone", "--quiet", "--depth", "1",
                               "--branch", "{branch}", book, "book"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet",
                           "--no-build-isolation", "./book[colab]"])
    os.environ["LOSSBOOK_DATA"] = os.path.abspath("book/data")
    os.chdir("book/chapters")
    importlib.invalidate_caches()'''

SLUG = re.compile(r"[\w.-]+/[\w.-]+")


def launch_cell(repository: str) -> dict:
    """The cell put first in every chapter of the launch branch."""
    if not SLUG.fullmatch(repository):
        raise ValueError(f"--repository {repository!r}: expected owner/name")
    source = CELL.format(repository=repository, branch=BRANCH)
    return {"cell_type": "code", "execution_count": None, "id": "launch",
            "metadata": {"tags": [TAG]}, "outputs": [],
            "source": source.splitlines(keepends=True)}


def write(root: Path, repository: str) -> list[Path]:
    """Put the launch cell first in every chapter under ``root``."""
    cell = launch_cell(repository)
    written = []
    for path in sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if any(TAG in c.get("metadata", {}).get("tags", []) for c in nb["cells"]):
            raise ValueError(f"{path}: has a launch cell already")
        first_code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
        nb["cells"].insert(first_code, cell)
        path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repository", required=True, help="owner/name on GitHub")
    parser.add_argument("root", type=Path, help="a copy of the repository, rewritten in place")
    args = parser.parse_args(argv)
    for path in write(args.root, args.repository):
        print(f"wrote the launch cell of {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Re-execute the chapter notebooks in place, refreshing their stored outputs.

    make refresh                                  # every notebook in chapters/
    make refresh N=01                             # chapters/01_*.ipynb

Runs each notebook top to bottom in a fresh kernel of this environment, from the
notebook's own folder, exactly as ``pytest --nbval`` will, then writes it back.
Widget state and execution timings are not stored (they change on every run and
the site does not need them). Commit the refreshed notebooks together with the
code change that produced them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lossbook.environment import apply_environment

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    ).execute()
    # Widget state changes on every run and the static site does not use it
    # (nbclient's output-widget capture needs it during execution).
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    apply_environment()  # the kernels inherit the chapters' environment
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path} ...", flush=True)
        print(f"  done in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

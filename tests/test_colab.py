"""A chapter of the launch branch runs alone, as in Colab, from its first cell.

Colab gives a chapter nothing but the notebook. The deploy workflow writes
the branch the site's launch buttons open (scripts/launch.py): the same tree,
each chapter starting with a cell that, outside the repository, clones that
branch, installs lossbook from the clone and moves into its chapters/ folder.
Here, without the internet: a copy of this checkout gets its launch branch
written as the deploy job writes it, in a local git repository; one chapter
of it is copied into an empty folder and run in a fresh virtual environment
that has the lock's packages but not lossbook, with LOSSBOOK_CLONE pointing
the cell at the local repository instead of GitHub.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from scripts import launch
from tests.book import ROOT

pytestmark = pytest.mark.slow

CHAPTER = "14_memory_layout.ipynb"  # needs lossbook and MNIST, and is quick


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """A git repository with this checkout's files and its launch branch."""
    repo = tmp_path_factory.mktemp("repository")
    files = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard",
                 cwd=ROOT).split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "the book", cwd=repo)
    _git("checkout", "-q", "-b", launch.BRANCH, cwd=repo)
    assert launch.main(["--repository", "test-owner/book", str(repo)]) == 0
    _git("commit", "-q", "-am", "launch cells", cwd=repo)
    return repo


def _fresh_venv(where: Path) -> Path:
    """A virtual environment with the lock's packages but not lossbook.

    Each package of this environment is linked in, except lossbook (an
    editable install, whose finder would import the checkout). Returns its
    python.
    """
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip",
                    str(where)], check=True)
    python = where / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; "
         "print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if "lossbook" in entry.name.lower():
            continue
        (site / entry.name).symlink_to(entry)
    return python


def test_the_launch_cell_names_the_repository_once():
    cell = "".join(launch.launch_cell("someone/book")["source"])
    assert cell.count("someone/book") == 1
    assert f'"--branch", "{launch.BRANCH}"' in cell
    with pytest.raises(ValueError, match="expected owner/name"):
        launch.launch_cell("not a repository")


def test_a_chapter_runs_from_an_empty_folder_through_its_first_cell(
        repository, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(repository / "chapters" / CHAPTER, work)
    python = _fresh_venv(tmp_path / "venv")
    check = subprocess.run([str(python), "-c", "import lossbook"],
                           cwd=work, capture_output=True, text=True)
    assert check.returncode != 0, "the fresh environment must lack lossbook"

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LOSSBOOK_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(LOSSBOOK_CLONE=f"file://{repository}", PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=f"{python.parent}:{env['PATH']}")
    run = subprocess.run(
        [str(python), "-c",
         "import nbformat, sys\n"
         "from nbclient import NotebookClient\n"
         "nb = nbformat.read(sys.argv[1], as_version=4)\n"
         "NotebookClient(nb, timeout=600, kernel_name='python3',"
         " resources={'metadata': {'path': '.'}}).execute()\n"
         "nbformat.write(nb, sys.argv[1])\n", CHAPTER],
        cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]

    installed = subprocess.run(
        [str(python), "-c", "import lossbook; print(lossbook.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(tmp_path / "venv") in installed.stdout, installed.stdout
    clone = work / "book"
    assert _git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone).strip() == launch.BRANCH
    assert (clone / "data" / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file()
    nb = nbformat.read(work / CHAPTER, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert launch.TAG in code[0].metadata.get("tags", [])
    assert all(c.execution_count for c in code), "every cell ran"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    expected = sum("raises-exception" in c.metadata.get("tags", []) for c in code)
    assert len(errors) == expected, errors

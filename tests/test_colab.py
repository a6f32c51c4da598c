"""A chapter runs outside the repository, as in Colab, from its first cell.

Colab gives a chapter nothing but the notebook. Its first code cell (the
bootstrap, written by `make lib`) then installs lossbook and fetches MNIST
with torchvision's downloader, checked against the repository's MD5s. Here,
without the internet: the chapter is copied into an empty folder and run in a
fresh virtual environment that has the lock's packages but neither lossbook
nor data/, while a local HTTP server on 127.0.0.1 serves a wheel of lossbook
and MNIST's four .gz files (LOSSBOOK_PIP and LOSSBOOK_MNIST_MIRROR point the
bootstrap at it).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import nbformat
import pytest

from lossbook.data import MNIST_FILES, MNISTDataError, fetch_mnist
from tests.book import ROOT

RAW = ROOT / "data" / "MNIST" / "raw"
CHAPTER = "14_memory_layout.ipynb"  # needs lossbook and MNIST, and is quick


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A server with MNIST's .gz files and a lossbook wheel: its URL."""
    folder = tmp_path_factory.mktemp("mirror")
    for name in MNIST_FILES:
        with gzip.open(folder / f"{name}.gz", "wb", compresslevel=1) as gz:
            gz.write((RAW / name).read_bytes())
    source = tmp_path_factory.mktemp("source")  # build outside the checkout
    shutil.copytree(ROOT / "lossbook", source / "lossbook",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(folder), str(source)],
                   check=True)
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    httpd.shutdown()


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


def test_a_chapter_runs_from_an_empty_folder_through_its_first_cell(
        mirror, tmp_path):
    url, folder = mirror
    wheel = next(folder.glob("lossbook-*.whl")).name
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "chapters" / CHAPTER, work)
    python = _fresh_venv(tmp_path / "venv")
    check = subprocess.run([str(python), "-c", "import lossbook"],
                           cwd=work, capture_output=True, text=True)
    assert check.returncode != 0, "the fresh environment must lack lossbook"

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LOSSBOOK_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(LOSSBOOK_PIP=f"{url}/{wheel}", LOSSBOOK_MNIST_MIRROR=url,
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
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
    for name, (size, _) in MNIST_FILES.items():
        assert (work / "data" / "MNIST" / "raw" / name).stat().st_size == size
    nb = nbformat.read(work / CHAPTER, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "bootstrap" in code[0].metadata.get("tags", [])
    assert all(c.execution_count for c in code), "every cell ran"


def test_a_wrong_checksum_from_the_mirror_is_a_clear_error(mirror, tmp_path):
    url, folder = mirror
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in MNIST_FILES:
        shutil.copy(folder / f"{name}.gz", bad)
    labels = bytearray((RAW / "train-labels-idx1-ubyte").read_bytes())
    labels[100] = (labels[100] + 1) % 10  # one label changed
    with gzip.open(bad / "train-labels-idx1-ubyte.gz", "wb") as gz:
        gz.write(bytes(labels))
    handler = functools.partial(_Quiet, directory=str(bad))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    root = tmp_path / "data"
    (root / "MNIST" / "raw").mkdir(parents=True)
    shutil.copy(RAW / "train-images-idx3-ubyte", root / "MNIST" / "raw")
    try:
        with pytest.raises(MNISTDataError,
                           match="train-labels-idx1-ubyte has the right size "
                                 "but the wrong MD5") as error:
            fetch_mnist(root, mirror=f"http://127.0.0.1:"
                                     f"{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
    assert "deleted" in str(error.value)
    assert not (root / "MNIST" / "raw" / "train-labels-idx1-ubyte").exists()


def test_an_unreachable_mirror_is_a_clear_error(tmp_path):
    with pytest.raises(MNISTDataError, match="could not download "
                                             "train-images-idx3-ubyte.gz"):
        fetch_mnist(tmp_path, mirror="http://127.0.0.1:9/")


def test_inside_the_repository_nothing_is_fetched(tmp_path, monkeypatch):
    """The committed files are intact: fetch_mnist downloads none of them."""
    monkeypatch.setenv("LOSSBOOK_MNIST_MIRROR", "http://127.0.0.1:9/")
    assert fetch_mnist(ROOT / "data") == ROOT / "data"

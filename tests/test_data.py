"""The MNIST files in data/: exactly the official ones, loaded offline, guarded."""

from __future__ import annotations

import hashlib
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
import torch

from data import rebuild_mnist
from lossbook import MNISTDataError, load_mnist, verify_mnist
from lossbook.data import DATA_DIR, MNIST_FILES

RAW = DATA_DIR / "MNIST" / "raw"

# The official files' sizes and MD5 sums, stated independently of lossbook.data.
OFFICIAL = {
    "train-images-idx3-ubyte": (47_040_016, "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60_008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7_840_016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10_008, "27ae3e4e09519cfbb04c329615203637"),
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_committed_file_is_the_official_one(name):
    data = (RAW / name).read_bytes()
    size, md5 = OFFICIAL[name]
    assert len(data) == size
    assert hashlib.md5(data).hexdigest() == md5


def test_loader_checks_the_official_checksums():
    assert MNIST_FILES == OFFICIAL


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(("train", "n", "first_label"), [(True, 60_000, 5), (False, 10_000, 7)])
def test_torchvision_loads_it_offline_with_download_true(no_network, train, n, first_label):
    from torchvision.datasets import MNIST

    ds = MNIST(root=str(DATA_DIR), train=train, download=True)
    assert len(ds) == n
    assert ds.data.shape == (n, 28, 28) and ds.data.dtype == torch.uint8
    assert int(ds.targets[0]) == first_label
    assert set(ds.targets.unique().tolist()) == set(range(10))


def test_load_mnist_returns_the_test_set(no_network):
    ds = load_mnist(train=False)
    image, label = ds[0]
    assert len(ds) == 10_000 and label == 7 and image.size == (28, 28)


def _copy_raw(tmp_path: Path, names) -> Path:
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in names:
        shutil.copy(RAW / name, raw / name)
    return raw


TEST_FILES = ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def test_missing_file_names_it_and_the_fix(tmp_path):
    _copy_raw(tmp_path, TEST_FILES[:1])
    with pytest.raises(MNISTDataError) as err:
        load_mnist(train=False, root=tmp_path)
    message = str(err.value)
    assert "missing" in message and "t10k-labels-idx1-ubyte" in message
    assert "git checkout -- data/MNIST/raw/" in message and "rebuild_mnist.py" in message


def test_truncated_file_is_refused(tmp_path):
    raw = _copy_raw(tmp_path, TEST_FILES)
    path = raw / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-784])  # one image short
    with pytest.raises(MNISTDataError, match=r"t10k-images-idx3-ubyte has 7,839,232 bytes, expected 7,840,016"):
        load_mnist(train=False, root=tmp_path)


def test_altered_byte_is_refused(tmp_path):
    raw = _copy_raw(tmp_path, TEST_FILES)
    path = raw / "t10k-labels-idx1-ubyte"
    data = bytearray(path.read_bytes())
    data[8] = (data[8] + 1) % 10  # relabel the first test digit: same size, wrong content
    path.write_bytes(bytes(data))
    with pytest.raises(MNISTDataError, match=r"t10k-labels-idx1-ubyte has the right size but the wrong MD5"):
        load_mnist(train=False, root=tmp_path)


def test_verify_checks_only_the_requested_split(tmp_path):
    _copy_raw(tmp_path, TEST_FILES)
    verify_mnist(tmp_path, train=False)
    with pytest.raises(MNISTDataError, match="train-images-idx3-ubyte"):
        verify_mnist(tmp_path, train=True)


def test_rebuild_script_writes_idx_that_torchvision_reads(tmp_path):
    from torchvision.datasets.mnist import read_image_file, read_label_file

    pixels = np.random.default_rng(0).integers(0, 256, size=(3, 784), dtype=np.uint8)
    labels = np.array([3, 0, 9])
    (tmp_path / "images").write_bytes(rebuild_mnist.idx_images(pixels))
    (tmp_path / "labels").write_bytes(rebuild_mnist.idx_labels(labels))
    assert torch.equal(read_image_file(str(tmp_path / "images")), torch.from_numpy(pixels.reshape(3, 28, 28)))
    assert read_label_file(str(tmp_path / "labels")).tolist() == [3, 0, 9]


def test_rebuild_script_recovers_pixels_exactly_and_refuses_inexact_ones():
    pixels = np.arange(256, dtype=np.uint8)
    assert np.array_equal(rebuild_mnist.to_uint8((pixels / 256).astype(np.float32)), pixels)
    with pytest.raises(ValueError, match="not exact multiples"):
        rebuild_mnist.to_uint8(np.array([0.5 / 256], dtype=np.float32))

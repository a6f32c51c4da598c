"""The tests read the site and the PDFs as make book built them only while nothing they are
built from has changed (scripts/build.py's inputs_digest): each change below must be seen."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

from scripts import build, lock


def _checkout(root):
    """A small git checkout: a tracked page, an untracked extension, a test, an ignored build."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in {"page.md": "# A page\n", "_ext/x.py": "X = 1\n", "tests/test_x.py": "",
                       ".gitignore": "_build/\n", "_build/html/index.html": "<p>built</p>"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "page.md"], cwd=root, check=True)
    return root


def test_the_digest_sees_every_change_a_build_would_read(tmp_path, monkeypatch):
    root = _checkout(tmp_path)
    seen = [build.inputs_digest(root)]
    assert seen[0] and build.inputs_digest(root) == seen[0]

    # Not read by a build: the tests, and what git ignores (the build itself).
    (root / "tests" / "test_x.py").write_text("assert True\n", encoding="utf-8")
    (root / "_build" / "html" / "index.html").write_text("<p>built again</p>", encoding="utf-8")
    assert build.inputs_digest(root) == seen[0]

    def changed(what: str) -> None:
        digest = build.inputs_digest(root)
        assert digest not in seen, f"not seen: {what}"
        seen.append(digest)

    (root / "page.md").write_text("# A page, edited\n", encoding="utf-8")
    changed("a tracked page edited")
    (root / "_ext" / "x.py").write_text("X = 2\n", encoding="utf-8")
    changed("an untracked file edited")
    (root / "new.md").write_text("# New\n", encoding="utf-8")
    changed("a file added")
    (root / "page.md").unlink()
    changed("a tracked file deleted")
    monkeypatch.setenv("BOOK_REPOSITORY", "someone/fork")
    changed("another repository for the buttons")
    installed = lock.installed()
    upgraded = SimpleNamespace(metadata={"Name": "sphinx"}, version="99.0")
    monkeypatch.setattr(lock, "installed", lambda: [*installed, upgraded])
    changed("a package upgraded")


def test_outside_a_git_checkout_nothing_is_reused(tmp_path):
    (tmp_path / "page.md").write_text("# A page\n", encoding="utf-8")
    assert build.inputs_digest(tmp_path) is None

"""The site's buttons follow the repository (_ext/repository.py).

The browser test (tests/test_site.py) builds the site with a repository,
without one, and with chapters pinned to it; these tests cover the rules.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from tests.book import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import repository  # noqa: E402

SLUG = "owner-1/book.name"


@pytest.mark.parametrize("origin", [
    f"https://github.com/{SLUG}", f"https://github.com/{SLUG}.git",
    f"git@github.com:{SLUG}.git", f"ssh://git@github.com/{SLUG}.git",
])
def test_a_github_origin_gives_the_repository(monkeypatch, origin):
    monkeypatch.delenv("BOOK_REPOSITORY", raising=False)
    monkeypatch.setattr(repository, "_git", lambda *args: origin)
    assert repository.repository_slug() == SLUG


@pytest.mark.parametrize("origin", ["", "/work/main", "https://gitlab.com/a/b",
                                    "https://example.com/github.com/a/b"])
def test_another_origin_gives_none(monkeypatch, origin):
    monkeypatch.delenv("BOOK_REPOSITORY", raising=False)
    monkeypatch.setattr(repository, "_git", lambda *args: origin)
    assert repository.repository_slug() is None


def test_the_environment_overrides_the_origin(monkeypatch):
    monkeypatch.setattr(repository, "_git", lambda *args: "https://github.com/a/b")
    monkeypatch.setenv("BOOK_REPOSITORY", SLUG)
    assert repository.repository_slug() == SLUG
    monkeypatch.setenv("BOOK_REPOSITORY", f"https://github.com/{SLUG}")
    assert repository.repository_slug() == SLUG
    monkeypatch.setenv("BOOK_REPOSITORY", "none")
    assert repository.repository_slug() is None
    monkeypatch.setenv("BOOK_REPOSITORY", "not a repository")
    with pytest.raises(ValueError, match="expected owner/name"):
        repository.repository_slug()


def test_the_ref_is_the_environment_then_the_branch_then_main(monkeypatch):
    monkeypatch.delenv("BOOK_REF", raising=False)
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    monkeypatch.setattr(repository, "_git", lambda *args: "HEAD")  # detached
    assert repository.repository_ref() == "main"
    monkeypatch.setattr(repository, "_git", lambda *args: "draft")
    assert repository.repository_ref() == "draft"
    monkeypatch.setenv("GITHUB_REF_NAME", "ci-branch")
    assert repository.repository_ref() == "ci-branch"
    monkeypatch.setenv("BOOK_REF", "v1.0")
    assert repository.repository_ref() == "v1.0"


def _options(monkeypatch, slug, pin):
    monkeypatch.setattr(repository, "repository_slug", lambda: slug)
    monkeypatch.setattr(repository, "repository_ref", lambda: "main")
    monkeypatch.setattr(repository, "chapters_pin", lambda: pin)
    config = SimpleNamespace(html_theme_options={
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "thebe": True,
                           "colab_url": "https://colab.research.google.com"}})
    repository._configure(None, config)
    return config.html_theme_options


def test_without_a_repository_no_button_needs_one(monkeypatch):
    options = _options(monkeypatch, None, None)
    assert options["launch_buttons"] == {} and "repository_url" not in options
    assert not options["use_repository_button"] and not options["use_issues_button"]


def test_colab_only_when_the_chapters_install_from_the_same_repository(monkeypatch):
    pinned = _options(monkeypatch, SLUG, SLUG)
    assert pinned["repository_url"] == f"https://github.com/{SLUG}"
    assert pinned["use_repository_button"] and pinned["use_issues_button"]
    assert pinned["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    for pin in (None, "someone-else/book"):
        other = _options(monkeypatch, SLUG, pin)
        assert "colab_url" not in other["launch_buttons"]
        assert other["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


def test_the_chapters_name_one_pin():
    """make lib writes the same pin into every chapter (None: no repository yet)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import export_lib
    import nbformat

    pins = {export_lib.current_pin(nbformat.read(p, as_version=4))
            for p in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))}
    assert len(pins) == 1, pins
    assert repository.chapters_pin() == next(iter(pins))[0]

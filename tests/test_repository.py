"""The site's buttons follow the repository (_ext/repository.py).

The browser test (tests/test_site.py) builds the site with a repository and
a launch branch, and without a repository; these tests cover the rules.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from _ext import repository

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


def test_the_ref_is_the_launch_branch_then_the_branch_then_main(monkeypatch):
    monkeypatch.delenv("BOOK_LAUNCH_BRANCH", raising=False)
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    monkeypatch.setattr(repository, "_git", lambda *args: "HEAD")  # detached
    assert repository.repository_ref() == "main"
    monkeypatch.setattr(repository, "_git", lambda *args: "draft")
    assert repository.repository_ref() == "draft"
    monkeypatch.setenv("GITHUB_REF_NAME", "ci-branch")
    assert repository.repository_ref() == "ci-branch"
    monkeypatch.setenv("BOOK_LAUNCH_BRANCH", "launch")
    assert repository.repository_ref() == "launch"


def _options(monkeypatch, slug, launch):
    monkeypatch.setattr(repository, "repository_slug", lambda: slug)
    monkeypatch.setattr(repository, "_git", lambda *args: "main")
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    if launch:
        monkeypatch.setenv("BOOK_LAUNCH_BRANCH", launch)
    else:
        monkeypatch.delenv("BOOK_LAUNCH_BRANCH", raising=False)
    config = SimpleNamespace(html_theme_options={
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "thebe": True,
                           "colab_url": "https://colab.research.google.com"}})
    repository._configure(None, config)
    return config.html_theme_options


def test_without_a_repository_no_button_needs_one(monkeypatch):
    options = _options(monkeypatch, None, None)
    assert options["launch_buttons"] == {} and "repository_url" not in options
    assert not options["use_repository_button"] and not options["use_issues_button"]


def test_colab_only_with_the_launch_branch(monkeypatch):
    published = _options(monkeypatch, SLUG, "launch")
    assert published["repository_url"] == f"https://github.com/{SLUG}"
    assert published["repository_branch"] == "launch"
    assert published["use_repository_button"] and published["use_issues_button"]
    assert published["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    local = _options(monkeypatch, SLUG, None)
    assert local["repository_branch"] == "main"
    assert "colab_url" not in local["launch_buttons"]
    assert local["launch_buttons"]["binderhub_url"] == "https://mybinder.org"

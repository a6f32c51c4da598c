"""Launch and repository buttons that follow the repository the book is in.

A page's Binder, Colab and Live Code buttons, and its repository and issue
buttons, need the book's address on GitHub. It comes from one place, read at
build time:

1. ``BOOK_REPOSITORY`` in the environment (``make book
   BOOK_REPOSITORY=owner/name``): ``owner/name`` or its GitHub URL, or
   ``none`` for no repository;
2. otherwise the git remote ``origin``, when it is a GitHub repository.

With no repository the site shows no button that needs one, rather than a
broken one.

The launch buttons open a branch. ``BOOK_LAUNCH_BRANCH=launch`` (set by the
deploy workflow, which writes that branch: scripts/launch.py) makes them
open the launch branch, whose chapters start with a cell that fetches the
book when the chapter runs alone; only then is there a Colab button, since
Colab runs a chapter alone. Otherwise they open the branch being built (on
GitHub Actions, the branch that triggered the run), and there is no Colab
button.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
GITHUB = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<slug>[\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def _git(*args: str) -> str:
    try:
        run = subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return run.stdout.strip() if run.returncode == 0 else ""


def repository_slug() -> str | None:
    """``owner/name`` of the book's GitHub repository, or None if unknown."""
    value = os.environ.get("BOOK_REPOSITORY", "").strip()
    if value.lower() == "none":
        return None
    if value:
        if re.fullmatch(r"[\w.-]+/[\w.-]+", value):
            return value
        match = GITHUB.match(value)
        if not match:
            raise ValueError(
                f"BOOK_REPOSITORY={value!r}: expected owner/name or a GitHub "
                "URL such as https://github.com/owner/name (or none)")
        return match["slug"]
    match = GITHUB.match(_git("remote", "get-url", "origin"))
    return match["slug"] if match else None


def launch_branch() -> str | None:
    """The branch written by scripts/launch.py, if the build is told of one."""
    return os.environ.get("BOOK_LAUNCH_BRANCH", "").strip() or None


def repository_ref() -> str:
    """The branch the launch buttons open."""
    for value in (launch_branch() or "",
                  os.environ.get("GITHUB_REF_NAME", ""),
                  _git("rev-parse", "--abbrev-ref", "HEAD")):
        value = value.strip()
        if value and value != "HEAD":
            return value
    return "main"


def _configure(app, config) -> None:
    options = config.html_theme_options
    slug = repository_slug()
    if slug is None:
        # No address: no button that would need one.
        options.pop("repository_url", None)
        options["use_repository_button"] = False
        options["use_issues_button"] = False
        options["use_edit_page_button"] = False
        options["launch_buttons"] = {}
        LOGGER.info("no GitHub repository (BOOK_REPOSITORY, origin): the "
                    "site has no launch, repository or issue buttons")
        return
    options["repository_url"] = f"https://github.com/{slug}"
    options["repository_branch"] = repository_ref()
    options["use_repository_button"] = True
    options["use_issues_button"] = True
    if launch_branch() is None:
        # Colab would open a chapter without the cell that fetches the book.
        options["launch_buttons"] = {
            k: v for k, v in options.get("launch_buttons", {}).items()
            if k != "colab_url"}
        LOGGER.info("no launch branch (BOOK_LAUNCH_BRANCH): no Colab button")


def setup(app):
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

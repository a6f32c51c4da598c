"""Launch and repository buttons that follow the repository the book is in.

A page's Binder, Colab and Live Code buttons, and its repository and issue
buttons, need the book's address on GitHub. It comes from one place, read at
build time:

1. ``BOOK_REPOSITORY`` in the environment (``make book
   BOOK_REPOSITORY=owner/name``): ``owner/name`` or its GitHub URL, or
   ``none`` for no repository;
2. otherwise the git remote ``origin``, when it is a GitHub repository.

The buttons open the branch ``BOOK_REF`` if set, else the branch being built
(on GitHub Actions, the branch that triggered the run), else ``main``. With no
repository the site shows no button that needs one, rather than a broken one.

The chapters' first cell installs ``lossbook`` from the same repository when
a chapter runs outside it (Colab); ``make lib`` writes that address into the
chapters. The build fails when the two differ, so that a fork's Colab button
never installs another repository's package.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
#: Chapters that read files only the repository has (besides lossbook and
#: MNIST): Binder, which runs the whole repository, but not Colab.
REPOSITORY_ONLY = {"13_benchmark.ipynb"}
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


def repository_ref() -> str:
    """The branch or tag the buttons open."""
    for value in (os.environ.get("BOOK_REF", ""),
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
    pinned = chapters_pin()
    if pinned != slug:
        # Colab would run the chapter from GitHub, and its first cell would
        # install lossbook from elsewhere, or from nowhere: no Colab button.
        options["launch_buttons"] = {
            k: v for k, v in options.get("launch_buttons", {}).items()
            if k != "colab_url"}
        LOGGER.info(
            "the chapters install lossbook from %s, not github.com/%s: no "
            "Colab button (run `make lib BOOK_REPOSITORY=%s` and commit the "
            "chapters to have one)", pinned or "no repository", slug, slug)


def _drop_colab(app, pagename, templatename, context, doctree) -> None:
    """No Colab button on a page that needs more of the repository."""
    if Path(pagename).name + ".ipynb" not in REPOSITORY_ONLY:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"] = [button for button in group["buttons"]
                                if button.get("text") != "Colab"]


#: The line of a chapter's first cell (scripts/export_lib.py writes it) that
#: names where lossbook is installed from: owner/name (or None) and the ref.
PIN = re.compile(r"^BOOK_REPOSITORY, BOOK_REF = (.+?), (.+?)  #", re.M)


def pin_of(notebook) -> tuple[str | None, str]:
    """(repository, ref) that a chapter's bootstrap cell installs from."""
    for cell in notebook.cells:
        match = PIN.search(cell.source)
        if match:
            return ast.literal_eval(match[1]), ast.literal_eval(match[2])
    return None, "main"


def chapters_pin() -> str | None:
    """The ``owner/name`` the chapters' first cell installs lossbook from."""
    import nbformat

    first = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    return pin_of(nbformat.read(first[0], as_version=4))[0] if first else None


def setup(app):
    app.connect("config-inited", _configure)
    # after sphinx-book-theme has added the launch buttons (priority 500)
    app.connect("html-page-context", _drop_colab, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

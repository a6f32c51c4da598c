"""Build the site, both editions: English in _build/html, Korean in _build/html/ko.

    python -m scripts.build       (make book; the tests build with it too)

Both editions are built from the same pages with ``jupyter-book build . -W -n
--keep-going``: warnings are errors, every reference must resolve. The Korean
edition is those pages with ``language: ko`` and the Korean catalogues:

- its configuration is _config.yml, written again with the Korean title and
  language to _build/_config.ko.yml (_config.yml stays the one source);
- its catalogues, ``locales/ko/LC_MESSAGES/<page>.po``, are compiled here into
  _build/locales (``sphinx.po``, the interface's words, joined by
  ``locales/ko/interface.po``): fuzzy translations left out, and each ``{glue:text}`` role
  given the notebook it belongs to (``{glue:text}`06_cnn.ipynb::key:s``\\ ,
  myst-nb's form for a value glued in another document). Sphinx parses each
  translation as a small document of its own, in which a plain glue role
  finds no notebook;
- a paragraph without a translation (new, or changed and so fuzzy) keeps its
  English text and Sphinx's class ``untranslated``, which _static/custom.css
  marks as not yet translated. The build lists such paragraphs by page; the
  tests fail on them unless told to report them (tests/test_translations.py).

Every build reads every page (half a minute per edition): Sphinx would skip
pages it thinks unchanged, but it does not see a change to the site's own
extensions, and a page that warned once would not warn again.

A build that completes leaves its output in _build/html.log and a digest of
everything it was built from in _build/html.inputs (:func:`inputs_digest`).
The tests build the site only when that digest no longer matches, so that
``make test`` after ``make book``, with nothing changed in between, checks
the site ``make book`` built instead of building it a second time.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
OPTIONS = ["-W", "-n", "--keep-going"]
LOG = BUILD / "html.log"  # the output of the last build that completed
DIGEST = BUILD / "html.inputs"  # and the digest of what it was built from

#: What differs in the Korean edition's configuration.
KOREAN = {"title": "CrossEntropyLoss인가, NLLLoss인가?", "author": "이 책의 저자들"}
CATALOGUES = ROOT / "locales" / "ko" / "LC_MESSAGES"
#: The themes' and Sphinx's interface words that their catalogues leave in
#: English, compiled into the edition's sphinx.mo (see compile_catalogues).
INTERFACE = ROOT / "locales" / "ko" / "interface.po"
COMPILED = BUILD / "locales"

_GLUE = re.compile(r"\{glue:text\}`(?![^`]*::)([^`:]+)(:[^`]*)?`")


def edition_config(edition: str) -> dict:
    """_config.yml for an edition ("en" or "ko", with the Korean settings), to be
    written into _build/: its extensions' paths made absolute."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]
    # Paths in _config.yml are relative to it; a copy lives in _build/.
    sphinx["local_extensions"] = {name: str(ROOT / folder) for name, folder
                                  in sphinx["local_extensions"].items()}
    if edition == "ko":
        config.update(KOREAN)
        sphinx["config"].update(language="ko", locale_dirs=[str(COMPILED)],
                                translation_progress_classes="untranslated")
    return config


def write_config(config: dict, name: str) -> Path:
    """``config`` as _build/<name>, for jupyter-book's --config."""
    path = BUILD / name
    BUILD.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def korean_config() -> Path:
    """_config.yml with the Korean edition's settings, in _build/."""
    return write_config(edition_config("ko"), "_config.ko.yml")


def _glued_from(notebook: str, text: str) -> str:
    """Each {glue:text} role of ``text`` given ``notebook``'s name.

    A format spec is always given: myst-nb 1.4 reads the last ":" of
    "nb::key" as the start of one (":s" shows a value as a role without a
    spec does).
    """
    return _GLUE.sub(lambda m: f"{{glue:text}}`{notebook}::{m[1]}{m[2] or ':s'}`", text)


def compile_catalogues() -> None:
    """locales/ko/**/*.po into _build/locales/ko/**/*.mo (see the module's text)."""
    for po in sorted(CATALOGUES.rglob("*.po")):
        page = po.relative_to(CATALOGUES).with_suffix("")
        with po.open("rb") as fh:
            catalogue = read_po(fh, abort_invalid=True)
        if page == Path("sphinx"):
            # The site's templates' words (make translations extracts them),
            # then the themes' and Sphinx's: Sphinx reads this catalogue first.
            with INTERFACE.open("rb") as fh:
                for message in read_po(fh, abort_invalid=True):
                    if message.id and message.id not in catalogue:
                        catalogue[message.id] = message
        notebook = ROOT / page.with_suffix(".ipynb")
        if notebook.is_file():
            for message in catalogue:
                if message.id and message.string:
                    message.string = _glued_from(notebook.name, message.string)
        mo = COMPILED / "ko" / "LC_MESSAGES" / page.with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalogue, use_fuzzy=False)


def _run(command: list[str], out) -> int:
    """``command`` in ROOT, its output (stdout and stderr) shown and written to ``out`` too."""
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", errors="replace") as process:
        for line in process.stdout:
            sys.stdout.write(line)
            out.write(line)
    return process.returncode


def _jupyter_book(args: list[str], doctrees: Path, out) -> int:
    shutil.rmtree(doctrees, ignore_errors=True)  # a fresh environment: every page is read
    jb = Path(sys.executable).parent / "jupyter-book"
    return _run([str(jb), "build", ".", *args, *OPTIONS], out)


def _git_files(root: Path) -> list[str] | None:
    """The checkout's files as git sees them: tracked (present or deleted) and untracked unless
    ignored. None outside a git checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted({name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name})


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace").stdout
    except OSError:
        return "missing"


def inputs_digest(root: Path = ROOT) -> str | None:
    """A digest of everything a build of the site or the PDFs reads, or None outside a git
    checkout (then nothing is reused):

    - every file of the checkout but the tests, by content (tracked, untracked unless git
      ignores it, and a deleted one as deleted);
    - the installed packages and Python's version;
    - the fonts (the figures' Korean text) and TeX Live (the PDFs);
    - what chooses the site's buttons: the repository, its ref and the launch branch
      (_ext/repository.py), from the environment and git.
    """
    from _ext import repository  # noqa: PLC0415 (its ROOT is this checkout's)
    from scripts import lock  # noqa: PLC0415

    files = _git_files(root)
    if files is None:
        return None
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape")
            digest.update(len(data).to_bytes(8, "little") + data)

    for name in files:
        if name.startswith("tests/"):
            continue
        path = root / name
        add(name, path.read_bytes() if path.is_file() else b"deleted")
    add(sys.version, *sorted(f"{d.metadata['Name']}=={d.version}" for d in lock.installed()))
    fonts = sorted(_output(["fc-list", "--format", "%{file}\\n"]).splitlines())
    add(*fonts, _output(["xelatex", "--version"]),
        _output(["kpsewhich", "kotex.sty"]))
    add(str(repository.repository_slug()), repository.repository_ref(), str(repository.launch_branch()),
        *(f"{k}={v}" for k, v in sorted(os.environ.items()) if k in ("LANG", "LC_ALL", "SOURCE_DATE_EPOCH")))
    return digest.hexdigest()


def is_current() -> bool:
    """Whether _build/html holds a complete build of the checkout as it is now."""
    if not (DIGEST.is_file() and LOG.is_file() and (HTML / "index.html").is_file()
            and (HTML / "ko" / "index.html").is_file()):
        return False
    return DIGEST.read_text(encoding="utf-8") == inputs_digest()


def untranslated(html: Path = HTML / "ko") -> dict[str, int]:
    """Korean page -> how many of its elements show English, not yet translated.

    Figures are left out: Sphinx marks their alt texts, which _ext/figures.py translates
    with the figure (figures.po), outside Sphinx's catalogues.
    """
    counts = {}
    for page in sorted(html.rglob("*.html")):
        n = len(re.findall(r'<(?!img\b)\w+[^>]*class="[^"]*\buntranslated\b', page.read_text(encoding="utf-8")))
        if n:
            counts[str(page.relative_to(html))] = n
    return counts


def main() -> int:
    BUILD.mkdir(exist_ok=True)
    DIGEST.unlink(missing_ok=True)  # until this build completes, no build is current
    digest = inputs_digest()  # before building: a file changed meanwhile makes the build stale
    korean = BUILD / "ko"
    # Sphinx writes the pages it builds and leaves others: a page moved or
    # removed from the book would stay on the site.
    for html in (HTML, korean / "_build" / "html"):
        shutil.rmtree(html, ignore_errors=True)
    with LOG.open("w", encoding="utf-8") as out:
        if _jupyter_book([], BUILD / ".doctrees", out):
            return 1
        compile_catalogues()
        if _jupyter_book(["--config", str(korean_config()), "--path-output", str(korean)],
                         korean / "_build" / ".doctrees", out):
            return 1
    shutil.rmtree(HTML / "ko", ignore_errors=True)
    shutil.copytree(korean / "_build" / "html", HTML / "ko")
    if digest:
        DIGEST.write_text(digest, encoding="utf-8")

    lag = untranslated()
    print(f"\nThe book is built: file://{HTML}/index.html (English)\n"
          f"and file://{HTML}/ko/index.html (한국어)")
    if lag:
        print(f"The Korean edition shows {sum(lag.values())} English paragraph(s), marked as "
              "not yet translated (make translations lists them):")
        for page, n in lag.items():
            print(f"  ko/{page}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

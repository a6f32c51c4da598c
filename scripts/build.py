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

The jupyter-book runs' output goes to _build/html.log as well. A build that
completes leaves a stamp, _build/html.inputs: the digest of its inputs
(:func:`inputs_digest`), taken before it started, and the size and time of
the files it wrote last. The tests read the site as it is while its stamp
still matches (:func:`is_current`), and build it otherwise: ``make test``
after ``make book``, with nothing changed in between, checks the site
``make book`` built instead of building it a second time. Another build into
_build/html (an older commit's script, a plain ``jupyter-book build``)
rewrites those files, and so no longer matches.
"""

from __future__ import annotations

import hashlib
import json
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
LOG = BUILD / "html.log"  # the jupyter-book runs' output, of the last build that started
STAMP = BUILD / "html.inputs"  # left by a build that completed: see is_current

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
    """locales/ko/**/*.po into _build/locales/ko/**/*.mo (see the module's text); the
    catalogue of a page that has none any more goes."""
    shutil.rmtree(COMPILED / "ko", ignore_errors=True)
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
    """``command`` in ROOT, its output (stdout and stderr) shown as it comes and written to ``out``
    too."""
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"},
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
    """The checkout's files: tracked (present or deleted) and untracked unless the repository's
    .gitignore files leave them out (not a contributor's own excludes, which may hide a new
    image). None outside a git checkout, or where git refuses it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # a hook's GIT_DIR: not this
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                                 "--exclude-per-directory=.gitignore"],
                                cwd=root, env=env, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted({name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name})


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace").stdout
    except OSError:
        return "missing"


#: Variables of the environment that can change what a build writes (the repository's are read
#: through _ext/repository.py below).
ENVIRONMENT = ("LANG", "LC_", "SOURCE_DATE_EPOCH", "TEX", "MPL", "MATPLOTLIBRC")


def inputs_digest(root: Path = ROOT) -> str | None:
    """A digest of what a build of the site or the PDFs reads, or None where git does not list
    the checkout's files (then nothing is reused):

    - every file of the checkout but the tests, by content and modification time (tracked,
      untracked unless the repository ignores it, and a deleted one as missing);
    - Python's version and the installed packages, by name and version;
    - the fonts (the figures' Korean text), by file, size and time, and matplotlib's own
      configuration file;
    - what chooses the site's buttons: the repository, its ref and the launch branch
      (_ext/repository.py), from the environment and git; and the variables of ENVIRONMENT.

    TeX Live, which only the PDFs read, is in their stamp (scripts/pdf.py).
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
        try:
            add(name, "file", str(path.stat().st_mtime_ns), path.read_bytes())
        except FileNotFoundError:
            add(name, "missing")
        except OSError as error:
            add(name, "unreadable", str(error))
    add(sys.version, *sorted(f"{d.metadata['Name']}=={d.version}" for d in lock.installed()))
    add(*signature(Path(font) for font in sorted(set(_output(["fc-list", "--format", "%{file}\\n"]).splitlines()))))
    rc = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".config" / "matplotlib") / "matplotlibrc"
    add(rc.read_bytes() if rc.is_file() else "no matplotlibrc")
    add(str(repository.repository_slug()), repository.repository_ref(), str(repository.launch_branch()),
        *(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(ENVIRONMENT)))
    return digest.hexdigest()


def signature(paths) -> list[str]:
    """Each file's path, size, modification time and inode (or "missing"): a file written again
    has another."""
    found = []
    for path in paths:
        try:
            stat = Path(path).stat()
            found.append(f"{path} {stat.st_size} {stat.st_mtime_ns} {stat.st_ino}")
        except OSError:
            found.append(f"{path} missing")
    return found


def write_stamp(stamp: Path, inputs: str | None, outputs: list[Path], extra: list[str] = ()) -> None:
    """A completed build's stamp: ``inputs``, the digest taken before it started (none: no
    stamp), the signature of the files it wrote last, and ``extra``."""
    if inputs:
        stamp.write_text(json.dumps({"inputs": inputs, "outputs": signature(outputs), "extra": list(extra)}),
                         encoding="utf-8")


def stamp_matches(stamp: Path, outputs: list[Path], extra: list[str] = ()) -> bool:
    """Whether ``stamp`` was left by the build that wrote ``outputs`` as they are, from inputs as
    they are now (:func:`inputs_digest`), with the same ``extra``."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict):
        return False
    if recorded.get("outputs") != signature(outputs) or recorded.get("extra") != list(extra):
        return False
    return recorded.get("inputs") == inputs_digest()


#: The files a build of the site writes last: a build by any other means rewrites them.
OUTPUTS = [LOG, HTML / ".buildinfo", HTML / "ko" / ".buildinfo"]


def is_current() -> bool:
    """Whether _build/html holds what a build of the checkout as it is now would write: the
    stamp of the build that wrote it matches (every input and its output files unchanged)."""
    return stamp_matches(STAMP, OUTPUTS)


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
    STAMP.unlink(missing_ok=True)  # until this build completes, no build is current
    inputs = inputs_digest()  # before building: a file changed meanwhile makes the build stale
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
    write_stamp(STAMP, inputs, OUTPUTS)

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

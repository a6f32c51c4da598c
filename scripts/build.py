"""Build the site, both editions: English in _build/html, Korean in _build/html/ko.

    python scripts/build.py       (make book; the tests build with it too)

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
"""

from __future__ import annotations

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


def _jupyter_book(args: list[str], doctrees: Path) -> int:
    shutil.rmtree(doctrees, ignore_errors=True)  # a fresh environment: every page is read
    jb = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run([str(jb), "build", ".", *args, *OPTIONS], cwd=ROOT).returncode


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
    korean = BUILD / "ko"
    # Sphinx writes the pages it builds and leaves others: a page moved or
    # removed from the book would stay on the site.
    for html in (HTML, korean / "_build" / "html"):
        shutil.rmtree(html, ignore_errors=True)
    if _jupyter_book([], BUILD / ".doctrees"):
        return 1
    compile_catalogues()
    if _jupyter_book(["--config", str(korean_config()), "--path-output", str(korean)],
                     korean / "_build" / ".doctrees"):
        return 1
    shutil.rmtree(HTML / "ko", ignore_errors=True)
    shutil.copytree(korean / "_build" / "html", HTML / "ko")

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

"""Build the PDF editions: _build/pdf/crossentropyloss-or-nllloss.pdf (English) and
_build/pdf/crossentropyloss-or-nllloss-ko.pdf (Korean).

    python -m scripts.pdf [en] [ko]     (make pdf: both)

From the same pages and the stored outputs as the site, with no execution:
Sphinx's LaTeX builder (through Jupyter Book, with -n, and every warning an
error as -W makes it for the site, except the one ALLOWED_WARNINGS lists),
then XeLaTeX run by latexmk, offline. Needs TeX Live's XeLaTeX and Korean
support and latexmk (Debian: ``apt-get install texlive-xetex
texlive-lang-korean latexmk``), and the fonts of DejaVu and Noto CJK
(``fonts-dejavu-core fonts-noto-cjk``), in both editions: the English one sets
Hangul too (the Korean term table, the original post's quotes).

The Korean edition is the Korean site's configuration (scripts/build.py) with
Hangul fonts for the text, kotex setting them beside DejaVu's. The figures are
drawn as PDF, in each edition's language, from the figures the notebooks keep
(_ext/figures.py). Each edition's LaTeX and log stay in _build/latex/<edition>,
which tests/test_pdf.py reads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _ext.edition import PDF_NAMES
from scripts import build

ROOT = build.ROOT
OUT = build.BUILD / "pdf"
LATEX = build.BUILD / "latex"
NAMES = PDF_NAMES
SITE = build.HTML / "pdf"  # where the site's links point (_ext/edition.py)
TOOLS = {"xelatex": "texlive-xetex", "latexmk": "latexmk", "kpsewhich": "texlive-base"}

#: Hangul and hanja beside DejaVu, in both editions (the English one has the Korean term table
#: and quotes the original post): kotex (xetexko) sets them in Noto CJK KR and leaves Latin
#: letters, digits and signs to the fonts of _config.yml. Jupyter Book's preamble loads
#: ucharclasses, whose font switching by character class takes over xetexko's and drops
#: Hangul after a Latin letter ("NLLLoss인가"); the book switches no font by class, so it is
#: marked as loaded and left out.
HANGUL_PREAMBLE = (
    "\\makeatletter\\@namedef{ver@ucharclasses.sty}{2099/12/31 left out: see scripts/pdf.py}"
    "\\@namedef{opt@ucharclasses.sty}{Latin,Greek}\\makeatother\n"
    "\\usepackage{kotex}\n"
    "\\setmainhangulfont{Noto Serif CJK KR}\n"
    "\\setsanshangulfont{Noto Sans CJK KR}\n"
    "\\setmonohangulfont{Noto Sans Mono CJK KR}[Scale=0.8]\n"
    "\\setmainhanjafont{Noto Serif CJK KR}\n"
    "\\setsanshanjafont{Noto Sans CJK KR}\n"
    "\\setmonohanjafont{Noto Sans Mono CJK KR}[Scale=0.8]\n"
)
#: The Korean edition: polyglossia has no hyphenation or captions worth having for Korean
#: here, off as babel is; without them LaTeX has no \\addto, which Jupyter Book's preamble uses
#: to name the contents (here: 목차, after Sphinx named them by the first part's caption).
KOREAN_LATEX = {
    "polyglossia": "",
    "babel": "",
    "preamble": "\\makeatletter\\providecommand\\addto[2]{\\g@addto@macro#1{#2}}\\makeatother\n"
                "\\providecommand\\captionsenglish{}\n"
                "\\renewcommand{\\contentsname}{목차}\n"
                # "1부", and chapters by their number alone: no English "Part" or "Chapter".
                "\\renewcommand{\\partname}{}\\renewcommand{\\thepart}{\\arabic{part}부}\n"
                "\\renewcommand{\\chaptername}{}\n" + HANGUL_PREAMBLE,
}
ENGLISH_LATEX = {"preamble": HANGUL_PREAMBLE}  # each added to _config.yml's preamble


class PDFError(RuntimeError):
    pass


def _check_tools() -> None:
    missing = [f"{tool} (Debian: {package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    if not missing:  # both editions set Hangul
        found = subprocess.run(["kpsewhich", "kotex.sty"], capture_output=True, text=True).stdout.strip()
        if not found:
            missing.append("kotex.sty (Debian: texlive-lang-korean)")
    if missing:
        raise PDFError("The PDF needs " + ", ".join(missing) + ": install them, then run make pdf again.")


def pdf_config(edition: str) -> Path:
    """The edition's site configuration, with the PDF's own settings, in _build/."""
    config = build.edition_config(edition)
    sphinx_config = config["sphinx"]["config"]
    # The site's icons ({fa}`rocket`, on its launch button) have no place on paper.
    sphinx_config["suppress_warnings"] = [*sphinx_config.get("suppress_warnings", []), "design.fa-build"]
    elements = sphinx_config.setdefault("latex_elements", {})
    for key, value in (KOREAN_LATEX if edition == "ko" else ENGLISH_LATEX).items():
        elements[key] = elements.get(key, "") + value if key == "preamble" else value
    return build.write_config(config, f"_config.{edition}-pdf.yml")


#: Sphinx warns that Babel has no option for Korean, and goes on with English's, which only
#: names LaTeX's hyphenation patterns here: kotex sets the Hangul, Sphinx's own Korean
#: catalogue gives the words it adds (the index's name), and the preamble above names the
#: contents (목차). The one warning that may pass.
ALLOWED_WARNINGS = {"ko": ["no Babel option known for language 'ko'"]}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _latex_sources(edition: str, where: Path) -> None:
    """Sphinx's LaTeX of one edition into ``where``, every reference resolved (-n); a warning
    is an error, as in the site's build (-W), except one that ALLOWED_WARNINGS lists with its
    reason."""
    shutil.rmtree(where, ignore_errors=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", ".", "--builder", "latex", "--path-output", str(where),
                             "--config", str(pdf_config(edition)), "-n", "--keep-going"], cwd=ROOT,
                            capture_output=True, text=True)
    output = _ANSI.sub("", result.stdout + result.stderr)
    warnings = [line for line in output.splitlines() if "WARNING:" in line
                and not any(allowed in line for allowed in ALLOWED_WARNINGS.get(edition, []))]
    if result.returncode and not warnings:
        warnings = output.splitlines()[-30:]
    if warnings:
        raise PDFError(f"the {edition} LaTeX build warned or failed:\n" + "\n".join(warnings))


def _tex(edition: str) -> Path:
    return LATEX / edition / "_build" / "latex"


def _stamp(edition: str) -> Path:
    return OUT / f"{NAMES[edition]}.inputs"


def _outputs(edition: str) -> list[Path]:
    """The files an edition's build writes last, which the tests read."""
    tex = _tex(edition)
    return [OUT / NAMES[edition], *(tex / name for name in ("book.tex", "book.log", "book.out", "book.fls"))]


def _tex_inputs(edition: str) -> list[str]:
    """The signature of every file XeLaTeX read from outside the build (TeX Live's packages and
    fonts, a contributor's own texmf), as latexmk recorded them in book.fls."""
    tex = _tex(edition)
    try:
        lines = (tex / "book.fls").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ["no book.fls"]
    read = {Path(line[len("INPUT "):]) for line in lines if line.startswith("INPUT ")}
    return build.signature(sorted(path for path in read if path.is_absolute() and tex not in path.parents))


def is_current(edition: str) -> bool:
    """Whether _build/pdf holds the edition's PDF, and _build/latex its LaTeX and log, as a build
    of the checkout as it is now would write them: the stamp of the build that wrote them matches
    (scripts/build.py's inputs, the TeX Live files it read, its output files)."""
    return build.stamp_matches(_stamp(edition), _outputs(edition), _tex_inputs(edition))


def _build_pdf(edition: str) -> None:
    stamp = _stamp(edition)
    stamp.unlink(missing_ok=True)  # until this build completes, no PDF is current
    inputs = build.inputs_digest()  # before building: a file changed meanwhile makes it stale
    where = LATEX / edition
    if edition == "ko":
        build.compile_catalogues()
    _latex_sources(edition, where)
    tex = where / "_build" / "latex"
    result = subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                             "-file-line-error", "book.tex"], cwd=tex, capture_output=True, text=True)
    if result.returncode:
        log = (tex / "book.log").read_text(encoding="utf-8", errors="replace") if (tex / "book.log").is_file() else ""
        errors = [line for line in log.splitlines() if line.startswith(("!", "./book.tex:"))]
        raise PDFError(f"XeLaTeX failed on the {edition} edition ({tex / 'book.log'}):\n"
                       + "\n".join(errors[:20] or result.stdout.splitlines()[-30:]))
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tex / "book.pdf", OUT / NAMES[edition])
    build.write_stamp(stamp, inputs, _outputs(edition), _tex_inputs(edition))


def build_pdfs(editions: list[str], reuse: bool = False) -> dict[str, tuple[Path, bool]]:
    """Several editions' PDFs, built side by side (Sphinx, then XeLaTeX, in each), so that two
    editions use two cores; with ``reuse``, an edition whose PDF is current is not built again.
    Returns each edition's PDF and whether it was reused. Raises PDFError with the message of
    every edition that failed (each names its edition); any other error is raised as it is."""
    editions = list(dict.fromkeys(editions))
    reused = {edition: reuse and is_current(edition) for edition in editions}
    stale = [edition for edition in editions if not reused[edition]]
    if stale:
        _check_tools()
    with ThreadPoolExecutor(max_workers=max(len(stale), 1)) as pool:
        futures = [pool.submit(_build_pdf, edition) for edition in stale]
    failed = [future.exception() for future in futures if future.exception()]
    for error in failed:
        if not isinstance(error, PDFError):
            raise error
    if failed:
        raise PDFError("\n\n".join(map(str, failed)))
    if build.HTML.is_dir():  # the site links to them
        SITE.mkdir(exist_ok=True)
        for edition in editions:
            shutil.copyfile(OUT / NAMES[edition], SITE / NAMES[edition])
    return {edition: (OUT / NAMES[edition], reused[edition]) for edition in editions}


def main(argv: list[str]) -> int:
    editions = [a for a in argv if a in NAMES] or list(NAMES)
    start = time.monotonic()
    try:
        pdfs = build_pdfs(editions)
    except PDFError as error:
        print(error, file=sys.stderr)
        return 1
    for pdf, _ in pdfs.values():
        print(f"{pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    print(f"in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

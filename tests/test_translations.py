"""The Korean edition translates every message of the English one, intact.

The English text's messages are extracted afresh (Sphinx's gettext builder,
as `make translations` does) and compared with the Korean catalogues in
locales/ko/LC_MESSAGES: a paragraph added or changed in English without a
Korean translation fails here, naming the page and the message. Each
translation must keep the message's markup (code, roles and their targets,
math, links: scripts/check_translations.py) and be in Korean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.book import ROOT, toc_entries

sys.path.insert(0, str(ROOT / "scripts"))
import check_translations  # noqa: E402

CATALOGUES = ROOT / "locales" / "ko" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """The English messages, extracted now: one .pot per page."""
    out = tmp_path_factory.mktemp("gettext")
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", ".", "--builder", "custom",
                          "--custom-builder", "gettext", "--path-output", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out / "_build" / "gettext"


def _ids(path: Path) -> list[str]:
    with path.open("rb") as fh:
        return [m.id for m in read_po(fh) if m.id]


@pytest.mark.parametrize("entry", toc_entries())
def test_every_english_message_has_a_korean_translation(templates, entry):
    english = _ids(templates / f"{entry}.pot")
    catalogue = CATALOGUES / f"{entry}.po"
    assert catalogue.is_file(), f"{entry}: no Korean catalogue (run make translations)"
    with catalogue.open("rb") as fh:
        korean = {m.id: m for m in read_po(fh) if m.id}
    missing = [m for m in english if m not in korean]
    assert not missing, (
        f"{entry}: {len(missing)} English message(s) not in the Korean catalogue "
        f"(run make translations, then translate): {[m[:70] for m in missing[:5]]}")
    problems = check_translations.problems(catalogue)
    assert not problems, "\n".join(problems)


def test_no_catalogue_without_a_page():
    pages = {f"{entry}.po" for entry in toc_entries()}
    stray = [str(p.relative_to(CATALOGUES)) for p in CATALOGUES.rglob("*.po")
             if str(p.relative_to(CATALOGUES)) not in pages]
    assert not stray, f"catalogues of no page: {stray}"


def test_the_check_does_catch_a_broken_translation(tmp_path):
    """Not vacuous: a lost role, an untranslated and a fuzzy message fail."""
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "See {doc}`01_softmax` and `torch.softmax`."\n'
        'msgstr "1장과 `torch.softmax`를 보라."\n\n'
        'msgid "The loss"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "The logits"\nmsgstr "로짓"\n', encoding="utf-8")
    found = "\n".join(check_translations.problems(po))
    assert "markup changed" in found and "{doc}`01_softmax`" in found
    assert "not translated" in found and "fuzzy" in found


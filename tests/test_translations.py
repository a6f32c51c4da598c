"""The Korean edition: catalogues intact, and every paragraph translated.

A translation must keep its message's markup (code, roles and their
targets, math, links) and be in Korean (scripts/check_translations.py):
that is checked on the catalogues, always. A message without a translation,
new or changed in English (fuzzy), is a lag: the Korean page shows the
English paragraph, marked as not yet translated, and the build lists it. The
tests fail on a lag, so that `main` and the published site are complete,
unless BOOK_TRANSLATION_LAG=report, which `make check` and a pull request's
CI set: then the lag is reported as a warning, and an English fix need not
wait for a translator.
"""

from __future__ import annotations

import os
import re
import warnings

import pytest
from babel.messages.pofile import read_po

from _ext import figures
from scripts import build, check_translations
from tests import korean
from tests.book import ROOT, notebooks, toc_entries

CATALOGUES = ROOT / "locales" / "ko" / "LC_MESSAGES"
MODE = os.environ.get("BOOK_TRANSLATION_LAG", "fail")


class TranslationLag(UserWarning):
    """English text that the Korean edition shows untranslated."""


def _lag(lines: list[str]) -> None:
    if MODE not in ("fail", "report"):
        pytest.fail(f"BOOK_TRANSLATION_LAG={MODE!r}: expected fail or report")
    message = "the Korean edition lags the English text:\n" + "\n".join(lines)
    if MODE == "report":
        warnings.warn(TranslationLag(message), stacklevel=2)
    else:
        pytest.fail(message + "\n(make translations lists what to translate; "
                    "BOOK_TRANSLATION_LAG=report reports it instead)")


@pytest.mark.parametrize("entry", [*toc_entries(), "sphinx", "figures", "../interface"])
def test_catalogue_is_intact(entry):
    """Each page's catalogue, the site's templates' (sphinx), the figures' labels and alt texts
    (figures) and the themes' words (interface)."""
    catalogue = CATALOGUES / f"{entry}.po"
    assert catalogue.is_file(), f"{entry}: no Korean catalogue (run make translations)"
    errors, lags = check_translations.problems(catalogue)
    assert not errors, "\n".join(errors)
    if lags:
        _lag(lags)


def test_no_catalogue_without_a_page():
    # sphinx.po: the interface's words (templates, theme, Sphinx); figures.po: the figures' texts.
    pages = {f"{entry}.po" for entry in toc_entries()} | {"sphinx.po", "figures.po"}
    stray = [str(p.relative_to(CATALOGUES)) for p in CATALOGUES.rglob("*.po")
             if str(p.relative_to(CATALOGUES)) not in pages]
    assert not stray, f"catalogues of no page: {stray}"


@pytest.mark.site
def test_every_korean_page_is_translated(build_log):
    """What a Korean reader sees: no paragraph left in English (as the current build wrote it)."""
    lag = build.untranslated()
    if lag:
        _lag([f"ko/{page}: {n} element(s) not yet translated" for page, n in lag.items()])


def test_every_figure_text_has_its_korean_message():
    """Every label, title, legend and alt text of the chapters' figures, as the notebooks store
    them now, has a message in figures.po (make translations adds what is new). A text without
    one stays English in the Korean figure."""
    found = figures.messages(notebooks())
    known = figures.load_catalogue()
    with (CATALOGUES / "figures.po").open("rb") as fh:
        listed = {m.id for m in read_po(fh) if m.id}
    missing = [f"{places[0][0]} cell {places[0][1]}: {key!r}" for key, places in found.items()
               if key not in listed]
    assert not missing, "figure texts that figures.po does not list (run make translations):\n" + "\n".join(missing)
    lagging = [f"figures: {key!r}" for key in found if key not in known]
    if lagging:
        _lag(lagging)


def test_figure_messages_keep_the_numbers_of_the_run():
    translate = figures.translator({"from step {0}, by at most {1}": "{0}단계부터, 많아야 {1}"})
    assert translate("from step 37, by at most 1.2e-05") == "37단계부터, 많아야 1.2e-05"
    assert translate("from step 37") == "from step 37"  # no message: the English text
    assert translate("0.25") == "0.25"


def test_the_check_does_catch_a_broken_translation(tmp_path):
    """Not vacuous: a lost role is an error; an untranslated and a fuzzy message lag."""
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "See {doc}`01_softmax` and `torch.softmax`."\n'
        'msgstr "1장과 `torch.softmax`를 보라."\n\n'
        'msgid "It {pick}`k|falls|rises`."\n'
        'msgstr "{pick}`k|내려간다`."\n\n'
        'msgid "The loss"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "The logits"\nmsgstr "로짓"\n', encoding="utf-8")
    errors, lags = check_translations.problems(po)
    errors, lags = "\n".join(errors), "\n".join(lags)
    assert "markup changed" in errors and "{doc}`01_softmax`" in errors
    assert "{pick}`k` of 2" in errors, "a choice lost"
    assert "not translated" in lags and "fuzzy" in lags


@pytest.mark.site
def test_korean_particles_agree_with_what_is_read_before_them(build_log):
    """은/는, 이/가, 을/를, 과/와, 으로/로 after a code span, a number, a
    formula, an equation number or a link's text agree with how it is read
    (tests/korean.py)."""
    found = []
    for page in sorted((build.HTML / "ko").rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        text = korean.page_text(page.read_text(encoding="utf-8"))
        found += [f"ko/{page.relative_to(build.HTML / 'ko')}: {d}"
                  for d in korean.disagreements(text)]
    assert not found, ("particles that disagree with the text before them "
                       "(use the other form, or 에, 의, 에서):\n" + "\n".join(found))


@pytest.mark.parametrize("wrong, right", [
    ("식 (1.1)를 옮긴다", "식 (1.1)을 옮긴다"),  # 일 점 일
    ("수치 안정성\x04와 NLLLoss", "수치 안정성\x04과 NLLLoss"),  # a link's text
    ("\x02NLLLoss\x03은 로그를", "\x02NLLLoss\x03는 로그를"),  # 엔엘엘로스
    ("0.00030로 나눈다", "0.00030으로 나눈다"),  # ... 삼영
    ("손실 100과 1,000로", "손실 100과 1,000으로"),  # 백, 천
    ("\x02OneCycleLR\x03는", "\x02OneCycleLR\x03은"),  # ... 엘알
    ("\\(T^2\\)를 곱한다", "\\(T^2\\)을 곱한다"),  # 티 제곱
    ("\x02-inf\x03(확률 0)을 받는다", "\x02-inf\x03(확률 0)를 받는다"),  # an aside
    ("손실(loss)를", "손실(loss)을"),  # a gloss: the Korean word is read
    ("\\(\\log C\\)와", "\\(\\log C\\)와"),  # 씨
])
def test_the_particle_check_catches_a_wrong_form(wrong, right):
    if wrong != right:
        assert korean.disagreements(wrong), wrong
    assert not korean.disagreements(right), right


#: Interface words that stay as they are in the Korean edition: the language
#: switch names its target in that language, and "Page" labels a contents list
#: that only a printout shows (sphinx-book-theme's layout.html).
INTERFACE_KEPT = {"English", "Page"}
_LABEL = re.compile(r'\b(?:aria-label|title|data-bs-title|alt)="([^"]*)"')


@pytest.mark.site
def test_the_korean_interface_is_korean(build_log):
    """Every button's name and tooltip, landmark label and the footer of a Korean page: no
    English word without Hangul (locales/ko/interface.po and LC_MESSAGES/sphinx.po)."""
    english = []
    for page in sorted((build.HTML / "ko").rglob("*.html")):
        if "_static" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        footer = re.search(r'<footer class="bd-footer-content">(.*?)</footer>', html, re.S)
        texts = _LABEL.findall(html.split('<article class="bd-article">')[0])
        texts += _LABEL.findall(html.rsplit("</article>", 1)[-1])
        texts += [re.sub(r"<[^>]+>|<!--.*?-->", " ", footer[1], flags=re.S)] if footer else []
        for text in texts:
            text = " ".join(text.split())
            if text not in INTERFACE_KEPT and re.search(r"[A-Za-z]{3,}", text) \
                    and not re.search(r"[가-힣]", text):
                english.append(f"ko/{page.relative_to(build.HTML / 'ko')}: {text!r}")
    assert not english, "English in the Korean interface:\n" + "\n".join(sorted(set(english)))
    # The theme's own Korean for "By" is "으로", a particle, before the author.
    footer = (build.HTML / "ko" / "intro.html").read_text(encoding="utf-8")
    assert f"지은이: {build.KOREAN['author']}" in footer

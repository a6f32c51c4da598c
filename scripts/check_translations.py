"""Check the Korean catalogues: every message translated, its markup intact.

    python scripts/check_translations.py                  # every catalogue
    python scripts/check_translations.py locales/ko/LC_MESSAGES/intro.po

A translation must keep, exactly, what the build reads as markup or as
identifiers: code in backticks, MyST roles with their targets
(``{doc}`02_log_softmax` ``, ``{glue:text}`ch6_T:.4f` ``...; a role's own
title, as in ``{ref}`this section <ch4-which>` ``, is prose and translated,
and so are the choices of ``{pick}`ch6_T_above|below|above` ``, whose key and
number of choices are kept), inline and display math, link targets, labels
and footnote references. It may reorder them, as Korean word order differs.
A message is also refused when it has no Hangul while its English has words.

An empty or fuzzy message is not an error but a lag: the Korean page shows
the English paragraph, marked as not yet translated, until a translator
catches up. The check lists the lagging messages, then a count per page.
Its exit status is the number of catalogues with an error (broken markup, no
Hangul), plus, with ``--strict``, those that lag; tests/test_translations.py
runs it.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "locales" / "ko" / "LC_MESSAGES"

# What must survive translation, each as it stands in the English message.
_MARKUP = [
    r"\{[\w:.-]+\}`[^`]*`",  # MyST roles: {doc}`x`, {glue:text}`k:.2f`
    r"``[^`]+``|`[^`]+`",  # code
    r"\$\$.+?\$\$|\$[^$]+\$",  # math
    r"\]\([^)\s]+\)",  # link targets: ](url)
    r"\[\^[\w-]+\]",  # footnote references
    r"^\([\w-]+\)=",  # labels
]
_TOKENS = re.compile("|".join(f"(?:{p})" for p in _MARKUP), re.S | re.M)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORDS = re.compile(r"[A-Za-z]{3,}")


_TITLED_ROLE = re.compile(r"^(\{[\w:.-]+\})`[^`]*?<([^<>`]+)>`$", re.S)
_PICK = re.compile(r"^\{pick\}`([^|`]*)((?:\|[^|`]*)*)`$", re.S)


def _token(token: str) -> str:
    pick = _PICK.match(token)
    if pick:
        return f"{{pick}}`{pick[1].strip()}` of {pick[2].count('|')}"
    return _TITLED_ROLE.sub(r"\1`<\2>`", token)


def markup(text: str) -> Counter:
    """The markup tokens of a message, counted.

    A role with a title of its own, ``{ref}`the title <target>` ``, counts as
    its role and target: the title is prose, and is translated. ``{pick}``
    counts as its key and its number of choices: the choices are prose.
    """
    return Counter(_token(token) for token in _TOKENS.findall(text))


def _prose(text: str) -> str:
    """The message without its markup: what a reader reads as words."""
    return _TOKENS.sub(" ", text)


def problems(path: Path) -> tuple[list[str], list[str]]:
    """(errors, lags) of one catalogue, one line each."""
    page = (path.relative_to(CATALOGUES) if path.is_relative_to(CATALOGUES)
            else path).with_suffix("")
    with path.open("rb") as fh:
        catalogue = read_po(fh, abort_invalid=True)
    errors, lags = [], []
    for message in catalogue:
        if not message.id:
            continue  # the header
        where = f"{page}: {str(message.id)[:70]!r}"
        if not message.string:
            lags.append(f"{where}: not translated")
            continue
        if message.fuzzy:
            lags.append(f"{where}: fuzzy (the English changed; check the "
                        "translation, then remove the flag)")
            continue  # an old translation, for the translator to update
        lost = markup(message.id) - markup(message.string)
        added = markup(message.string) - markup(message.id)
        if lost or added:
            errors.append(f"{where}: markup changed, lost {sorted(lost)}, "
                          f"added {sorted(added)}")
        if (_WORDS.search(_prose(message.id))
                and not _HANGUL.search(_prose(message.string))
                and _prose(message.id).strip() != _prose(message.string)
                .strip()):
            errors.append(f"{where}: no Hangul in the translation")
    return errors, lags


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    paths = [Path(a).resolve() for a in argv if a != "--strict"] or sorted(
        CATALOGUES.rglob("*.po"))
    bad, lagging = 0, {}
    for path in paths:
        errors, lags = problems(path)
        for line in errors + lags:
            print(line)
        bad += bool(errors) or (strict and bool(lags))
        if lags:
            lagging[path.relative_to(CATALOGUES) if path.is_relative_to(
                CATALOGUES) else path] = len(lags)
    if lagging:
        print("\nMessages that need a translator, by page:")
        for page, n in lagging.items():
            print(f"  {page}: {n}")
    n = sum(1 for p in paths for m in read_po(p.open("rb")) if m.id)
    print(f"{len(paths)} catalogues, {n} messages, {bad} with an error"
          + (" or a lag" if strict else "")
          + f", {sum(lagging.values())} message(s) lagging", file=sys.stderr)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Check the Korean catalogues: every message translated, its markup intact.

    python scripts/check_translations.py                  # every catalogue
    python scripts/check_translations.py locales/ko/LC_MESSAGES/intro.po

A translation must keep, exactly, what the build reads as markup or as
identifiers: code in backticks, MyST roles with their targets
(``{doc}`02_log_softmax` ``, ``{glue:text}`ch6_T:.4f` ``...; a role's own
title, as in ``{ref}`this section <ch4-which>` ``, is prose and translated; a
glued English word is replaced by its Korean twin, ``{glue:text}`ch6_T_side_ko` ``),
inline and display math, link targets, labels and footnote references. It may reorder them, as
Korean word order differs. A message is also refused when it is empty, fuzzy,
or has no Hangul while its English has words. Each problem names the page,
the message and what is wrong; the exit status is the number of catalogues
with a problem (tests/test_translations.py runs this check).
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
# A glued word has a Korean twin, glued next to it with the suffix _ko.
_GLUE_KO = re.compile(r"^(\{glue:text\}`[\w]+?)_ko(:[^`]*)?`$")


def markup(text: str) -> Counter:
    """The markup tokens of a message, counted.

    A role with a title of its own, ``{ref}`the title <target>` ``, counts as
    its role and target: the title is prose, and is translated. A glued
    value that is English text has a Korean twin, glued by the same cell
    under the same name with ``_ko``; the translation uses the twin, and it
    counts as the original.
    """
    return Counter(_GLUE_KO.sub(r"\1\2`", _TITLED_ROLE.sub(r"\1`<\2>`", token))
                   for token in _TOKENS.findall(text))


def _prose(text: str) -> str:
    """The message without its markup: what a reader reads as words."""
    return _TOKENS.sub(" ", text)


def problems(path: Path) -> list[str]:
    """Everything wrong with one catalogue, one line each."""
    page = (path.relative_to(CATALOGUES) if path.is_relative_to(CATALOGUES)
            else path).with_suffix("")
    with path.open("rb") as fh:
        catalogue = read_po(fh, abort_invalid=True)
    found = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        where = f"{page}: {str(message.id)[:70]!r}"
        if message.fuzzy:
            found.append(f"{where}: marked fuzzy (the English changed; "
                         "check the translation, then remove the flag)")
        if not message.string:
            found.append(f"{where}: not translated")
            continue
        lost = markup(message.id) - markup(message.string)
        added = markup(message.string) - markup(message.id)
        if lost or added:
            found.append(f"{where}: markup changed, lost {sorted(lost)}, "
                         f"added {sorted(added)}")
        if (_WORDS.search(_prose(message.id))
                and not _HANGUL.search(_prose(message.string))
                and _prose(message.id).strip() != _prose(message.string)
                .strip()):
            found.append(f"{where}: no Hangul in the translation")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(
        CATALOGUES.rglob("*.po"))
    bad = 0
    for path in paths:
        found = problems(path)
        bad += bool(found)
        for line in found:
            print(line)
    n = sum(1 for p in paths for m in read_po(p.open("rb")) if m.id)
    print(f"{len(paths)} catalogues, {n} messages, "
          f"{bad} catalogue(s) with problems", file=sys.stderr)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Korean particles that must agree with what is read in front of them.

A Korean particle has two forms, chosen by the sound that ends the word before
it: 은/는, 이/가, 을/를, 과/와, 으로/로, 이나/나, 이라는/라는. After Hangul a
translator sees the word; after a code span, a number or a glued value, which
the catalogue shows only as markup, the form is easy to get wrong
("`NLLLoss`은", "0.00030로"). This module reads the text of a built page,
decides how the token before each such particle is read aloud in Korean (a
number as Sino-Korean numerals, an identifier as its Korean transliteration,
an acronym letter by letter) and reports the particles that disagree.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Particle -> (form after a final consonant, form after a vowel).
PAIRS = [("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로"),
         ("이나", "나"), ("이라는", "라는"), ("이라고", "라고"), ("이란", "란")]
FORMS = {}
for _consonant, _vowel in PAIRS:
    FORMS[_consonant] = (_consonant, _vowel)
    FORMS[_vowel] = (_consonant, _vowel)
# A particle may carry another after it (으로는, 과도, 으로서); it ends there.
TAIL = "(?:는|도|서|써|부터|의|만)?"
PARTICLE = "|".join(sorted(FORMS, key=len, reverse=True))
LINK = "\x04"  # where a link ends: a role's text, which the translator did not see
FINDER = re.compile(rf"(?P<before>[^\s가-힣]|[가-힣]{LINK})(?P<particle>{PARTICLE}){TAIL}(?![가-힣])")

# Sino-Korean digits: does the syllable end in a consonant, and is it ㄹ?
DIGITS = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ",
          "7": "ㄹ", "8": "ㄹ", "9": ""}
# Trailing zeros of a whole number: 십, 백, 천, 만, 십만, 백만, 천만, 억.
PLACES = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ", 5: "ㄴ", 6: "ㄴ", 7: "ㄴ", 8: "ㄱ"}
# Letters read one by one (CNN, NLL, KL, GPU).
LETTERS = {"L": "ㄹ", "M": "ㅁ", "N": "ㄴ", "R": "ㄹ"}
# Words whose Korean reading the spelling rules below get wrong, as the final
# consonant of the reading ("" for a vowel). Lower case.
READINGS = {
    "set": "", "dataset": "ㅅ", "net": "ㅅ", "adam": "ㅁ", "keras": "", "jax": "",
    "optax": "", "numpy": "", "mnist": "", "cuda": "", "nan": "ㄴ", "inf": "",
    "none": "ㄴ", "true": "", "false": "", "log": "", "exp": "", "max": "",
    "argmax": "", "softmax": "", "relu": "", "mask": "", "colab": "ㅂ",
    "binder": "", "pytorch": "", "torch": "", "book": "ㄱ", "make": "",
    "lossbook": "ㄱ", "nats": "", "bits": "", "logits": "", "logit": "ㅅ",
    "view": "", "eval": "ㄹ", "dim": "ㅁ", "sum": "ㅁ", "mean": "ㄴ",
    "step": "ㅂ", "tensor": "", "float": "", "double": "", "long": "ㅇ",
    "int": "", "item": "ㅁ", "grad": "", "weight": "", "label": "ㄹ",
}
GREEK = {"alpha": "", "beta": "", "gamma": "", "delta": "", "varepsilon": "ㄴ",
         "epsilon": "ㄴ", "theta": "", "lambda": "", "mu": "", "pi": "",
         "sigma": "", "tau": "", "infty": "", "log": "", "exp": "", "ln": "ㄴ",
         "sum": "ㅁ", "cdot": "", "dots": "", "ldots": ""}


def number_ending(text: str) -> str:
    """The final consonant of a number read in Sino-Korean ('' for a vowel)."""
    text = text.replace(",", "")
    if "." in text:  # decimals are read digit by digit: 0.00030 -> ...삼영
        return DIGITS[text[-1]]
    digits = text.lstrip("0") or "0"
    if digits == "0":
        return DIGITS["0"]
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros:
        return PLACES.get(zeros % 8 or 8, "ㄴ") if zeros < 9 else "ㄱ"
    return DIGITS[digits[-1]]


def word_ending(word: str) -> str:
    """The final consonant of an English word or identifier read in Korean."""
    if m := re.search(r"[A-Za-z]+(\d*)$", word):
        if m.group(1):  # float16, uint8: the number is read
            return number_ending(m.group(1))
        word = m.group()
    else:
        return number_ending(re.search(r"\d+$", word).group())
    # The last part of a CamelCase name; a run of capitals is read letter by
    # letter (CNN, NLL, OneCycleLR), a capitalised word as a word (NLLLoss).
    word = re.search(r"[A-Z]{2,}$|[A-Z]?[a-z]+$|[A-Z]$", word).group()
    if word.isupper() and len(word) <= 4:
        return LETTERS.get(word[-1], "")
    w = word.lower()
    if w in READINGS:
        return READINGS[w]
    if w.endswith("ng"):
        return "ㅇ"
    if w.endswith(("m", "me")):
        return "ㅁ"
    if w.endswith(("n", "ne")):
        return "ㄴ"
    if w.endswith(("l", "le")):
        return "ㄹ"
    if re.search(r"[aeiou](?:ck|k|c)$", w):
        return "ㄱ"
    if re.search(r"[aeiou]p$", w):
        return "ㅂ"
    if re.search(r"[aeiou]t$", w):
        return "ㅅ"
    return ""


CODE, END = "\x02", "\x03"  # around a code span in the page's text


def ending(before: str) -> str | None:
    """The final consonant of how `before` (the text up to a particle) is read
    ('' for a vowel), or None where it cannot be decided."""
    before = before.rstrip().removesuffix(LINK)
    if before.endswith(END):  # a code span: read as written
        code = before[before.rfind(CODE) + 1:-1].strip()
        if not code or code.endswith((")", "]", "}")):
            return None  # a call: the name, or its last argument?
        return ending(code)
    if before.endswith("\\)"):
        return math_ending(before[before.rfind("\\(") + 2:-2])
    if before.endswith("%"):
        return ""  # 퍼센트
    if before.endswith(")"):
        i = _opening(before, "(", ")")
        if i > 0 and not before[i - 1].isspace():
            return ending(before[:i])  # an aside: 레이블(label)을, inf(확률 0)를
        return ending(before[i + 1:-1])  # a reference, read: (1.1)을
    if re.search(r"[가-힣]$", before):
        return hangul_ending(before[-1])
    if m := re.search(r"\d[\d,]*(?:\.\d+)?$", before):
        return number_ending(m.group())
    if re.search(r"[A-Za-z]\d*$", before):
        return word_ending(before)
    return None


def _opening(text: str, opening: str, closing: str) -> int:
    """Where the bracket that closes ``text`` opens (-1 if it does not)."""
    depth, i = 0, len(text) - 1
    while i >= 0:
        depth += {closing: 1, opening: -1}.get(text[i], 0)
        if depth == 0:
            break
        i -= 1
    return i


def hangul_ending(syllable: str) -> str:
    final = (ord(syllable) - 0xAC00) % 28
    return "" if final == 0 else ("ㄹ" if final == 8 else "x")


def math_ending(tex: str) -> str | None:
    """The final consonant of a formula read aloud; None if it is unclear."""
    tex = re.sub(r"\\(?:right|left|[bB]igg?[lr]?|[,;!]|quad)", " ", tex).strip()
    tex = tex.rstrip(" .")
    if re.search(r"\^(?:2|\{2\})$", tex):
        return "ㅂ"  # 제곱
    if tex.endswith((")", "]", "|")):
        return None  # H(p, q): the function, or its argument?
    if tex.endswith("}"):  # the group that ends the formula, and what opens it
        i = _opening(tex, "{", "}")
        head, group = tex[:i], tex[i + 1:-1]
        if head.endswith(("^", "_")):
            return None  # e^{x}: 제곱, 승, or only the exponent; x_{0}: 영 or 제로
        if re.search(r"\\(?:text|operatorname|mathrm|mathbf)$", head):
            return math_ending(group) if len(group) < 2 else word_ending(group)
        if re.search(r"\\t?frac\{[^{}]*\}$", head):
            return math_ending(head[head.rfind("{") + 1:-1])  # b분의 a
        return math_ending(group)
    if re.search(r"[\^_]\S$", tex):
        return None
    if m := re.search(r"\\t?frac(\w)\w$", tex):
        return number_ending(m.group(1)) if m.group(1).isdigit() else None
    if m := re.search(r"\\([A-Za-z]+)$", tex):
        return GREEK.get(m.group(1))
    if m := re.search(r"\d[\d,]*(?:\.\d+)?$", tex):
        return number_ending(m.group())
    if m := re.search(r"[A-Za-z]$", tex):  # a variable, read as its letter
        return LETTERS.get(m.group().upper(), "")
    return None


def agrees(particle: str, final: str) -> bool:
    consonant, vowel = FORMS[particle]
    if consonant == "으로":
        return particle == ("로" if final in ("", "ㄹ") else "으로")
    return particle == (vowel if final == "" else consonant)


class _Text(HTMLParser):
    """The running text of a page's article: code spans and math kept as
    written, code cells, outputs and English (untranslated) parts left out."""

    SKIP = {"pre", "script", "style", "nav", "header", "footer"}
    SKIP_CLASSES = {"cell_output", "untranslated", "headerlink", "highlight"}

    def __init__(self):
        super().__init__()
        self.parts, self.stack, self.skipping, self.inside = [], [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr"):
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "article":
            self.inside = True
        skip = tag in self.SKIP or bool(classes & self.SKIP_CLASSES)
        self.stack.append(skip)
        self.skipping += skip
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "dt", "dd", "div"):
            self.parts.append("\n")
        if tag == "code" and not skip and self.inside and not self.skipping:
            self.parts.append(CODE)

    def handle_endtag(self, tag):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr"):
            return
        if tag in ("code", "a") and self.inside and not self.skipping:
            self.parts.append(END if tag == "code" else LINK)
        if self.stack:
            self.skipping -= self.stack.pop()

    def handle_data(self, data):
        if self.inside and not self.skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def disagreements(text: str) -> list[str]:
    """Each particle that disagrees with the reading before it, in context."""
    found = []
    for m in FINDER.finditer(text):
        final = ending(text[:m.start("particle")][-200:])
        if final is None or agrees(m["particle"], final):
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        context = text[max(start, m.start() - 40):m.end() + 10]
        for mark, shown in ((CODE, "`"), (END, "`"), (LINK, "")):
            context = context.replace(mark, shown)
        found.append(f"{m['particle']}: {context.strip()}")
    return found

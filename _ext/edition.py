"""Two editions from one source: English at the site's root, Korean in ko/.

The Korean edition is the same pages built with ``language: ko``: Sphinx
replaces each paragraph with its translation from
``locales/ko/LC_MESSAGES/<page>.po``; code cells and their outputs are the
same executed cells (scripts/build_korean.py builds it). This extension

- puts a language switch in every page's header that opens the same page in
  the other edition (a relative link, so it works from any address and from
  the files themselves);
- gives the Korean edition a search that finds Korean words however they are
  inflected: a word is indexed, and looked up, without the particles
  (조사) that Korean attaches to it ("소프트맥스는" is found by "소프트맥스"),
  and a verb or adjective made with 하다 or 되다 by its noun ("무시된" and
  "무시하기" by "무시");
- translates the parts' captions in the sidebar, and puts a solution's title
  in Korean word order.

scripts/build.py builds the Korean edition and compiles its catalogues.
"""

from __future__ import annotations

import re
from os import path

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.search import SearchLanguage
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain
from sphinx_exercise.nodes import solution_node

#: language -> (the other edition's language, the switch's label)
EDITIONS = {"en": ("ko", "한국어"), "ko": ("en", "English")}

# Particles (조사) and the copula that follow a Korean noun, longest first.
PARTICLES = sorted("""
이다 입니다 이며 이고 이나 이면 이란 이라는 라는 에서는 에서도 에서 에게는 에게 에는
에도 에만 으로는 으로도 으로 로는 로도 로 와는 과는 와 과 은 는 이 가 을 를 의 에 도 만
까지 부터 보다 처럼 마다 이라 라 들이 들은 들을 들의 들
""".split(), key=len, reverse=True)


def strip_particle(word: str) -> str:
    """A Korean word without its trailing particle, if what is left is one."""
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


# A noun of two syllables or more made a verb or an adjective with 하다 or 되다
# (무시한, 무시되면, 무시하기, 정규화된): the noun, then a form of 하다/되다.
VERB_FORM = "^([\uac00-\ud7a3]{2,}?)[하한할함해했되된될됨돼됐][\uac00-\ud7a3]*$"


def stem_korean(word: str) -> str:
    """The word a Korean form is found by: without its particle, and a 하다 or
    되다 form as its noun ("무시되면" and "무시는" are found by "무시")."""
    word = strip_particle(word)
    verb = re.match(VERB_FORM, word)
    return verb[1] if verb else word


class SearchKorean(SearchLanguage):
    """Korean words, indexed and looked up without their particles."""

    lang = "ko"
    language_name = "Korean"
    js_splitter_code = ""
    # The same rule in the browser (searchtools.js calls Stemmer().stemWord).
    js_stemmer_rawcode = ""
    js_stemmer_code = (
        "const KO_PARTICLES = "
        + repr(PARTICLES).replace("'", '"')
        + ";\nconst KO_VERB_FORM = new RegExp(" + repr(VERB_FORM).replace("'", '"') + ");"
        + """
class Stemmer {
  stemWord(word) {
    if (!/[\\uac00-\\ud7a3]/.test(word)) return word.toLowerCase();
    for (const p of KO_PARTICLES) {
      if (word.endsWith(p) && word.length > p.length + 1) {
        word = word.slice(0, -p.length);
        break;
      }
    }
    const verb = KO_VERB_FORM.exec(word);
    return verb ? verb[1] : word;
  }
}
""")
    _word = re.compile(r"\w+")

    def split(self, input: str) -> list[str]:
        return self._word.findall(input)

    def word_filter(self, word: str) -> bool:
        return len(word) > 1 or bool(re.match(r"[\uac00-\ud7a3]", word))

    def stem(self, word: str) -> str:
        if re.search(r"[\uac00-\ud7a3]", word):
            return stem_korean(word)
        return word.lower()


class TranslateTocCaptions(SphinxTransform):
    """The parts' captions of the table of contents, in the page's language.

    sphinx-external-toc inserts the toctrees (priority 100) after Sphinx has
    translated the page (20), so their captions are translated here.
    """

    default_priority = 150

    def apply(self, **kwargs) -> None:
        config = self.config
        if not config.language or config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in config.locale_dirs]
        catalog, found = init_locale(dirs, config.language, domain)
        if not found:
            return
        for node in self.document.findall(addnodes.toctree):
            if node.get("caption"):
                node["caption"] = node["rawcaption"] = catalog.gettext(
                    node["caption"])


class KoreanSolutionTitles(SphinxPostTransform):
    """A solution's title in Korean word order: "연습 1.5의 해답".

    sphinx-exercise writes "Solution to" and then a link to the exercise,
    which in Korean reads "해답 연습 1.5"; here the link comes first.
    Runs after sphinx-exercise has resolved the titles (priority 21).
    """

    default_priority = 22

    def run(self, **kwargs) -> None:
        if self.config.language != "ko":
            return
        for node in self.document.findall(solution_node):
            title = node.children[0] if node.children else None
            if not isinstance(title, nodes.title) or len(title.children) != 2:
                continue
            words, link = title.children
            if isinstance(words, nodes.Text) and isinstance(link, nodes.reference):
                for text in link.findall(nodes.Text):
                    text.parent.replace(text, nodes.Text(text.astext().lstrip()))
                    break
                title.children = []
                title += [link, nodes.Text(f"의 {words.astext().strip()}")]


#: The Korean edition's words for what the theme and myst-nb write in English.
KOREAN_INTERFACE = {
    "nb_code_prompt_show": "숨긴 부분 보기",
    "nb_code_prompt_hide": "숨기기",
}


def _configure(app, config) -> None:
    language = config.language or "en"
    if language not in EDITIONS:
        return
    if language == "ko":
        for name, value in KOREAN_INTERFACE.items():
            config[name] = value
        config.html_theme_options["search_bar_text"] = "이 책에서 검색..."
    # First, so that the site's own templates (_templates/) replace the themes'
    # components of the same name.
    if "_templates" not in config.templates_path:
        config.templates_path.insert(0, "_templates")
    options = config.html_theme_options
    end = options.get("article_header_end", ["article-header-buttons.html"])
    if "language-switch.html" not in end:
        options["article_header_end"] = ["language-switch.html", *end]


#: The PDF editions' file names (scripts/pdf.py writes them into _build/pdf and the site's pdf/).
PDF_NAMES = {"en": "crossentropyloss-or-nllloss.pdf", "ko": "crossentropyloss-or-nllloss-ko.pdf"}
EDITION_NAMES = {"en": "English", "ko": "한국어"}


def _other_edition(app, pagename, templatename, context, doctree) -> None:
    language = app.config.language or "en"
    if language not in EDITIONS:
        return
    other, label = EDITIONS[language]
    up = "../" * pagename.count("/")
    # English pages are at the root, Korean ones in ko/.
    target = f"ko/{pagename}.html" if language == "en" else (
        f"../{pagename}.html")
    context["other_edition"] = {"url": up + target, "lang": other,
                                "label": label}
    # The PDF editions (make pdf) sit in the English site's pdf/, beside ko/.
    root = up + ("" if language == "en" else "../")
    context["book_pdfs"] = [{"url": f"{root}pdf/{name}", "lang": lang, "label": EDITION_NAMES[lang]}
                            for lang, name in PDF_NAMES.items()]


def setup(app):
    app.add_transform(TranslateTocCaptions)
    app.add_post_transform(KoreanSolutionTitles)
    app.add_search_language(SearchKorean)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _other_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

// Keyboard and screen-reader use of a page, where the extensions' markup
// falls short:
// - the copy buttons of sphinx-copybutton (one per code block, 60 in chapter
//   3) leave the tab order, as the formulas do (_config.yml), so that Tab goes
//   from link to link and control to control of the text; a mouse still shows
//   and uses them, and the code can be selected and copied as any text;
// - every toggle gets a name that says what it opens: sphinx-togglebutton
//   names each "Toggle hidden content", over the visible "Show code cell
//   source" of a folded cell (whose visible text is now its name) and on a
//   solution's button (now named by the solution's title); the theme's
//   toggles of a chapter's sections in the chapter list have no name at all;
// - a click on a solution's title opens the solution, instead of following
//   the title's link back to the exercise;
// - on a phone, a formula wider than the line scrolls sideways (custom.css,
//   .scrolls) and is a tab stop, so that a keyboard can scroll it; a formula
//   that fits is neither (MathJax's menu, off, made every formula a stop).
"use strict";
(() => {
  const WORDS = {
    en: {sections: (chapter) => `Sections of ${chapter}`, copy: "Copy"},
    ko: {sections: (chapter) => `${chapter}: 절 목록`, copy: "복사"},
  };
  const words = WORDS[document.documentElement.lang] || WORDS.en;
  const text = (element) => element.textContent.replace(/\s+/g, " ").trim();

  const markWideFormulas = () => {
    const phone = window.matchMedia("(max-width: 575.98px)").matches;
    // Inline: the span scrolls (on a phone); display: MathJax's own container.
    for (const math of document.querySelectorAll(".bd-article span.math")) {
      const wide = phone && math.scrollWidth > math.clientWidth + 2;
      math.classList.toggle("scrolls", wide);
      if (wide) math.tabIndex = 0;
      else math.removeAttribute("tabindex");
    }
    for (const box of document.querySelectorAll(".bd-article div.math > mjx-container")) {
      if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
      else box.removeAttribute("tabindex");
    }
  };
  window.addEventListener("load", () => {
    const typeset = window.MathJax?.startup?.promise;
    (typeset || Promise.resolve()).then(markWideFormulas);
    window.addEventListener("resize", markWideFormulas);

    for (const button of document.querySelectorAll("button.copybtn")) {
      button.tabIndex = -1;
      button.setAttribute("aria-label", words.copy);
      button.dataset.tooltip = words.copy;
    }
    for (const summary of document.querySelectorAll("summary[aria-label='Toggle hidden content']")) {
      if (text(summary)) summary.removeAttribute("aria-label");
    }
    for (const summary of document.querySelectorAll("nav.bd-docs-nav li > details > summary")) {
      const link = summary.closest("li").querySelector(":scope > a");
      if (link && !summary.hasAttribute("aria-label")) {
        summary.setAttribute("aria-label", words.sections(text(link)));
      }
    }
    for (const button of document.querySelectorAll(".dropdown.admonition button.toggle-button")) {
      const admonition = button.closest(".admonition");
      const title = admonition.querySelector(":scope > .admonition-title");
      if (!title) continue;
      button.setAttribute("aria-label", text(title));
      const expanded = () => button.setAttribute("aria-expanded",
        String(!admonition.classList.contains("toggle-hidden")));
      expanded();
      button.addEventListener("click", () => setTimeout(expanded));
      for (const link of title.querySelectorAll("a")) {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          if (admonition.classList.contains("toggle-hidden")) button.click();
        });
      }
    }
  });
})();

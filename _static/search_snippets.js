// The search page's snippets come from the text of the article, not from
// everything in the page's main element. Sphinx 7.4's searchtools.js takes a
// result's text from [role="main"], which the theme puts around the article's
// header (its buttons, the ".pdf" label), the page's contents list and every
// code cell, so that a snippet was a scrap of those. Here Search.htmlToText
// reads the article's prose only: code cells, their outputs and folded
// content left out. Listed in _ext/compat.py, with the other patches of a
// third party; tests/test_site.py checks what a snippet shows.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // searchtools.js declares Search with const: a global, not a window property.
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const sphinxToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const article = page.querySelector("article.bd-article");
    if (!article) return sphinxToText(htmlString, anchor);
    for (const query of [".headerlink", "script", "style", "div.cell", ".toggle-hidden", ".dropdown"]) {
      article.querySelectorAll(query).forEach((el) => el.remove());
    }
    let part = (anchor && article.querySelector(anchor)) || article;
    // An index entry's target is an empty mark: its section holds the text.
    if (part.textContent.trim().length < 40) part = part.closest("section") || article;
    return part.textContent.replace(/\s+/g, " ");
  };
});

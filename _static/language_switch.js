// The language switch (_templates/language-switch.html) opens the same page
// in the other edition at the same place: the section in the address
// (#...), or else the section the reader has scrolled to. A section has the
// same id in both editions (Sphinx keeps the ids of the English headings).
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.language-switch");
  if (!link) return;
  let id = decodeURIComponent(window.location.hash.slice(1));
  if (!id) {
    // The last section whose heading is above the top fifth of the window.
    const limit = window.innerHeight / 5;
    for (const section of document.querySelectorAll("article.bd-article section[id]")) {
      const heading = section.querySelector(":scope > :is(h1, h2, h3, h4)");
      if (heading && heading.getBoundingClientRect().top <= limit) id = section.id;
    }
  }
  if (id && document.getElementById(id)) {
    const target = new URL(link.href);
    target.hash = id;
    link.href = target.href;
  }
});

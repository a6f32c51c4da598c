// A figure opens full size: every image of a cell's output becomes a link to
// its own file (an SVG, sharp at any zoom), which a phone can pinch and a
// desktop can enlarge. The link's name is the figure's alt text; its tooltip
// says what a click does.
"use strict";
(() => {
  const WORDS = {en: "Open the figure full size", ko: "그림을 원래 크기로 열기"};
  const words = WORDS[document.documentElement.lang] || WORDS.en;
  document.addEventListener("DOMContentLoaded", () => {
    for (const image of document.querySelectorAll(".bd-article div.cell_output img")) {
      if (image.closest("a")) continue;
      const link = document.createElement("a");
      link.href = image.getAttribute("src");
      link.className = "figure-full";
      link.title = words;
      image.replaceWith(link);
      link.append(image);
    }
  });
})();

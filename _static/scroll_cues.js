// What scrolls sideways shows that it does: a table, a code block or an
// output wider than its column (often, on a phone) fades out at the edge
// where more is hidden, and the fade moves as it scrolls (custom.css,
// .more-left and .more-right).
"use strict";
(() => {
  const BOXES = ".bd-article .pst-scrollable-table-container, .bd-article div.highlight > pre, "
    + ".bd-article div.cell_output .output";
  const mark = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    box.classList.toggle("more-left", hidden > 1 && box.scrollLeft > 1);
    box.classList.toggle("more-right", hidden > 1 && box.scrollLeft < hidden - 1);
  };
  const markAll = () => document.querySelectorAll(BOXES).forEach(mark);
  window.addEventListener("load", () => {
    for (const box of document.querySelectorAll(BOXES)) {
      box.addEventListener("scroll", () => mark(box), {passive: true});
    }
    markAll();
    window.addEventListener("resize", markAll);
    // A folded cell or a solution that opens shows boxes that had no width before.
    document.addEventListener("toggle", markAll, true);
    document.addEventListener("click", () => setTimeout(markAll, 50));
  });
})();

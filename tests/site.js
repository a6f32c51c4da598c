// The browser test's checks, run inside each page (tests/test_site.py adds
// this file to every page it opens, after window.THEME, its one table of the
// selectors of markup the site does not write itself). Each returns the
// problems it finds, one line each, or data for the test to judge.
window.bookChecks = {
  // Open every collapsed block (hidden outputs, solutions, dropdowns), so
  // that what a reader can unfold is measured too.
  unfold() {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    const folded = THEME.folded.slice(1);
    document.querySelectorAll(THEME.folded).forEach((e) => e.classList.remove(folded));
  },

  // Everything in the article must end inside its text column (the article
  // less its padding), and the page must not scroll sideways. An element or a
  // piece of text that reaches past the column may only sit inside a box that
  // scrolls sideways (overflow-x auto or scroll: code blocks, cell outputs,
  // the theme's table container, display math), and then only that box is
  // judged. A box that hides what passes its edge (overflow hidden or clip)
  // cuts the content off, and that is reported too. One line per offending
  // element (the outermost one of each group): tag, classes, first text.
  overflow() {
    const SLACK = 1;  // sub-pixel rounding
    const article = document.querySelector(THEME.article);
    if (!article) return [`no ${THEME.article} on the page`];
    const outer = article.getBoundingClientRect();
    const style = getComputedStyle(article);
    const box = {left: outer.left + parseFloat(style.paddingLeft),
                 right: outer.right - parseFloat(style.paddingRight)};
    const root = document.documentElement;
    const describe = (el) => {
      const cls = (el.getAttribute("class") || "").trim().replace(/\s+/g, ".");
      const text = Array.from((el.innerText || el.getAttribute("alt") || el.getAttribute("src") || "")
        .trim().replace(/\s+/g, " ")).slice(0, 60).join("");  // whole characters
      return `<${el.tagName.toLowerCase()}${cls ? "." + cls : ""}> "${text}"`;
    };
    const clipped = (s) => s.clip !== "auto" || s.clipPath !== "none";  // a screen-reader-only copy
    const hidden = (el) => {
      for (let a = el; a && a !== article; a = a.parentElement) if (clipped(getComputedStyle(a))) return true;
      return false;
    };
    const problems = [];
    if (root.scrollWidth > root.clientWidth + SLACK) {
      const wide = [...document.body.querySelectorAll("*")].filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1 || r.right <= root.clientWidth + SLACK) return false;
        for (let a = el; a && a !== document.body; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.position === "fixed" || clipped(s)) return false;  // does not widen the page
          if (a !== el && s.overflowX !== "visible") {  // inside a box: only if the box is too wide
            return a.getBoundingClientRect().right > root.clientWidth + SLACK;
          }
        }
        return true;
      });
      const outermost = wide.filter((el) => !wide.some((o) => o !== el && o.contains(el))).slice(0, 5);
      problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px `
                    + `window; too wide: ${outermost.map(describe).join(", ") || "(no element found)"}`);
    }
    if (outer.right > root.clientWidth + SLACK || outer.left < -SLACK) {
      problems.push(`the article (${Math.round(outer.left)} to ${Math.round(outer.right)} px) `
                    + `does not fit the ${root.clientWidth} px window`);
    }
    const reported = [];
    // Elements, and text too: a long word can run out of a box that itself fits.
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    while (walker.nextNode()) {
      const node = walker.currentNode;
      let el = node, r;
      if (node.nodeType === Node.TEXT_NODE) {
        if (!node.data.trim()) continue;
        el = node.parentElement;
        range.selectNodeContents(node);
        r = range.getBoundingClientRect();
      } else {
        r = node.getBoundingClientRect();
      }
      if (r.width < 1 || r.height < 1) continue;  // not laid out (display: none, collapsed)
      const past = Math.max(r.right - box.right, box.left - r.left);
      if (past <= SLACK || reported.some((p) => p === el || p.contains(el))) continue;
      let clipper = null;  // the nearest box around it that does not let it show past its edge
      for (let a = node === el ? el.parentElement : el; a && a !== article; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") { clipper = a; break; }
      }
      const how = clipper && getComputedStyle(clipper).overflowX;
      if (clipper) {
        const c = clipper.getBoundingClientRect();
        if (r.right <= c.right + SLACK && r.left >= c.left - SLACK) continue;  // the box is judged
        if (how === "auto" || how === "scroll") continue;  // the reader scrolls that box
      }
      if (hidden(el)) continue;
      reported.push(el);
      problems.push(`${describe(el)} reaches ${Math.round(past)} px past the text column`
                    + (clipper ? ` and is cut off by ${describe(clipper)} (overflow-x: ${how})` : ""));
    }
    return problems;
  },

  // The text's own tables must fit the column on a desktop screen: one that
  // scrolls there hides its last columns until the reader thinks of
  // scrolling. On a phone they may scroll.
  tablesThatScroll() {
    return [...document.querySelectorAll(`${THEME.article} ${THEME.table_box}`)]
      .filter((box) => box.getClientRects().length && box.scrollWidth > box.clientWidth + 1)
      .map((box) => `table "${box.innerText.trim().split("\n")[0].slice(0, 60)}": `
                    + `${box.scrollWidth} px wide in a ${box.clientWidth} px column`);
  },

  // The article's images: their files and alt texts, for the test to judge.
  images() {
    return [...document.querySelectorAll(`${THEME.article} img`)]
      .map((img) => ({src: img.getAttribute("src"), alt: img.getAttribute("alt")}));
  },

  // Every image decodes, those in collapsed solutions too: the ones that do not.
  async brokenImages() {
    const bad = [];
    for (const img of document.querySelectorAll("main img")) {
      img.loading = "eager";
      try { await img.decode(); } catch (e) { /* judged below */ }
      if (!(img.naturalWidth > 0)) bad.push(img.src);
    }
    return bad;
  },

  // Markup that should have been rendered, left in the text.
  leftoverMarkup() {
    const clone = document.querySelector("main").cloneNode(true);
    clone.querySelectorAll(`pre, code, script, style, ${THEME.assistive_math}`).forEach((e) => e.remove());
    const text = clone.innerText;
    return ["$$", "\\begin{", "\\frac", "{eq}", "{doc}"].filter((s) => text.includes(s));
  },

  // Share of Hangul among the letters a reader reads: the article without
  // code, outputs and math.
  hangulShare() {
    const clone = document.querySelector(THEME.article).cloneNode(true);
    clone.querySelectorAll(`pre, code, ${THEME.cell_output}, ${THEME.typeset}, ${THEME.math}, script, style`)
      .forEach((e) => e.remove());
    const text = clone.innerText;
    const hangul = (text.match(/[\uac00-\ud7a3]/g) || []).length;
    const latin = (text.match(/[A-Za-z]/g) || []).length;
    return hangul / Math.max(1, hangul + latin);
  },

  // The addresses of the page's header buttons (launch, repository, issues).
  headerLinks() {
    return [...document.querySelectorAll(THEME.header_buttons)].map((a) => a.href);
  },

  // Where the keyboard's focus is: past the page's first exercise (in the
  // document's order), seen (a box with a size, not transparent), ringed (an
  // outline or a shadow that the element does not have without focus), and
  // its name, as a screen reader would announce it (roughly).
  focused() {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const exercise = document.querySelector(THEME.exercise);
    const past = !!exercise && (exercise === el || exercise.contains(el) ||
      !!(exercise.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
    // A box of no size that holds a visible child (the theme's <summary> around
    // its chevron in the chapter list) is seen, and ringed, through that child.
    const sized = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const box = sized(el) || !el.firstElementChild ? el : el.firstElementChild;
    const s = getComputedStyle(box);
    const seen = sized(box) && parseFloat(s.opacity) > 0 && s.visibility !== "hidden";
    const ringed = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    const name = (el.getAttribute("aria-label") || el.innerText || el.getAttribute("title") || "").trim();
    const cls = (el.getAttribute("class") || "").trim().replace(/\s+/g, ".");
    return {past, seen, ringed, name, what: `<${el.tagName.toLowerCase()}${cls ? "." + cls : ""}> ${name.slice(0, 40)}`};
  },

  // Buttons and disclosure summaries without a name that says what they do.
  unnamedToggles() {
    const vague = new Set(["", "Toggle hidden content"]);
    return [...document.querySelectorAll("button, summary")]
      .filter((el) => el.getClientRects().length || el.closest("nav"))
      .filter((el) => vague.has((el.getAttribute("aria-label") ?? el.innerText ?? "").trim()) &&
                      !(el.getAttribute("title") || "").trim())
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") || ""}"> ` +
                   `in ${el.parentElement.tagName.toLowerCase()}.${el.parentElement.className}`);
  },
};

// pydata-sphinx-theme 0.17.1 opens the chapter list and the page's contents,
// on a narrow screen, from the FIRST .primary-toggle and .secondary-toggle on
// the page (setupMobileSidebarKeyboardHandlers). With sphinx-book-theme those
// are the copies in the theme's own header, which sphinx-book-theme hides;
// the buttons a reader sees, in the article's header, get no handler, so a
// tap on a phone or tablet does nothing. Once the page is parsed
// (readyState "interactive", which comes before any deferred script runs,
// the theme's included), this removes the hidden copies, so the theme binds
// the visible buttons. Listed in _ext/compat.py, the list of every such
// patch; tests/test_site.py::test_the_toggle_workaround_is_still_needed
// fails once the theme binds the visible buttons by itself.
"use strict";
document.addEventListener("readystatechange", () => {
  if (document.readyState === "interactive") {
    document.querySelectorAll("#pst-header .sidebar-toggle").forEach((button) => button.remove());
  }
});

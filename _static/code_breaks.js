// Inline code in a table or a heading may break where a reader expects a line to break:
// after "." or ",", and before "(" unless "()" follows ("logits." then
// "softmax(dim=1)"), not inside a name. custom.css lets it break elsewhere only when a single part is still
// too wide. Runs once the page is parsed; it adds <wbr> elements and changes
// no text (copying the code copies the same characters).
document.addEventListener("DOMContentLoaded", () => {
  for (const code of document.querySelectorAll("article :is(table, h1, h2, h3, h4) code.literal")) {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(/(?<=\.)(?=[A-Za-z_])|(?<=,)(?=\S)|(?<=\w)(?=\((?!\)))/);
      if (parts.length < 2) continue;
      const fragment = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i > 0) fragment.appendChild(document.createElement("wbr"));
        fragment.appendChild(document.createTextNode(part));
      });
      text.replaceWith(fragment);
    }
  }
});

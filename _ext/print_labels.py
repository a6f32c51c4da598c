"""Exercise references that resolve in the PDF.

sphinx-exercise 1.2.1 labels an exercise in LaTeX as ``exercise:<label>``,
while a bare ``{ref}`` to it from another chapter (the book has three, all to
``ex-ch4-idempotent``) becomes Sphinx's ``\\ref{<document>:<label>}``, and a
titled one a link to that label: a label that does not exist, printed
"Exercise ??". This transform, for the LaTeX builder only, puts the
label Sphinx looks for before each numbered exercise, with the exercise's own
number ("4.16.5", from its title) as what ``\\ref`` prints.
tests/test_pdf.py::test_every_reference_resolves fails without it.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

_NUMBER = re.compile(r"(\d+(?:\.\d+)*)\s*$")


class LabelExercises(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 30  # after sphinx-exercise has numbered and titled the exercises

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_enumerable_node

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(exercise_enumerable_node)):
            label = node.get("label")
            title = node.children[0].astext() if node.children else ""
            number = _NUMBER.search(title)
            if not label or label not in registry or not number:
                continue
            target = f"{registry[label]['docname']}:{label}"
            tex = (f"\\makeatletter\\def\\@currentlabel{{{number[1]}}}\\makeatother"
                   f"\\phantomsection\\label{{\\detokenize{{{target}}}}}\n")
            node.parent.insert(node.parent.index(node), nodes.raw("", tex, format="latex"))


def setup(app):
    app.add_post_transform(LabelExercises)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

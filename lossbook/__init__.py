"""The shared code of the book *CrossEntropyLoss or NLLLoss?*.

Two kinds of module, both shown in full in the book's appendix:

- generated from the chapters (``scratch``, ``models``, ``evaluation``,
  ``recipes``): code a chapter teaches and later chapters import. The chapter
  is the only source; ``make lib`` writes these files from its cells tagged
  ``export:<module>``, and a test fails when they are out of date.
- written here (``data``, ``training``, ``memo``, ``timing``, ``figures``,
  ``runtime``, ``environment``): plumbing that no chapter teaches, such as
  loading MNIST from ``data/``, the training loop and the timer.
"""

from lossbook.data import DATA_DIR, MNISTDataError, load_mnist, verify_mnist

__all__ = ["DATA_DIR", "MNISTDataError", "load_mnist", "verify_mnist"]

"""Plumbing shared by the chapters of *CrossEntropyLoss or NLLLoss?*.

What a chapter teaches is written in the chapter; what several chapters need
(loading MNIST from ``data/``, and later the training and evaluation loops)
lives here, once. The book's appendix shows this code.
"""

from lossbook.data import DATA_DIR, MNISTDataError, load_mnist, verify_mnist

__all__ = ["DATA_DIR", "MNISTDataError", "load_mnist", "verify_mnist"]

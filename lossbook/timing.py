"""The one timer of the book: milliseconds per call, taken in turns.

Chapters 2, 4 and 5 and the benchmark compare the speed of two or three ways
of doing one thing. A shared machine is noisy, so each candidate is timed in
several rounds, the candidates taking turns within a round (a slow moment
then tends to hit all of them). :func:`median_ms` keeps the median round,
what a reader can expect; :func:`fastest_ms` keeps the fastest, the least
disturbed, since a round in which another process took the processor away is
slower, never faster: the ratio of two candidates' fastest rounds moves far
less on a busy machine than the ratio of their medians. No test asserts a
time: a chapter asserts a ratio with a wide margin, and the benchmark reports.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch


def median_ms(candidates: dict[str, Callable[[], object]],
              **options) -> dict[str, float]:
    """Median milliseconds per call of each candidate, timed in turns
    (:func:`timed_rounds`, which takes the ``options``)."""
    times = timed_rounds(candidates, **options)
    return {name: statistics.median(t) for name, t in times.items()}


def fastest_ms(candidates: dict[str, Callable[[], object]],
               **options) -> dict[str, float]:
    """Milliseconds per call of each candidate in its fastest round, timed in
    turns (:func:`timed_rounds`, which takes the ``options``): for a ratio
    that must hold while other programs run (the module's text says why)."""
    times = timed_rounds(candidates, **options)
    return {name: min(t) for name, t in times.items()}


def timed_rounds(
    candidates: dict[str, Callable[[], object]],
    number: int = 1,
    rounds: int = 9,
    warmup: int = 1,
    device: str | torch.device = "cpu",
) -> dict[str, list[float]]:
    """Each candidate's milliseconds per call in each round, timed in turns.

    Each round calls every candidate ``number`` times in a row and keeps the
    mean of those calls, for ``rounds`` rounds, after ``warmup`` untimed
    calls of each. On a CUDA ``device`` the GPU is synchronised before and
    after each timed stretch, so that the time is that of the work and not
    of queueing it.
    """
    if number < 1 or rounds < 1:
        raise ValueError(f"number={number} and rounds={rounds}: both must "
                         "be at least 1")
    cuda = torch.device(device).type == "cuda"

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            sync()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            sync()
            times[name].append(1000 * (time.perf_counter() - start) / number)
    return times

"""Benchmarks: ``python -m bench [--smoke] [NAME ...]`` (or ``./run bench``); each prints a table with a baseline.

Every module here is a benchmark with ``main(smoke: bool = False)``, except the support modules named
in ``SUPPORT``. ``smoke=True`` runs it at a tiny size, in seconds, so CI can run them all.
``bench.quality`` (a package, not a benchmark) scores the annotated quality sets: ``./run quality``.
"""

#: Modules of bench/ that help the benchmarks and are not benchmarks themselves.
SUPPORT = frozenset({"material", "timing"})

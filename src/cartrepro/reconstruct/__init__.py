"""Deterministic generators of the shipped reconstructed (synthetic) cohorts.

``python -m cartrepro.reconstruct [--out DIR]`` regenerates ``data/reconstructed/`` byte for byte.
"""

GENERATORS = ("cd22", "car1922", "car1922_cytokines")

"""cartrepro: reproduce two CAR-T papers from patient-level (reconstructed, synthetic) data.

Inside a notebook::

    from cartrepro import record
    record("p2_fig4a_lfs_1y", 71.6, ci=(44.2, 99.0))
"""

__all__ = ["record", "not_computable"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``record`` and ``not_computable`` are imported on first use (PEP 562): importing any part of the
    package (e.g. ``cartrepro.paths`` for a build with nothing to do) does not import pandas and the ledger."""
    if name in __all__:
        from cartrepro.ledger import record as module

        return getattr(module, name)
    raise AttributeError(f"module 'cartrepro' has no attribute {name!r}")

"""cartrepro: reproduce two CAR-T papers from patient-level (reconstructed, synthetic) data.

Inside a notebook::

    from cartrepro import record
    record("p2_fig4a_lfs_1y", 71.6, ci=(44.2, 99.0))
"""

from cartrepro.ledger.record import not_computable, record

__all__ = ["record", "not_computable"]
__version__ = "0.1.0"

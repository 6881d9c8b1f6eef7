"""Fixtures shared by the unit tests."""

import pytest


@pytest.fixture(scope="session")
def shipped_results():
    """``compute_all`` on the shipped cohorts, computed once for every module that reads it (read only)."""
    from cartrepro.analysis.pages import compute_all
    from cartrepro.paths import SHIPPED_DATA_DIR

    return compute_all(SHIPPED_DATA_DIR)

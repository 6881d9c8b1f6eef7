"""Shared fixtures: one full build of the book on the shipped cohorts, reused by the pipeline and browser tests."""

from pathlib import Path

import pytest

from cartrepro.paths import SHIPPED_DATA_DIR


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> tuple[Path, object]:
    """(out_dir, BuildResult) of a fresh `cartrepro build` on the shipped data (no cache).

    ``CARTREPRO_TEST_BUILD=/path/to/out`` uses a build made beforehand with `cartrepro build --out` of the
    current code on the shipped data instead (BuildResult None): for the browser tests while working on them.
    """
    import os

    from cartrepro.build.pipeline import build

    given = os.environ.get("CARTREPRO_TEST_BUILD")
    if given:
        return Path(given), None
    out = tmp_path_factory.mktemp("book")
    result = build(SHIPPED_DATA_DIR, out, jobs=2)
    return out, result


@pytest.fixture(scope="session")
def other_book(tmp_path_factory) -> tuple[Path, Path, object, list[str]]:
    """(data, out_dir, BuildResult, patient ids) of one fresh build on ``other_cohort.other_cohort`` (a
    cohort that is not the shipped one; every id distinctive): shared by the tests of anyone's data."""
    from other_cohort import other_cohort

    from cartrepro.build.pipeline import build
    from cartrepro.contract import validate

    root = tmp_path_factory.mktemp("other")
    data = root / "cohort"
    ids = other_cohort(data)
    report = validate(data)
    assert report.ok, report.format()
    out = root / "out"
    return data, out, build(data, out, jobs=2), ids


def pytest_collection_modifyitems(config, items):
    """Everything under tests/integration starts kernels or builds: marked slow, so `-m "not slow"` is the fast set."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.slow)

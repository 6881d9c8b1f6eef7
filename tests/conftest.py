"""How `make test` spreads the suite over processes (pytest-xdist, ``--dist loadgroup``).

Each test gets an ``xdist_group``: every test of one module runs in the same worker, so a module-scoped fixture
(a cohort built once, a browser) is made once; every test that reads the session's build of the shipped cohorts
(``built_book``) or of the other cohort (``other_book``) runs in the worker that made that build, so each is built
once per run. A test that builds a cohort of its own and shares nothing (:data:`ALONE`) is a group by itself,
so such builds spread over the workers. Without ``-n`` (one process) the groups change nothing.
"""

from pathlib import Path

import pytest

#: session-scoped builds, each made by one worker: the group of every test that reads one
SHARED_BUILDS = ("built_book", "other_book")

#: modules whose tests each build their own cohort, or draw their own (the property shards), and share no
#: fixture: grouped test by test (so are the drawn cohorts of test_any_cohort_build.py)
ALONE = {"test_scale.py", "test_lifecycle.py", "test_properties.py", "test_properties_invariance.py"}


def _group(item: pytest.Item) -> str:
    for fixture in SHARED_BUILDS:
        if fixture in getattr(item, "fixturenames", ()):
            return fixture
    module = Path(str(item.fspath))
    drawn = module.name == "test_any_cohort_build.py" and "seed" in getattr(item, "callspec", None).params \
        if hasattr(item, "callspec") else False
    if module.name in ALONE or drawn:
        return item.nodeid
    return str(module.relative_to(Path(__file__).parent))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Runs before pytest-xdist's own hook, which reads the groups."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))

"""How `make test` spreads the suite over processes (pytest-xdist, ``-n``, ``--dist loadgroup``).

Each test gets a group (:func:`_group`), and every test of a group runs in the same worker:

* every test that reads the session's build of the shipped cohorts (``built_book``) or of the other cohort
  (``other_book``): each of those builds is made once per run, in the worker whose tests read it;
* otherwise every test of one module, so a module-scoped fixture (a cohort built once, a browser's visits) is
  made once;
* except the modules of :data:`ALONE` and the drawn cohorts of ``test_any_cohort_build.py``: each test a group
  of its own, so those builds (and the property shards) spread over the workers.

pytest-xdist's own ``loadgroup`` reads ``xdist_group`` marks by renaming test ids, which pytest 9.2 no longer
lets a plugin do, so the grouping is ours: the workers write each test's group into a folder the controller
names (:data:`GROUPS_ENV`) while they collect, and the scheduler (:class:`GroupScheduling`, a subclass of
xdist's ``LoadScopeScheduling``) reads it. Without ``-n`` (one process) nothing here changes anything.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

#: session-scoped builds, each made by one worker: the group of every test that reads one
SHARED_BUILDS = ("built_book", "other_book")

#: modules whose tests each build their own cohort, or draw their own (the property shards), and share no
#: fixture: grouped test by test (so are the drawn cohorts of test_any_cohort_build.py)
ALONE = {"test_scale.py", "test_lifecycle.py", "test_properties.py", "test_properties_invariance.py"}

#: environment variable naming the folder where the workers write {test id: group}
GROUPS_ENV = "CARTREPRO_TEST_GROUPS"
_FOLDER = pytest.StashKey[str]()  # the controller's folder of GROUPS_ENV, removed at the end


def _group(item: pytest.Item) -> str:
    for fixture in SHARED_BUILDS:
        if fixture in getattr(item, "fixturenames", ()):
            return fixture
    module = Path(str(item.fspath))
    callspec = getattr(item, "callspec", None)
    drawn = module.name == "test_any_cohort_build.py" and callspec is not None and "seed" in callspec.params
    if module.name in ALONE or drawn:
        return item.nodeid
    return str(module.relative_to(Path(__file__).parent))


def pytest_configure(config):
    """In the controller of a distributed run: the folder the workers write their groups into (inherited by
    the workers, which start after this)."""
    if hasattr(config, "workerinput") or config.getoption("dist", "no") != "loadgroup":
        return
    folder = tempfile.mkdtemp(prefix="cartrepro-test-groups-")
    os.environ[GROUPS_ENV] = folder
    config.stash[_FOLDER] = folder


def pytest_unconfigure(config):
    folder = config.stash.get(_FOLDER, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(GROUPS_ENV, None)



def pytest_collection_modifyitems(config, items):
    """Every Hypothesis test (``@given``: its draws run the code under test many times) is marked slow, as the
    property modules are, so the fast set (``-m "not slow"``) holds none and `make test` runs them all.
    In a worker: each collected test's group, written before the worker reports its collection."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)
    folder = os.environ.get(GROUPS_ENV)
    worker = getattr(config, "workerinput", {}).get("workerid")
    if not folder or worker is None:
        return
    groups = {item.nodeid: _group(item) for item in items}
    target = Path(folder) / f"{worker}.json"
    partial = target.with_suffix(".part")
    partial.write_text(json.dumps(groups))
    partial.replace(target)


def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist", "no") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """xdist's scope scheduling, with our groups as the scopes."""

        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:
                self._groups = {}
                for written in sorted(Path(os.environ[GROUPS_ENV]).glob("*.json")):
                    self._groups.update(json.loads(written.read_text()))
            return self._groups.get(nodeid) or nodeid.split("::", 1)[0]

    return GroupScheduling(config, log)


def pytest_collection_finish(session):
    """Once every test module is imported: what was imported (the scientific stack, every test module, their
    parametrisations) leaves the garbage collector's view, so the collections while the tests run walk only
    what the tests make. Frozen objects are only never collected as cyclic garbage; nothing a test makes is."""
    import gc

    gc.collect()
    gc.freeze()

"""A pytest plugin for ``make bench`` (P-5): where the CPU of ``make test`` goes.

Loaded with ``-p cpu_per_test`` (bench/ on ``PYTHONPATH``) when ``CARTREPRO_BENCH_CPU`` names a folder; each
test process (the xdist controller and every worker) writes one JSON file there when its session ends:

- ``tests``: ``[nodeid, cpu seconds]`` of every test, setup and teardown included (a session fixture's build
  counts in the first test that asks for it);
- ``builds``: ``[nodeid, cpu seconds]`` of every run of the build pipeline (``cartrepro.build.pipeline._build``,
  which ``build()`` and ``cartrepro build`` both call: a whole book, a changed notebook, or data refused before
  anything runs) the process made, inside whichever test made it.

CPU is user + system time of the process and of its finished children (kernels, renderers and the workers of
a fresh-kernel build are all waited for before a build returns). A test process runs one test at a time, so
the difference over a test or a build is that test's or build's own.

Nothing here changes what a test does or checks; without ``CARTREPRO_BENCH_CPU`` the plugin does nothing.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

ENV = "CARTREPRO_BENCH_CPU"

_tests: list[list] = []
_builds: list[list] = []
_current = {"test": ""}


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children waited for so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pytest_configure(config) -> None:
    if not os.environ.get(ENV):
        return
    from cartrepro.build import pipeline

    inner = pipeline._build

    def measured(*args, **kwargs):
        start = cpu_seconds()
        try:
            return inner(*args, **kwargs)
        finally:
            _builds.append([_current["test"], cpu_seconds() - start])

    pipeline._build = measured


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not os.environ.get(ENV):
        yield
        return
    _current["test"] = item.nodeid
    start = cpu_seconds()
    yield
    _tests.append([item.nodeid, cpu_seconds() - start])


def pytest_sessionfinish(session) -> None:
    folder = os.environ.get(ENV)
    if not folder:
        return
    name = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    Path(folder, f"{name}.json").write_text(json.dumps({"tests": _tests, "builds": _builds}))


def summary(folder: Path) -> tuple[list[list], float, float]:
    """The files of one run added up: (runs of the build pipeline as ``[nodeid, cpu]``, largest first; their CPU; the
    CPU of the tests apart from their builds). What the run used outside any test (start-up, imports,
    collection) is the run's own CPU less these two."""
    builds, tests = [], []
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        builds += record["builds"]
        tests += record["tests"]
    in_builds = sum(cpu for _, cpu in builds)
    return sorted(builds, key=lambda b: -b[1]), in_builds, sum(cpu for _, cpu in tests) - in_builds

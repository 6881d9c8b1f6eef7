"""cartrepro.build.fresh.lighter_imports: a kernel's SciPy keeps each function's own docstring (no appended
table of array backends) and computes the same values."""

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from cartrepro.build import fresh
placed = fresh.lighter_imports() if sys.argv[1] == "lighter" else None
import scipy.stats
r = scipy.stats.mannwhitneyu([1.5, 2.0, 3.1, 4.2, 7.0], [2.2, 5.0, 6.1, 8.4, 9.9, 10.0])
print(json.dumps({"placed": placed, "doc": scipy.stats.mannwhitneyu.__doc__, "p": r.pvalue.hex(),
                  "again": fresh.lighter_imports()}))
"""


def probe(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow  # starts two Python processes importing SciPy (about 3 s of CPU)
def test_scipy_keeps_its_own_docstrings_and_values():
    plain, lighter = probe("plain"), probe("lighter")
    assert lighter["placed"] is True and lighter["again"] is False  # not again once scipy.stats is imported
    assert lighter["p"] == plain["p"]
    assert "Array API Standard Support" in plain["doc"] and "Array API" not in lighter["doc"]
    own = lighter["doc"].strip()
    assert own.startswith("Perform the Mann-Whitney U rank test") and plain["doc"].strip().startswith(own[:2000])

"""Notebooks the build runs do not check again the data the build checked (issue 14), in real kernels.

The build writes its record of the validated cohort to ``<work>/validated.json``; ``_run_jobs`` points the
kernels at it, shared or fresh. A notebook loading a folder of that record loads it without the contract check;
one loading a copy of the same bytes elsewhere (a folder the build did not check) is checked as always.
"""

import json
import shutil
from pathlib import Path

import pytest

from cartrepro.build.pipeline import VALIDATED_FILE, NotebookJob, _run_jobs
from cartrepro.contract import core, validate
from cartrepro.paths import SHIPPED_DATA_DIR, write_validated

COUNTER = '''# %% tags=["parameters"]
data_dir = "data/reconstructed"

# %%
from cartrepro.contract import core, load_paper

checked = []
original = core._check_paper
core._check_paper = lambda folder, paper: checked.append(paper) or original(folder, paper)
try:
    tables = load_paper(data_dir, "cd22")
finally:
    core._check_paper = original
print("checked", checked, len(tables["patients"]))
'''


@pytest.mark.parametrize("fresh", [False, True], ids=["shared kernels", "fresh kernels"])
def test_kernels_load_the_validated_folder_unchecked(tmp_path: Path, fresh: bool):
    work, cache, src = tmp_path / "work", tmp_path / "cache", tmp_path / "src"
    for path in (work, cache, src):
        path.mkdir()
    copy = tmp_path / "copy"
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", copy / "cd22")
    write_validated(work / VALIDATED_FILE, SHIPPED_DATA_DIR, core.validated_record(validate(SHIPPED_DATA_DIR)))
    (src / "counter.py").write_text(COUNTER)
    jobs = [NotebookJob("validated", src / "counter.py", None, {"data_dir": "data/reconstructed"}, key="a"),
            NotebookJob("elsewhere", src / "counter.py", None, {"data_dir": str(copy)}, key="b")]
    _run_jobs(jobs, work, cache, 1, fresh_kernels=fresh)
    assert [j.status for j in jobs] == ["executed", "executed"], [j.error for j in jobs]
    printed = {}
    for job in jobs:
        cells = json.loads((cache / f"{job.stem}.ipynb").read_text())["cells"]
        printed[job.stem] = "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", [])
                                    if o.get("name") == "stdout")
    n = len((SHIPPED_DATA_DIR / "cd22" / "patients.csv").read_text().splitlines()) - 1
    assert printed == {"validated": f"checked [] {n}\n", "elsewhere": f"checked ['cd22'] {n}\n"}, printed

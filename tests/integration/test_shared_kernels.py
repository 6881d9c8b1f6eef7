"""Notebooks run one after another in a shared kernel (build/kernels.py) give what a fresh kernel gives.

Hand-made notebooks: the first changes everything a notebook can change in its process (a global, an
rcParam, a pandas option, numpy's print options, the warning filters, the working folder, the environment,
which cohort counts as loaded); the second shows all of it. Run after the first in one kernel, in either
order, the second's executed cells must equal a fresh kernel's byte for byte.
"""

import json
import re
from pathlib import Path

from cartrepro.build.pipeline import NotebookJob, _run_jobs, _stage_notebook

LEAKER = '''# %% tags=["parameters"]
data_dir = "data/reconstructed"

# %%
import os
import warnings

import matplotlib
import numpy as np
import pandas as pd

from cartrepro.contract import load_paper
from cartrepro.figures.style import synthetic_mark

leaked = 1
matplotlib.rcParams["lines.linewidth"] = 9
pd.set_option("display.precision", 1)
np.set_printoptions(precision=1)
warnings.simplefilter("ignore")
os.environ["CARTREPRO_LEAK"] = "1"
tables = load_paper(data_dir, "cd22")
synthetic_mark(False)
os.chdir("/")
1 + 1
'''

SHOWER = '''# %% tags=["parameters"]
data_dir = "data/reconstructed"

# %%
import os
import warnings

import matplotlib
import numpy as np
import pandas as pd

from cartrepro.figures.style import marks_synthetic
from cartrepro.paths import REPO_ROOT, loaded_papers

print("leaked" in globals(), matplotlib.rcParams["lines.linewidth"], pd.get_option("display.precision"))
print(np.array([1 / 3]), os.environ.get("CARTREPRO_LEAK"), os.getcwd() == str(REPO_ROOT) or os.getcwd())
print(loaded_papers(), marks_synthetic())

# %%
warnings.warn("shown in every notebook", UserWarning, stacklevel=1)
pd.DataFrame({"x": [1 / 3]})

# %%
matplotlib.pyplot.plot([0, 1], [0, 1])
'''


def _run(tmp_path: Path, name: str, sources: dict[str, str], fresh: bool, workers: int = 1) -> dict[str, str]:
    folder = tmp_path / name
    work, cache, src = folder / "work", folder / "cache", folder / "src"
    for path in (work, cache, src):
        path.mkdir(parents=True)
    jobs = []
    for stem, text in sources.items():
        (src / f"{stem}.py").write_text(text)
        jobs.append(NotebookJob(stem, src / f"{stem}.py", None, {"data_dir": "data/reconstructed"}, key=stem))
    _run_jobs(jobs, work, cache, workers, fresh_kernels=fresh)
    assert [j.status for j in jobs] == ["executed"] * len(jobs), [j.error for j in jobs]
    staged = {}
    for job in jobs:
        target = folder / f"{job.stem}.staged.ipynb"
        _stage_notebook(cache / f"{job.stem}.ipynb", target, job.parameters, shipped_data=True)
        # a warning names the cell's file, /tmp/ipykernel_<pid>/...: another in every kernel, fresh or not
        staged[job.stem] = re.sub(r"ipykernel_\d+", "ipykernel_PID", target.read_text())
    return staged


def test_a_notebook_after_another_in_one_kernel_equals_a_fresh_kernel(tmp_path):
    alone = _run(tmp_path, "fresh", {"shower": SHOWER}, fresh=True)["shower"]
    after = _run(tmp_path, "shared", {"leaker": LEAKER, "shower": SHOWER}, fresh=False)["shower"]
    twice = _run(tmp_path, "twice", {"shower": SHOWER, "shower_again": SHOWER}, fresh=False)
    cells = json.loads(alone)["cells"]
    printed = "".join("".join(o["text"]) for c in cells for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert printed.startswith("False 1.5 6\n[0.33333333] None True\n{} False\n"), printed
    assert "shown in every notebook" in alone
    counts = [c.get("execution_count") for c in cells if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), counts
    assert after == alone
    assert twice["shower"] == alone and twice["shower_again"] == alone


def test_a_failing_notebook_in_a_shared_kernel_names_its_cell_and_the_next_one_runs(tmp_path):
    folder = tmp_path / "failing"
    work, cache, src = folder / "work", folder / "cache", folder / "src"
    for path in (work, cache, src):
        path.mkdir(parents=True)
    (src / "broken.py").write_text("# %%\nx = 1\n\n# %%\n1 / 0\n")
    (src / "fine.py").write_text("# %%\n'x' in globals()\n")
    jobs = [NotebookJob(s, src / f"{s}.py", None, {}, key=s) for s in ("broken", "fine")]
    _run_jobs(jobs, work, cache, 1, fresh_kernels=False)
    assert jobs[0].status == "failed" and "cell 2 (`1 / 0`): ZeroDivisionError" in jobs[0].error
    assert jobs[1].status == "executed"
    out = json.loads((cache / "fine.ipynb").read_text())["cells"][0]["outputs"]
    assert out[0]["data"]["text/plain"] in ("False", ["False"]) and out[0]["execution_count"] == 1


DRAWER = '''# %%
from cartrepro.figures.style import new_figure

fig, ax = new_figure()
ax.plot([0, 1], [0, 1])
ax.set_title("A figure")
draws = []
connection = fig.canvas.mpl_connect("draw_event", draws.append)

# %%
print(len(draws))
'''


def test_a_figure_is_shown_once_and_drawn_once_per_rendition_in_a_kernel(tmp_path):
    """pyplot's hook after each cell would draw the figure once more for a window the inline backend has
    not got; the page shows only figure_html's two PNGs (wide and phone), one draw each."""
    for fresh in (True, False):
        cells = json.loads(_run(tmp_path, f"drawer-{fresh}", {"drawer": DRAWER}, fresh=fresh)["drawer"])["cells"]
        code = [c for c in cells if c["cell_type"] == "code" and "draws" in "".join(c["source"])]
        outputs = code[0]["outputs"]
        shown = [o for o in outputs if "cr-figure" in "".join(o.get("data", {}).get("text/html", ""))]
        assert len(shown) == len(outputs) == 1 and "image/png" not in shown[0]["data"], outputs
        assert "".join(code[1]["outputs"][0]["text"]) == "2\n", (fresh, code[1]["outputs"])

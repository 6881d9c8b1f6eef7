"""The P1 analysis layer gives exactly the book's P1 numbers (results.json frozen before the refactor), and the
registered pages match their notebooks' parameter cells."""

import ast
import json
import math
from pathlib import Path

import pytest

from cartrepro.analysis import car1922
from cartrepro.analysis.results import NotComputable
from cartrepro.ledger.entries import entry as ledger_entry

ROOT = Path(__file__).resolve().parents[2]
FROZEN = json.loads((ROOT / "tests" / "fixtures" / "results_before_refactor.json").read_text(encoding="utf-8"))


def _close(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(_close, a, b))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@pytest.fixture(scope="module")
def results(shipped_results):
    return shipped_results  # compute_all(SHIPPED_DATA_DIR), made once per session (tests/unit/conftest.py)


def test_compute_all_gives_every_frozen_p1_number(results):
    frozen = {k: v for k, v in FROZEN.items() if k.startswith("p1_")}
    computed = {k: v for k, v in results.values().items() if k.startswith("p1_")}
    assert sorted(computed) == sorted(frozen)
    for ledger_id, expected in frozen.items():
        value = computed[ledger_id]
        if isinstance(expected, dict):
            assert _close(value.value, expected["value"]), ledger_id
            assert value.ci is not None, ledger_id
            assert _close(value.ci[0], expected["ci_low"]) and _close(value.ci[1], expected["ci_high"]), ledger_id
        else:
            assert value.ci is None, ledger_id
            assert _close(value.value, expected), ledger_id


def test_only_the_qualitative_panel_is_not_computable_on_the_shipped_cohort(results):
    reasons = {k: v for k, v in results.not_computable().items() if k.startswith("p1_")}
    assert list(reasons) == ["p1_s4c_serum_mip3a_infiltration"]
    assert all(isinstance(results[k], NotComputable) for k in reasons)


def test_every_p1_id_is_a_ledger_entry_that_is_recorded(results):
    for ledger_id in results:
        if ledger_id.startswith("p1_"):
            assert ledger_entry(ledger_id).kind != "context"


def _parameter_cell(notebook: Path) -> dict[str, object]:
    text = notebook.read_text(encoding="utf-8")
    cell = text.split('# %% tags=["parameters"]\n', 1)[1].split("# %%", 1)[0]
    values = {}
    for node in ast.parse(cell).body:
        assert isinstance(node, ast.Assign), f"{notebook.name}: the parameters cell holds assignments only"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("page", car1922.PAGES, ids=lambda p: p.notebook)
def test_notebook_parameters_repeat_the_page_declaration(page):
    cell = _parameter_cell(ROOT / "notebooks" / f"{page.notebook}.py")
    cell.pop("data_dir")
    assert cell == page.defaults()
    for parameter in page.parameters:
        assert parameter.help
        assert parameter.choices is None or parameter.default in parameter.choices


def test_every_recording_p1_notebook_has_one_page():
    recording = sorted(p.stem for p in (ROOT / "notebooks").glob("p1_*.py")
                       if "record_all(" in p.read_text(encoding="utf-8"))
    assert set(recording) <= {page.notebook for page in car1922.PAGES}


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("p1_*.py")), ids=lambda p: p.stem)
def test_p1_notebooks_are_views(notebook):
    """Short code cells without definitions or branches: the analysis lives in cartrepro.analysis.car1922."""
    text = notebook.read_text(encoding="utf-8")
    cells = [c for c in text.split("# %%")[1:] if not c.startswith(" [markdown]")]
    for cell in cells:
        code = cell.split("\n", 1)[1].strip()
        assert len(code.splitlines()) <= 15, f"{notebook.name}: a code cell of {len(code.splitlines())} lines"
        tree = ast.parse(code)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), notebook.name
            assert not isinstance(node, ast.If | ast.IfExp | ast.Try | ast.While), notebook.name

"""P2 analysis layer: compute_all on the shipped cohort gives the book's numbers from before the refactor,
and each registered page's notebook declares the same parameters as its Page."""

import ast
import json
import math
from pathlib import Path

import pytest

from cartrepro.analysis.cd22 import PAGES

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "tests" / "fixtures" / "results_before_refactor.json"


def _as_json(outcome):
    if outcome.ci is None:
        return outcome.value
    return {"value": outcome.value, "ci_low": outcome.ci[0], "ci_high": outcome.ci[1]}


def _close(expected, got, path):
    if isinstance(expected, dict):
        assert isinstance(got, dict) and expected.keys() == got.keys(), path
        for key in expected:
            _close(expected[key], got[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), path
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            _close(e, g, f"{path}[{i}]")
    elif isinstance(expected, str):
        assert got == expected, path
    else:
        assert isinstance(got, int | float) and not isinstance(got, bool), path
        assert math.isclose(got, expected, rel_tol=0, abs_tol=1e-12), f"{path}: {got!r} != {expected!r}"


@pytest.fixture(scope="module")
def computed(shipped_results):
    return shipped_results  # compute_all(SHIPPED_DATA_DIR), made once per session (tests/unit/conftest.py)


def test_compute_all_gives_every_p2_number_of_the_frozen_results(computed):
    frozen = {k: v for k, v in json.loads(FROZEN.read_text(encoding="utf-8")).items() if k.startswith("p2_")}
    got = {k: _as_json(v) for k, v in computed.values().items() if k.startswith("p2_")}
    assert sorted(got) == sorted(frozen)
    for ledger_id, expected in frozen.items():
        _close(expected, got[ledger_id], ledger_id)


def test_what_the_shipped_cohort_cannot_give_is_stated(computed):
    reasons = {k: v for k, v in computed.not_computable().items() if k.startswith("p2_")}
    assert sorted(reasons) == ["p2_fig2c_cr_by_fusion_genes", "p2_fig2c_cr_by_high_risk_gene_mutations",
                               "p2_fig5d_normal_b"]
    assert all(reasons.values())


def _parameter_cell(notebook: Path) -> dict[str, object]:
    text = notebook.read_text(encoding="utf-8")
    cell = text.split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    values = {}
    for node in ast.parse(cell).body:
        assert isinstance(node, ast.Assign), f"{notebook.name}: only assignments in the parameters cell"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.notebook)
def test_notebook_parameters_repeat_the_page_declaration(page):
    declared = _parameter_cell(ROOT / "notebooks" / f"{page.notebook}.py")
    declared.pop("data_dir")
    assert declared == page.defaults()
    for parameter in page.parameters:
        assert parameter.help
        assert parameter.choices is None or parameter.default in parameter.choices


def test_every_recording_p2_notebook_is_registered():
    recording = {p.stem for p in (ROOT / "notebooks").glob("p2_*.py") if "record_all(" in p.read_text(encoding="utf-8")}
    assert recording == {page.notebook for page in PAGES}


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("p2_*.py")), ids=lambda p: p.stem)
def test_p2_notebooks_are_views(notebook):
    """Short code cells, no functions or classes, no branching or loops on data, one record_all."""
    import jupytext

    cells = [c.source for c in jupytext.read(notebook).cells if c.cell_type == "code"]
    assert all(len(source.splitlines()) <= 15 for source in cells)
    for source in cells:
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.For | ast.While), \
                f"{notebook.name}: {type(node).__name__} in a code cell"
            assert not isinstance(node, ast.If | ast.IfExp), f"{notebook.name}: a branch in a code cell"
    text = notebook.read_text(encoding="utf-8")
    assert text.count("record_all(") == (notebook.stem in {p.notebook for p in PAGES})
    assert "record(" not in text.replace("record_all(", "")

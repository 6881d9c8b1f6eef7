"""The review chapter (issue 11): statistics against frozen R output, the review_ id registry and its hook
into record()/the scorecard, the pages' parameters, and degenerate cohorts.

R fixtures: tests/reference/make_review_inputs.py + make_review_fixtures.R (``make reference``)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cartrepro.analysis.review import PAGES, cutoff_optimism, p1_alternatives, p2_alternatives, screen_multiplicity
from cartrepro.analysis.review.screen import multiplicity, overlap_p
from cartrepro.ledger.review import load_registry
from cartrepro.stats.maxstat import logrank_scores, maxstat_logrank, p_lausen92
from cartrepro.stats.multiplicity import bh_adjust
from cartrepro.stats.optimism import best_marker_auc, bootstrap_indices, harrell_optimism, youden_accuracy
from cartrepro.stats.survival import logrank_test

FIXTURES = Path(__file__).parents[1] / "reference" / "fixtures"
INPUTS = json.loads((FIXTURES / "review_inputs.json").read_text())
R = json.loads((FIXTURES / "review.json").read_text())
NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


@pytest.mark.parametrize("name", sorted(INPUTS["p_values"]))
def test_multiplicity_matches_r(name):
    p, ref = INPUTS["p_values"][name], R["multiplicity"][name]
    np.testing.assert_allclose(bh_adjust(p), ref["q"], rtol=1e-12)
    m = multiplicity(p)
    assert (m.raw_hits, m.bh_survivors, m.bh10_survivors, m.bonferroni_survivors) == (
        ref["raw"], ref["bh05"], ref["bh10"], ref["bonferroni"])
    assert m.min_q == pytest.approx(ref["min_q"], rel=1e-12)


def test_bh_on_the_threshold_rounds_as_r():
    """q = 10/6 x 0.06 is 0.1 in R (n/i * p); m * p / i gives 0.0999..., a survivor R does not count."""
    assert multiplicity(INPUTS["p_values"]["threshold_tie"]).bh10_survivors == 5


@pytest.mark.parametrize("case", R["overlap"], ids=lambda c: f"{c['N']}-{c['K']}-{c['n']}-{c['k']}")
def test_overlap_matches_r_phyper(case):
    expected, p = overlap_p(case["N"], case["K"], case["n"], case["k"])
    assert expected == pytest.approx(case["expected"], rel=1e-12)
    assert p == pytest.approx(case["p"], rel=1e-10, abs=1e-15)


def test_overlap_refuses_impossible_counts():
    with pytest.raises(ValueError, match="impossible overlap"):
        overlap_p(10, 2, 3, 4)


@pytest.mark.parametrize("name", sorted(INPUTS["maxstat"]))
def test_maxstat_matches_r_lau92(name):
    d, ref = INPUTS["maxstat"][name], R["maxstat"][name]
    r = maxstat_logrank(d["time"], d["event"], d["x"], minprop=0.1, maxprop=0.9)
    assert r.statistic == pytest.approx(ref["statistic"], rel=1e-10)
    assert r.cutpoint == pytest.approx(ref["cutpoint"], rel=1e-12)
    assert r.p_value == pytest.approx(ref["p"], rel=1e-10)
    assert r.n_cutpoints == ref["n_cuts"]
    split = logrank_test(d["time"], np.asarray(d["event"], bool), np.asarray(d["x"]) > r.cutpoint)
    assert split.p_value == pytest.approx(ref["best_split_logrank_p"], rel=1e-8)


def test_lausen92_edges():
    assert p_lausen92(0.99) == 1.0
    assert p_lausen92(8.0) == pytest.approx(0.0, abs=1e-12)  # far tail: tiny, never negative
    assert p_lausen92(8.0) >= 0


def test_logrank_scores_without_ties_sum_to_zero_and_follow_hothorn_lausen_with_ties():
    s = logrank_scores([4, 1, 2, 6, 3, 5], [1, 0, 1, 1, 1, 0])
    assert s.sum() == pytest.approx(0.0, abs=1e-12)
    assert s[2] == pytest.approx(1 - 1 / 5)  # first event: 5 at risk at t = 2
    tied = logrank_scores([1, 1, 2], [1, 1, 0])  # g = 2 for both tied events: each adds 1 / (3 - 2 + 1)
    assert tied.tolist() == pytest.approx([0.0, 0.0, -1.0])


def test_maxstat_says_why_without_cutpoints():
    with pytest.raises(ValueError, match="no cutpoint"):
        maxstat_logrank([1, 2, 3, 4], [1, 1, 0, 1], [2.0, 2.0, 2.0, 2.0])


def test_bootstrap_replays_the_fixture_resamples():
    b = INPUTS["bootstrap"]
    cases, controls = bootstrap_indices(len(b["cases"]), len(b["controls"]), b["n_boot"], b["seed"])
    assert cases.tolist() == b["idx_cases"] and controls.tolist() == b["idx_controls"]


@pytest.mark.parametrize("which", ["best_marker_auc", "youden_accuracy"])
def test_harrell_optimism_matches_r(which):
    b, ref = INPUTS["bootstrap"], R["bootstrap"][which]
    x, y = np.array(b["cases"]), np.array(b["controls"])
    strategy = best_marker_auc if which == "best_marker_auc" else youden_accuracy("lower")
    if which == "youden_accuracy":
        x, y = x[:, :1], y[:, :1]
    r = harrell_optimism(x, y, strategy, n_boot=b["n_boot"], seed=b["seed"])
    assert r.apparent == pytest.approx(ref["apparent"], rel=1e-12)
    assert r.optimism == pytest.approx(ref["optimism"], rel=1e-9, abs=1e-12)
    assert r.corrected == pytest.approx(ref["corrected"], rel=1e-12)


def test_harrell_is_deterministic_and_seeded():
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, (8, 5)), rng.normal(0.5, 1, (9, 5))
    a = harrell_optimism(x, y, best_marker_auc, n_boot=50, seed=11)
    assert harrell_optimism(x, y, best_marker_auc, n_boot=50, seed=11).corrected == a.corrected
    assert harrell_optimism(x, y, best_marker_auc, n_boot=50, seed=12).corrected != a.corrected


# ---- the registry and its hook ----------------------------------------------------------------------

def test_registry_ids_are_review_ids_and_cover_the_issue():
    ids = set(load_registry())
    assert all(i.startswith("review_") for i in ids)
    assert {"review_p1_screen_bh_survivors_ball", "review_p1_screen_bh_survivors_bnhl",
            "review_p1_mip3a_auc_optimism_corrected", "review_p1_mip3a_cutoff_maxstat_p"} <= ids


def test_record_accepts_declared_review_ids_only():
    from cartrepro.ledger.record import RECORDED, record

    record("review_p1_screen_overlap_p", 0.012)
    assert RECORDED["review_p1_screen_overlap_p"].value == 0.012
    with pytest.raises(KeyError, match="not declared"):
        record("review_p1_screen_overlap_q", 0.5)


def test_scorecard_leaves_review_ids_to_their_own_section():
    from cartrepro.ledger.scorecard import Computed as Reproduced
    from cartrepro.ledger.scorecard import build_scorecard
    from cartrepro.pages.scorecard import review_markdown

    records = {"review_p1_mip3a_cutoff_maxstat_p": Reproduced(0.112)}
    card = build_scorecard(records, not_computable={"review_p2_alt_flips": "no data"})
    assert not card["id"].str.startswith("review_").any()
    text = review_markdown(records, {"review_p2_alt_flips": "no data"})
    assert "`review_p1_mip3a_cutoff_maxstat_p`" in text and "0.112" in text and "not computable: no data" in text
    assert "match" not in text.split("## Review quantities", 1)[1].lower().split("|")[1]
    with pytest.raises(KeyError, match="not declared"):
        review_markdown({"review_unknown": Reproduced(1)}, {})


def _parameters_cell(notebook: str) -> dict:
    text = (NOTEBOOKS / f"{notebook}.py").read_text(encoding="utf-8")
    cell = text.split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell).body}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.notebook)
def test_review_notebooks_repeat_their_page_parameters(page):
    declared = _parameters_cell(page.notebook)
    assert declared.pop("data_dir") == "data/reconstructed"
    assert declared == page.defaults()


def test_review_notebooks_have_no_definitions_and_short_cells():
    for path in NOTEBOOKS.glob("review_*.py"):
        text = path.read_text(encoding="utf-8")
        assert "\ndef " not in text and "\nclass " not in text, path.name
        for cell in text.split("\n# %%")[1:]:
            if not cell.startswith(" [markdown]"):
                code = [ln for ln in cell.splitlines()[1:] if ln.strip()]
                assert len(code) <= 15, f"{path.name}: a code cell of {len(code)} lines"


# ---- degenerate cohorts ----------------------------------------------------------------------------

@pytest.mark.parametrize("compute", [screen_multiplicity, cutoff_optimism, p1_alternatives, p2_alternatives])
def test_absent_data_gives_reasons_not_errors(compute):
    r = compute(None)
    assert len(r) and not r.values() and all(r.not_computable().values())


def _tiny_p1(n_per_group: int = 4, analytes=("MIP3α", "Eotaxin", "A3")) -> dict:
    """A hand-made P1 cohort: labelled training specimens of three analytes, PFS for everyone."""
    rng = np.random.default_rng(5)
    n = 2 * n_per_group
    pid = [f"P{i:03d}" for i in range(n)]
    patients = pd.DataFrame({"patient_id": pid, "disease": ["b_all", "b_nhl"] * n_per_group,
                             "pfs_day": rng.integers(30, 400, n), "pfs_event": rng.integers(0, 2, n).astype(bool)})
    rows = [{"sample_id": f"S{p}{a}", "patient_id": p, "timepoint": "il6_peak", "cohort": "training", "analyte": a,
             "fold_change": float(rng.lognormal(1, 0.5))} for p in pid for a in analytes]
    return {"patients": patients, "cytokines": pd.DataFrame(rows)}


def test_cutoff_on_a_tiny_cohort(monkeypatch):
    from cartrepro.analysis.car1922 import derive

    tables = _tiny_p1()
    groups = pd.Series(["nr_er", "remission"] * 4, index=tables["patients"].index)
    monkeypatch.setattr(derive, "response_group", lambda patients, window_months=6.0: groups)
    r = cutoff_optimism(tables, n_boot=30, seed=1)
    values = r.values()
    assert 0 <= values["review_p1_mip3a_auc_optimism_corrected"].value <= 1.5
    assert 0 <= values["review_p1_mip3a_cutoff_maxstat_p"].value <= 1
    assert values["review_p1_mip3a_auc_apparent"].value >= 0.5


def test_screen_without_remission_patients_says_why(monkeypatch):
    from cartrepro.analysis.car1922 import derive

    tables = _tiny_p1()
    groups = pd.Series(["nr_er"] * 8, index=tables["patients"].index)
    monkeypatch.setattr(derive, "response_group", lambda patients, window_months=6.0: groups)
    r = screen_multiplicity(tables)
    assert "review_p1_screen_raw_hits_ball" in r.not_computable()
    assert "review_p1_screen_overlap_p" in r.not_computable()


def test_shipped_cohort_gives_the_review_ids_of_the_issue():
    """compute_all's review pages on the shipped cohort: >= 10 review_ values, the two the issue names among
    them; the maximally selected P is larger than the uncorrected one at the same cutpoint."""
    from cartrepro.contract import load_paper
    from cartrepro.paths import SHIPPED_DATA_DIR

    values = {}
    for page in PAGES:
        values.update(page.compute(load_paper(SHIPPED_DATA_DIR, page.paper), **page.defaults()).values())
    assert len(values) >= 10
    assert {"review_p1_mip3a_auc_optimism_corrected", "review_p1_mip3a_cutoff_maxstat_p"} <= set(values)
    assert (values["review_p1_mip3a_cutoff_maxstat_p"].value
            > values["review_p1_mip3a_cutoff_best_split_logrank_p"].value)
    assert values["review_p1_mip3a_auc_optimism_corrected"].value < values["review_p1_mip3a_auc_apparent"].value


@pytest.mark.parametrize("name", sorted(INPUTS["correlation"]))
def test_correlation_p_values_match_r_cor_test(name):
    """Pearson, Spearman (t-approximation) and Kendall (R's exact / normal choice) against R cor.test."""
    from cartrepro.analysis.review.alternatives import correlation_p_panel

    case, ref = INPUTS["correlation"][name], R["correlation"][name]
    panel = correlation_p_panel(case["x"], case["y"])
    got = dict(zip(["pearson", "spearman", "kendall"], panel.itertuples(index=False), strict=True))
    for key, r_key in (("pearson", "pearson_r"), ("spearman", "spearman_rho"), ("kendall", "kendall_tau")):
        assert got[key].statistic == pytest.approx(ref[r_key], rel=1e-9, abs=1e-12)
    for key in ("pearson", "spearman", "kendall"):
        assert got[key].p_value == pytest.approx(ref[f"{key}_p"], rel=1e-6, abs=1e-12)
    assert ("exact P" in got["kendall"].method) == ref["kendall_exact"]


def test_the_correlations_are_in_the_alternatives_table():
    from cartrepro.contract import load_paper
    from cartrepro.paths import SHIPPED_DATA_DIR

    p1 = p1_alternatives(load_paper(SHIPPED_DATA_DIR, "car1922")).frames["alternatives"]
    p2 = p2_alternatives(load_paper(SHIPPED_DATA_DIR, "cd22")).frames["alternatives"]
    for frame, ids in ((p1, {"p1_s3e_corr_p", "p1_s4b_corr_p"}), (p2, {"p2_kin_spearman_il2", "p2_kin_spearman_tnfa"})):
        rows = frame[frame["id"].isin(ids)]
        assert set(rows["id"]) == ids and (rows.groupby("id").size() == 3).all()
        assert set(rows["published_conclusion"]) == {"P < 0.05"}
        assert rows["flips"].to_list() == [not v.startswith("P < 0.05") for v in rows["conclusion"]]
    tnfa = p2[p2["id"] == "p2_kin_spearman_tnfa"].set_index("method")
    ref = R["correlation"]["shipped_p2_kin_spearman_tnfa"]
    assert tnfa.loc["Pearson r, t-test P", "value"] == pytest.approx(ref["pearson_p"], rel=1e-6)
    assert "significantly correlated" in tnfa["published"].iloc[0]


def test_a_correlation_without_pairs_is_skipped_with_its_id():
    import numpy as np
    import pandas as pd

    from cartrepro.contract import load_paper
    from cartrepro.paths import SHIPPED_DATA_DIR

    tables = load_paper(SHIPPED_DATA_DIR, "cd22")
    patients = tables["patients"].copy()
    patients["il2_fold_increase"] = pd.Series(np.nan, index=patients.index, dtype="Float64")
    patients["tnfa_fold_increase"] = pd.Series(2.0, index=patients.index, dtype="Float64")  # no spread
    r = p2_alternatives({**tables, "patients": patients})
    assert {"p2_kin_spearman_il2", "p2_kin_spearman_tnfa"} <= set(r.frames["alternatives_skipped"])
    assert not r.frames["alternatives"]["id"].isin(["p2_kin_spearman_il2", "p2_kin_spearman_tnfa"]).any()

"""The scorecard's evidence column: read from the generators' own declarations, never from a hand-kept table."""

import json
from pathlib import Path

import pytest
import yaml

from cartrepro.ledger.entries import load_ledger
from cartrepro.ledger.evidence import ILLUSTRATIVE_REASON, evidence_from, provenance_files, shipped_evidence
from cartrepro.ledger.scorecard import (
    ASSUMED,
    CONSTRAINED,
    INPUT,
    UNCONSTRAINED,
    Computed,
    build_scorecard,
)
from cartrepro.reconstruct import car1922, cd22
from cartrepro.reconstruct.framework import Assumption, Constraint

FROZEN = Path(__file__).resolve().parents[1] / "fixtures" / "results_before_refactor.json"


def _shipped_provenances() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for paper in ("cd22", "car1922") for p in provenance_files(paper)]


@pytest.fixture(scope="module")
def shipped_card():
    records = {k: Computed.from_json(v) for k, v in json.loads(FROZEN.read_text()).items()}
    return build_scorecard(records).set_index("id")


def test_every_constraint_and_assumption_names_real_ledger_ids():
    ledger = load_ledger()
    provenances = _shipped_provenances()
    assert len(provenances) == 3  # cd22, car1922 clinical, car1922 cytokines
    named = [(item["id"], lid) for prov in provenances
             for item in prov["constraints"] + prov["assumptions"] for lid in item["ledger_ids"]]
    named += [(c.id, lid) for c in cd22.CONSTRAINTS + car1922.CONSTRAINTS for lid in c.ledger_ids]
    named += [(a.id, lid) for a in cd22.ASSUMPTIONS + car1922.ASSUMPTIONS for lid in a.ledger_ids]
    unknown = sorted({(source, lid) for source, lid in named if lid not in ledger})
    assert unknown == []


def test_every_constraint_and_assumption_declares_its_evidence_in_the_provenance():
    for prov in _shipped_provenances():
        assert {c["evidence"] for c in prov["constraints"]} <= {INPUT, CONSTRAINED}, prov["generator"]
        assert {a["evidence"] for a in prov["assumptions"]} <= {"", ASSUMED, "illustrative"}, prov["generator"]


def test_every_data_entry_of_the_shipped_cohort_has_an_evidence_class(shipped_card):
    data = shipped_card[shipped_card["kind"] == "data"]
    unclassed = data[(data["evidence"] == "") & ~data["reason"].str.startswith("illustrative")]
    assert list(unclassed.index) == []
    assert set(data["evidence"]) <= {INPUT, CONSTRAINED, ASSUMED, UNCONSTRAINED}


def test_figure_4c_needs_the_eighth_event(shipped_card):
    row = shipped_card.loc["p2_fig4c_lfs_1y"]
    assert row["match"] == "matches" and row["evidence"] == ASSUMED
    assert "eighth_event" in row["reason"] and "not stated" in row["reason"]


@pytest.mark.parametrize("ledger_id", ["p2_fig2c_cr_by_previous_transplantation", "p2_fig2c_cr_by_disease_burden",
                                       "p2_fig3c_severe_ae_by_subgroup"])
def test_subgroup_panels_are_illustrative_with_no_evidence(shipped_card, ledger_id):
    row = shipped_card.loc[ledger_id]
    assert row["evidence"] == "" and row["reason"] == ILLUSTRATIVE_REASON
    assert row["match"] == "no published value"


@pytest.mark.parametrize("ledger_id", [
    "p2_fig2a_pr_mass_before", "p2_death_vod_mrdneg_day", "p2_death_asperg_eval_day", "p2_death_dli_days_before",
    "p2_fig5_relapse_pt13", "p2_base_age_min", "p2_ltf_hct_day_median", "p2_fig4a_remission_max",
    "p1_t1_age_min_ball", "p1_fc_max_mip3a"])
def test_facts_the_generator_writes_into_rows_are_inputs(shipped_card, ledger_id):
    row = shipped_card.loc[ledger_id]
    assert row["evidence"] == INPUT
    assert "not evidence" in row["reason"]


@pytest.mark.parametrize("ledger_id", ["p2_fig4a_lfs_1y", "p2_fig2a_cr_hr", "p2_dose_p", "p2_kin_spearman_il2",
                                       "p1_s3a_os12_ball", "p1_fig1h_mw_p", "p1_fig1d_auc_mip3a"])
def test_searched_numbers_are_constrained(shipped_card, ledger_id):
    assert shipped_card.loc[ledger_id, "evidence"] == CONSTRAINED


def test_on_other_data_there_is_no_evidence():
    card = build_scorecard({"p2_fig4c_lfs_1y": Computed(58.1, 35.2, 81.0)}, reference_papers=(), papers=["cd22"])
    assert set(card["evidence"]) == {""}
    assert card.set_index("id").loc["p2_fig4c_lfs_1y", "match"] == "matches"


def test_overlapping_declarations_keep_the_weaker_claim():
    prov = {
        "constraints": [
            {"id": "search", "ledger_ids": ["x_a", "x_b", "x_c"], "target": "t", "evidence": CONSTRAINED},
            {"id": "written", "ledger_ids": ["x_b"], "target": "t", "evidence": INPUT},
        ],
        "assumptions": [
            {"id": "unstated", "text": "an event nobody reports", "ledger_ids": ["x_a", "x_b"], "evidence": ASSUMED},
            {"id": "draws", "text": "membership drawn", "ledger_ids": ["x_d"], "evidence": "illustrative"},
            {"id": "choice", "text": "ids permuted", "ledger_ids": ["x_c"], "evidence": ""},
        ],
    }
    got = evidence_from([prov])
    assert got["x_a"].kind == ASSUMED and "unstated" in got["x_a"].reason
    assert got["x_b"].kind == INPUT
    assert got["x_c"].kind == CONSTRAINED
    assert got["x_d"].kind == "" and got["x_d"].reason == ILLUSTRATIVE_REASON


def test_an_unknown_evidence_kind_is_refused():
    with pytest.raises(ValueError, match="unknown evidence"):
        evidence_from([{"constraints": [{"id": "c", "ledger_ids": ["x"], "evidence": "proven"}]}])
    with pytest.raises(ValueError, match="evidence must be one of"):
        Constraint("c", "t", lambda t: ("", True), ("x",), evidence="assumed")
    with pytest.raises(ValueError, match="evidence must be one of"):
        Assumption("a", "t", ("x",), evidence="input")


def test_shipped_evidence_reads_both_papers():
    both = shipped_evidence(("car1922", "cd22"))
    assert both["p2_fig4c_lfs_1y"].kind == ASSUMED
    assert both["p1_fc_median_mip3a"].kind == INPUT

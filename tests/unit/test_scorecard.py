"""Match at the printed precision on any data, evidence on the shipped cohort, the ledger link to
inconsistencies, and the project's ledger copy."""

from pathlib import Path

import pytest
import yaml

from cartrepro.ledger.entries import Entry, load_ledger, published_numbers
from cartrepro.ledger.scorecard import (
    DIFFERS,
    MATCH_VALUES,
    MATCHES,
    NO_PUBLISHED_VALUE,
    NOT_COMPUTABLE,
    NOT_RECORDED,
    SCORECARD_COLUMNS,
    UNATTAINABLE,
    Computed,
    build_scorecard,
    format_for_prose,
    match,
    round_half_up,
    summary_lines,
)

Reproduced = Computed


def verdict(entry, rep, **kw):
    return match(entry, rep, **kw)

SHARED_LEDGER = Path(__file__).resolve().parents[3] / "shared" / "ledger"


def test_round_half_up_is_not_bankers_rounding():
    assert str(round_half_up(0.125, 2)) == "0.13"  # round() would give 0.12
    assert str(round_half_up(26.15, 1)) == "26.2"
    assert str(round_half_up(9.099999999999998, 1)) == "9.1"


@pytest.mark.parametrize(("value", "expected"), [
    (71.6, ["71.6"]), (10, ["10"]), (0.0, ["0.0"]), ("6, 6.6, 14", ["6", "6.6", "14"]),
    ("4 of 7", ["4", "7"]), ("10.0 x 5.3 x 5.9", ["10.0", "5.3", "5.9"]), ("no significant differences", None),
])
def test_published_numbers_keep_the_printed_precision(value, expected):
    assert published_numbers(value) == expected


def test_the_three_figure4_numbers_match_at_printed_precision():
    ledger = load_ledger()
    v, _ = verdict(ledger["p2_fig4a_lfs_1y"], Reproduced(71.6, 44.1605, 99.0395))
    assert v == MATCHES
    # 26.1 (unrounded Greenwood) is not the printed 26.2
    v, reason = verdict(ledger["p2_fig4b_relapse_1y"], Reproduced(9.0909, 0.0, 26.08))
    assert v == DIFFERS and "26.1" in reason


def test_a_value_off_in_the_printed_digit_differs_and_names_both_numbers():
    v, reason = verdict(load_ledger()["p2_ltf_hct_day_median"], Reproduced(56))
    assert v == DIFFERS
    assert "printed 55" in reason and "computed 56" in reason


def test_the_paper_truncating_24_of_34_is_unattainable_as_printed():
    entry = load_ledger()["p2_resp_cr_enrolled"]
    assert entry.inconsistency is not None and entry.inconsistency.id == "pct_24_34"
    assert entry.inconsistency.expected_for(entry.id) == "70.6"
    v, reason = verdict(entry, Reproduced(100 * 24 / 34))
    assert v == UNATTAINABLE
    assert "70.6" in reason and "truncated" in reason and "24/34 = 70.588%" in reason


def _flagged():
    """Entries whose printed digits no data can give (they name the value the data give instead)."""
    return [e for e in load_ledger().values()
            if e.inconsistency is not None and e.inconsistency.expected_for(e.id) is not None]


def test_every_printed_unreachable_entry_names_the_value_the_data_give():
    flagged = _flagged()
    assert {e.id for e in flagged} >= {"p2_resp_cr_enrolled", "p1_female_pct", "p2_disc_mrdneg_evaluated",
                                        "p1_age_ge18_pct", "p1_relapse_bnhl_pct", "p1_early_relapse_pct"}
    for e in flagged:
        assert verdict(e, Reproduced(float(e.inconsistency.expected_for(e.id))))[0] == UNATTAINABLE, e.id
    # the Table 1 count linked to the same item prints a reachable number: no expected value applies
    t1 = load_ledger()["p1_t1_relapse_bnhl"]
    assert t1.inconsistency.id == "relapse_bnhl_52_7" and t1.inconsistency.expected_for(t1.id) is None
    assert verdict(t1, Reproduced(40.5))[0] == DIFFERS


@pytest.mark.parametrize("entry_id", [e.id for e in _flagged()])
def test_a_wrong_value_on_a_flagged_entry_differs(entry_id):
    """The bug of issue 10: any mismatch on a flagged entry used to come back 'inconsistent'."""
    entry = load_ledger()[entry_id]
    expected = float(entry.inconsistency.expected_for(entry_id))
    printed = entry.published_numbers()[0]
    published = float(printed)
    step = 10.0 ** -(len(printed.split(".")[1]) if "." in printed else 0)  # one unit in the printed digit
    for wrong in (expected + step, expected - step, expected + 1, 0.0, 100.0, published + 7):
        if wrong in (expected, published):
            continue
        v, reason = verdict(entry, Reproduced(wrong))
        assert v == DIFFERS, (entry_id, wrong)
        assert reason.startswith("printed"), reason
    # edited cohorts: 23 of 34 in CR, 49 of 119 female
    if entry_id == "p2_resp_cr_enrolled":
        assert verdict(entry, Reproduced(100 * 23 / 34))[0] == DIFFERS
    if entry_id == "p1_female_pct":
        assert verdict(entry, Reproduced(100 * 49 / 119))[0] == DIFFERS
        assert verdict(entry, Reproduced(10.0))[0] == DIFFERS


def test_an_entry_whose_resolution_names_no_value_differs_on_any_mismatch():
    entry = load_ledger()["p2_fig4c_lfs_1y"]  # linked to fig4c_eighth_event, which names no expected value
    assert entry.inconsistency is not None and entry.inconsistency.expected_for(entry.id) is None
    assert verdict(entry, Reproduced(58.1, 35.2, 81.0))[0] == MATCHES
    assert verdict(entry, Reproduced(54.2, 31.0, 77.4))[0] == DIFFERS  # without the eighth event


def test_crs_within_one_week_is_unattainable_only_with_the_vod_patients_ten_days():
    entry = load_ledger()["p2_crs_g12_resolved_within"]
    assert verdict(entry, Reproduced(10.0))[0] == UNATTAINABLE
    assert verdict(entry, Reproduced(7.0))[0] == MATCHES
    assert verdict(entry, Reproduced(11.0))[0] == DIFFERS


def test_a_flagged_entry_without_an_expected_value_is_refused(tmp_path):
    bad = {"entries": [{"id": "x_a", "kind": "data", "value": 1, "printed": "1"}],
           "inconsistencies": [{"id": "i", "issue": "a", "resolution": "b", "printed_unreachable": True}]}
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(bad))
    with pytest.raises(ValueError, match="names no expected value"):
        load_ledger(tmp_path)


def test_lists_compare_elementwise_and_by_length():
    entry = load_ledger()["p2_ltf_nft_remission_times"]  # 6, 6.6, 14
    assert verdict(entry, Reproduced([6.045, 6.604, 13.996]))[0] == MATCHES
    assert verdict(entry, Reproduced([6.045, 6.704, 13.996]))[0] == DIFFERS
    assert verdict(entry, Reproduced([6.045, 6.604]))[0] == DIFFERS


def test_a_missing_ci_does_not_match():
    assert verdict(load_ledger()["p2_fig4c_lfs_1y"], Reproduced(58.1))[0] == DIFFERS


def test_other_verdicts():
    ledger = load_ledger()
    assert verdict(ledger["p2_n_poc"], None)[0] == NOT_RECORDED
    assert verdict(ledger["p2_n_poc"], None, not_computable="no enrollment column")[0] == NOT_COMPUTABLE
    assert verdict(ledger["p2_fig2c_cr_by_fusion_genes"], Reproduced(50.0))[0] == NO_PUBLISHED_VALUE
    v, reason = verdict(ledger["p2_dose_p"], Reproduced(0.001))
    assert v == MATCHES and reason.startswith("construction:")


def test_scorecard_rejects_ids_that_are_not_in_the_ledger():
    with pytest.raises(KeyError, match="p2_fig4a_lfs_1yy"):
        build_scorecard({"p2_fig4a_lfs_1yy": Reproduced(1.0)})


def test_scorecard_on_user_data_gives_match_and_no_evidence():
    card = build_scorecard({"p2_n_poc": Reproduced(14), "p2_n_trial": Reproduced(19)}, reference_papers=(),
                           papers=["cd22"])
    assert list(card.columns) == SCORECARD_COLUMNS
    assert set(card["paper"]) == {"cd22"}
    assert "context" not in set(card["kind"])
    rows = card.set_index("id")
    assert rows.loc["p2_n_poc", "match"] == MATCHES
    assert rows.loc["p2_n_trial", "match"] == DIFFERS
    assert rows.loc["p2_n_enrolled", "match"] == NOT_RECORDED
    assert set(card["evidence"]) == {""}
    assert set(card["match"]) <= set(MATCH_VALUES)
    assert not any("reproduced" in line for line in summary_lines(card))


def test_prose_format():
    ledger = load_ledger()
    assert format_for_prose(ledger["p2_fig4a_lfs_1y"], Reproduced(71.6, 44.16, 99.04)) == "71.6% (95% CI 44.2–99.0)"
    assert format_for_prose(ledger["p2_ltf_cr_hct"], Reproduced(11)) == "11"


def test_entry_kinds_are_known():
    assert {e.kind for e in load_ledger().values()} <= {"data", "construction", "figure_only", "context"}
    assert isinstance(load_ledger()["p2_n_poc"], Entry)


@pytest.mark.skipif(not SHARED_LEDGER.is_dir(), reason="the shared ledger is not beside this clone")
@pytest.mark.parametrize("name", ["p1_car1922.yaml", "p2_cd22.yaml"])
def test_project_ledger_holds_every_shared_entry_with_the_same_value(name):
    shared = yaml.safe_load((SHARED_LEDGER / name).read_text())
    ours = load_ledger()
    for item in shared["entries"]:
        assert item["id"] in ours, item["id"]
        assert ours[item["id"]].value == item.get("value"), item["id"]
        assert ours[item["id"]].kind == item["kind"], item["id"]


def test_ci_bounds_keep_the_printed_trailing_zeros():
    from cartrepro.ledger.entries import printed_literal

    assert printed_literal("60.7", "78.86% (95% CI 60.70–89.32%)") == "60.70"
    assert printed_literal("60.7", "60.75") == "60.7"  # another number: left alone
    entry = next(e for e in load_ledger().values() if e.has_ci and "60.70" in e.printed)
    assert entry.ci_literals()[0] == "60.70"
    # at the printed 2 decimals, 60.694 is 60.69: it must not pass as the printed 60.70
    assert verdict(entry, Reproduced(entry.value, 60.694, entry.ci_high))[0] == DIFFERS
    assert verdict(entry, Reproduced(entry.value, 60.704, entry.ci_high))[0] == MATCHES


def test_one_half_up_rounder_and_one_printed_precision_for_the_whole_project():
    from cartrepro.ledger import scorecard
    from cartrepro.reconstruct import car1922, car1922_cytokines, cd22
    from cartrepro.stats import rounding

    assert scorecard.round_half_up is rounding.round_half_up
    for module in (car1922, car1922_cytokines, cd22):
        assert getattr(module, "round_half_up", rounding.round_half_up) is rounding.round_half_up
        assert getattr(module, "prints", rounding.prints) is rounding.prints
    assert rounding.printed_decimals("60.70") == 2 and rounding.printed_decimals("55") == 0
    assert rounding.prints(0.0954, "0.0954") and not rounding.prints(0.09535, "0.0953")
    assert rounding.spss_round(2.675, 2) == float(rounding.round_half_up(2.675, 2)) == 2.68


def test_generators_read_their_printed_targets_from_the_ledger():
    from cartrepro.reconstruct import car1922, cd22

    ledger = load_ledger()
    for key, ledger_id in car1922.KM_IDS.items():
        e = ledger[ledger_id]
        assert car1922.KM_TARGETS[key] == (e.value, e.ci_low, e.ci_high)
    assert car1922.CRS_LOGRANK_P == ledger["p1_s3l_crs_logrank_p"].value
    assert {c.target for c in cd22.FIGURE4_CONSTRAINTS} == {"71.6 (44.2-99.0)", "9.1 (0.0-26.2)", "58.1 (35.2-81.0)"}
    assert cd22.printed("p2_fig2b_p_expansion_response") == "0.048"

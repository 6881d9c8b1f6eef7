"""P1 analysis functions on small hand-written cohorts: a value or a stated reason for every id, never an
exception or NaN (issue 13), and results that do not depend on the order of the rows."""

import math

import pandas as pd
import pytest

from cartrepro.analysis import car1922
from cartrepro.analysis.car1922 import mip3a, relapse, screen, survival
from cartrepro.analysis.car1922.examples import tables_from_csv, tiny_cohort
from cartrepro.analysis.results import NotComputable, Value
from cartrepro.contract import load_paper
from cartrepro.paths import SHIPPED_DATA_DIR

HEADER = ("patient_id,disease,age_years,sex,prior_hsct,prior_lines,disease_status,cns_involvement,tp53_mutation,"
          "car19_dose,car22_dose,il6_max_pg_ml,ferritin_max_ug_l,il6_peak_day,crs_grade,outcome,excluded_reason,"
          "relapse_day,pfs_day,pfs_event,os_day,os_event,followup_day")


def patient(pid, disease="b_all", outcome="remission", *, relapse=None, pfs=300, pfs_event=False, os_day=None,
            os_event=False, crs=1, reason=""):
    """One patients.csv line; follow-up ends at the last of the days given."""
    os_day = pfs if os_day is None else os_day
    followup = max(pfs, os_day)
    return (f"{pid},{disease},40,female,none,2,refractory,false,false,1.0,1.0,100,1000,4,{crs},{outcome},{reason},"
            f"{'' if relapse is None else relapse},{pfs},{str(pfs_event).lower()},{os_day},"
            f"{str(os_event).lower()},{followup}")


def cohort(*rows, cytokines=None, tissue=None):
    texts = {"patients": "\n".join([HEADER, *rows]) + "\n"}
    if cytokines is not None:
        texts["cytokines"] = "sample_id,patient_id,timepoint,cohort,assay,analyte,fold_change\n" + cytokines
    if tissue is not None:
        texts["tissue"] = "specimen_id,patient_id,tissue,cd3_infiltration\n" + tissue
    return tables_from_csv(texts)


@pytest.fixture(scope="module")
def shipped():
    return load_paper(SHIPPED_DATA_DIR, "car1922")


@pytest.fixture(scope="module")
def shipped_ids(shipped):
    return {page.notebook: set(page.compute(shipped, **page.defaults())) for page in car1922.PAGES}


def assert_value_or_reason(results):
    for ledger_id, outcome in results.items():
        assert isinstance(outcome, Value | NotComputable), ledger_id
        if isinstance(outcome, NotComputable):
            assert outcome.reason, ledger_id
            continue
        numbers = outcome.value if isinstance(outcome.value, list) else [outcome.value]
        numbers = [*numbers, *(outcome.ci or ())]
        assert all(isinstance(v, str) or math.isfinite(v) for v in numbers), ledger_id


# ----- degenerate cohorts, each through every page --------------------------------------------------

ONE_PER_GROUP = cohort(patient("A", "b_all", "no_response", pfs=30, pfs_event=True),
                       patient("B", "b_nhl", "remission", pfs=400))
NO_EVENTS = cohort(patient("A", "b_all", pfs=300), patient("B", "b_all", pfs=200), patient("C", "b_nhl", pfs=500))
NOBODY_RESPONDS = cohort(patient("A", "b_all", "no_response", pfs=20, pfs_event=True, os_day=90, os_event=True),
                         patient("B", "b_nhl", "no_response", pfs=20, pfs_event=True, os_day=90, os_event=True, crs=3))
ALL_EXCLUDED = cohort(patient("A", "b_all", "excluded", reason="bridge_to_hsct", pfs=60),
                      patient("B", "b_nhl", "excluded", reason="lost_to_follow_up", pfs=30))
ONE_DISEASE = cohort(patient("A", "b_nhl", "relapse", relapse=100, pfs=100, pfs_event=True),
                     patient("B", "b_nhl", "relapse", relapse=100, pfs=100, pfs_event=True, crs=4))
TIED_CYTOKINES = cohort(
    patient("A", "b_all", "no_response", pfs=30, pfs_event=True), patient("B", "b_all", pfs=400),
    patient("C", "b_nhl", "relapse", relapse=90, pfs=90, pfs_event=True), patient("D", "b_nhl", pfs=500),
    cytokines="".join(f"S{p},{p},il6_peak,{c},x,{a},2.0\n" for p, c in (("A", "training"), ("B", "training"),
                                                                   ("C", "validation"), ("D", "validation"))
                      for a in ("MIP3α", "Eotaxin")),
    tissue="T1,A,tumour,5\nT2,B,tumour,5\nT3,C,tumour,5\n")
COHORTS = {"example": tiny_cohort(), "example without optional tables": tiny_cohort(with_cytokines=False,
                                                                                  with_tissue=False),
           "one patient per group": ONE_PER_GROUP, "no events": NO_EVENTS, "nobody responds": NOBODY_RESPONDS,
           "everyone excluded": ALL_EXCLUDED, "one disease": ONE_DISEASE, "tied cytokines": TIED_CYTOKINES}


@pytest.mark.parametrize("name", list(COHORTS))
@pytest.mark.parametrize("page", car1922.PAGES, ids=lambda p: p.notebook)
def test_every_page_gives_a_value_or_a_reason_for_each_of_its_ids(name, page, shipped_ids):
    results = page.compute(COHORTS[name], **page.defaults())
    assert_value_or_reason(results)
    assert set(results) == shipped_ids[page.notebook]


# ----- the failures of issue 13, one by one ---------------------------------------------------------

def test_relapse_shares_of_a_disease_without_relapse_are_not_computable():
    # was: ZeroDivisionError in p1_fig1ab_relapse_timing (k / number of relapses of the disease)
    r = relapse.relapse_timing(tiny_cohort())
    assert r.not_computable()["p1_fig1b_relapse_0_6m_bnhl"] == ("no B-NHL patient relapsed: no share of relapses "
                                                                 "per window")
    assert r.value("p1_fig1b_relapse_0_6m_ball") == 100.0
    assert r.value("p1_fig1b_freq_per_6m") == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_screen_values_are_finite_on_the_example_cohort():
    # was: "non-finite value recorded" in p1_fig1c_screen (MIP3a spelled without α: an empty median)
    r = screen.compute(tiny_cohort())
    assert r.value("p1_fc_median_mip3a") == pytest.approx(5.3)
    assert r.value("p1_s4_mw_p_mip3a") == 1.0
    assert r.not_computable()["p1_s4_other_60_p"] == "no other training analyte could be tested"


def test_correlations_with_fewer_than_three_pairs_are_not_computable():
    # was: "Pearson's correlation needs at least 3 pairs" in p1_fig1fi_mip3a (2 tissue specimens)
    r = mip3a.tissue_panel(tiny_cohort())
    assert r.value("p1_s4b_tissue_n") == 2
    assert r.not_computable()["p1_s4b_corr_p"] == "2 tumour specimens: a correlation needs at least 3"
    tied = mip3a.tissue_panel(TIED_CYTOKINES)
    assert "single value" in tied.not_computable()["p1_s4b_corr_r"]


def test_crs_log_rank_with_one_group_is_not_computable():
    # was: "the log-rank test needs at least 2 groups" in p1_survival (no B-NHL patient with CRS >= 3)
    r = survival.crs_comparison(tiny_cohort())
    assert r.not_computable()["p1_s3l_crs_logrank_p"] == ("B-NHL patients all have CRS grade 0-2: the log-rank "
                                                           "test needs two groups")
    no_events = survival.crs_comparison(cohort(patient("A", "b_nhl", crs=1), patient("B", "b_nhl", crs=3)))
    assert no_events.not_computable()["p1_s3l_crs_logrank_p"].startswith("no event among the B-NHL patients")


def test_a_tied_marker_has_no_cutoff_and_says_so():
    r = mip3a.training_and_validation(TIED_CYTOKINES)
    assert r.value("p1_fig1f_mw_p") == 1.0
    assert r.not_computable()["p1_fig1g_logrank_p"] == ("no finite threshold separates NR/ER from remission in the "
                                                         "training cohort")


def test_a_fixed_cutoff_is_used_for_both_cohorts():
    r = mip3a.training_and_validation(tiny_cohort(), analyte="MIP3a", cutoff=5.0)
    assert r.frames["cutoff"] == 5.0
    # training: EX01 (remission) 2.5 is below 5.0, EX02 (NR/ER) 8.1 above; one event (EX02, day 150)
    assert r.value("p1_fig1g_logrank_p") == pytest.approx(0.31731050786291115)


# ----- row order ------------------------------------------------------------------------------------

def _shuffled(tables, seed):
    return {name: frame.sample(frac=1.0, random_state=seed).reset_index(drop=True) for name, frame in tables.items()}


def test_subgroup_screen_text_does_not_depend_on_the_order_of_cytokine_rows(shipped):
    # was: "Eotaxin and MIP3α" when Eotaxin's rows came first (order of first appearance)
    reversed_rows = {**shipped, "cytokines": shipped["cytokines"].iloc[::-1].reset_index(drop=True)}
    assert screen.subgroup_screen(reversed_rows).value("p1_fig1c_subgroup_screen") == "MIP3α and Eotaxin"
    assert screen.subgroup_screen(shipped).value("p1_fig1c_subgroup_screen") == "MIP3α and Eotaxin"


def test_every_p1_result_is_the_same_on_shuffled_rows(shipped):
    before = car1922.compute_all(shipped)
    after = car1922.compute_all(_shuffled(shipped, seed=20261201))
    assert before.outcomes == after.outcomes


def test_ties_in_the_intersection_order_are_broken_by_name():
    # 4 NR/ER (low values) vs 4 in remission (high values) per disease: exact P = 2/70 for both analytes
    rows = [patient(f"{d}{i}", d, "no_response" if i < 4 else "remission", pfs=30 if i < 4 else 400,
                    pfs_event=i < 4) for d in ("b_all", "b_nhl") for i in range(8)]
    values = "".join(f"S{d}{i},{d}{i},il6_peak,training,x,{a},{(1 + i) * (1 if i < 4 else 10)}\n"
                     for d in ("b_all", "b_nhl") for i in range(8) for a in ("Zeta", "Alpha"))
    tables = cohort(*rows, cytokines=values)
    shuffled = {**tables, "cytokines": tables["cytokines"].iloc[::-1].reset_index(drop=True)}
    for t in (tables, shuffled):
        assert screen.subgroup_screen(t).value("p1_fig1c_subgroup_screen") == "Alpha and Zeta"


def test_a_patient_with_two_specimens_uses_the_smallest_sample_id():
    tables = cohort(patient("A", "b_all", "no_response", pfs=30, pfs_event=True), patient("B", "b_all"),
                    cytokines="S2,A,il6_peak,training,x,MIP3α,9.0\nS1,A,il6_peak,training,x,MIP3α,1.0\n"
                              "S3,B,il6_peak,training,x,MIP3α,5.0\n")
    frame = car1922.cytokines.peak_table(tables["cytokines"], tables["patients"], "training", "MIP3a")
    assert frame["fold_change"].tolist() == [1.0, 5.0]
    assert screen.specimens(tables).value("p1_n_specimens_peak") == 2


def test_analyte_spellings_are_one_analyte():
    assert pd.Series(["MIP3α", "MIP3a", "mip-3A"]).map(car1922.cytokines.analyte_key).nunique() == 1


def test_validation_sensitivity_needs_only_the_nr_er_group():
    # was: both declared not computable when the validation cohort had no remission specimen (R oracle finding)
    tables = cohort(patient("A", "b_all", "no_response", pfs=30, pfs_event=True), patient("B", "b_all"),
                    patient("C", "b_nhl", "no_response", pfs=40, pfs_event=True),
                    patient("D", "b_nhl", "no_response", pfs=50, pfs_event=True),
                    cytokines="S1,A,il6_peak,training,x,MIP3α,1.0\nS2,B,il6_peak,training,x,MIP3α,5.0\n"
                              "S3,C,il6_peak,validation,x,MIP3α,2.0\nS4,D,il6_peak,validation,x,MIP3α,4.0\n")
    r = mip3a.training_and_validation(tables)
    assert r.frames["cutoff"] == 3.0
    assert r.value("p1_s3m_sens_val") == 50.0
    assert r.not_computable()["p1_s3m_spec_val"] == "the remission group has no validation MIP3α value"

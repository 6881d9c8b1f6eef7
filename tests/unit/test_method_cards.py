"""Ledger entries -> methods-chapter cards (cartrepro.methods.cards)."""

from __future__ import annotations

import re

import pytest
from docutils.nodes import make_id

from cartrepro.ledger.entries import load_ledger
from cartrepro.methods.cards import CARDS, card_for, card_href, card_key, section_anchor
from cartrepro.paths import REPO_ROOT

SURVIVAL = "notebooks/methods_survival"
DESCRIPTIVE = "notebooks/methods_descriptive_tests"
DIAGNOSTICS = "notebooks/methods_diagnostics"
METHODS_PAGES = (SURVIVAL, DESCRIPTIVE, DIAGNOSTICS)


def _headings(docname: str) -> list[str]:
    """The ``## `` section titles of a py:percent methods notebook (markdown lines ``# ## Title``)."""
    text = (REPO_ROOT / f"{docname}.py").read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^# ## (.+)$", text, flags=re.MULTILINE)]


def test_anchor_slug_is_docutils_make_id():
    for title in ["Card 1 · Kaplan-Meier estimator with Greenwood variance",
                  "Card 3 · SPSS's 3-decimal table: why 26.2 and not 26.1",
                  "Card 4 · 1 − Kaplan-Meier versus the competing-risks cumulative incidence",
                  "Card 2 · Confidence-interval transforms: plain, log, log-log", "At a glance", "Ünïcode ßtraße"]:
        assert section_anchor(title) == make_id(title)
    assert section_anchor("Card 3 · SPSS's 3-decimal table: why 26.2 and not 26.1") == \
        "card-3-spss-s-3-decimal-table-why-26-2-and-not-26-1"


@pytest.mark.parametrize("key", sorted(CARDS))
def test_every_card_is_a_section_of_its_notebook(key):
    card = CARDS[key]
    titles = _headings(card.docname)
    assert card.title in titles, f"{card.title!r} is not a heading of {card.docname}.py"
    assert card.anchor == section_anchor(card.title)
    # anchors are unique within a page (Sphinx would rename a duplicate to id1, id2 ...)
    assert [section_anchor(t) for t in titles].count(card.anchor) == 1


@pytest.mark.parametrize("docname", METHODS_PAGES)
def test_each_methods_page_has_cards_with_anchors_among_its_headings(docname):
    anchors = {section_anchor(t) for t in _headings(docname)}
    cards = [c for c in CARDS.values() if c.docname == docname]
    assert cards, f"no card points to {docname}"
    assert {c.anchor for c in cards} <= anchors
    assert {c.docname for c in CARDS.values()} == set(METHODS_PAGES)


@pytest.mark.parametrize("paper", ["cd22", "car1922"])
def test_every_data_entry_maps_to_a_card(paper):
    data = [e for e in load_ledger().values() if e.paper == paper and e.kind == "data"]
    assert data
    unmapped = [e.id for e in data if card_for(e) is None]
    share = 1 - len(unmapped) / len(data)
    assert share == 1.0, f"unmapped {paper} data entries: {unmapped}"


def test_every_card_target_is_an_existing_anchor():
    # what the comparison tables link to: each (docname, anchor) of a mapped entry is a heading of its page
    anchors = {docname: {section_anchor(t) for t in _headings(docname)} for docname in METHODS_PAGES}
    for e in load_ledger().values():
        target = card_for(e)
        if target is not None:
            docname, anchor = target
            assert anchor in anchors[docname], (e.id, target)


def test_p1_cytokine_numbers_use_the_diagnostics_page():
    ledger = load_ledger()
    diag = {e.id for e in ledger.values()
            if e.paper == "car1922" and e.kind == "data" and card_key(e) is not None
            and CARDS[card_key(e)].docname == DIAGNOSTICS}
    # the ten screen P values, Fig 1f/1h, the screen count, the ROC numbers and both Pearson correlations
    assert {f"p1_s4_mw_p_{s}" for s in ("mip3a", "eotaxin", "epo", "tslp", "mcp4", "il17f", "il17a", "mdc", "tpo",
                                        "sdf1a")} <= diag
    assert {"p1_fig1f_mw_p", "p1_fig1h_mw_p", "p1_n_screen_hits", "p1_fig1d_auc_mip3a", "p1_fig1d_auc_eotaxin",
            "p1_fig1e_cutoff_mip3a", "p1_fig1e_cutoff_eotaxin", "p1_s3m_sens_val", "p1_s3m_spec_val",
            "p1_s3e_corr_r", "p1_s3e_corr_p", "p1_s4b_corr_r", "p1_s4b_corr_p"} <= diag
    assert len(diag) == 27  # the above plus the four training sensitivities and specificities


def test_context_entries_have_no_card():
    assert all(card_for(e) is None for e in load_ledger().values() if e.kind == "context")


@pytest.mark.parametrize(("ledger_id", "expected"), [
    ("p2_fig4a_lfs_1y", (SURVIVAL, "card-1-kaplan-meier-estimator-with-greenwood-variance")),
    ("p2_fig4b_relapse_1y", (SURVIVAL, "card-4-1-kaplan-meier-versus-the-competing-risks-cumulative-incidence")),
    ("p2_resp_cr_enrolled", (DESCRIPTIVE, "card-1-counts-and-percentages")),
    ("p2_fig2a_derived_nr", (DESCRIPTIVE, "card-1-counts-and-percentages")),
    ("p2_n_enrolled", (DESCRIPTIVE, "card-1-counts-and-percentages")),
    ("p2_base_age_median", (DESCRIPTIVE, "card-2-medians-and-ranges")),
    ("p2_ltf_nft_remission_times", (DESCRIPTIVE, "card-2-medians-and-ranges")),
    ("p2_fig2c_cr_by_disease_burden", (DESCRIPTIVE, "card-3-confidence-intervals-for-a-proportion")),
    ("p1_fig1e_sens_mip3a", (DIAGNOSTICS, "card-4-confidence-intervals-for-sensitivity-and-specificity")),
    ("p1_s3m_spec_val", (DIAGNOSTICS, "card-4-confidence-intervals-for-sensitivity-and-specificity")),
    ("p2_dose_p", (DESCRIPTIVE, "card-4-two-group-tests-student-welch-mann-whitney")),
    ("p1_s3h_baseline_mip3a", (DESCRIPTIVE, "card-4-two-group-tests-student-welch-mann-whitney")),
    ("p1_fig1h_mw_p", (DIAGNOSTICS, "card-1-mann-whitney-the-exact-test-with-ties")),
    ("p1_s4_mw_p_mip3a", (DIAGNOSTICS, "card-1-mann-whitney-the-exact-test-with-ties")),
    ("p1_n_screen_hits", (DIAGNOSTICS, "card-5-multiplicity-raw-p-versus-benjamini-hochberg-q")),
    ("p2_kin_spearman_il2", (DESCRIPTIVE, "card-5-spearman-s-rank-correlation-versus-pearson")),
    ("p1_s4b_corr_p", (DIAGNOSTICS, "card-6-pearson-s-correlation-versus-spearman")),
    ("p1_s3e_corr_r", (DIAGNOSTICS, "card-6-pearson-s-correlation-versus-spearman")),
    ("p1_fig1d_auc_mip3a", (DIAGNOSTICS, "card-2-the-roc-area-and-its-confidence-interval")),
    ("p1_fig1e_cutoff_eotaxin", (DIAGNOSTICS, "card-3-youden-s-index-and-the-cutoff")),
    ("p1_t1_age_median_ball", (DESCRIPTIVE, "card-2-medians-and-ranges")),
    ("p1_fig1g_logrank_p", (SURVIVAL, "card-5-the-log-rank-test-mantel-cox")),
    ("p1_car19_dose_sd_all", None),
    ("p2_protocol_flu", None),
])
def test_spot_checks(ledger_id, expected):
    assert card_for(load_ledger()[ledger_id]) == expected


def test_rule_order_and_raw_dicts():
    # "Clopper-Pearson" is a CI, not a Pearson correlation; "Pearson correlation t-test" is a Pearson
    # correlation, not a t-test; Spearman stays on the descriptive page
    assert card_key({"kind": "data", "method": "Clopper-Pearson exact CI"}) == "proportion_ci"
    assert card_key({"kind": "data", "method": "Pearson correlation t-test"}) == "pearson"
    assert card_key({"kind": "data", "method": "Spearman rank correlation"}) == "correlation"
    assert card_key({"kind": "data", "method": "two-sided log-rank (Mantel-Cox) test"}) == "logrank"
    assert card_key({"kind": "data", "method": "1 − Kaplan-Meier"}) == "one_minus_km"
    assert card_key({"kind": "data", "method": "mean +/- SD assumed"}) is None
    assert card_key({"kind": "data", "method": ""}) is None
    # the exact / Prism Mann-Whitney has its own card; a Mann-Whitney of unstated kind the generic one
    assert card_key({"kind": "data", "method": "two-sided Mann-Whitney U test, exact P"}) == "mann_whitney_exact"
    assert card_key({"kind": "data", "method": "Mann-Whitney (GraphPad Prism)"}) == "mann_whitney_exact"
    assert card_key({"kind": "data", "method": "Mann-Whitney (assumed)"}) == "two_group"
    # the hybrid interval and "at the cutoff" are sensitivity/specificity before "cutoff", "wilson" or "k/n"
    assert card_key({"kind": "data", "method": "95% CI hybrid Wilson/Brown"}) == "sens_spec_ci"
    assert card_key({"kind": "data", "method": "k/n x 100 at the training cutoff 4.703"}) == "sens_spec_ci"
    assert card_key({"kind": "data", "method": "Youden cutoff, midpoints"}) == "youden"
    assert card_key({"kind": "data", "method": "empirical ROC AUC"}) == "roc_auc"
    assert card_key({"kind": "data", "method": "Benjamini-Hochberg q"}) == "multiplicity"
    assert card_key({"kind": "context", "method": "empirical ROC AUC"}) is None


def test_card_href_is_relative():
    km = load_ledger()["p2_fig4a_lfs_1y"]
    assert card_href(km) == "methods_survival.html#card-1-kaplan-meier-estimator-with-greenwood-variance"
    assert card_href(km, from_dir="book") == \
        "../notebooks/methods_survival.html#card-1-kaplan-meier-estimator-with-greenwood-variance"
    assert card_href(load_ledger()["p2_protocol_flu"]) is None

"""Tables for people: words for code names, units, counts with percentages, one precision, no None/nan."""

import re

import numpy as np
import pandas as pd

from cartrepro.contract import TABLES, columns
from cartrepro.pages.display import count_pct, estimate_ci, number, percent, table_html
from cartrepro.pages.labels import LABELS, label, ledger_label, relabel, with_unit


def test_every_category_value_and_column_of_the_contract_has_words():
    missing = [c.name for p, t in TABLES for c in columns(p, t) if c.name not in LABELS]
    missing += [a for p, t in TABLES for c in columns(p, t) for a in (c.allowed or ()) if a not in LABELS]
    assert missing == []


def test_labels_never_leave_a_code_name_with_underscores():
    for code in ["proof_of_concept", "cd19bright_no_response", "death_cause", "a_brand_new_code", "crs_grade"]:
        assert "_" not in label(code)
    assert label("death_cause") == "cause of death"
    assert ledger_label("p2_fig2a_cr_evaluated") != "p2_fig2a_cr_evaluated" and "_" not in ledger_label(
        "p2_fig2a_cr_evaluated")


def test_counts_print_as_the_papers_print_them():
    assert count_pct(20, 31) == "20/31 (65%)"
    assert count_pct(24, 34, 1) == "24/34 (70.6%)"
    assert percent(1, 8, 1) == "12.5%" and percent(1, 200, 1) == "0.5%"  # half up, not half to even
    assert estimate_ci(0.716, 0.442, 0.99, as_percent=True) == "71.6% (95% CI 44.2–99.0)"
    assert number(0.125, 2) == "0.13" and number(np.float64("nan")) == "—" and number(np.int64(5)) == "5"


def test_table_html_has_words_units_one_precision_and_no_missing_markers():
    frame = pd.DataFrame({"crs_onset_day": [1.0, 2.0, np.nan], "sex": ["female", "male", None],
                          "death_cause": ["vod", None, "disease"], "il6_max_pg_ml": [9.523, 15.4, 5.0],
                          "off_study": [True, False, None], "patient": ["P1", "P2", "P3"]})
    text = table_html(frame, key=["patient"], caption="Patients")
    assert text.startswith('<div class="cr-table-scroll"')
    assert not re.search(r"\b(None|nan|NaN|NaT)\b", text)
    headers = re.findall(r"<th scope=\"col\">(.*?)</th>", text)
    assert headers[0] == "patient"
    assert "CRS onset (days)" in headers and "IL-6 peak (pg/mL)" in headers and "cause of death" in headers
    cells = re.findall(r"<td>(.*?)</td>", text)
    assert "veno-occlusive disease (VOD)" in cells
    assert {"9.5", "15.4", "5.0"} <= set(cells)  # one precision in a column of decimals
    assert {"1", "2"} <= set(cells)  # whole-number column stays whole
    assert "yes" in cells and "no" in cells and cells.count("—") == 4


def test_relabel_gives_words_and_units():
    out = relabel(pd.DataFrame({"day30_response": ["cr_mrd_negative"], "marrow_blasts_pct": [12.0]}))
    assert list(out.columns) == ["response on day 30", "marrow blasts (%)"]
    assert out.iloc[0, 0] == "CR, MRD-negative"
    assert with_unit("sex") == "sex"

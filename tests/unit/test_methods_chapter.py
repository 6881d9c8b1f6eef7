"""The methods chapter's shared pieces: the card -> numbers -> page links, and the page classes.

The page classes are run on the shipped cohorts (their numbers are what the pages show) and on an empty
cohort folder and the contract's small example cohort, where every method must answer with a table or a
sentence and never raise.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from cartrepro.analysis.pages import all_pages
from cartrepro.contract.templates import EXAMPLE_DIR, write_templates
from cartrepro.ledger.entries import load_ledger
from cartrepro.methods.cards import CARDS, card_key
from cartrepro.methods.chapter import decimals_of, ledger_pages, numbers_using, page_title
from cartrepro.methods.descriptive_page import DescriptiveChapter
from cartrepro.methods.diagnostics_page import DiagnosticsChapter
from cartrepro.methods.survival_page import SurvivalChapter
from cartrepro.paths import NOTEBOOKS_DIR, SHIPPED_DATA_DIR

LINK = re.compile(r'<a href="([a-z0-9_]+)\.html"><code>([a-z0-9_]+)</code></a>')


@pytest.fixture(scope="module")
def example_dir():
    with tempfile.TemporaryDirectory() as folder:
        write_templates(folder)
        yield Path(folder) / EXAMPLE_DIR


def test_every_data_entry_is_recorded_by_one_registered_page():
    where = ledger_pages()
    data = [e.id for e in load_ledger().values() if e.kind == "data"]
    assert not [i for i in data if i not in where], "ledger numbers that no registered page records"
    notebooks = {page.notebook for page in all_pages()}
    assert set(where.values()) <= notebooks
    assert where["p2_fig4a_lfs_1y"] == "p2_fig4_long_term_outcome"
    assert where["p1_fig1d_auc_mip3a"] == "p1_fig1de_roc"


def test_numbers_using_a_card_links_every_entry_of_the_card_to_its_page():
    for key in CARDS:
        frame = numbers_using(key)
        linked = LINK.findall(" ".join(frame["numbers"]))
        expected = {e.id for e in load_ledger().values() if card_key(e) == key and e.kind != "context"}
        recorded = {i for i in expected if i in ledger_pages()}
        assert {ledger_id for _, ledger_id in linked} == recorded, key
        assert all(ledger_pages()[ledger_id] == page for page, ledger_id in linked)
        unlinked = set(re.findall(r"(?<!\">)<code>([a-z0-9_]+)</code>", " ".join(frame["numbers"])))
        assert unlinked == expected - recorded, key
        assert (frame["page"] == "not recorded by a page").sum() == (1 if unlinked else 0)
        assert frame.attrs == {"escape": False, "scroll": True}


def test_numbers_using_groups_by_page_and_says_which_are_not_recorded():
    frame = numbers_using(ids=["p2_fig4a_lfs_1y", "p2_fig4c_lfs_1y", "p1_s3a_os12_ball"],
                          pages={"p2_fig4a_lfs_1y": "p2_fig4_long_term_outcome", "p2_fig4c_lfs_1y":
                                 "p2_fig4_long_term_outcome"})
    assert len(frame) == 2
    assert frame.at[0, "page"] == ('<a href="p2_fig4_long_term_outcome.html">Figure 4 · Long-term outcome of CR '
                                   "patients</a>")
    assert frame.at[0, "numbers"].count("<a href=") == 2
    assert frame.at[1, "page"] == "not recorded by a page"
    assert frame.at[1, "numbers"].startswith("<code>p1_s3a_os12_ball</code> (")


def test_page_titles_come_from_the_notebook_headings():
    assert page_title("p2_fig4_long_term_outcome") == "Figure 4 · Long-term outcome of CR patients"
    assert page_title("no_such_page") == "no_such_page"
    assert (NOTEBOOKS_DIR / "p2_fig4_long_term_outcome.py").exists()


def test_decimals_of_reads_the_printed_precision():
    assert decimals_of("p1_fig1f_mw_p") == 4
    assert decimals_of("p2_fig4a_lfs_1y") == 1


def _items(value) -> list:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _items(v)]
    return [] if value is None else [value]


def _every_step(chapter) -> list:
    names = [n for n in vars(type(chapter)) if not n.startswith("_") and callable(getattr(chapter, n))
             and n not in ("figure_table",)]
    return [x for n in names for x in _items(getattr(chapter, n)())]


@pytest.mark.parametrize("make", [
    lambda d: SurvivalChapter(d, horizon_days=365, spss_decimals=3),
    lambda d: DescriptiveChapter(d, early_death_days=30),
    lambda d: DiagnosticsChapter(d, alpha=0.05),
], ids=["survival", "descriptive", "diagnostics"])
@pytest.mark.parametrize("where", ["empty", "example", "shipped"])
def test_every_step_answers_with_tables_or_sentences(make, where, example_dir, tmp_path):
    folder = {"empty": tmp_path, "example": example_dir, "shipped": SHIPPED_DATA_DIR}[where]
    items = _every_step(make(folder))
    assert items and all(isinstance(x, (str, pd.DataFrame)) for x in items)
    text = " ".join(x for x in items if isinstance(x, str))
    if where == "empty":
        assert all(isinstance(x, str) for x in items) and "This build has no" in text
    if where == "shipped":
        assert "This build has no" not in text and "other data" not in text
        assert sum(isinstance(x, pd.DataFrame) for x in items) >= 5


def test_survival_chapter_on_the_shipped_cohort_reads_the_paper_s_method():
    chapter = SurvivalChapter(SHIPPED_DATA_DIR, horizon_days=365, spss_decimals=3)
    glance = chapter.at_a_glance().set_index("method")
    spss = glance.loc[glance.index.str.startswith("Plain S ± z·SE from the SPSS table")].iloc[0]
    assert list(spss) == ["71.6 (44.2–99.0) (yes)", "9.1 (0.0–26.2) (yes)", "58.1 (35.2–81.0) (yes)"]
    assert "upper 26.1 vs 26.2" in chapter.changed_digits()


def test_survival_chapter_without_transplanted_patients_shows_figure_4c_only(tmp_path):
    """Nobody transplanted: Figures 4a and 4b have no analysis set; the page says so and shows 4c."""
    import shutil

    shutil.copytree(SHIPPED_DATA_DIR / "cd22", tmp_path / "cd22")
    table = tmp_path / "cd22" / "patients.csv"
    patients = pd.read_csv(table, dtype=str, keep_default_na=False)
    patients["hct_day"] = ""
    patients.loc[patients["death_cause"] == "transplant_related", "death_cause"] = "other"
    patients.to_csv(table, index=False)
    chapter = SurvivalChapter(tmp_path, horizon_days=365, spss_decimals=3)
    assert list(chapter.cases) == ["4c"]
    opening = " ".join(x for x in _items(chapter.opening()))
    assert "Not shown on this cohort" in opening and "Fig 4a" in opening and "Fig 4b" in opening
    assert chapter.competing_risks().startswith("*This comparison cannot be computed on this cohort")
    assert list(chapter.at_a_glance().columns) == ["method", "Fig 4c · 1-year LFS of all CR patients"]
    assert "the one number shown" in _items(chapter.transforms())[-1]

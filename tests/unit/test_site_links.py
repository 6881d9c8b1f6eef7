"""Links of the landing page's findings and the scorecard rows to the pages that record their numbers."""

import json

from cartrepro.ledger.scorecard import Computed, build_scorecard
from cartrepro.pages.downloads import glance_groups, notebook_pages
from cartrepro.pages.scorecard import generated_pages


def _notebook(path, title):
    """A minimal executed notebook: a title cell (the recorded ids come from the patched reader)."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [f"# {title}\n", "text\n"]}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_headline_and_scorecard_rows_link_to_the_recording_page():
    card = build_scorecard({"p2_resp_cr_enrolled": Computed(70.588), "p2_disc_mrdneg_evaluated": Computed(76.7)},
                           reference_papers=("cd22",), papers=("cd22",))
    pages = {"p2_resp_cr_enrolled": ("p2_fig2_response_rates", "Figure 2 · Response rates")}
    out = generated_pages(card, {"cd22"}, pages=pages)
    headline = out["headline.md"]
    assert '<a class="cr-finding" href="../notebooks/p2_fig2_response_rates.html"' in headline
    assert 'href="scorecard.html#sc-p2_resp_cr_enrolled"' in headline and "(P2 Figure 2 · Response rates)" in headline
    tables = out["scorecard_tables.md"]
    row = tables[tables.index('id="sc-p2_resp_cr_enrolled"'):].split("</tr>", 1)[0]
    assert 'class="cr-page" href="../notebooks/p2_fig2_response_rates.html"' in row
    other = tables[tables.index('id="sc-p2_disc_mrdneg_evaluated"'):].split("</tr>", 1)[0]
    assert "cr-page" not in other  # no page recorded it: no link rather than a wrong one
    assert "cr-finding" not in generated_pages(card, {"cd22"})["headline.md"]


def test_notebook_pages_reads_ids_and_titles_from_executed_notebooks(tmp_path, monkeypatch):
    import cartrepro.ledger.record as record

    _notebook(tmp_path / "p2_fig9_x.ipynb", "P2 Figure 9 · A long title of this page")
    _notebook(tmp_path / "methods_y.ipynb", "Methods")  # not a paper page: not read
    monkeypatch.setattr(record, "read_records", lambda path: ({"p2_a": 1}, {"p2_b": "no data"}))
    assert notebook_pages(tmp_path) == {"p2_a": ("p2_fig9_x", "P2 Figure 9 · A long title of this page"),
                                        "p2_b": ("p2_fig9_x", "P2 Figure 9 · A long title of this page")}
    assert glance_groups(tmp_path)["p2_a"] == "P2 P2 Figure 9"


def test_reasons_show_the_reader_sentence_not_the_ledgers_working_notes():
    from cartrepro.ledger.entries import load_ledger

    ledger = load_ledger()
    card = build_scorecard({"p2_resp_cr_enrolled": Computed(24 / 34 * 100), "p1_female_pct": Computed(42.02)},
                           reference_papers=(), papers=("cd22", "car1922"))
    reasons = dict(zip(card["id"], card["reason"], strict=True))
    for ledger_id in ("p2_resp_cr_enrolled", "p1_female_pct"):
        inc = ledger[ledger_id].inconsistency
        assert inc.for_reader in reasons[ledger_id] and inc.resolution not in reasons[ledger_id]
    assert "Ship count" not in reasons["p2_resp_cr_enrolled"]
    constructions = [e for e in ledger.values() if e.kind == "construction" and e.notes and e.method]
    assert constructions
    card = build_scorecard({}, reference_papers=(), papers=("cd22", "car1922"))
    reasons = dict(zip(card["id"], card["reason"], strict=True))
    for e in constructions:
        assert e.notes not in reasons[e.id]


def test_an_inconsistencys_reader_sentence_replaces_its_issue(tmp_path):
    from cartrepro.ledger.entries import Inconsistency

    plain = Inconsistency("i", "19/21 = 90.48% printed 90%.", "Integer rounding; consistent (not an error).")
    assert plain.for_reader == plain.issue
    told = Inconsistency("i", plain.issue, plain.resolution, reader="19/21 = 90.48%, printed as 90%.")
    assert told.for_reader == "19/21 = 90.48%, printed as 90%."

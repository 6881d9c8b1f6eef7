"""Links of the landing page's findings and the scorecard rows to the pages that record their numbers."""

import json
import re

import yaml

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


def test_an_inconsistency_shows_its_reader_sentence_and_needs_one(tmp_path):
    import pytest

    from cartrepro.ledger.entries import Inconsistency, load_ledger

    told = Inconsistency("i", "19/21 = 90.48% printed 90%.", "Integer rounding; consistent (not an error).",
                         reader="19/21 = 90.48%, printed as 90%.")
    assert told.for_reader == "19/21 = 90.48%, printed as 90%."
    for missing in ("", "  "):
        with pytest.raises(ValueError, match="no reader sentence"):
            Inconsistency("i", told.issue, told.resolution, reader=missing)
    ledger = {"entries": [{"id": "x_a", "kind": "data", "value": 1, "printed": "1", "notes": "see inconsistencies: i"}],
              "inconsistencies": [{"id": "i", "issue": "a", "resolution": "b"}]}
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(ledger))
    with pytest.raises(ValueError, match=r"x\.yaml: inconsistency 'i' has no 'reader:' sentence"):
        load_ledger(tmp_path)
    ledger["inconsistencies"][0]["reader"] = "One is printed as 1."
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "x.yaml").write_text(yaml.safe_dump(ledger))
    assert load_ledger(tmp_path / "y")["x_a"].inconsistency.for_reader == "One is printed as 1."


#: working-note words a clinician reading the site would not know (the ledger's ``resolution`` uses them)
_JARGON = re.compile(r"\bship|\bseed\b|kind construction|feasib|\bledger\b|UNRESOLVED|\bscenario\b"
                     r"|\b[a-z0-9]+_[a-z0-9_]+\b",  # an id such as pct_24_34 or p1_female_pct
                     re.IGNORECASE)


def _shipped_items():
    from cartrepro.paths import PUBLISHED_DIR

    files = sorted(PUBLISHED_DIR.glob("*.yaml"))
    assert files
    return [(path.name, item) for path in files
            for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("inconsistencies") or []]


def test_the_jargon_check_flags_working_notes():
    assert _JARGON.search("Ship count 24/34; print the paper's 70.5")
    assert _JARGON.search("a trial reconstruction km12 feasibility") and _JARGON.search("(not in seed)")
    assert _JARGON.search("ledger inconsistency pct_24_34") and _JARGON.search("(kind construction)")
    assert not _JARGON.search("24/34 = 70.588%, printed as 70.5%: truncated, not rounded.")


def test_every_shipped_inconsistency_has_a_plain_reader_sentence():
    items = _shipped_items()
    assert len(items) >= 40
    ids = {item["id"] for _, item in items}
    for name, item in items:
        reader = item.get("reader")
        assert isinstance(reader, str) and reader.strip(), f"{name}: {item['id']} has no reader sentence"
        assert reader != item["issue"], f"{name}: {item['id']} repeats its issue"
        found = _JARGON.search(reader)
        assert found is None, f"{name}: {item['id']} reader sentence says {found.group(0)!r}"
        assert not any(i in reader for i in ids), item["id"]


def test_no_page_falls_back_to_an_issue_on_the_shipped_ledgers():
    """Every place that shows an inconsistency (scorecard rows, each figure page's comparison, the headline's
    list of unattainable values) goes through ``for_reader``: on the shipped ledgers it is the reader sentence,
    for the printed value as well as for the value the data give."""
    from cartrepro.ledger.entries import SHOWN_KINDS, load_ledger
    from cartrepro.ledger.scorecard import MATCHES, UNATTAINABLE, match

    linked = [e for e in load_ledger().values() if e.inconsistency is not None and e.kind in SHOWN_KINDS]
    assert len({e.inconsistency.id for e in linked}) >= 10
    for e in linked:
        inc = e.inconsistency
        assert inc.reader and inc.for_reader == inc.reader, inc.id
        verdict, reason = match(e, Computed(e.value, e.ci_low, e.ci_high))
        assert verdict == MATCHES and inc.reader in reason and inc.issue not in reason, e.id
        expected = inc.expected_for(e.id)
        if expected is not None:
            verdict, reason = match(e, Computed(float(expected)))
            assert verdict == UNATTAINABLE and inc.reader in reason and inc.issue not in reason, e.id

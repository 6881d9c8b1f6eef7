"""The review chapter's list of the papers' own inconsistencies (pages/inconsistencies.py)."""

import re
from html import unescape

import pytest

from cartrepro.ledger.entries import load_inconsistencies, load_ledger
from cartrepro.pages.inconsistencies import COLUMNS, SCORED_KINDS, inconsistency_counts, inconsistency_table


@pytest.mark.parametrize("paper", ["cd22", "car1922"])
def test_every_item_is_listed_once_in_ledger_order_with_its_sentence(paper):
    items = load_inconsistencies()[paper]
    table = inconsistency_table(paper)
    assert len(table) == len(items) > 0
    assert [unescape(s) for s in table[COLUMNS[1]]] == [item.reader for item in items]
    assert table["#"].tolist() == list(range(1, len(items) + 1))
    unreachable = [item.printed_unreachable for item in items]
    assert (table[COLUMNS[2]] == "no data can give them").tolist() == unreachable


@pytest.mark.parametrize("paper", ["cd22", "car1922"])
def test_links_go_to_the_scorecard_rows_of_exactly_the_linked_scored_entries(paper):
    ledger = load_ledger()
    table = inconsistency_table(paper).set_index("#")
    for i, item in enumerate(load_inconsistencies()[paper], start=1):
        linked = sorted(e.id for e in ledger.values() if e.inconsistency is not None and e.inconsistency.id == item.id)
        scored = [i_ for i_ in linked if ledger[i_].kind in SCORED_KINDS]
        cell = table.at[i, COLUMNS[3]]
        assert re.findall(r'href="\.\./book/scorecard\.html#sc-([a-z0-9_]+)"', cell) == scored, item.id
        if not linked:
            assert cell == "—"
        for other in sorted(set(linked) - set(scored)):  # context entries: named, not linked
            assert unescape(ledger[other].quantity) in unescape(cell)


def test_a_reader_sentence_with_markup_characters_is_escaped(monkeypatch):
    from cartrepro.ledger import entries
    from cartrepro.pages import inconsistencies

    real = entries.load_inconsistencies()
    item = real["cd22"][0]
    forged = type(item)(item.id, item.issue, item.resolution, item.printed_unreachable, item.expected,
                        "P < 0.05 & <b>bold</b>")
    monkeypatch.setattr(inconsistencies, "load_inconsistencies", lambda: {**real, "cd22": [forged]})
    cell = inconsistencies.inconsistency_table("cd22").iloc[0][COLUMNS[1]]
    assert cell == "P &lt; 0.05 &amp; &lt;b&gt;bold&lt;/b&gt;"


def test_unknown_paper_names_the_ledgers():
    with pytest.raises(KeyError, match="car1922, cd22"):
        inconsistency_table("p3")


def test_counts_add_up_to_the_ledgers():
    counts = inconsistency_counts().set_index("paper")
    items = load_inconsistencies()
    assert counts["items"].tolist() == [len(items["cd22"]), len(items["car1922"])]
    assert counts["printed digits no data can give"].tolist() == [
        sum(i.printed_unreachable for i in items[p]) for p in ("cd22", "car1922")]

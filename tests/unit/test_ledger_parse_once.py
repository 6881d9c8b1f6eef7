"""The ledger files are parsed once per process for the same text (``entries._ledger_documents``), and the
objects the loaders build from the shared documents are those of a fresh parse."""

from __future__ import annotations

import shutil

import yaml

from cartrepro.ledger import entries
from cartrepro.paths import PUBLISHED_DIR


def test_same_text_parsed_once_and_equal_to_a_fresh_parse(tmp_path, monkeypatch):
    folder = tmp_path / "published"
    shutil.copytree(PUBLISHED_DIR, folder)
    calls = []
    real_load = yaml.load
    monkeypatch.setattr(entries.yaml, "load", lambda *a, **k: calls.append(1) or real_load(*a, **k))
    first = entries.load_inconsistencies(folder)
    second = entries.load_inconsistencies(folder)
    ledger = entries.load_ledger.__wrapped__(folder)
    files = sorted(folder.glob("*.yaml"))
    assert len(calls) == len(files) == 2  # each file once, however often asked
    assert first == second and first is not second and first["cd22"] is not second["cd22"]
    fresh = {entries.PAPER_OF_FILE[p.name]: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files}
    for paper, doc in fresh.items():
        assert [i.id for i in first[paper]] == [item["id"] for item in doc["inconsistencies"]]
    assert sorted(ledger) == sorted(raw["id"] for doc in fresh.values() for raw in doc["entries"])
    assert all(ledger[raw["id"]].raw == raw for doc in fresh.values() for raw in doc["entries"])


def test_an_edited_ledger_is_parsed_again(tmp_path):
    folder = tmp_path / "published"
    shutil.copytree(PUBLISHED_DIR, folder)
    before = entries.load_ledger.__wrapped__(folder)
    path = folder / "p2_cd22.yaml"
    changed_id = next(raw["id"] for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"])
    text = path.read_text(encoding="utf-8").replace(f"id: {changed_id}\n", f"id: {changed_id}_edited\n", 1)
    assert f"{changed_id}_edited" in text
    path.write_text(text, encoding="utf-8")
    after = entries.load_ledger.__wrapped__(folder)
    assert changed_id in before and changed_id not in after and f"{changed_id}_edited" in after

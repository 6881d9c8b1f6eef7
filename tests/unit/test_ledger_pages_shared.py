"""methods.chapter.ledger_pages computed once per build and shared by its kernels (LEDGER_PAGES_ENV)."""

import json
import threading
import time

from cartrepro.methods import chapter
from cartrepro.paths import LEDGER_PAGES_ENV

MAP = {"p2_cr_rate": "p2_fig2_response_rates", "p1_pfs_median": "p1_survival", "p1_α": "p1_fig1fi_mip3a"}


def counting(calls: list, pause: float = 0.0):
    def compute():
        calls.append(1)
        time.sleep(pause)
        return dict(MAP)
    return compute


def test_the_first_process_computes_and_writes_the_others_read(tmp_path, monkeypatch):
    shared = tmp_path / "ledger_pages.json"
    monkeypatch.setenv(LEDGER_PAGES_ENV, str(shared))
    calls: list = []
    monkeypatch.setattr(chapter, "_ledger_pages", counting(calls, pause=0.3))
    results = []
    threads = [threading.Thread(target=lambda: results.append(chapter.ledger_pages.__wrapped__())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [MAP, MAP]  # the second waited for the first's file
    assert json.loads(shared.read_text(encoding="utf-8")) == MAP
    assert chapter.ledger_pages.__wrapped__() == MAP and len(calls) == 1


def test_a_file_not_written_whole_is_computed_again_and_no_variable_no_file(tmp_path, monkeypatch):
    shared = tmp_path / "ledger_pages.json"
    shared.write_text('{"p2_cr_rate": "p2_fig', encoding="utf-8")
    monkeypatch.setenv(LEDGER_PAGES_ENV, str(shared))
    calls: list = []
    monkeypatch.setattr(chapter, "_ledger_pages", counting(calls))
    assert chapter.ledger_pages.__wrapped__() == MAP and len(calls) == 1
    assert json.loads(shared.read_text(encoding="utf-8")) == MAP
    monkeypatch.delenv(LEDGER_PAGES_ENV)
    shared.unlink()
    assert chapter.ledger_pages.__wrapped__() == MAP and len(calls) == 2 and not shared.exists()

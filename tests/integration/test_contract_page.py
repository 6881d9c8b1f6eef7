"""The book's data-contract page shows what the contract code says, and its downloads are the templates."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import nbformat
import pytest

from cartrepro.contract import TABLES, columns, rules
from cartrepro.contract.templates import write_templates


@pytest.fixture(scope="module")
def page(built_book) -> str:
    """Every output of the page as the session's build executed it (HTML and Markdown), joined."""
    out = built_book[0] / ".cache" / "notebooks" / "data_contract.ipynb"
    assert out.is_file(), "the build keeps every executed notebook in .cache/notebooks"
    texts = []
    for cell in nbformat.read(str(out), as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [data.get("text/html", ""), data.get("text/markdown", "")]
    return "\n".join(t if isinstance(t, str) else "".join(t) for t in texts)


def test_every_column_and_rule_of_the_contract_is_on_the_page(page: str):
    for paper, table in TABLES:
        assert f"<code>{paper}/{table}.csv</code>" in page
        for c in columns(paper, table):
            assert f"<code>{html.escape(c.name)}</code>" in page
            assert html.escape(c.description) in page
            for value in c.allowed or ():
                assert f"<code>{html.escape(value)}</code>" in page
        for text in rules(paper, table):
            assert f"<li>{html.escape(text)}</li>" in page


def test_the_download_links_carry_the_templates(page: str, tmp_path: Path):
    files = write_templates(tmp_path)
    links = re.findall(r'<a download="([^"]+)" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)">', page)
    assert len({name for name, _ in links}) == len(links)  # every download saves under its own file name
    assert "cd22_patients_template.csv" in {name for name, _ in links}
    got = {}
    for name, data in links:
        got.setdefault(name, []).append(base64.b64decode(data))
    assert got["cohort_template.zip"] == [files["cohort_template.zip"].read_bytes()]
    assert got["example_cohort.zip"] == [files["example_cohort.zip"].read_bytes()]
    singles = [p.read_bytes() for key, p in sorted(files.items()) if key.endswith(".csv")]
    assert sorted(b for name, found in got.items() if name.endswith(".csv") for b in found) == sorted(singles)

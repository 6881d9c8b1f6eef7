"""The methods chapter and the data-contract page are views: short cells, no definitions, no branching.

Each code cell shows what one function of ``cartrepro.methods.*_page`` or ``cartrepro.pages.contract``
returns, after a Markdown cell that announces it.
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from cartrepro.paths import NOTEBOOKS_DIR

NOTEBOOKS = ["methods_survival", "methods_descriptive_tests", "methods_diagnostics", "data_contract"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_a_view(name):
    cells = jupytext.read(NOTEBOOKS_DIR / f"{name}.py").cells
    code = [c.source for c in cells if c.cell_type == "code"]
    assert len(code) >= 5
    assert max(len(source.splitlines()) for source in code) <= 15
    for source in code:
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.For | ast.While
                                  | ast.If | ast.IfExp | ast.comprehension), f"{name}: {type(node).__name__}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_prose_announces_every_step(name):
    cells = jupytext.read(NOTEBOOKS_DIR / f"{name}.py").cells
    for before, cell in zip(cells, cells[1:], strict=False):
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            assert before.cell_type == "markdown", f"{name}: a code cell without prose before it:\n{cell.source}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_constants_are_declared_once_with_a_comment(name):
    cells = jupytext.read(NOTEBOOKS_DIR / f"{name}.py").cells
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            head = line.split("=")[0].strip()
            if "=" in line and head.isupper():
                assert "#" in line, f"{name}: {head} is declared without a comment"

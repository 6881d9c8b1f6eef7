"""Table 1 through tableone prints the published medians [min, max] and counts of the shipped cohort."""

from cartrepro.contract import load_paper
from cartrepro.pages.table1 import cd22_table1
from cartrepro.paths import SHIPPED_DATA_DIR


def test_cd22_table1_cells():
    table = cd22_table1(load_paper(SHIPPED_DATA_DIR, "cd22")["patients"]).tableone
    cells = {(row[0].split(",")[0], row[1]): value for row, value in table["Overall"].items()}
    assert str(cells[("n", "")]) == "34"
    assert cells[("Age", "")] == "10 [1,55]"  # published: median 10 (range, 1-55)
    assert cells[("Marrow blasts", "")] == "63.8 [5.0,97.0]"  # HR patients: 63.8% (5% to 97%)
    assert cells[("Prior allo-HCT", "yes")] == "13 (38.2)"  # 13/34 (38%)
    assert cells[("CD19 CAR-T history", "none")] == "3 (8.8)"  # 3 (9%)

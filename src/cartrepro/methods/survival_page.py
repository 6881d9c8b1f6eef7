"""The page "Methods · Survival statistics": its panels and sentences, computed from one cohort folder.

The notebook ``notebooks/methods_survival.py`` is a view over :class:`SurvivalChapter`: each of its code
cells shows what one method returns (tables and sentences, for :func:`cartrepro.pages.display.show_all`).
Every method answers with a sentence instead of a panel when this build has no P2 data, so the notebook
never branches on the data.

The test case is P2's Figure 4: three one-year Kaplan-Meier numbers computed in SPSS 25, each recomputed
with the paper's method and with every common tool's default (:func:`cartrepro.methods.survival.km_method_panel`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy.stats import norm

from cartrepro.analysis.cd22 import derive
from cartrepro.contract import load_paper
from cartrepro.ledger.entries import entry
from cartrepro.methods.chapter import no_panel, no_panels, other_data_note
from cartrepro.methods.printing import would_print_matrix
from cartrepro.methods.survival import km_method_panel, km_tools_panel, spss_rounding_panel
from cartrepro.stats.rounding import spss_round

__all__ = ["CR_KEYS", "KM_KEYS", "Fig4Case", "SurvivalChapter"]

#: the rows of card 2 (transforms) and card 4 (competing risks)
KM_KEYS = ["published", "spss_plain", "plain", "log", "log_log", "lifelines"]
CR_KEYS = ["published", "spss_plain", "plain", "aalen_johansen", "aalen_johansen_plain", "lifelines_aalen_johansen"]
NOT_HERE = "*This comparison cannot be computed on this cohort (see the list under the first cell).*"
_PANEL_HEADINGS = {
    "default_of": "default in", "estimate": "estimate %", "std_err": "SE %", "ci_low": "lower %",
    "ci_high": "upper %", "printed_as": "prints as",
}


@dataclass(frozen=True)
class Fig4Case:
    """One Figure 4 number: its analysis set, the printed value and its method panel."""

    figure: str  # "4a"
    ledger_id: str
    title: str
    table: pd.DataFrame  # time_days, event (and event_type) per patient
    failure: bool  # a cumulative incidence 1 - S
    published: tuple[float, float, float]  # estimate, lower, upper in percent
    printed: str  # as the paper prints it
    panel: pd.DataFrame  # km_method_panel

    @property
    def label(self) -> str:
        return f"Fig {self.figure} · {self.title}"


class SurvivalChapter:
    """The comparison panels of the survival page on the cohort folder ``data_dir``."""

    def __init__(self, data_dir, *, horizon_days: float, spss_decimals: int) -> None:
        self.data_dir = data_dir
        self.horizon_days = horizon_days
        self.spss_decimals = spss_decimals
        self.no_data = no_panel("P2 data", "cd22/")
        self.skipped: list[str] = []  # the numbers whose analysis set is empty on this cohort
        cohort = load_paper(data_dir, "cd22")
        self.have = cohort is not None
        self.cases = self._cases(cohort["patients"]) if self.have else {}

    def _cases(self, patients: pd.DataFrame) -> dict[str, Fig4Case]:
        relapse = derive.relapse_after_hct(patients)
        specs = [
            ("4a", "p2_fig4a_lfs_1y", "1-year LFS after HCT", derive.lfs_after_hct(patients), False, None),
            ("4b", "p2_fig4b_relapse_1y", "1-year relapse after HCT (1 − KM, TRM censored)", relapse, True,
             relapse["event_type"] == "trm"),
            ("4c", "p2_fig4c_lfs_1y", "1-year LFS of all CR patients", derive.lfs_of_cr_patients(patients), False,
             None),
        ]
        cases = {}
        for figure, ledger_id, title, table, failure, competing in specs:
            if table.empty:
                self.skipped.append(f"Fig {figure} ({title}: nobody in the analysis set)")
                continue
            published = entry(ledger_id)
            triple = (published.value, published.ci_low, published.ci_high)
            panel = km_method_panel(table["time_days"], table["event"], self.horizon_days, triple, failure=failure,
                                    competing=competing, spss_decimals=self.spss_decimals)
            cases[figure] = Fig4Case(figure, ledger_id, title, table, failure, triple, published.printed, panel)
        return cases

    # ------------------------------------------------------------------------------------------ the page

    def _missing(self) -> str:
        return self.no_data if not self.have else NOT_HERE

    def opening(self) -> list | str:
        """What the first cell says: no data, the numbers this cohort cannot show, data other than the shipped
        cohort."""
        if not self.have:
            return no_panels("P2 data", "cd22/")
        skipped = ("**Not shown on this cohort** (an analysis set is empty): " + "; ".join(self.skipped) + "."
                   if self.skipped else None)
        return [skipped, other_data_note(self.data_dir, "cd22")]

    def at_a_glance(self) -> pd.DataFrame | str:
        """Every method applied to the three numbers: what it prints and whether that is the paper's."""
        if not self.cases:
            return self._missing()
        return would_print_matrix({case.label: case.panel for case in self.cases.values()})

    def changed_digits(self) -> str:
        """One line per method whose default would have changed a published digit."""
        if not self.cases:
            return self._missing()
        lines = []
        for figure, case in self.cases.items():
            for _, row in case.panel[case.panel["would_print"] == "no"].iterrows():
                where = f" (default in {row['default_of']})" if row["default_of"] else ""
                lines.append(f"- **Fig {figure}**, {row['method']}{where}: {row['differs']}.")
        return "\n".join(lines) if lines else "No method changes a published digit."

    def tools(self) -> list | str:
        """Card 1: the point estimate and Greenwood SE from each tool, and whether the tools agree."""
        if not self.cases:
            return self._missing()
        tools = pd.concat(
            [km_tools_panel(c.table["time_days"], c.table["event"], self.horizon_days, failure=c.failure,
                            spss_decimals=self.spss_decimals).assign(figure=f"Fig {f}")
             for f, c in self.cases.items()], ignore_index=True)
        shown = tools[["figure", "tool", "call", "n_events", "estimate", "std_err"]].copy()
        shown.attrs["formats"] = {"estimate": "{:.6f}", "std_err": "{:.6f}"}
        spread = tools.dropna(subset=["estimate"]).query("tool != 'SPSS table'").groupby("figure")["estimate"]
        agree = bool(((spread.max() - spread.min()) < 1e-12).all())
        estimates = ", ".join(str(c.published[0]) for c in self.cases.values())
        return [shown, "All three tools give the same point estimate for every number, so the printed estimates "
                f"({estimates}) do not depend on the tool." if agree
                else "**The tools disagree on a point estimate** (see the table)."]

    def figure_table(self, figure: str, keys: list[str]) -> pd.DataFrame:
        """Selected rows of one figure's method panel, with the question "would print <published>?"."""
        case = self.cases[figure]
        panel = case.panel.set_index("key").loc[keys].reset_index()
        published = panel.loc[panel["key"] == "published", "printed_as"]
        shown = published.iloc[0] if len(published) else case.panel.at[0, "printed_as"]
        out = panel[["method", "default_of", "helper", "estimate", "std_err", "ci_low", "ci_high", "printed_as",
                     "would_print"]]
        return out.rename(columns={**_PANEL_HEADINGS, "would_print": f"would print {shown}?"})

    def transforms(self) -> list | str:
        """Card 2: each number with every interval transform, and which transform prints the paper's digits."""
        if not self.cases:
            return self._missing()
        items: list = []
        for figure, case in self.cases.items():
            items += [f"**{case.label}** — printed: {case.printed}", self.figure_table(figure, KM_KEYS)]
        return [*items, "\n".join(self._verdict(key) for key in KM_KEYS[1:])]

    def _verdict(self, key: str) -> str:
        rows = {f: c.panel.set_index("key").loc[key] for f, c in self.cases.items()}
        misses = [f"Fig {f} ({row['differs']})" for f, row in rows.items() if row["would_print"] == "no"]
        name = next(iter(rows.values()))["method"]
        every = {1: "the one number shown", 2: "both numbers shown"}.get(len(self.cases), "all three numbers")
        return f"- {name}: " + (f"prints the paper's digits for {every}." if not misses
                                else "changes " + "; ".join(misses) + ".")

    def spss_rounding(self) -> list | str:
        """Card 3: S and SE as computed and as SPSS shows them, the interval from each, and what changes."""
        if not self.cases:
            return self._missing()
        rows = [self._rounding_row(case) for case in self.cases.values()]
        z_changes = [row.pop("z changes") for row in rows]
        table = pd.DataFrame(rows)
        table.attrs["formats"] = {"S unrounded": "{:.6f}", "SE unrounded": "{:.6f}", "S (SPSS)": "{:.3f}",
                                  "SE (SPSS)": "{:.3f}"}
        changed = [f"Fig {f}" for f, change in zip(self.cases, z_changes, strict=True) if change]
        return [table, self._rounding_lines(),
                "The exact quantile 1.959964 instead of the printed 1.96 changes no printed digit." if not changed
                else f"The exact quantile 1.959964 instead of the printed 1.96 changes a printed digit of "
                     f"{', '.join(changed)}."]

    def _rounding_row(self, case: Fig4Case) -> dict:
        row = spss_rounding_panel(case.table["time_days"], case.table["event"], self.horizon_days,
                                  failure=case.failure, spss_decimals=self.spss_decimals).iloc[0]
        est = row["estimate_pct"] / 100  # from the SPSS table, on the reported scale
        z = float(norm.ppf(0.975))  # the exact quantile, against the paper's (and km_at's) printed 1.96
        other = (100 * max(est - z * row["std_err_spss"], 0.0), 100 * min(est + z * row["std_err_spss"], 1.0))
        exact = (row["ci_low_spss_pct"], row["ci_high_spss_pct"])
        return {
            "figure": f"Fig {case.figure}", "printed": case.printed,
            "S unrounded": row["survival"], "SE unrounded": row["std_err"],
            "S (SPSS)": row["survival_spss"], "SE (SPSS)": row["std_err_spss"],
            "CI from unrounded %": f"{row['ci_low_pct']:.2f}–{row['ci_high_pct']:.2f}",
            "CI from SPSS table %": f"{exact[0]:.2f}–{exact[1]:.2f}",
            "same with z = 1.959964 %": f"{other[0]:.3f}–{other[1]:.3f}",
            "z changes": [spss_round(v, 1) for v in other] != [spss_round(v, 1) for v in exact],
        }

    def _rounding_lines(self) -> str:
        lines = []
        for figure, case in self.cases.items():
            panel = case.panel.set_index("key")
            if panel.at["spss_plain", "printed_as"] != panel.at["plain", "printed_as"]:
                lines.append(
                    f"- **Fig {figure}**: from the SPSS table it prints {panel.at['spss_plain', 'printed_as']}"
                    f" ({'the paper' if panel.at['spss_plain', 'would_print'] == 'yes' else 'not the paper'});"
                    f" unrounded, {panel.at['plain', 'printed_as']}"
                    + (f" ({panel.at['plain', 'differs']})." if panel.at["plain", "differs"] else "."))
        return ("Where the rounding of the SPSS table changes a printed digit:\n\n" + "\n".join(lines) if lines
                else "The rounding of the SPSS table changes no printed digit on these data.")

    def competing_risks(self) -> list | str:
        """Card 4: Figure 4b's relapse rate by 1 − KM and by the Aalen-Johansen CIF, and why they agree."""
        if "4b" not in self.cases:
            return self._missing()
        case = self.cases["4b"]
        panel = case.panel.set_index("key")
        same = abs(panel.at["aalen_johansen", "estimate"] - panel.at["plain", "estimate"]) < 1e-9
        text = [f"The estimates {'coincide' if same else 'differ'}: 1 − KM {panel.at['plain', 'estimate']:.2f}%, "
                f"CIF {panel.at['aalen_johansen', 'estimate']:.2f}%."]
        if same and self._relapses_precede_trm(case.table):
            text.append("Every relapse within the year precedes the first TRM death, so nobody was removed by the "
                        "competing event before a relapse and the two estimators agree exactly.")
        text.append(
            f"The intervals differ through the variance: Gray's SE is {panel.at['aalen_johansen', 'std_err']:.2f} "
            f"percentage points against Greenwood's {panel.at['plain', 'std_err']:.2f}, so the plain interval "
            f"from `cuminc`'s variance prints {panel.at['aalen_johansen_plain', 'printed_as']} and the log(-log) "
            f"one {panel.at['aalen_johansen', 'printed_as']}, against the printed {case.printed}.")
        return [f"**{case.label}** — printed: {case.printed}", self.figure_table("4b", CR_KEYS), " ".join(text)]

    def _relapses_precede_trm(self, table: pd.DataFrame) -> bool:
        relapse_days = table.loc[table["event_type"] == "relapse", "time_days"]
        trm_days = table.loc[table["event_type"] == "trm", "time_days"]
        return len(trm_days) == 0 or (
            len(relapse_days) > 0 and relapse_days[relapse_days <= self.horizon_days].max() < trm_days.min())

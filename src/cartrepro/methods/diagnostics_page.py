"""The page "Methods · Rank tests and diagnostic accuracy": its panels and sentences, from one cohort folder.

``notebooks/methods_diagnostics.py`` is a view over :class:`DiagnosticsChapter` (see
:mod:`cartrepro.methods.chapter`). The cases are P1's cytokine analysis: the Mann-Whitney P values of the
screen, the ROC areas of MIP3α and Eotaxin, Youden's cutoffs with the validation cohort, the intervals of
the sensitivities and specificities, the screen against Benjamini-Hochberg, and two Pearson correlations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.ledger.entries import entry
from cartrepro.methods.chapter import decimals_of, no_panel, no_panels, other_data_note
from cartrepro.methods.diagnostics import (
    auc_ci_panel,
    bh_panel,
    correlation_pair_panel,
    cutoff_panel,
    mann_whitney_panel,
    sens_spec_ci_panel,
    tie_free_p_values,
    youden_table,
)
from cartrepro.methods.printing import would_print_matrix
from cartrepro.stats.diagnostics import sens_spec_at, youden_cutoff
from cartrepro.stats.ranks import EXACT_MAX_CELLS, exact_table_cells

__all__ = ["EOTAXIN", "MIP3A", "SCREEN_IDS", "DiagnosticsChapter"]

MIP3A, EOTAXIN = "MIP3α", "Eotaxin"
#: the ten analytes Supplementary Table 4 prints a P for -> their ledger id suffix
SCREEN_IDS = {MIP3A: "mip3a", EOTAXIN: "eotaxin", "EPO": "epo", "TSLP": "tslp", "MCP-4": "mcp4",
              "IL-17F": "il17f", "IL-17A": "il17a", "MDC": "mdc", "TPO": "tpo", "SDF-1a": "sdf1a"}
#: the comparisons the paper prints a P for: column label -> ((cohort, analyte), ledger id)
RANK_CASES = {
    "MIP3α training, Supp. Table 4": (("training", MIP3A), "p1_s4_mw_p_mip3a"),
    "MIP3α training, Fig. 1f": (("training", MIP3A), "p1_fig1f_mw_p"),
    "Eotaxin training, Supp. Table 4": (("training", EOTAXIN), "p1_s4_mw_p_eotaxin"),
    "MIP3α validation, Fig. 1h": (("validation", MIP3A), "p1_fig1h_mw_p"),
}
#: the rows of the rank panels that are some tool's default
TOOL_DEFAULTS = ["r_default", "scipy_default", "scipy_exact", "asymptotic"]
NOT_HERE = "*This comparison cannot be computed on this cohort (see the list under the first cell).*"
_YES_NO = {True: "yes", False: "no"}


class DiagnosticsChapter:
    """The comparison panels of the rank-test and diagnostic-accuracy page on the cohort folder ``data_dir``."""

    def __init__(self, data_dir, *, alpha: float) -> None:
        self.data_dir = data_dir
        self.alpha = alpha
        self.validation_p = entry("p1_fig1h_mw_p").value  # the validation P of Figure 1h, 0.0173
        self.no_data = no_panel("P1 cytokine data", "car1922/cytokines.csv")
        self.skipped: list[str] = []  # what a degenerate cohort cannot show, said under the first cell
        tables = cyto.load(data_dir)
        self.cytokines = None if tables is None else tables.get("cytokines")
        self.have = self.cytokines is not None
        self.rank_panels, self.screen_panels, self.auc_panels, self.cutoff_panels = {}, {}, {}, {}
        self.intervals, self.bh, self.correlations = None, None, {}
        self.groups, self.ok = {}, {}
        if self.have:
            self._compute(tables["patients"], tables.get("tissue"))

    def _compute(self, patients: pd.DataFrame, tissue: pd.DataFrame | None) -> None:
        self.groups = {(cohort, analyte): cyto.split(cyto.peak_table(self.cytokines, patients, cohort, analyte))
                       for cohort, analyte in (("training", MIP3A), ("training", EOTAXIN), ("validation", MIP3A))}
        self.ok = {key: self._usable(f"{key[1]}, {key[0]}", *self.groups[key]) for key in self.groups}
        self.rank_panels = {f"{label} ({entry(lid).printed})": mann_whitney_panel(*self.groups[key],
                                                                                 entry(lid).value, decimals_of(lid))
                            for label, (key, lid) in RANK_CASES.items() if self.ok[key]}
        self.screen_panels = self._screen_panels(patients)
        proportions = []
        for analyte, suffix in ((MIP3A, "mip3a"), (EOTAXIN, "eotaxin")):
            if self.ok[("training", analyte)]:
                proportions += self._roc_panels(analyte, suffix)
        proportions = [case for case in proportions if case["n"] > 0]
        self.intervals = sens_spec_ci_panel(proportions) if proportions else None
        has_training = bool((self.cytokines["cohort"] == "training").any())
        screen = (cyto.screen(self.cytokines, patients) if has_training
                  else pd.DataFrame({"analyte": [], "p": []}))
        tested = screen[screen["p"].notna()]
        self.bh = (bh_panel(tested["analyte"].tolist(), tested["p"].to_numpy(), alpha=self.alpha) if len(tested)
                   else None)
        self.correlations = self._correlation_panels(patients, tissue)

    def _usable(self, label: str, a, b) -> bool:
        """Both groups non-empty and the pooled values not all equal; otherwise noted under the first cell."""
        if len(a) and len(b) and np.unique(np.concatenate([a, b])).size > 1:
            return True
        self.skipped.append(f"{label} ({len(a)} vs {len(b)} values)")
        return False

    def _screen_panels(self, patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Every printed screen P by each variant, against the ten printed P values (3 decimals)."""
        panels = {}
        for analyte, suffix in SCREEN_IDS.items():
            frame = cyto.peak_table(self.cytokines, patients, "training", analyte)
            nr, rem = cyto.split(frame)
            if len(frame) and self._usable(f"{analyte} screen", nr, rem):
                panels[analyte] = mann_whitney_panel(nr, rem, entry(f"p1_s4_mw_p_{suffix}").value, 3)
        return panels

    def _roc_panels(self, analyte: str, suffix: str) -> list[dict]:
        """The AUC and cutoff panels of one analyte; returns its sensitivity and specificity cases."""
        nr, rem = self.groups[("training", analyte)]
        lid = f"p1_fig1d_auc_{suffix}"
        self.auc_panels[analyte] = auc_ci_panel(nr, rem, direction="lower",
                                                published=(entry(lid).value, entry(lid).ci_low, entry(lid).ci_high))
        validation, published_val = None, None
        if analyte == MIP3A and self.ok[("validation", MIP3A)]:
            validation = self.groups[("validation", MIP3A)]
            published_val = (entry("p1_s3m_sens_val").value, entry("p1_s3m_spec_val").value)
        self.cutoff_panels[analyte] = cutoff_panel(nr, rem, direction="lower",
                                                   published_cutoff=entry(f"p1_fig1e_cutoff_{suffix}").value,
                                                   validation=validation, published_validation=published_val)
        cut = youden_cutoff(nr, rem, direction="lower").threshold
        ss = sens_spec_at(nr, rem, cut, direction="lower")
        cases = [_proportion(f"{analyte} training", name, prop, f"p1_fig1e_{name}_{suffix}", interval=True)
                 for name, prop in (("sens", ss.sensitivity), ("spec", ss.specificity))]
        if analyte == MIP3A and validation is not None:
            vss = sens_spec_at(*validation, cut, direction="lower")
            cases += [_proportion("MIP3α validation", name, prop, f"p1_s3m_{name}_val", interval=False)
                      for name, prop in (("sens", vss.sensitivity), ("spec", vss.specificity))]
        return cases

    def _correlation_panels(self, patients: pd.DataFrame, tissue: pd.DataFrame | None) -> dict:
        """Ledger id of r -> (label, panel, ledger id of P) for the two Pearson correlations."""
        panels = {}
        training = self.cytokines[(self.cytokines["timepoint"] == "il6_peak")
                                  & (self.cytokines["cohort"] == "training")]
        wide = training.pivot_table(index="patient_id", columns="analyte", values="fold_change", aggfunc="first")
        if {MIP3A, EOTAXIN} <= set(wide.columns):
            pairs = wide[[MIP3A, EOTAXIN]].dropna().rename(columns={MIP3A: "x", EOTAXIN: "y"})
            self._correlation(panels, "p1_s3e_corr", "MIP3α vs Eotaxin fold change, training (Supp. Fig. 3e)",
                              pairs, "MIP3α vs Eotaxin correlation")
        if tissue is None:
            self.skipped.append("tissue correlation (no `car1922/tissue.csv`)")
            return panels
        joined = tissue.merge(patients[["patient_id", "pfs_day"]], on="patient_id")
        pairs = pd.DataFrame({"x": joined["cd3_infiltration"].astype(float),
                              "y": joined["pfs_day"].astype(float)}).dropna()
        self._correlation(panels, "p1_s4b_corr", "Tumour CD3+ infiltration vs PFS, relapsed B-NHL (Supp. Fig. 4b)",
                          pairs, "tissue correlation")
        return panels

    def _correlation(self, panels: dict, prefix: str, label: str, pairs: pd.DataFrame, what: str) -> None:
        if len(pairs) >= 3 and pairs["x"].nunique() > 1 and pairs["y"].nunique() > 1:
            panels[f"{prefix}_r"] = (label, correlation_pair_panel(pairs["x"], pairs["y"], entry(f"{prefix}_r").value,
                                                                   entry(f"{prefix}_p").value, 3), f"{prefix}_p")
        else:
            self.skipped.append(f"{what} ({len(pairs)} complete pairs)")

    # ------------------------------------------------------------------------------------------ the page

    def _missing(self) -> str:
        return self.no_data if not self.have else NOT_HERE

    def opening(self) -> list | str:
        """What the first cell says: no data, what this cohort cannot show, data other than the shipped cohort."""
        if not self.have:
            return no_panels("P1 cytokine data", "car1922/cytokines.csv")
        skipped = ("**Not shown on this cohort** (a group is empty or constant, or a table is missing): "
                   + "; ".join(self.skipped) + ".") if self.skipped else None
        return [skipped, other_data_note(self.data_dir, "car1922")]

    def at_a_glance(self) -> str:
        """One line per published number whose digits another tool's default would have changed."""
        if not self.have:
            return self.no_data
        lines = self._rank_lines() + self._auc_lines() + self._cutoff_lines()
        if self.intervals is not None:
            for _, row in self.intervals[(self.intervals["would_print"] == "no")].iterrows():
                lines.append(f"- **{row['label']}**: {row['method']} ({row['default_of']}) prints {row['printed_as']} "
                             f"({row['differs']}).")
        if self.bh is not None:
            lines.append(f"- **Screen**: {int(self.bh['raw_hit'].sum())} analytes have P < {self.alpha:g} (the paper: "
                         f"10); after Benjamini-Hochberg adjustment {int(self.bh['survives_bh'].sum())} have "
                         f"q < {self.alpha:g}.")
        for lid, (label, panel, p_id) in self.correlations.items():
            for _, row in panel[(panel["key"] == "spearman") & (panel["would_print"] == "no")].iterrows():
                lines.append(f"- **{label}** (published {entry(lid).printed}, {entry(p_id).printed}): Spearman "
                             f"prints r = {row['r_printed']}, P = {row['p_printed']}.")
        return "\n".join(lines) if lines else "No default changes a published digit on these data."

    def _rank_lines(self) -> list[str]:
        return [f"- **{label}**: {row['default_of']} prints P = {row['printed_as']}."
                for label, panel in self.rank_panels.items()
                for _, row in panel[(panel["would_print"] == "no") & panel["key"].isin(TOOL_DEFAULTS)].iterrows()]

    def _auc_lines(self) -> list[str]:
        return [f"- **{analyte} AUC** (published {entry(f'p1_fig1d_auc_{SCREEN_IDS[analyte]}').printed}): "
                f"{row['method']} ({row['default_of']}) prints {row['printed_as']}."
                for analyte, panel in self.auc_panels.items()
                for _, row in panel[panel["would_print"] == "no"].iterrows()]

    def _cutoff_lines(self) -> list[str]:
        lines = []
        for analyte, panel in self.cutoff_panels.items():
            for _, row in panel[panel["would_print"] == "no"].iterrows():
                extra = ""
                if row["validation_would_print"] == "no":
                    extra = (f", and at it the validation sensitivity and specificity become "
                             f"{row['validation_printed']} instead of {entry('p1_s3m_sens_val').printed} and "
                             f"{entry('p1_s3m_spec_val').printed}")
                lines.append(f"- **{analyte} cutoff** (published "
                             f"{entry(f'p1_fig1e_cutoff_{SCREEN_IDS[analyte]}').printed}): reporting the observed "
                             f"value ({row['rule']}) prints {row['printed_as']}{extra}.")
        return lines

    def rank_tests(self) -> list | str:
        """Card 1: the printed comparisons by every Mann-Whitney variant, side by side and one by one."""
        if not (self.have and self.rank_panels):
            return self._missing()
        items: list = [would_print_matrix(self.rank_panels)]
        for label, panel in self.rank_panels.items():
            table = panel[["method", "default_of", "p_value", "printed_as", "would_print"]].rename(
                columns={"default_of": "default in", "p_value": "P", "would_print": "would print?"})
            table.attrs["formats"] = {"P": "{:.5f}"}
            items += [f"**{label}** — {panel.at[0, 'n']}, {panel.at[0, 'ties']} tied values, "
                      f"U = {panel.at[0, 'statistic']:g}", table]
        return items

    def screen_summary(self) -> pd.DataFrame | str:
        """Card 1: for each variant, how many of the ten printed screen P values it prints."""
        if not (self.have and self.screen_panels):
            return self._missing()
        summary = []
        first = next(iter(self.screen_panels.values()))
        for key, method, default_of in first[["key", "method", "default_of"]].itertuples(index=False):
            verdicts = {a: panel.set_index("key").loc[key] for a, panel in self.screen_panels.items()}
            hits = [a for a, row in verdicts.items() if row["would_print"] == "yes"]
            misses = [f"{a} {row['printed_as']}" for a, row in verdicts.items() if row["would_print"] == "no"]
            summary.append({"method": method, "default in": default_of,
                            "prints the paper's P (3 decimals)": f"{len(hits)} of {len(self.screen_panels)}",
                            "differs": "; ".join(misses)})
        return pd.DataFrame(summary)

    def untied_lattice(self) -> list | str:
        """Card 1: the P values untied validation data of these sizes can print, around the published one."""
        key = ("validation", MIP3A)
        vnr, vrem = self.groups[key] if self.have and self.ok[key] else ([], [])
        if not len(vnr):
            return self._missing()
        if exact_table_cells(len(vnr), len(vrem)) > EXACT_MAX_CELLS:
            return f"{len(vnr)} vs {len(vrem)} values: too many for the exact tables; the lattice is not computed."
        lattice = tie_free_p_values(len(vnr), len(vrem), decimals=4)
        methods = ["exact", "normal_cc", "normal"]
        near = lattice[(lattice[methods] - self.validation_p).abs().min(axis=1) < 0.006]
        table = near[["u", "exact_printed", "normal_cc_printed", "normal_printed"]].rename(
            columns={"u": "U (untied)", "exact_printed": "exact", "normal_cc_printed": "normal, continuity-corrected",
                     "normal_printed": "normal, uncorrected"})
        printable = set(lattice[[f"{m}_printed" for m in methods]].to_numpy().ravel())
        shown = f"{self.validation_p:.4f}"
        return [table, f"P = {shown} is {'among' if shown in printable else 'not among'} the P values untied "
                f"{len(vnr)} vs {len(vrem)} data can print."]

    def auc_intervals(self) -> list | str:
        """Card 2: each ROC area with three intervals, side by side and one by one."""
        if not (self.have and self.auc_panels):
            return self._missing()
        printed = {a: entry(f"p1_fig1d_auc_{SCREEN_IDS[a]}").printed for a in self.auc_panels}
        items: list = [would_print_matrix({f"{a} ({printed[a]})": panel for a, panel in self.auc_panels.items()})]
        for analyte, panel in self.auc_panels.items():
            table = panel[["method", "default_of", "se", "printed_as", "would_print", "differs"]].rename(
                columns={"default_of": "default in", "se": "SE", "would_print": "would print?"})
            table.attrs["formats"] = {"SE": "{:.5f}"}
            items += [f"**{analyte}** — published {printed[analyte]}", table]
        return [*items, "The area is the same for every method; only the interval moves. DeLong changes the third "
                "or fourth decimal of both bounds, the exponential approximation the second: its SE is larger "
                "because the exponential model of Q1 and Q2 does not fit these data."]

    def cutoffs(self) -> list | str:
        """Card 3: Youden's cutoff reported three ways, and the tie rule on a toy example."""
        if not (self.have and self.cutoff_panels):
            return self._missing()
        items: list = []
        for analyte, panel in self.cutoff_panels.items():
            columns = ["method", "default_of", "rule", "printed_as", "would_print", "sensitivity", "specificity"]
            if panel["validation_printed"].ne("").any():
                columns += ["validation_printed", "validation_would_print"]
            items += [f"**{analyte}** — published cutoff {entry(f'p1_fig1e_cutoff_{SCREEN_IDS[analyte]}').printed}; "
                      f"tied maxima of J: {panel.at[0, 'tied_maxima']}",
                      panel[columns].rename(columns={
                          "default_of": "default in", "printed_as": "cutoff", "would_print": "would print?",
                          "sensitivity": "training sens. %", "specificity": "training spec. %",
                          "validation_printed": "validation sens., spec.", "validation_would_print": "would print?"})]
        toy = youden_table([1, 3], [2, 4], direction="lower")
        return [*items, "**The tie rule on a toy example** (cases 1 and 3, controls 2 and 4, cases lower): "
                "thresholds 1.5 and 3.5 both reach J = 0.5; `youden_cutoff` returns 3.5, the one with the higher "
                "sensitivity.", toy[["threshold", "sensitivity", "specificity", "youden"]]]

    def sens_spec_intervals(self) -> list | str:
        """Card 4: each sensitivity and specificity with three intervals, and how many printed ones each changes."""
        if not (self.have and self.intervals is not None):
            return self._missing()
        intervals = self.intervals
        printed = intervals[intervals["compared"] == "estimate and interval"]
        names = intervals.drop_duplicates("key").set_index("key")["method"]
        rows = {key: printed[printed["key"] == key] for key in ("wilson", "clopper_pearson")}
        changes = "; ".join(f"{names[key]} changes {int((chosen['would_print'] == 'no').sum())} of {len(chosen)}"
                            for key, chosen in rows.items())
        return [intervals[["label", "method", "default_of", "printed_as", "would_print", "differs"]].rename(
                    columns={"default_of": "default in", "would_print": "would print?"}),
                "Plain Wilson differs from the hybrid only where $k$ or $n - k$ is 1 or 2 (here the upper limit of "
                "12/13); Clopper-Pearson is wider and moves every bound below 100%. Of the printed intervals, "
                f"{changes}. The validation proportions were printed without an interval, so only their estimates "
                "are compared."]

    def multiplicity(self) -> list | str:
        """Card 5: the top of the screen with raw P and Benjamini-Hochberg q, and how many analytes survive."""
        if not (self.have and self.bh is not None):
            return self._missing()
        bh, alpha = self.bh, self.alpha
        top = bh[bh["raw_hit"] | (bh["rank"] <= 12)]
        table = top.assign(raw_hit=top["raw_hit"].map(_YES_NO), survives_bh=top["survives_bh"].map(_YES_NO)).rename(
            columns={"label": "analyte", "p": "P (exact)", "rank": "i", "bh_bound": "0.05 i / m", "q": "q (BH)",
                     "raw_hit": f"P < {alpha:g}", "survives_bh": f"q < {alpha:g}"})
        table.attrs["formats"] = {"P (exact)": "{:.4f}", "0.05 i / m": "{:.4f}", "q (BH)": "{:.4f}"}
        survivors = int(bh["survives_bh"].sum())
        return [table, f"Of the {int(bh['raw_hit'].sum())} analytes with P < {alpha:g} among {len(bh)}, {survivors} "
                f"keep q < {alpha:g} after the Benjamini-Hochberg adjustment (smallest q {bh['q'].min():.4f})."
                + (" Had the paper adjusted for the 70 tests, it would have reported no significant cytokine at a "
                   f"false-discovery rate of 5%; what supports MIP3α is the separate validation cohort "
                   f"(P = {self.validation_p:.4f})." if survivors == 0 else "")]

    def pearson(self) -> list | str:
        """Card 6: each correlation by Pearson, Spearman and Kendall, and which prints the published pair."""
        if not (self.have and self.correlations):
            return self._missing()
        items: list = []
        verdicts = []
        for lid, (label, panel, p_id) in self.correlations.items():
            table = panel[["method", "default_of", "statistic", "p_value", "r_printed", "p_printed", "r_matches",
                           "p_matches"]].rename(columns={
                               "default_of": "default in", "statistic": "coefficient", "p_value": "P",
                               "r_printed": "r printed", "p_printed": "P printed", "r_matches": "r would print?",
                               "p_matches": "P would print?"})
            table.attrs["formats"] = {"coefficient": "{:.4f}", "P": "{:.5f}"}
            items += [f"**{label}** (n = {panel.at[0, 'n']}) — published {entry(lid).printed}, "
                      f"{entry(p_id).printed}", table]
            row = panel.set_index("key").loc["spearman"]
            verdicts.append(f"{label.split(',')[0]}: Spearman prints r = {row['r_printed']}, P = {row['p_printed']} "
                            + ("(the same digits as the paper)" if row["would_print"] == "yes" else
                               f"instead of {entry(lid).printed}, {entry(p_id).printed}"))
        pearson_prints = all(panel.set_index("key").at["pearson", "would_print"] == "yes"
                             for _, panel, _ in self.correlations.values())
        return [*items, ("Only Pearson prints both published pairs. " if pearson_prints else "")
                + "; ".join(verdicts) + "."]


def _proportion(group: str, name: str, prop, ledger_id: str, *, interval: bool) -> dict:
    """A sensitivity or specificity case for :func:`sens_spec_ci_panel`, with its printed value(s)."""
    published = entry(ledger_id)
    what = "sensitivity" if name == "sens" else "specificity"
    return {"label": f"{group} {what} {prop.k}/{prop.n}", "k": prop.k, "n": prop.n,
            "published": (published.value, published.ci_low, published.ci_high) if interval else (published.value,)}

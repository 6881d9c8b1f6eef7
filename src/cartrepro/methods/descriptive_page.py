"""The page "Methods · Descriptive statistics and tests": its panels and sentences, from one cohort folder.

``notebooks/methods_descriptive_tests.py`` is a view over :class:`DescriptiveChapter` (see
:mod:`cartrepro.methods.chapter`). The cases are P2's: the fractions it prints as percentages, its
response-rate intervals, two medians of even-sized samples, four two-group P values and two Spearman
correlations, each counted or computed from the patient table of this build.
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22 import derive
from cartrepro.analysis.time import months
from cartrepro.contract import load_paper
from cartrepro.ledger.entries import entry
from cartrepro.methods.chapter import decimals_of, no_panel, no_panels, other_data_note
from cartrepro.methods.descriptive import (
    correlation_panel,
    median_panel,
    percent_rounding_panel,
    proportion_ci_panel,
    two_group_panel,
)
from cartrepro.methods.printing import would_print_matrix

__all__ = ["OBJECTIVE", "DescriptiveChapter", "TWO_GROUP_KEYS", "mask"]

#: the day-30 responses counted as objective (CR/CRi of either MRD status, or PR)
OBJECTIVE = ("cr_mrd_negative", "cr_mrd_positive", "partial_response")
#: the rows of card 4, in the order of its summary
TWO_GROUP_KEYS = ("student", "welch", "mw_cc", "mw_asymptotic", "mw_exact", "mw_exact_conditional")
NOT_HERE = "*This comparison cannot be computed on this cohort (see the list under the first cell).*"


def mask(condition) -> pd.Series:
    """A boolean mask with missing values counted as False."""
    return pd.Series(condition).astype("boolean").fillna(False).to_numpy(dtype=bool)


class _Masks:
    """The patient groups the cases count, from the patient table."""

    def __init__(self, patients: pd.DataFrame) -> None:
        response = patients["day30_response"]
        status = patients["baseline_status"]
        self.evaluated = mask(response != "not_evaluated")
        self.cr = mask(response.isin(("cr_mrd_negative", "cr_mrd_positive")))
        self.mrd_negative = mask(response == "cr_mrd_negative")
        self.had_cd19 = mask(patients["cd19_car_history"] != "none")
        self.hr, self.mrd_pos, self.emd = (mask(status == s) for s in
                                           ("hematological_relapse", "fcm_mrd_positive", "exclusive_emd"))


def _fractions(patients: pd.DataFrame, m: _Masks) -> dict[str, tuple[str, int, int]]:
    """Ledger id -> (what, k, n) of the percentages of card 1, counted from the patient table."""
    history = patients["cd19_car_history"]
    return {
        "p2_resp_cr_enrolled": ("CR/CRi among all enrolled", int(m.cr.sum()), len(patients)),
        "p2_disc_mrdneg_evaluated": ("MRD-negative among evaluated", int((m.evaluated & m.mrd_negative).sum()),
                                     int(m.evaluated.sum())),
        "p2_fig2a_cr_hr": ("CR/CRi among evaluated HR patients", int((m.cr & m.hr).sum()),
                           int((m.evaluated & m.hr).sum())),
        "p2_base_cd19_negdim_relapse": ("CD19-neg/dim relapse among CD19 CAR-T failures",
                                        int(mask(history == "cd19neg_or_dim_relapse").sum()), int(m.had_cd19.sum())),
        "p2_base_cd19_bright_nr": ("CD19-bright non-response among CD19 CAR-T failures",
                                   int(mask(history == "cd19bright_no_response").sum()), int(m.had_cd19.sum())),
        "p2_fig3a_crs_any": ("any-grade CRS", int(mask(patients["crs_grade"] > 0).sum()), len(patients)),
    }


def _ci_cases(patients: pd.DataFrame, m: _Masks) -> dict[str, tuple[str, int, int]]:
    """Ledger id -> (what, k, n) of the response rates of card 3."""
    return {
        "p2_fig2a_cr_evaluated": ("CR/CRi among evaluated", int(m.cr.sum()), int(m.evaluated.sum())),
        "p2_resp_cr_enrolled": ("CR/CRi among all enrolled", int(m.cr.sum()), len(patients)),
        "p2_fig2a_cr_hr": ("CR/CRi, HR", int((m.cr & m.hr).sum()), int((m.evaluated & m.hr).sum())),
        "p2_fig2a_mrdneg_hr": ("MRD-negative CR, HR", int((m.hr & m.mrd_negative).sum()),
                               int((m.evaluated & m.hr).sum())),
        "p2_fig2a_mrd_conversion": ("MRD+ converted to MRD-negative", int((m.cr & m.mrd_pos).sum()),
                                    int((m.evaluated & m.mrd_pos).sum())),
        "p2_fig2a_cr_emd": ("CR, exclusive EMD", int((m.cr & m.emd).sum()), int((m.evaluated & m.emd).sum())),
    }


def _comparisons(patients: pd.DataFrame, early_death_days: int) -> dict[str, tuple[str, pd.Series, pd.Series]]:
    """Ledger id -> (label, group a, group b) of the two-group P values of card 4."""
    response = patients["day30_response"]
    peak = patients["peak_car_pct_cd3"].astype(float)
    dose = patients["dose_1e5_per_kg"].astype(float)
    transplanted = mask(patients["prior_allo_hct"])
    responders, non_responders = mask(response.isin(OBJECTIVE)), mask(response == "no_response")
    early = mask(patients["death_day"].astype("Float64") < early_death_days)
    neuro = mask(patients["neurotox_grade"].astype("Float64") > 0)
    return {
        "p2_dose_p": ("Dose, not transplanted vs transplanted", dose[~transplanted], dose[transplanted]),
        "p2_fig2b_p_expansion_response": ("Peak CAR-T, objective responders vs no response",
                                          peak[responders], peak[non_responders]),
        "p2_fig3b_p_severe_ae": ("Peak CAR-T, 4 early deaths vs the rest", peak[early], peak[~early]),
        "p2_fig3b_p_neuro": ("Peak CAR-T, neurotoxicity vs none", peak[neuro], peak[~neuro]),
    }


class DescriptiveChapter:
    """The comparison panels of the descriptive-statistics page on the cohort folder ``data_dir``."""

    def __init__(self, data_dir, *, early_death_days: int) -> None:
        self.data_dir = data_dir
        self.no_data = no_panel("P2 data", "cd22/")
        self.skipped: list[str] = []  # what a degenerate cohort cannot show, said under the first cell
        cohort = load_paper(data_dir, "cd22")
        self.patients = None if cohort is None else cohort["patients"]
        if self.patients is not None:
            self._compute(self.patients, early_death_days)

    def _compute(self, patients: pd.DataFrame, early_death_days: int) -> None:
        groups = _Masks(patients)
        fractions, ci_cases = _fractions(patients, groups), _ci_cases(patients, groups)
        self.comparisons = _comparisons(patients, early_death_days)
        self.two_group = {lid: two_group_panel(a, b, entry(lid).value, decimals=decimals_of(lid))
                          for lid, (_, a, b) in self.comparisons.items() if self._testable(lid, a, b)}
        self.correlations = self._correlation_panels(patients)
        self.medians = self._median_panels(patients)
        self.percent = percent_rounding_panel(
            {"label": f"{k}/{n} · {what}", "k": k, "n": n, "decimals": decimals_of(lid),
             "published": entry(lid).value}
            for lid, (what, k, n) in fractions.items() if n > 0)
        self.intervals = proportion_ci_panel({"label": f"{k}/{n} · {what}", "k": k, "n": n}
                                             for what, k, n in ci_cases.values() if n > 0)
        self.skipped += [f"{lid} (n = 0)" for lid, (_, _, n) in {**fractions, **ci_cases}.items() if n == 0]

    def _testable(self, lid: str, a: pd.Series, b: pd.Series) -> bool:
        a, b = a.dropna(), b.dropna()
        if len(a) and len(b) and len(a) + len(b) >= 3 and pd.concat([a, b]).nunique() > 1:
            return True
        self.skipped.append(f"{lid} ({len(a)} vs {len(b)} values)")
        return False

    def _correlation_panels(self, patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
        peak = patients["peak_car_pct_cd3"].astype(float)
        panels = {}
        for lid, column in (("p2_kin_spearman_il2", "il2_fold_increase"),
                            ("p2_kin_spearman_tnfa", "tnfa_fold_increase")):
            pairs = pd.DataFrame({"x": peak, "y": patients[column].astype(float)}).dropna()
            if len(pairs) >= 3 and pairs["x"].nunique() > 1 and pairs["y"].nunique() > 1:
                panels[lid] = correlation_panel(pairs["x"], pairs["y"], entry(lid).value, decimals=decimals_of(lid))
            else:
                self.skipped.append(f"{lid} ({len(pairs)} complete pairs)")
        return panels

    def _median_panels(self, patients: pd.DataFrame) -> dict[str, tuple[str, pd.DataFrame]]:
        course = derive.further_therapy(patients)
        cr_table = patients[derive.complete_remission(patients)]
        nft = cr_table[cr_table["patient_id"].isin(course.index[course == "none"])]
        nft_relapse_months = months(nft["relapse_day"].dropna().astype(float))
        panels = {}
        for lid, label, values in (("p2_base_age_median", "Age, years", patients["age_years"].astype(float)),
                                   ("p2_ltf_nft_relapse_median", "NFT relapse times, months",
                                    pd.Series(nft_relapse_months, dtype=float))):
            if values.notna().any():
                panels[lid] = (f"{label} (n = {int(values.notna().sum())})",
                               median_panel(values, entry(lid).value, decimals_of(lid)))
            else:
                self.skipped.append(f"{lid} (no values)")
        return panels

    # ------------------------------------------------------------------------------------------ the page

    def opening(self) -> list | str:
        """What the first cell says: no data, what this cohort cannot show, data other than the shipped cohort."""
        if self.patients is None:
            return no_panels("P2 data", "cd22/")
        skipped = ("**Not shown on this cohort** (a group is empty, too small or constant): "
                   + "; ".join(self.skipped) + ".") if self.skipped else None
        return [skipped, other_data_note(self.data_dir, "cd22")]

    def at_a_glance(self) -> str:
        """One line per published number whose digits another tool's default would have changed."""
        if self.patients is None:
            return self.no_data
        lines = self._percent_lines() + self._median_lines() + self._interval_lines()
        for lid, panel in {**self.two_group, **self.correlations}.items():
            for _, row in panel[(panel["would_print"] == "no") & (panel["default_of"] != "")].iterrows():
                lines.append(f"- **{lid}** (published {entry(lid).printed}): {row['method']} ({row['default_of']}) "
                             f"prints {row['printed_as']}.")
        return "\n".join(lines) if lines else "No default changes a published digit on these data."

    def _percent_lines(self) -> list[str]:
        return [f"- **{row['label']}**: printed {row['published']}, a truncation; any rounding tool "
                f"(SPSS, Excel, R `round`, Python `round`) prints {row['half_up']}."
                for _, row in self.percent[self.percent["matches"] == "truncated"].iterrows()]

    def _median_lines(self) -> list[str]:
        lines = []
        for lid, (label, panel) in self.medians.items():
            for _, row in panel[panel["would_print"] == "no"].iterrows():
                method = row["method"][0].lower() + row["method"][1:]
                lines.append(f"- **{label}** (median printed {entry(lid).printed}): {method} "
                             f"({row['default_of']}) prints {row['printed_as']}.")
        return lines

    def _interval_lines(self) -> list[str]:
        moved = self.intervals[self.intervals["same_as_clopper_pearson"] == "no"]
        lines = []
        for key in ("wilson", "prop_test", "normal"):
            rows = moved[moved["key"] == key]
            if len(rows):
                lines.append(f"- **Exact CIs** (Clopper-Pearson, printed to integer percent): "
                             f"{rows['default_of'].iloc[0]} changes {len(rows)} of {self.intervals['label'].nunique()} "
                             f"intervals ({', '.join(rows['label'].str.split(' · ').str[0])}).")
        return lines

    def percentages(self) -> list | str:
        """Card 1: the paper's fractions printed three ways, with one exact tie for illustration."""
        if self.patients is None:
            return self.no_data
        tie = percent_rounding_panel([{"label": "1/8 · (a tie, for illustration)", "k": 1, "n": 8, "decimals": 0}])
        table = pd.concat([self.percent, tie], ignore_index=True)
        table.attrs["formats"] = {"percent": "{:.4f}"}
        matches = self.percent["matches"]
        truncated = self.percent.loc[matches == "truncated", "label"].str.split(" · ").str[0].tolist()
        rounded = self.percent.loc[matches.str.startswith("half_up") & ~matches.str.contains("truncated"),
                                   "label"].str.split(" · ").str[0].tolist()
        return [table, f"Only truncation prints the paper's digits for {', '.join(truncated) or 'no fraction'}; only "
                f"rounding for {', '.join(rounded) or 'no fraction'}. The paper therefore used both, so no single "
                "rule reproduces all its percentages. Python's half-to-even `round` agrees with half up on every "
                "fraction the paper prints (none is an exact tie)."]

    def median_panels(self) -> list | str:
        """Card 2: each median by every convention, and whether the two middle values differ."""
        if self.patients is None or not self.medians:
            return self.no_data if self.patients is None else NOT_HERE
        items: list = []
        notes = []
        for lid, (label, panel) in self.medians.items():
            low, high = panel.at[0, "middle"]
            table = panel[["method", "default_of", "helper", "statistic", "printed_as", "would_print"]].rename(
                columns={"default_of": "default in", "statistic": "median", "would_print": "would print?"})
            table.attrs["formats"] = {"median": "{:.4f}"}
            items += [f"**{label}** — printed median {entry(lid).printed}; the two middle values are {low:.4g} and "
                      f"{high:.4g}.", table]
            notes.append(f"{label}: " + ("the two middle values are equal, so every convention prints the same."
                                         if low == high else "the two middle values differ, so only the mean of the "
                                         f"two prints {entry(lid).printed}."))
        return [*items, " ".join(notes)]

    def interval_panel(self) -> list | str:
        """Card 3: each response rate's interval by four methods, and how many printed bounds each changes."""
        if self.patients is None:
            return self.no_data
        intervals = self.intervals
        table = intervals[["label", "method", "default_of", "ci_low", "ci_high", "printed_as",
                           "same_as_clopper_pearson", "differs"]].rename(
            columns={"default_of": "default in", "ci_low": "lower %", "ci_high": "upper %",
                     "same_as_clopper_pearson": "same as CP?"})
        verdict = intervals[intervals["key"] != "clopper_pearson"].groupby("key", sort=False)["same_as_clopper_pearson"]
        counts = verdict.apply(lambda s: int((s == "no").sum()))
        names = intervals.drop_duplicates("key").set_index("key")["default_of"]
        return [table, "Intervals whose printed bounds would change: " + "; ".join(
            f"{names[key]}: {n} of {intervals['label'].nunique()}" for key, n in counts.items()) + "."]

    def two_group_panels(self) -> list | str:
        """Card 4: each two-group P by every test, and how many published P values each test prints."""
        if self.patients is None or not self.two_group:
            return self.no_data if self.patients is None else NOT_HERE
        titles = {lid: f"**{self.comparisons[lid][0]}** ({panel.at[0, 'n']}) — published P = {entry(lid).printed}"
                  for lid, panel in self.two_group.items()}
        items = _side_by_side_and_each(self.two_group, titles, "statistic", {"statistic": "{:.3f}", "P": "{:.5f}"})
        lines = []
        for key in TWO_GROUP_KEYS:
            hits = [lid for lid, panel in self.two_group.items()
                    if panel.set_index("key").at[key, "would_print"] == "yes"]
            name = next(iter(self.two_group.values())).set_index("key").at[key, "method"]
            lines.append(f"- {name}: prints the paper's P for {len(hits)} of {len(self.two_group)}"
                         + (f" ({', '.join(hits)})." if hits else "."))
        return [*items, "\n".join(lines)]

    def correlation_panels(self) -> list | str:
        """Card 5: each correlation by every coefficient, and the ties that make the rank method matter."""
        if self.patients is None or not self.correlations:
            return self.no_data if self.patients is None else NOT_HERE
        titles = {lid: f"**{lid}** (n = {panel.at[0, 'n']}) — published {entry(lid).printed}"
                  for lid, panel in self.correlations.items()}
        items = _side_by_side_and_each(self.correlations, titles, "coefficient",
                                       {"coefficient": "{:.4f}", "P": "{:.5f}"})
        ties = {column: int(self.patients[column].duplicated().sum()) for column in
                ("peak_car_pct_cd3", "il2_fold_increase", "tnfa_fold_increase")}
        return [*items, "Tied values (repeats) in this cohort: " + ", ".join(f"`{c}` {n}" for c, n in ties.items())
                + ". Ties are why the rank method matters: ranking tied values by position instead of averaging "
                "them moves $r_s$, and Pearson on the skewed raw values is a different quantity altogether."]


def _side_by_side_and_each(panels: dict[str, pd.DataFrame], titles: dict[str, str], statistic: str,
                           formats: dict[str, str]) -> list:
    """Method panels (two-group tests or correlations) side by side, then each with its title and numbers."""
    items: list = [would_print_matrix({f"{lid} ({entry(lid).printed})": p for lid, p in panels.items()})]
    for lid, panel in panels.items():
        table = panel[["method", "default_of", "statistic", "p_value", "printed_as", "would_print"]].rename(
            columns={"default_of": "default in", "statistic": statistic, "p_value": "P",
                     "would_print": "would print?"})
        table.attrs["formats"] = formats
        items += [titles[lid], table]
    return items

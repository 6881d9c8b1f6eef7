"""Figures of the P1 (CAR19/22) pages, drawn from the frames of the analysis results (``r.frames``).

Each function takes what :mod:`cartrepro.analysis.car1922` put in ``Results.frames`` and returns a matplotlib
Figure in the house style (:mod:`cartrepro.figures.style`). On data that cannot give a panel (an empty
group, no cutoff) the figure says so in place of the panel, so that the notebooks need no branches.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.analysis.car1922.derive import DISEASE_LABELS
from cartrepro.analysis.time import DAYS_PER_MONTH
from cartrepro.figures import diagnostics
from cartrepro.figures.groups import box_points, scatter
from cartrepro.figures.incidence import IncidenceCurve, cumulative_incidence_figure
from cartrepro.figures.survival import Curve, km_figure, use_house_style

GROUPS = ("nr_er", "remission")
GROUP_LABELS = {"nr_er": "NR/ER", "remission": "> 6-month remission"}


def empty_figure(title: str, reason: str) -> Figure:
    """A panel that could not be drawn: its title and the reason."""
    use_house_style()
    fig, ax = plt.subplots(figsize=(6.4, 1.6))
    ax.axis("off")
    ax.set_title(title, loc="left")
    ax.text(0.0, 0.5, f"Not drawn on this data: {reason}", transform=ax.transAxes, va="center", wrap=True)
    return fig


def p_text(p: object, name: str = "P") -> str:
    """``P = 0.0049`` from a P value, or ``P not computable`` from a reason (a text)."""
    return f"{name} not computable" if isinstance(p, str) or p is None else f"{name} = {p:.4f}"


def failure_incidence_figure(events: pd.DataFrame) -> Figure:
    """Figure 1a: cumulative incidence of NR or relapse by disease (``frames["fig1a_events"]``)."""
    curves = [IncidenceCurve(f"{label} (n={len(sub)})", sub["time_days"].to_numpy(), sub["cause"].to_numpy())
              for disease, label in DISEASE_LABELS.items()
              if len(sub := events[events["disease"] == disease])]
    if not curves:
        return empty_figure("Figure 1a  Non-response and relapse", "no patients")
    return cumulative_incidence_figure(curves, title="Figure 1a  Non-response and relapse",
                                       ylabel="Cumulative incidence of NR or relapse")


def km_by_group_figure(data: pd.DataFrame, group: str, labels: dict, *, title: str, ylabel: str,
                       conf_type: str = "log-log", show_ci: bool = True) -> Figure:
    """Kaplan-Meier curves of ``data`` (``time_days, event``) by the values of column ``group``; a group
    without patients is left out, and a figure without any says so."""
    curves = [Curve(f"{label} (n={len(sub)})", sub["time_days"].to_numpy(float), sub["event"].to_numpy(bool),
                    conf_type=conf_type)
              for value, label in labels.items() if len(sub := data[data[group] == value])]
    if not curves:
        return empty_figure(title, "no patients")
    return km_figure(curves, title=title, ylabel=ylabel, show_ci=show_ci)


def survival_by_disease_figure(data: pd.DataFrame, endpoint: str, conf_type: str) -> Figure:
    """Supplementary Fig. 3a (``endpoint="os"``) or 3b (``"pfs"``): Kaplan-Meier by disease with CIs."""
    panel, label = {"os": ("3a", "Overall survival"), "pfs": ("3b", "Progression-free survival")}[endpoint]
    return km_by_group_figure(data, "disease", DISEASE_LABELS, title=f"Supplementary Fig. {panel}  {label}",
                              ylabel=label, conf_type=conf_type)


def crs_figure(data: pd.DataFrame, endpoint: str) -> Figure:
    """Supplementary Fig. 3l: B-NHL survival by CRS grade 0-2 vs 3-5 (``frames["crs_data"]``)."""
    label = {"os": "Overall survival", "pfs": "Progression-free survival"}[endpoint]
    return km_by_group_figure(data, "group", {"0-2": "CRS grade 0-2", "3-5": "CRS grade 3-5"},
                              title=f"Supplementary Fig. 3l  B-NHL {endpoint.upper()} by CRS grade", ylabel=label,
                              show_ci=False)


#: a region of the Fig. 1c Venn diagram lists at most this many analytes by name: a 10,000-patient cohort makes
#: dozens significant, whose names would not fit the figure (its layout then fails with a warning on the page)
VENN_NAMES = 10


def venn_region_text(names: set) -> str:
    """The label of one Venn region: its analytes in alphabetical order, one per line; past :data:`VENN_NAMES`,
    the first ``VENN_NAMES - 1`` and a line counting the rest; ``"0"`` for an empty region.

    Examples
    --------
    >>> venn_region_text({"MIP3α", "Eotaxin"})
    'Eotaxin\\nMIP3α'
    >>> venn_region_text({f"analyte {i:02d}" for i in range(12)}).splitlines()[-2:]
    ['analyte 08', '… and 3 more']
    """
    if not names:
        return "0"
    shown = sorted(names)
    if len(shown) > VENN_NAMES:
        shown = [*shown[:VENN_NAMES - 1], f"… and {len(shown) - VENN_NAMES + 1} more"]
    return "\n".join(shown)


def venn_figure(significant: dict, alpha: float) -> Figure:
    """Figure 1c: analytes with P < alpha in B-ALL, in B-NHL, in both (names listed in each region, at most
    :data:`VENN_NAMES`; :func:`venn_region_text`)."""
    from matplotlib_venn import venn2

    title = f"Figure 1c  Analytes with P < {alpha:g} within disease"
    ball, bnhl = significant.get("b_all", set()), significant.get("b_nhl", set())
    if not (ball or bnhl):
        return empty_figure(title, "no analyte is significant within either disease")
    use_house_style()
    fig, ax = plt.subplots()
    regions = {"10": ball - bnhl, "01": bnhl - ball, "11": ball & bnhl}
    diagram = venn2(subsets=(len(regions["10"]), len(regions["01"]), len(regions["11"])),
                    set_labels=("B-ALL", "B-NHL"), ax=ax)
    for region, names in regions.items():
        label = diagram.get_label_by_id(region)
        if label is not None:
            label.set_text(venn_region_text(names))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def scatter_figure(x, y, *, xlabel: str, ylabel: str, title: str) -> Figure:
    """A plain scatter plot (supplementary Fig. 3e, 4b)."""
    return scatter(x, y, title=title, xlabel=xlabel, ylabel=ylabel)


def correlation_title(label: str, test: object, n: int) -> str:
    """``Supp. Fig. 3e  r = 0.430, P = 0.004 (n = 43)`` from a Pearson result, or ``r not computable`` when
    ``test`` is the reason (a text)."""
    if isinstance(test, str) or test is None:
        return f"{label}  r not computable (n = {n})"
    return f"{label}  r = {test.statistic:.3f}, P = {test.p_value:.3f} (n = {n})"


def roc_figure(curves: dict, auc_table: pd.DataFrame) -> Figure:
    """Figure 1d: empirical ROC curves of the markers (``frames["roc_curves"]``, ``frames["auc_table"]``)."""
    title = "Figure 1d  ROC, NR/ER vs > 6-month remission (training)"
    if not curves:
        return empty_figure(title, "the NR/ER or the remission group is empty")
    return diagnostics.roc_figure({f"{analyte}  AUC {auc_table.loc[analyte, 'AUC']:.4f}": curve
                                   for analyte, curve in curves.items()}, title=title)


def sens_spec_figure(panel: pd.DataFrame, cutoffs: dict) -> Figure:
    """Figure 1e: sensitivity and specificity at each marker's Youden cutoff (``frames["sens_spec"]``)."""
    title = "Figure 1e  At the Youden cutoff (training)"
    if panel.empty:
        return empty_figure(title, "no marker has a finite Youden cutoff")
    table = panel.rename(columns={"%": "percent"})[["marker", "measure", "percent"]].copy()
    table["label"] = [f"{a}\n(cutoff {cutoffs[a]:.3f})" for a in table["marker"]]
    return diagnostics.measure_bars(table, title=title, ylabel="Per cent of the group")


def dot_box_figure(frame: pd.DataFrame, analyte: str, cutoff: float | None, title: str, p: object) -> Figure:
    """Fold change by response group: box plot with every specimen as a dot (seeded jitter), the cutoff
    dotted."""
    data = {f"{GROUP_LABELS[g]}": frame.loc[frame["group"] == g, "fold_change"].to_numpy(float) for g in GROUPS}
    if not all(len(v) for v in data.values()):
        return empty_figure(title, "the NR/ER or the remission group has no value")
    return box_points(data, title=f"{title}  {p_text(p)}", ylabel=f"{analyte} fold change vs healthy donors",
                      reference=cutoff, reference_label=f"cutoff {cutoff:.3f}" if cutoff is not None else "")


def km_by_cutoff_figure(frame: pd.DataFrame, analyte: str, cutoff: float | None, title: str, p: object) -> Figure:
    """PFS of the specimens above vs at or below the cutoff (Kaplan-Meier, no CI)."""
    if cutoff is None or frame.empty:
        return empty_figure(title, "no cutoff" if cutoff is None else "no specimens")
    data = pd.DataFrame({"time_days": frame["pfs_day"].astype(float).to_numpy(),
                         "event": frame["pfs_event"].astype(bool).to_numpy(),
                         "side": np.where(frame["fold_change"].to_numpy(float) > cutoff, "high", "low")})
    labels = {"high": f"{analyte} > {cutoff:.3f}", "low": f"{analyte} <= {cutoff:.3f}"}
    return km_by_group_figure(data, "side", labels, title=f"{title}  {p_text(p, 'log-rank P')}",
                              ylabel="Progression-free survival", show_ci=False)


def tissue_figure(joined: pd.DataFrame, test: object) -> Figure:
    """Supplementary Fig. 4b: CD3+ infiltration against PFS (months); ``test`` the Pearson result or reason."""
    if joined.empty:
        return empty_figure("Supp. Fig. 4b", "no tumour specimens")
    return scatter_figure(joined["pfs_day"].astype(float) / DAYS_PER_MONTH, joined["cd3_infiltration"],
                          xlabel="PFS (months)", ylabel="CD3+ infiltration",
                          title=correlation_title("Supp. Fig. 4b", test, len(joined)))


def screen_table(screen: pd.DataFrame):
    """Supplementary Table 4 as shown: the screen sorted by P, numbered from 1, medians to 3 and P/q to 4
    decimals (a Styler with a fixed id: the default id is random and the page must be byte-identical)."""
    shown = screen.reset_index(drop=True)
    shown.index += 1
    return (shown.rename(columns={"n_nr_er": "n NR/ER", "n_remission": "n remission", "median_nr_er": "median NR/ER",
                                  "median_remission": "median remission", "p": "P", "q_bh": "q (BH)"})
            .style.format({"median NR/ER": "{:.3f}", "median remission": "{:.3f}", "P": "{:.4f}", "q (BH)": "{:.4f}"})
            .set_uuid("screen"))

"""The P1 figures draw from the analysis frames on the shipped cohort and say why on data that cannot give them."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from cartrepro.analysis.car1922 import mip3a, relapse, roc, screen, survival
from cartrepro.analysis.car1922.examples import tiny_cohort
from cartrepro.figures import car1922 as figs

matplotlib.use("Agg")


def _texts(fig):
    return " ".join(t.get_text() for ax in fig.axes for t in [ax.title, *ax.texts])


@pytest.mark.parametrize("with_cytokines", [True, False])
def test_every_p1_figure_draws_on_the_example_cohort(with_cytokines):
    t = tiny_cohort(with_cytokines=with_cytokines, with_tissue=with_cytokines)
    cohorts = mip3a.training_and_validation(t)
    folds = screen.fold_changes(t)
    r_roc = roc.compute(t)
    tissue = mip3a.tissue_panel(t)
    crs = survival.crs_comparison(t)
    figures = [
        figs.failure_incidence_figure(relapse.failure_incidence(t).frames["fig1a_events"]),
        figs.survival_by_disease_figure(survival.twelve_month(t).frames["survival_os"], "os", "log-log"),
        figs.crs_figure(crs.frames["crs_data"], "pfs"),
        figs.venn_figure(screen.subgroup_screen(t).frames["venn"], 0.05),
        figs.scatter_figure(folds.frames["s3e"]["MIP3α"], folds.frames["s3e"]["Eotaxin"], xlabel="x", ylabel="y",
                            title=figs.correlation_title("3e", folds.frames["s3e_test"], len(folds.frames["s3e"]))),
        figs.roc_figure(r_roc.frames["roc_curves"], r_roc.frames["auc_table"]),
        figs.sens_spec_figure(r_roc.frames["sens_spec"], r_roc.frames["cutoffs"]),
        figs.dot_box_figure(cohorts.frames["training"], "MIP3α", cohorts.frames["cutoff"], "1f",
                            cohorts.frames["tests"]["training"]["mw"]),
        figs.km_by_cutoff_figure(cohorts.frames["validation"], "MIP3α", cohorts.frames["cutoff"], "1i",
                                 cohorts.frames["tests"]["validation"]["logrank"]),
        figs.tissue_figure(tissue.frames["tissue"], tissue.frames["tissue_test"]),
    ]
    assert all(fig.axes for fig in figures)
    texts = " ".join(_texts(fig) for fig in figures)
    assert "Not drawn on this data" in texts  # e.g. the Venn diagram: nothing significant in a 6-patient cohort
    for fig in figures:
        plt.close(fig)


def test_p_text_and_correlation_title_state_missing_values():
    assert figs.p_text(0.00491) == "P = 0.0049"
    assert figs.p_text("no cutoff", "log-rank P") == "log-rank P not computable"
    assert figs.correlation_title("3e", "too few pairs", 2) == "3e  r not computable (n = 2)"


def test_a_venn_region_of_many_analytes_lists_some_and_counts_the_rest():
    """A large cohort makes dozens of analytes significant (52 in both diseases on the 10,000-patient cohort):
    the figure lists at most VENN_NAMES per region and still lays out (a layout warning is an error here)."""
    names = [f"analyte {i:02d}" for i in range(70)]
    significant = {"b_all": set(names[:58]), "b_nhl": set(names[6:69])}
    fig = figs.venn_figure(significant, 0.05)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_text()]
    both = next(label for label in labels if label.startswith("analyte 06"))
    assert both.splitlines() == [*names[6:15], "… and 43 more"]  # 52 in both: 9 named, 43 counted
    assert "\n".join(names[:6]) in labels  # B-ALL only: 6, all named
    assert "\n".join([*names[58:67], "… and 2 more"]) in labels  # B-NHL only: 11
    assert figs.venn_region_text(set(names[:10])).splitlines() == names[:10]  # ten still fit by name
    assert figs.venn_region_text(set()) == "0"
    plt.close(fig)

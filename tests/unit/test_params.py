"""``--param``: scoped keys, declared types and choices, one-line errors before anything runs."""

import pytest

from cartrepro.analysis import pages as pages_module
from cartrepro.analysis.pages import Page, Parameter
from cartrepro.build.cli import main as cli_main
from cartrepro.build.params import ParamError, declared_keys, parse_value, resolve


def _conf(default):
    return Parameter("conf_type", default, "CI transform", choices=("plain", "log", "log-log"))


HORIZON = Parameter("horizon_days", 365.25, "where the curves are read")
WINDOW = Parameter("window_months", 6.0, "the NR/ER rule")
CUTOFF = Parameter("cutoff", None, "fixed cutoff or Youden", kind=float)
DECIMALS = Parameter("spss_decimals", 3, "decimals SPSS printed")
PAGES = [
    Page("p2_fig4_long_term_outcome", "cd22", None, (_conf("plain"), Parameter("horizon_days", 365, "1 year"),
                                                      DECIMALS)),
    Page("p2_fig5_relapse", "cd22", None, (_conf("plain"),)),
    Page("p1_survival", "car1922", None, (_conf("log-log"), HORIZON)),
    Page("p1_fig1ab_relapse_timing", "car1922", None, (WINDOW, HORIZON)),
    Page("p1_fig1fi_mip3a", "car1922", None, (WINDOW, CUTOFF)),
]


def test_a_paper_scope_sets_every_page_of_that_paper_only():
    assert resolve(["cd22.conf_type=log"], PAGES) == {"p2_fig4_long_term_outcome": {"conf_type": "log"},
                                                      "p2_fig5_relapse": {"conf_type": "log"}}


def test_a_notebook_scope_sets_that_page_only():
    assert resolve(["p2_fig4_long_term_outcome.conf_type=log"], PAGES) == {
        "p2_fig4_long_term_outcome": {"conf_type": "log"}}


def test_an_unscoped_key_with_one_default_sets_every_page_declaring_it():
    assert resolve(["window_months=3"], PAGES) == {"p1_fig1ab_relapse_timing": {"window_months": 3.0},
                                                   "p1_fig1fi_mip3a": {"window_months": 3.0}}


def test_an_unscoped_key_whose_defaults_differ_is_refused_naming_the_scopes():
    with pytest.raises(ParamError) as err:
        resolve(["conf_type=log"], PAGES)
    message = str(err.value)
    assert "different defaults" in message and "cd22.conf_type=" in message and "car1922.conf_type=" in message
    assert "\n" not in message


def test_the_narrower_scope_wins_whatever_the_order():
    got = resolve(["p1_survival.horizon_days=100", "car1922.horizon_days=200"], PAGES)
    assert got == {"p1_survival": {"horizon_days": 100.0}, "p1_fig1ab_relapse_timing": {"horizon_days": 200.0}}


def test_an_undeclared_key_names_the_keys_that_exist():
    with pytest.raises(ParamError) as err:
        resolve(["conf_typ=log"], PAGES)
    message = str(err.value)
    assert "conf_typ" in message and "cd22.conf_type" in message and "window_months" in message
    assert "NOTEBOOK.NAME" in message
    with pytest.raises(ParamError, match="no page declares"):
        resolve(["p2_fig5_relapse.horizon_days=1"], PAGES)  # declared elsewhere, not on this page
    with pytest.raises(ParamError, match="no page declares"):
        resolve(["cd22.window_months=1"], PAGES)


@pytest.mark.parametrize(("text", "fragment"), [
    ("car1922.horizon_days=abc", "horizon_days must be a number (float), got 'abc'"),
    ("cd22.conf_type=logg", "conf_type must be one of 'plain', 'log', 'log-log', got 'logg'"),
    ("spss_decimals=2.5", "spss_decimals must be a whole number (int), got '2.5'"),
    ("cutoff=big", "cutoff must be a number (float) or None, got 'big'"),
    ("window_months=nan", "window_months must be a number (float)"),
    ("window_months", "--param takes KEY=VALUE"),
])
def test_a_value_that_does_not_fit_is_one_line(text, fragment):
    with pytest.raises(ParamError) as err:
        resolve([text], PAGES)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_values_are_parsed_to_the_declared_type():
    assert resolve(["cutoff=4.703", "spss_decimals=2"], PAGES) == {
        "p1_fig1fi_mip3a": {"cutoff": 4.703}, "p2_fig4_long_term_outcome": {"spss_decimals": 2}}
    assert resolve(["cutoff=None"], PAGES) == {"p1_fig1fi_mip3a": {"cutoff": None}}
    assert parse_value(Parameter("label", "a", "text"), '"quoted text"') == "quoted text"
    assert parse_value(Parameter("flag", False, "switch"), "true") is True


def test_a_key_given_twice_is_refused():
    with pytest.raises(ParamError, match="given twice"):
        resolve(["window_months=3", "window_months=4"], PAGES)


def test_declared_keys_list_unscoped_names_only_where_unambiguous():
    keys = declared_keys(PAGES)
    assert "window_months" in keys and "conf_type" not in keys and "cd22.window_months" not in keys
    assert {"cd22.conf_type", "car1922.conf_type"} <= set(keys)


def test_every_declared_default_round_trips_through_the_parser():
    """What a page declares must be settable from the command line as printed."""
    for page in pages_module.all_pages():
        for param in page.parameters:
            text = "None" if param.default is None else str(param.default)
            assert parse_value(param, text) == param.default, (page.notebook, param.name)


@pytest.mark.parametrize("command", ["build", "results"])
def test_the_command_line_stops_at_once_with_exit_2(command, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(pages_module, "all_pages", lambda: PAGES)
    out = tmp_path / "out"
    assert cli_main([command, "--out", str(out), "--param", "car1922.horizon_days=abc"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "horizon_days must be a number" in err
    assert not out.exists()  # nothing ran


def test_each_page_declares_what_its_notebook_parameters_cell_holds():
    """Parameters are declared once in the Page; the notebook's ``parameters`` cell repeats the same names and
    defaults (papermill injects into that cell), nothing more and nothing less besides ``data_dir``."""
    import jupytext

    from cartrepro.build.page_params import declared
    from cartrepro.paths import NOTEBOOKS_DIR

    for page in pages_module.all_pages():
        notebook = jupytext.read(NOTEBOOKS_DIR / f"{page.notebook}.py", fmt="py:percent")
        cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1, f"{page.notebook}: one parameters cell expected"
        in_cell = {name: default for name, (default, _) in declared(cells[0].source).items() if name != "data_dir"}
        assert in_cell == page.defaults(), page.notebook


def test_none_is_accepted_only_where_the_parameter_is_nullable():
    nullable = Parameter("spss_decimals", 3, "decimals SPSS printed", kind=int, allow_none=True)
    assert parse_value(nullable, "None") is None
    assert parse_value(nullable, "2") == 2
    with pytest.raises(ParamError, match="whole number"):
        parse_value(DECIMALS, "None")


def test_the_shipped_fig4_page_takes_unrounded_spss_decimals():
    from cartrepro.analysis.pages import all_pages

    assert resolve(["cd22.spss_decimals=None"], all_pages()) == {"p2_fig4_long_term_outcome": {"spss_decimals": None}}

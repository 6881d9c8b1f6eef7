"""The house style and the figure functions: numbers at risk, seeded jitter, readable labels, alt text, the
synthetic-reconstruction mark, and byte-identical PNGs."""

import io
import itertools
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cartrepro.figures import style
from cartrepro.figures.diagnostics import measure_bars, roc_figure
from cartrepro.figures.groups import box_points, dot_groups, forest, grade_strips, jitter, scatter
from cartrepro.figures.incidence import IncidenceCurve, cumulative_incidence_figure, window_bars_figure
from cartrepro.figures.rates import response_bars
from cartrepro.figures.survival import Curve, km_figure, numbers_at_risk

matplotlib.use("Agg")

TIME = np.array([30, 60, 60, 120, 200, 250, 400, 500, 610, 700], dtype=float)
EVENT = np.array([1, 0, 1, 1, 0, 1, 0, 1, 0, 0], dtype=bool)


@pytest.fixture(autouse=True)
def _no_mark_and_closed():
    style.synthetic_mark(False)
    yield
    style.synthetic_mark(False)
    plt.close("all")


def every_figure():
    counts = pd.DataFrame({"group": ["all", "all", "CD19-", "CD19-"], "response": ["cr", "nr", "cr", "nr"],
                           "count": [24, 10, 3, 1], "group_n": [34, 34, 4, 4]})
    rows = pd.DataFrame({"section": ["Prior HCT", "Prior HCT"], "label": ["yes", "no"], "k": [5, 0], "n": [8, 0],
                         "estimate": [0.625, 0.0], "ci_low": [0.245, 0.0], "ci_high": [0.915, 0.0]})
    roc = pd.DataFrame({"sensitivity": [0, 0.5, 1, 1], "specificity": [1, 1, 0.5, 0]})
    bars = pd.DataFrame({"marker": ["MIP3α", "MIP3α"], "measure": ["sensitivity", "specificity"],
                         "percent": [81.2, 70.0]})
    windows = pd.DataFrame({"B-ALL": [5, 0, 1, 3, 2], "B-NHL": [22, 3, 2, 1, 2]},
                           index=["0-6", "6-12", "12-18", "18-24", ">24"])
    return {
        "km": km_figure([Curve("A (n=10)", TIME, EVENT), Curve("B (n=10)", TIME + 15, ~EVENT)], title="Figure 9",
                        ylabel="Survival"),
        "cif": cumulative_incidence_figure([IncidenceCurve("A", TIME, EVENT.astype(int))], title="F", ylabel="CI"),
        "windows": window_bars_figure(windows, title="Figure 1b"),
        "box": box_points({"NR/ER": TIME[:6], "remission": TIME[4:]}, title="Figure 1f", ylabel="Fold change",
                          reference=200.0),
        "dots": dot_groups({"CR": TIME[:5], "NR": TIME[5:]}, title="Figure 2b", ylabel="Expansion"),
        "grades": grade_strips({"CRS": np.array([0, 1, 1, 2, 3])}, title="Figure 3a"),
        "forest": forest(rows, title="Figure 2c", xlabel="CR rate"),
        "rates": response_bars(counts, title="Figure 2a"),
        "roc": roc_figure({"MIP3α  AUC 0.75": roc}, title="Figure 1d"),
        "bars": measure_bars(bars, title="Figure 1e"),
        "scatter": scatter(TIME, TIME[::-1], title="S3e", xlabel="MIP3α", ylabel="Eotaxin"),
    }


def test_numbers_at_risk_count_patients_with_time_at_or_after_t():
    assert numbers_at_risk(TIME, np.array([0, 60, 61, 700, 701])).tolist() == [10, 9, 7, 1, 0]


def test_km_figure_prints_the_numbers_at_risk_under_the_axis_at_its_ticks():
    fig = km_figure([Curve("A", TIME, EVENT)], title="t", ylabel="y", time_scale=1.0)
    ax, risk = fig.axes
    ticks = ax.get_xticks()
    shown = [int(t.get_text()) for t in risk.texts]
    assert shown == numbers_at_risk(TIME, ticks).tolist()
    assert [t.get_position()[0] for t in risk.texts] == pytest.approx(list(ticks))
    data = style.figure_data(fig)
    assert {"curve", "time", "estimate", "ci_low", "ci_high", "at_risk"} <= set(data.columns)
    assert data["at_risk"].iloc[0] == len(TIME)


def test_jitter_is_seeded_and_the_box_median_is_black_and_thick():
    assert np.array_equal(jitter(7), jitter(7))
    values = np.arange(12.0)
    fig = box_points({"a": values}, title="t", ylabel="y")
    ax = fig.axes[0]
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"][0]
    xs = dots.get_xdata()
    assert not np.all(np.diff(xs) > 0) and not np.all(np.diff(xs) < 0)  # not a sorted diagonal strip
    medians = [line for line in ax.get_lines() if line.get_linewidth() >= 2 and line.get_marker() in ("None", "")]
    assert any(matplotlib.colors.to_hex(m.get_color()) == "#000000" and m.get_ydata()[0] == np.median(values)
               for m in medians)


def _boxes(fig, texts):
    fig.canvas.draw()
    return [t.get_window_extent() for t in texts if t.get_text()]


@pytest.mark.parametrize("size", [None, "narrow"])
def test_fig1b_bar_labels_do_not_overlap(size):
    counts = pd.DataFrame({"B-ALL": [5, 0, 1, 3, 2], "B-NHL": [22, 3, 2, 1, 2]},
                          index=["0-6", "6-12", "12-18", "18-24", ">24"])
    fig = window_bars_figure(counts, title="t")
    if size:
        fig.set_size_inches(*style.narrow_size(fig))
    boxes = _boxes(fig, fig.axes[0].texts)
    assert len(boxes) == 10
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_no_text_is_smaller_than_the_minimum_and_stays_readable_on_a_phone():
    for name, fig in every_figure().items():
        fig.canvas.draw()
        for text in fig.findobj(matplotlib.text.Text):
            if text.get_text() and text.get_visible():
                assert text.get_fontsize() >= style.MIN_FONT, (name, text.get_text())
    # the phone rendition is NARROW_WIDTH inches at CSS_DPI px per inch, shown in a ~358 px column at 390 px
    scale = min(1.0, 358 / (style.NARROW_WIDTH * style.CSS_DPI))
    assert style.MIN_FONT * scale >= 9


def test_figure_html_has_alt_text_from_the_caption_and_two_2x_renditions():
    fig = km_figure([Curve("A", TIME, EVENT)], title="Figure 4a  LFS", ylabel="Leukemia-free survival")
    body, meta = style.figure_html(fig)
    alt = re.search(r'<img [^>]*alt="([^"]*)"', body).group(1)
    assert alt.startswith("Figure 4a  LFS: Kaplan-Meier curve") or alt.startswith("Figure 4a LFS: Kaplan-Meier")
    assert not re.search(r"\.(png|svg|jpg)\b", alt)
    assert 'data-synthetic="0"' in body and "SYNTHETIC" not in alt.upper()
    assert body.count("data:image/png;base64,") == 2 and "<source media=" in body
    width = int(re.search(r'<img [^>]*width="(\d+)"', body).group(1))
    png = style.png_bytes(fig)
    assert int.from_bytes(png[16:20], "big") == width * style.DENSITY
    assert meta["cartrepro"]["csv"].startswith("curve,time,estimate")


def test_the_mark_is_drawn_inside_the_image_when_switched_on_and_removed_after():
    fig = dot_groups({"a": TIME}, title="t", ylabel="y")
    plain = style.png_bytes(fig)
    texts_before = len(fig.findobj(matplotlib.text.Text))
    style.synthetic_mark(True)
    marked = style.png_bytes(fig)
    body, meta = style.figure_html(fig)
    assert marked != plain
    assert 'data-synthetic="1"' in body and meta["cartrepro"]["synthetic"] is True
    assert "synthetic reconstruction" in re.search(r'alt="([^"]*)"', body).group(1).lower()
    assert len(fig.findobj(matplotlib.text.Text)) == texts_before  # the figure itself is left unmarked
    captured = []
    orig = style._add_mark

    def spy(f):
        artists = orig(f)
        captured.extend(a.get_text() for a in artists)
        return artists

    style._add_mark = spy
    try:
        style.png_bytes(fig)
    finally:
        style._add_mark = orig
    assert style.MARK_TEXT in captured and style.MARK_NOTE in captured


@pytest.mark.slow  # every figure of the book drawn twice (about 3 s of CPU)
def test_pngs_are_byte_identical_across_draws():
    first = {k: style.png_bytes(f) for k, f in every_figure().items()}
    plt.close("all")
    second = {k: style.png_bytes(f) for k, f in every_figure().items()}
    assert first == second


def test_a_png_is_laid_out_once_and_drawn_once_and_the_figure_is_restored(monkeypatch):
    """savefig of a figure with a layout engine lays it out again and draws it once without output first;
    png_bytes saves it as just laid out, with its titles wrapped to the room its last layout left (laid out
    a second time only when the layout at the PNG's size wraps them otherwise)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    layouts = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: (layouts.append(fig), execute(self, fig)))
    style.synthetic_mark(True)
    fig = dot_groups({"CR": TIME[:5], "NR": TIME[5:]}, title="Figure 2b  expansion by response", ylabel="Expansion")
    engine, size, dpi = fig.get_layout_engine(), tuple(fig.get_size_inches()), fig.dpi
    drawn = []
    fig.canvas.mpl_connect("draw_event", lambda event: drawn.append(fig.axes[0].get_title("left")))
    style.png_bytes(fig)
    assert len(layouts) == 1 and drawn == ["Figure 2b  expansion by response"]
    layouts.clear(), drawn.clear()
    narrow = style.png_bytes(fig, style.narrow_size(fig))
    assert len(layouts) == 1 and drawn == ["Figure 2b  expansion by\nresponse"]  # wrapped on the phone
    assert int.from_bytes(narrow[16:20], "big") == round(style.NARROW_WIDTH * style.CSS_DPI * style.DENSITY)
    assert fig.get_layout_engine() is engine and engine.get()["rect"] == (0, 0, 1, 1)
    assert (tuple(fig.get_size_inches()), fig.dpi) == (size, dpi)
    assert fig.axes[0].get_title("left") == "Figure 2b  expansion by response"
    layouts.clear()
    fig.canvas.draw()  # the next draw lays it out again, at its own size
    assert len(layouts) == 1


def test_a_title_is_wrapped_to_the_room_of_the_layout_it_is_drawn_with(monkeypatch):
    """Before its first layout the axes' left edge is a guess; long labels move it right, and the title is
    wrapped again to the room that is left, and the figure laid out again."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    layouts = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: (layouts.append(fig), execute(self, fig)))
    fig, ax = style.new_figure(figsize=(4.8, 4.0))
    ax.barh(["a category with a very long label", "another"], [1, 2])
    ax.set_title("Thirty characters in the title")
    drawn = []
    fig.canvas.mpl_connect("draw_event", lambda event: drawn.append((ax.get_title("left"), ax.get_position().x0)))
    style.png_bytes(fig)
    (title, left), = drawn
    assert len(layouts) == 2 and title == "Thirty characters in\nthe title"
    assert len(title.split("\n")[0]) <= (4.8 * (1 - left)) * 72 / (0.7 * ax.title.get_fontsize())


def test_the_png_keeps_the_drawn_pixels_as_rgb_when_all_are_opaque():
    from PIL import Image

    fig = dot_groups({"CR": TIME[:5], "NR": TIME[5:]}, title="Figure 2b", ylabel="Expansion")
    image = Image.open(io.BytesIO(style.png_bytes(fig)))
    assert image.mode == "RGB" and image.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    assert image.size == (round(4.8 * 200), round(4.2 * 200))
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(3, 5, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    decoded = Image.open(io.BytesIO(style._png(pixels.tobytes(), (5, 3))))
    assert decoded.mode == "RGB" and np.array_equal(np.asarray(decoded), pixels[..., :3])
    pixels[1, 2, 3] = 128  # one pixel not opaque: stored with its alpha
    decoded = Image.open(io.BytesIO(style._png(pixels.tobytes(), (5, 3))))
    assert decoded.mode == "RGBA" and np.array_equal(np.asarray(decoded), pixels)
    with pytest.raises(ValueError, match="not the RGBA pixels of 4 x 3"):
        style._png(pixels.tobytes(), (4, 3))


def test_an_undescribed_figure_gets_a_caption_from_its_titles_and_its_plotted_data():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [4, 5, 6], label="series")
    ax.set_title("Supp. Fig. 4b")
    ax.set_xlabel("PFS (months)")
    body, meta = style.figure_html(fig)
    assert 'alt="Supp. Fig. 4b' in body
    data = pd.read_csv(__import__("io").StringIO(meta["cartrepro"]["csv"]))
    assert data["y"].tolist() == [4, 5, 6] and set(data["series"]) == {"series"}


def test_slug_is_a_safe_file_name_part():
    assert style.slug("Figure 1f  Training  P = 0.0123 (MIP3α)") == "figure-1f-training-p-0-0123-mip3a"


def test_the_mark_follows_the_data_loaded_through_the_contract(tmp_path, monkeypatch):
    import shutil

    from cartrepro import paths
    from cartrepro.contract import load_paper

    style.synthetic_mark(None)
    monkeypatch.setattr(paths, "_LOADED", {})
    assert style.marks_synthetic() is False  # nothing loaded: no claim either way
    load_paper(paths.SHIPPED_DATA_DIR, "cd22")
    assert style.marks_synthetic() is True
    edited = tmp_path / "cohort" / "cd22"
    shutil.copytree(paths.SHIPPED_DATA_DIR / "cd22", edited)
    rows = (edited / "patients.csv").read_text().splitlines()
    rows[1] = rows[1].replace("female", "male", 1) if "female" in rows[1] else rows[1].replace("male", "female", 1)
    (edited / "patients.csv").write_text("\n".join(rows) + "\n")
    load_paper(tmp_path / "cohort", "cd22")
    assert style.marks_synthetic() is False  # someone's own (here: edited) data is not marked
    style.synthetic_mark(True)
    assert style.marks_synthetic() is True  # an explicit choice wins

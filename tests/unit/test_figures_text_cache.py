"""The text caches of cartrepro.figures.text_cache draw the pixels matplotlib draws without them."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_figures import every_figure

from cartrepro.figures import style, text_cache

matplotlib.use("Agg")


def text_heavy_figure():
    """Every kind of text the caches meet: rotated, multi-line, bold/italic, sizes, Unicode, mathtext, the same
    string at several sizes and positions, a font feature setting, text drawn without antialiasing and text
    running off the canvas."""
    fig, (ax, bx) = style.new_figure(figsize=(6.4, 4.6), ncols=2)
    ax.plot([0, 1, 2], [3, 1, 2], label="MIP3α fold change")
    ax.set_title("A long bold title that the narrow rendition wraps onto two lines", loc="left")
    ax.set_xlabel("Months after infusion")
    ax.set_ylabel("Leukemia-free survival (%)")
    ax.legend(title="Legend")
    for i, size in enumerate((7, 10, 13.5)):
        ax.text(0.1 + 0.3 * i, 0.5 + 0.1 * i, "0.5", fontsize=size, rotation=15 * i, transform=ax.transAxes)
        bx.text(0.05, 0.2 + 0.25 * i, "0.5\nline two", fontsize=size, style="italic", fontweight="bold")
    bx.text(0.5, 0.9, r"$\alpha^2 + \beta_{i}$ and P = 0.048", ha="center")
    bx.text(0.5, 0.1, "ffi fl kerning AV", fontfeatures=["-liga"], ha="center")
    bx.text(0.5, 0.55, "not antialiased 0.5", antialiased=False, rotation=33, ha="center")
    bx.text(0.95, 0.45, "beyond the edge", clip_on=False, fontsize=14)
    bx.set_xticks(np.linspace(0, 1, 6), [f"{v:.1f}" for v in np.linspace(0, 1, 6)], rotation=45)
    return style.describe(fig, "A figure with every kind of text")


def renditions():
    """Both renditions of fresh figures, with the mark (its rotated text too; a figure's first rendition depends
    on whether it was laid out before, so every comparison starts from new figures)."""
    try:
        others = every_figure()
        figures = [text_heavy_figure(), *(others[name] for name in ("km", "forest", "roc", "grades"))]
        return [style.png_bytes(fig, size, mark=mark) for fig in figures
                for size in (None, style.narrow_size(fig)) for mark in (True,)]
    finally:
        plt.close("all")


@pytest.fixture
def without_then_with_caches():
    text_cache.uninstall()
    yield
    text_cache.install()


@pytest.mark.slow  # every figure of the book drawn three times over (about 6 s of CPU)
def test_the_caches_draw_the_same_pixels(without_then_with_caches):
    plain = renditions()
    assert text_cache.install()
    cold = renditions()  # filling the caches
    warm = renditions()  # every string found in them
    assert len(plain) == len(set(plain)) == 10
    assert cold == plain
    assert warm == plain


def test_installed_once_and_reversible(without_then_with_caches):
    from matplotlib.backends.backend_agg import RendererAgg

    own = RendererAgg.draw_text
    assert text_cache.install() and text_cache.install()
    assert RendererAgg.draw_text is not own
    text_cache.uninstall()
    assert RendererAgg.draw_text is own


def test_full_caches_drop_their_oldest_entries_and_draw_the_same(without_then_with_caches, monkeypatch):
    def heavy():
        try:
            fig = text_heavy_figure()
            return [style.png_bytes(fig, size, mark=True) for size in (None, style.narrow_size(fig))]
        finally:
            plt.close("all")

    plain = heavy()
    monkeypatch.setattr(text_cache, "MAX_ENTRIES", 3)
    assert text_cache.install()
    assert heavy() == plain
    assert all(len(text_cache._installed[name]) <= 3 for name in ("sizes", "layouts", "tables", "bitmaps"))

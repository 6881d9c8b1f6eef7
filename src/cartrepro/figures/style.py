"""The house style of every figure, and how a figure is shown on a page.

One place decides how the book's figures look and how they reach the reader:

- :func:`use_house_style` sets deterministic, print-friendly matplotlib defaults; no text is smaller than
  :data:`MIN_FONT` points.
- :func:`new_figure` makes a figure in that style (constrained layout, so it can be redrawn at another width).
- :func:`describe` attaches the caption (the image's alt text) and the data behind the figure (a tidy frame,
  offered as a CSV download next to it).
- the "synthetic reconstruction" mark: a figure drawn from the shipped (reconstructed) cohort carries it
  inside the image, so a screenshot of it cannot pass as the paper's figure. It follows the data loaded
  through the contract (:func:`marks_synthetic`); a notebook can set it explicitly, once, before drawing::

      synthetic_mark(is_shipped_cohort(data_dir, "cd22"))
- :func:`figure_html` is what a notebook shows for a matplotlib figure (registered as the figure's HTML
  representation when this module is imported in a kernel): two 2x PNG renditions, one for wide screens
  and a narrower one for phones (same point sizes, so text stays >= 9 pt on a 390 px screen), with the
  caption as ``alt`` text.

Every PNG is written without a timestamp or version text, so the same figure gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import re
import textwrap
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from cartrepro.figures import text_cache
from cartrepro.paths import loaded_papers

PALETTE = ["#1f4e79", "#c0504d", "#4f8a3c", "#7f6084", "#d98c1f"]
#: no text in a figure is smaller than this (points)
MIN_FONT = 10
#: CSS pixels per figure inch: a 6.4 in wide figure is shown 640 px wide (and drawn at twice that)
CSS_DPI = 100
#: pixel density of the PNGs (2x: sharp on high-density screens)
DENSITY = 2
#: width (inches) of the phone rendition; at 390 px a 10 pt label stays above 9 pt
NARROW_WIDTH = 3.8
#: screens up to this width (CSS px) get the phone rendition
NARROW_SCREEN = 600
MARK_TEXT = "SYNTHETIC RECONSTRUCTION"
MARK_NOTE = "Synthetic reconstruction, not the trial's data"

_state: dict[str, bool | None] = {"synthetic": None}


def use_house_style() -> None:
    """Deterministic, print-friendly defaults (fixed font, fixed SVG hash salt, no text below MIN_FONT pt)."""
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.2),
        "figure.dpi": CSS_DPI,
        "savefig.dpi": CSS_DPI * DENSITY,
        "font.family": "DejaVu Sans",
        "font.size": MIN_FONT,
        "axes.labelsize": MIN_FONT,
        "xtick.labelsize": MIN_FONT,
        "ytick.labelsize": MIN_FONT,
        "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "legend.frameon": False,
        "boxplot.medianprops.color": "black",
        "boxplot.medianprops.linewidth": 2.0,
        "svg.hashsalt": "cartrepro",
        "path.simplify": False,
    })


def new_figure(figsize: tuple[float, float] | None = None, **subplots) -> tuple[Figure, object]:
    """``(fig, axes)`` in the house style with constrained layout (re-laid out at any width).

    Made with :mod:`matplotlib.pyplot`, so a notebook cell shows the figure by itself.
    """
    import matplotlib.pyplot as plt

    use_house_style()
    register()
    return plt.subplots(figsize=figsize or mpl.rcParams["figure.figsize"], layout="constrained", **subplots)


@dataclass
class Description:
    """What a page shows with a figure: its caption (alt text), the data behind it, a short name."""

    caption: str
    data: pd.DataFrame | None = None
    name: str = ""
    narrow_size: tuple[float, float] | None = None


def describe(fig: Figure, caption: str, data: pd.DataFrame | None = None, *, name: str = "",
             narrow_size: tuple[float, float] | None = None) -> Figure:
    """Attach the caption (used as the image's alt text) and the tidy data behind ``fig``; returns ``fig``.

    ``name`` (optional) names the downloads; by default a slug of the caption's first words.
    ``narrow_size`` overrides the phone rendition's size in inches.
    """
    fig._cartrepro = Description(" ".join(caption.split()), data, name, narrow_size)  # type: ignore[attr-defined]
    return fig


def description(fig: Figure) -> Description:
    """The description attached by :func:`describe`, or one made from the figure's titles and axis labels."""
    found = getattr(fig, "_cartrepro", None)
    if found is not None:
        return found
    titles = [t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t]
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    parts = [p for p in [suptitle, *titles] if p]
    axes = [ax for ax in fig.axes if ax.get_xlabel() or ax.get_ylabel()]
    if axes:
        ax = axes[0]
        parts.append(f"Plot of {ax.get_ylabel() or 'values'} against {ax.get_xlabel() or 'groups'}")
    return Description(". ".join(parts) or "Figure", None, "")


def synthetic_mark(on: bool | None) -> None:
    """Mark (``True``) or do not mark (``False``) the figures shown from now on as drawn from the synthetic
    cohort; ``None`` goes back to the automatic choice of :func:`marks_synthetic`."""
    _state["synthetic"] = None if on is None else bool(on)


def marks_synthetic() -> bool:
    """Whether figures shown now carry the synthetic-reconstruction mark.

    As set by :func:`synthetic_mark`; until then, automatically: True when this process has loaded paper
    folders through the data contract (:func:`cartrepro.contract.load_paper`) and every one of them was
    the shipped cohort (:func:`cartrepro.paths.is_shipped_cohort`). A notebook that mixes the shipped
    cohort with other data should call :func:`synthetic_mark` itself.
    """
    if _state["synthetic"] is not None:
        return bool(_state["synthetic"])
    loaded = loaded_papers()
    return bool(loaded) and all(loaded.values())


def in_sentence(label: str) -> str:
    """An axis label as a phrase inside a sentence: 'Leukemia-free survival' -> 'leukemia-free survival', but
    'MIP3α fold change' and 'CD3+ infiltration' keep their capitals.

    Examples
    --------
    >>> in_sentence("Months after infusion"), in_sentence("MIP3α fold change"), in_sentence("CR rate")
    ('months after infusion', 'MIP3α fold change', 'CR rate')
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by '-': a file name part from a caption."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("α", "a").replace("β", "b"))
    out = "-".join(words)[:limit].strip("-")
    return out or "figure"


def _add_mark(fig: Figure) -> list:
    """The mark: a large pale diagonal label across every axes and a note under the figure."""
    artists = []
    width = fig.get_size_inches()[0]
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison or getattr(ax, "_cartrepro_no_mark", False):
            continue
        span = ax.get_position().width * width  # inches
        size = float(np.clip(span * 72 / (0.72 * len(MARK_TEXT)), 9, 18))
        artists.append(ax.text(0.5, 0.5, MARK_TEXT, transform=ax.transAxes, ha="center", va="center",
                               rotation=20, fontsize=size, fontweight="bold", color="#b0b0b0", alpha=0.45,
                               zorder=0.5, clip_on=True))
    artists.append(fig.text(0.005, 0.004, MARK_NOTE, ha="left", va="bottom", fontsize=MIN_FONT,
                            color="#8a5a00", style="italic"))
    return artists


def _wrap_titles(fig: Figure, width: float, titles: list[tuple], left) -> bool:
    """Set the axes titles ``titles`` (``(axes, loc, text)``, ``text`` as written) wrapped to the figure
    ``width`` (inches), about 0.7 em per character; a left title gets the room right of its axes' left edge,
    ``left(axes)`` inches. True when a title changed."""
    changed = False
    for ax, loc, text in titles:
        size = ax.title.get_fontsize() if loc == "center" else getattr(ax, f"_{loc}_title").get_fontsize()
        room = width - left(ax) if loc == "left" else width
        fits = max(12, int(room * 72 / (0.7 * size)))
        wrapped = "\n".join(textwrap.wrap(text, fits)) if len(text) > fits else text
        if wrapped != ax.get_title(loc):
            ax.set_title(wrapped, loc=loc)
            changed = True
    return changed


def _relayout(fig: Figure, bottom: float = 0.0) -> None:
    """Lay the figure out again at its current size, keeping the ``bottom`` fraction free."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.set(rect=(0, bottom, 1, 1 - bottom))
            engine.execute(fig)
        else:
            fig.tight_layout(rect=(0, bottom, 1, 1))


def png_bytes(fig: Figure, size: tuple[float, float] | None = None, *, mark: bool | None = None) -> bytes:
    """The figure as a 2x PNG, at ``size`` inches (default: its own), with the mark when switched on.

    The figure is laid out once at the PNG's size and pixel density (again only when the titles, wrapped
    to its last layout, wrap otherwise in this one), and saved as laid out: savefig would otherwise run the
    layout engine once more, with a draw that renders nothing before the one that does. Laying out at the
    PNG's density lets that draw reuse the text measurements of the layout. The figure's size, density,
    titles and artists are restored; a constrained-layout figure is laid out again by its next draw
    (nothing is drawn here in vain), any other one is laid out again here.
    """
    mark = marks_synthetic() if mark is None else mark
    original, original_dpi = tuple(fig.get_size_inches()), fig.dpi
    target = size or original
    note_room = 0.24 if mark else 0.0  # inches kept free at the bottom for the note
    bottom = note_room / (target[1] + note_room)
    engine = fig.get_layout_engine()
    constrained = isinstance(engine, ConstrainedLayoutEngine)
    titles = [(ax, loc, ax.get_title(loc)) for ax in fig.axes for loc in ("left", "center", "right")
              if ax.get_title(loc)]
    width = fig.get_size_inches()[0]
    lefts = {ax: ax.get_position().x0 * width for ax, _, _ in titles}  # inches, as last laid out
    artists = []
    try:
        fig.set_size_inches(target[0], target[1] + note_room)
        if constrained:
            fig.set_dpi(CSS_DPI * DENSITY)
        # the titles are wrapped to the room right of the axes' left edges: first as last laid out (the edge
        # is a margin in inches, about the same at any width), then as laid out now, and the figure is laid
        # out again only if that wraps them otherwise
        _wrap_titles(fig, target[0], titles, lefts.__getitem__)
        _relayout(fig, bottom)
        if _wrap_titles(fig, target[0], titles, lambda ax: ax.get_position().x0 * target[0]):
            _relayout(fig, bottom)
        artists = _add_mark(fig) if mark else []
        fig.set_dpi(CSS_DPI * DENSITY)  # as savefig sets it; a constrained layout was made at it already
        size_px = fig.canvas.get_width_height(physical=True)  # the pixels Agg draws
        pixels = io.BytesIO()
        with _laid_out(fig):
            fig.savefig(pixels, format="rgba", dpi=CSS_DPI * DENSITY, facecolor="white")
        return _png(pixels.getvalue(), size_px)
    finally:
        for artist in artists:
            artist.remove()
        for ax, loc, text in titles:
            if ax.get_title(loc) != text:
                ax.set_title(text, loc=loc)
        fig.set_dpi(original_dpi)
        fig.set_size_inches(*original)
        if constrained:
            engine.set(rect=(0, 0, 1, 1))
            fig.stale = True
        else:
            _relayout(fig)


def _png(rgba: bytes, size_px: tuple[int, int]) -> bytes:
    """PNG file of the drawn pixels (``size_px`` = width, height), with no text chunk (no version, no time).

    A figure is drawn on white, so every pixel is opaque: it is stored as RGB, not RGBA, at zlib level 3.
    Measured on the book's 50 renditions against matplotlib's own PNG (RGBA, level 6): the same pixels,
    4 % fewer bytes and about half the encoding time. A figure with any transparent pixel keeps RGBA.
    """
    from PIL import Image

    if len(rgba) != 4 * size_px[0] * size_px[1]:
        raise ValueError(f"{len(rgba)} bytes drawn, not the RGBA pixels of {size_px[0]} x {size_px[1]}")
    image = Image.frombuffer("RGBA", size_px, rgba, "raw", "RGBA", 0, 1)
    if image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=3, dpi=(CSS_DPI * DENSITY,) * 2)
    return out.getvalue()


@contextmanager
def _laid_out(fig: Figure):
    """The figure without a layout engine for the time of a savefig: it was just laid out, and with no
    engine savefig neither lays it out again nor draws it once without output before the real draw."""
    engine = fig.get_layout_engine()
    if engine is None:
        yield
        return
    # None means no engine unless the rc settings ask for one ("none" would keep a placeholder engine, and
    # savefig's extra draw with it)
    if mpl.rcParams["figure.autolayout"] or mpl.rcParams["figure.constrained_layout.use"]:
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    else:
        fig.set_layout_engine(None)
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def narrow_size(fig: Figure) -> tuple[float, float]:
    """The phone rendition's size: :data:`NARROW_WIDTH` wide, a little taller than the wide one when it
    was wider than tall (so stacked labels keep their room)."""
    desc = getattr(fig, "_cartrepro", None)
    if desc is not None and desc.narrow_size:
        return desc.narrow_size
    width, height = fig.get_size_inches()
    if width <= NARROW_WIDTH:
        return float(width), float(height)
    return NARROW_WIDTH, float(max(height, min(height * 1.15, NARROW_WIDTH * 1.25)))


def plotted_data(fig: Figure) -> pd.DataFrame:
    """The coordinates drawn in ``fig`` (lines and bars of every axes) as a tidy frame: the fallback for the
    data download of a figure that was not described with its data."""
    rows = []
    for index, ax in enumerate(fig.axes, start=1):
        title = ax.get_title("left") or ax.get_title() or f"panel {index}"
        for line in ax.get_lines():
            label = line.get_label()
            if label.startswith("_"):
                label = ""
            x, y = np.asarray(line.get_xdata(), dtype=object), np.asarray(line.get_ydata(), dtype=object)
            for xi, yi in zip(np.atleast_1d(x), np.atleast_1d(y), strict=False):
                rows.append({"panel": title, "series": label, "kind": "line", "x": xi, "y": yi})
        for container in ax.containers:
            label = container.get_label()
            for patch in getattr(container, "patches", []):
                rows.append({"panel": title, "series": "" if label.startswith("_") else label, "kind": "bar",
                             "x": patch.get_x() + patch.get_width() / 2, "y": patch.get_height()})
    return pd.DataFrame(rows, columns=["panel", "series", "kind", "x", "y"])


def figure_data(fig: Figure) -> pd.DataFrame:
    """The data behind the figure: what :func:`describe` attached, else the plotted coordinates."""
    desc = getattr(fig, "_cartrepro", None)
    if desc is not None and desc.data is not None:
        return desc.data
    return plotted_data(fig)


def _uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_html(fig: Figure, mark: bool | None = None) -> tuple[str, dict]:
    """``(html, metadata)`` of a figure as the book shows it.

    The HTML is a ``<figure>``: a ``<picture>`` with the phone rendition for screens up to
    :data:`NARROW_SCREEN` px and the wide rendition otherwise (both 2x PNGs inline, so the page needs no
    other file), the caption as ``alt`` text and as ``<figcaption>``. The metadata carries the caption,
    name, mark and the figure's data as CSV text, which the build turns into downloads. ``mark`` overrides
    :func:`marks_synthetic` (e.g. False for a figure of the scorecard, which shows no patients).
    """
    desc = description(fig)
    mark = marks_synthetic() if mark is None else mark
    wide_size = tuple(fig.get_size_inches())
    small_size = narrow_size(fig)
    wide = png_bytes(fig, mark=mark)
    small = png_bytes(fig, small_size, mark=mark) if small_size != wide_size else wide
    room = 0.22 if mark else 0.0
    w, h = round(wide_size[0] * CSS_DPI), round((wide_size[1] + room) * CSS_DPI)
    sw, sh = round(small_size[0] * CSS_DPI), round((small_size[1] + room) * CSS_DPI)
    alt = desc.caption.rstrip(". ") + ("." + " " + MARK_NOTE + "." if mark else "")
    caption = html.escape(desc.caption) + (f' <span class="cr-synthetic">{html.escape(MARK_NOTE)}.</span>'
                                           if mark else "")
    name = desc.name or slug(desc.caption.split(":", 1)[0])
    body = (f'<figure class="cr-figure" data-cr-figure="{html.escape(name)}" data-synthetic="{int(mark)}">'
            f'<picture><source media="(max-width: {NARROW_SCREEN}px)" srcset="{_uri(small)}" width="{sw}" '
            f'height="{sh}"><img src="{_uri(wide)}" alt="{html.escape(alt, quote=True)}" width="{w}" '
            f'height="{h}"></picture>'
            f"<figcaption>{caption}</figcaption></figure>")
    data = figure_data(fig)
    metadata = {"cartrepro": {"figure": name, "caption": desc.caption, "synthetic": mark,
                              "csv": data.to_csv(index=False, lineterminator="\n")}}
    return body, metadata


def register() -> bool:
    """Show matplotlib figures as :func:`figure_html` in the running IPython kernel (PNG output off).

    Returns False outside IPython. Called when this module is imported, so a notebook that uses any
    figure function needs no set-up of its own.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    if formatters["text/html"].type_printers.get(Figure) is figure_html:
        return True
    import matplotlib.pyplot as plt

    # loading the inline backend resets every formatter of Figure (IPython's select_figure_formats): load it
    # first, then take over
    plt.close(plt.figure())
    formatters["text/html"].for_type(Figure, figure_html)
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        formatters[mime].type_printers.pop(Figure, None)
    if "inline" in mpl.get_backend():
        # pyplot's own hook after each cell draws every changed figure for a window that the inline backend
        # does not have; the figures are shown once, after it, through figure_html, which draws its PNGs
        plt.uninstall_repl_displayhook()
    return True


text_cache.install()  # the same pixels, about a fifth less CPU per figure (see the module)
register()

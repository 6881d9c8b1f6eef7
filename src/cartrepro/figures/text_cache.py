"""Caches for matplotlib's text measuring and shaping in the Agg renderer (the same pixels, less CPU).

Drawing the book's figures spends about half its CPU on text, most of it measuring and shaping the same
strings again: matplotlib caches a string's size per renderer only, and every PNG rendition of a figure (two
per figure) gets a renderer of its own; it shapes a string anew each time it draws it, and reads the font's
metric tables (``OS/2``, ``head``) anew for every text layout. Each of these is a pure function of the font
(the ``FT2Font`` object matplotlib keeps per font file, hinting and kerning factor), the size in points, the
pixel density, the string and the hinting flags, so :func:`install` keeps their results for the process:

- a string's width, height and descent (``RendererAgg.get_text_width_height_descent``; plain text only:
  mathtext and TeX are measured as before);
- a string's glyphs and positions (the shaping of ``RendererAgg.draw_text``);
- each glyph's bitmap at a given size, angle and sub-pixel offset (drawn by ``RendererAgg.draw_text`` for
  plain text; about half the glyphs of the book's figures are found there);
- the font's sfnt tables read by ``Text._get_layout``.

The drawn pixels are those of matplotlib without the caches (tests/unit/test_figures_text_cache.py draws
figures both ways and compares every pixel). :func:`install` changes nothing when matplotlib's internals
are not the ones this was written against (``SUPPORTED``): the figures are then drawn without the caches.
"""

from __future__ import annotations

import functools
import math

import numpy as np

#: the matplotlib versions whose Agg text code these caches were checked against (major.minor)
SUPPORTED = ("3.11",)
#: entries kept per cache (a book build needs about 1,500 strings)
MAX_ENTRIES = 16384

_installed: dict[str, object] = {}


def _bounded_put(cache: dict, key, value) -> None:
    if len(cache) >= MAX_ENTRIES:
        try:
            cache.pop(next(iter(cache)), None)
        except (StopIteration, RuntimeError):  # emptied or changed by another thread meanwhile
            pass
    cache[key] = value


def install() -> bool:
    """Put the caches in place (once per process); False when this matplotlib is not a supported one."""
    if _installed:
        return True
    import matplotlib
    import matplotlib.text as mtext
    from matplotlib.backends import backend_agg
    from matplotlib.ft2font import RenderMode

    if ".".join(matplotlib.__version__.split(".")[:2]) not in SUPPORTED:
        return False
    renderer = backend_agg.RendererAgg
    needed = [hasattr(renderer, name) for name in ("_prepare_font", "_draw_text_glyphs_and_boxes", "draw_text",
                                                   "get_text_width_height_descent")]
    if not all(needed) or not hasattr(backend_agg, "get_hinting_flag") or not hasattr(mtext, "get_font"):
        return False

    measure, shape_and_draw, get_font = (renderer.get_text_width_height_descent, renderer.draw_text,
                                         mtext.get_font)
    hinting_flag = backend_agg.get_hinting_flag
    sizes: dict = {}
    layouts: dict = {}
    tables: dict = {}
    bitmaps: dict = {}

    @functools.wraps(measure)
    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return measure(self, s, prop, ismath)
        font = self._prepare_font(prop)
        key = (font, prop.get_size_in_points(), self.dpi, s, hinting_flag())
        found = sizes.get(key)
        if found is None:
            found = measure(self, s, prop, ismath)
            _bounded_put(sizes, key, found)
        return found

    @functools.wraps(shape_and_draw)
    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return shape_and_draw(self, gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)
        flags = hinting_flag()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        try:
            key = (font, size, self.dpi, s, flags, _frozen(features), _frozen(language))
            hash(key)
        except TypeError:  # a feature or language setting that cannot be a key: shaped as before
            return shape_and_draw(self, gc, x, y, s, prop, angle, ismath, mtext)
        glyphs = layouts.get(key)
        if glyphs is None:
            glyphs = tuple((item.ft_object, item.glyph_index, item.x, item.y)
                           for item in font._layout(s, flags=flags, features=features, language=language))
            _bounded_put(layouts, key, glyphs)
        draw_glyphs(self, gc, x, y, angle, size, glyphs)

    def draw_glyphs(self, gc, x, y, angle, size, glyphs):
        """What ``RendererAgg._draw_text_glyphs_and_boxes`` does for plain text (no slant, no stretch, no
        boxes), with each glyph's bitmap kept by its sub-pixel offset: FreeType renders a glyph moved by
        whole pixels as the same bitmap moved by as many pixels (an outline in 1/64 pixel units moved by
        multiples of 64), so the bitmap rendered at the position's fraction of a pixel is drawn at its whole
        pixels. An empty bitmap (a space) is drawn where FreeType places it, as before."""
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        flags = hinting_flag()
        mode = RenderMode.NORMAL if gc.get_antialiased() else RenderMode.MONO
        matrix = None
        height = self.height
        for ft_object, index, dx, dy in glyphs:
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards
            key = (ft_object, size, self.dpi, index, angle, px & 63, py & 63, flags, mode)
            found = bitmaps.get(key)
            if found is None:
                if matrix is None:
                    matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])
                              @ [[1, 0], [0, 1]]).round().astype(int)
                ft_object.set_size(size, self.dpi)
                ft_object._set_transform(matrix, [px & 63, py & 63])
                bitmap = ft_object._render_glyph(index, flags, mode)
                buffer = bitmap.buffer
                if mode is not RenderMode.NORMAL:
                    buffer *= 0xff
                found = (buffer, bitmap.left, bitmap.top, buffer.size == 0)
                _bounded_put(bitmaps, key, found)
            buffer, left, top, empty = found
            if not empty:
                left, top = left + (px >> 6), top + (py >> 6)
            # draw_text_image's y is downwards & the bitmap bottom side
            self._renderer.draw_text_image(buffer, left, int(height) - top + buffer.shape[0], 0, gc)

    class _FontTables:
        """The font ``Text._get_layout`` asks for, with its sfnt tables read once (everything else as is)."""

        __slots__ = ("_font",)

        def __init__(self, font):
            self._font = font

        def get_sfnt_table(self, name):
            key = (self._font, name)
            found = tables.get(key, tables)  # a table may be None (absent from the font)
            if found is tables:
                found = self._font.get_sfnt_table(name)
                _bounded_put(tables, key, found)
            return found

        def __getattr__(self, name):
            return getattr(self._font, name)

    @functools.wraps(get_font)
    def get_font_with_tables(*args, **kwargs):
        return _FontTables(get_font(*args, **kwargs))

    renderer.get_text_width_height_descent = get_text_width_height_descent
    renderer.draw_text = draw_text
    mtext.get_font = get_font_with_tables
    _installed.update(measure=measure, draw_text=shape_and_draw, get_font=get_font, sizes=sizes, layouts=layouts,
                      tables=tables, bitmaps=bitmaps)
    return True


def uninstall() -> None:
    """Put matplotlib's own functions back (tests compare the pixels both ways)."""
    if not _installed:
        return
    import matplotlib.text as mtext
    from matplotlib.backends import backend_agg

    backend_agg.RendererAgg.get_text_width_height_descent = _installed["measure"]
    backend_agg.RendererAgg.draw_text = _installed["draw_text"]
    mtext.get_font = _installed["get_font"]
    _installed.clear()


def _frozen(value):
    """A hashable form of a font feature list or language setting (lists become tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value

"""Pictures of the graph that show every character: font fallback for exported SVG and PNG.

graphviz-pure draws PNGs with its three bundled fonts only (Arimo, Cousine, Tinos: no "∈",
no Chinese), whatever the system has, and its SVGs name one family. So gradviz asks the
engine for SVG, gives every text a list of families to fall back on (the layout's own
Arimo first, then fonts that cover mathematical symbols and CJK), and draws the PNG itself
with resvg, which loads the system's fonts and takes each glyph the named font lacks from
one that has it.
"""

from __future__ import annotations

import re

from gradviz.core.i18n import translate

#: Tried in order after the layout's font; a viewer (or resvg) falls back further on its own.
FALLBACK_FAMILIES = (
    "Arimo", "Liberation Sans", "Arial", "Helvetica", "DejaVu Sans", "Noto Sans", "Noto Sans Math",
    "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Droid Sans Fallback", "Microsoft YaHei", "PingFang SC",
    "sans-serif",
)

_FAMILY = re.compile(r'font-family="([^"]*)"')


def with_fallbacks(svg: str) -> str:
    """``svg`` with each ``font-family`` extended by :data:`FALLBACK_FAMILIES`."""

    def extend(match: re.Match[str]) -> str:
        named = [f.strip().strip("'") for f in match.group(1).split(",") if f.strip()]
        families = [*named, *(f for f in FALLBACK_FAMILIES if f not in named)]
        quoted = ",".join(f"'{f}'" if " " in f else f for f in families)
        return f'font-family="{quoted}"'

    return _FAMILY.sub(extend, svg)


def svg_to_png(svg: str, dpi: float = 96.0) -> bytes:
    """Draw ``svg`` (sized in points) as PNG at ``dpi`` dots per inch, white behind.

    Raises
    ------
    RuntimeError
        When resvg is not installed (``pip install resvg-py``) or cannot draw the SVG.
    """
    try:
        import resvg_py
    except ImportError:
        raise RuntimeError(translate("export", "PNG export needs resvg (pip install resvg-py)")) from None
    try:
        # dpi converts the SVG's points to pixels (at 96 a point is 4/3 of a pixel).
        data = resvg_py.svg_to_bytes(svg_string=with_fallbacks(svg), background="white", dpi=float(dpi),
                                     sans_serif_family="Arimo")
    except (ValueError, OSError) as exc:
        raise RuntimeError(translate("export", "could not draw the picture: {error}").format(error=exc)) from None
    return bytes(data)

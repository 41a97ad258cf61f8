"""SVG of a layout gradviz made itself, drawn as Graphviz draws the same DOT.

For the graphs gradviz lays out itself (:mod:`.own`), running Graphviz only to draw boxes
it did not place would cost its whole layout time again. Boxes, edges, frames and legend get
the DOT's own colours, pen widths and fonts (Graphviz's SVG conventions: points, rounded
boxes, 0.7-sized arrowheads), so an export looks the same whichever drew it.
"""

from __future__ import annotations

from gradviz.core.i18n import translate
from gradviz.core.layout.dot import BORDER_COLOUR, CLUSTER_COLOUR, EDGE_COLOUR, FONT_NAME, PALETTE, DotBuild, writable
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.metrics import LINE_SPACING, box_size, text_width

# Graphviz's pad around the drawing, and the gap between the graph and the legend.
_PAD, _LEGEND_GAP = 4.0, 20.0
_RADIUS = 6.0
_ARROW_HALF_WIDTH = 2.45  # arrowsize 0.7 of Graphviz's 3.5-point half width


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def escape(text: str) -> str:
    """``text`` for an SVG text node (xml.sax's escape costs 20 ms of imports)."""
    return writable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_lines(out: list[str], lines: tuple[str, ...], cx: float, cy: float, size: float) -> None:
    step = size * LINE_SPACING
    # Graphviz's baselines: the block of lines centred, each baseline 0.3 em under its middle.
    y = cy - (len(lines) - 1) / 2 * step + 0.3 * size
    for line in lines:
        out.append(f'<text text-anchor="middle" x="{cx:.2f}" y="{y:.2f}">{escape(line)}</text>')
        y += step


def _box(out: list[str], x: float, y: float, w: float, h: float, style: dict[str, str]) -> None:
    dashed = ' stroke-dasharray="5,2"' if "dashed" in style.get("style", "") else ""
    out.append(f'<rect x="{x - w / 2:.2f}" y="{y - h / 2:.2f}" width="{w:.2f}" height="{h:.2f}" rx="{_RADIUS:g}" '
               f'fill="{style.get("fillcolor", PALETTE["op"])}" stroke="{BORDER_COLOUR}" '
               f'stroke-width="{style.get("penwidth", "1.2")}"{dashed}/>')


def layout_svg(build: DotBuild, layout: Layout, legend: list[tuple[str, str]] | None = None,
               titles: dict[str, str] | None = None) -> str:
    """The SVG text of ``layout`` (laid out from ``build``), with ``legend``'s samples
    ((kind, text) pairs, top to bottom) in a frame of their own on the right."""
    size = build.look.font_size
    titles = titles or {}
    legend_w = legend_h = 0.0
    legend_title = translate("graph", "legend")
    samples: list[tuple[str, str, float, float]] = []
    if legend:
        for kind, text in legend:
            w, h = box_size((text,), size)
            samples.append((kind, text, w, h))
        legend_w = max(max(w for _k, _t, w, _h in samples), text_width(legend_title, size) + 16) + 16
        legend_h = sum(h for *_r, h in samples) + 18.0 * (len(samples) - 1) + 16 + size * LINE_SPACING + 4
    width = layout.width + (_LEGEND_GAP + legend_w if legend else 0.0)
    height = max(layout.height, legend_h)
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        f'<svg width="{_n(width + 2 * _PAD)}pt" height="{_n(height + 2 * _PAD)}pt" '
        f'viewBox="0 0 {_n(width + 2 * _PAD)} {_n(height + 2 * _PAD)}" xmlns="http://www.w3.org/2000/svg">',
        f'<g transform="translate({_PAD:g} {_PAD:g})" font-family="{FONT_NAME}" font-size="{size:g}">',
        f'<rect x="{_n(-_PAD)}" y="{_n(-_PAD)}" width="{_n(width + 2 * _PAD)}" height="{_n(height + 2 * _PAD)}" '
        'fill="white"/>',
    ]
    for frame in layout.clusters:
        left, top = frame.x - frame.width / 2, frame.y - frame.height / 2
        out.append(f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(frame.width)}" height="{_n(frame.height)}" '
                   f'rx="{_RADIUS:g}" fill="none" stroke="{CLUSTER_COLOUR}"/>')
        # The title at the bottom left, where Graphviz writes it under rankdir BT.
        out.append(f'<text x="{_n(left + 8)}" y="{_n(top + frame.height - 4 - 0.3 * size)}" fill="#333333">'
                   f'{escape(titles.get(frame.path, frame.path))}</text>')
    for edge in layout.edges:
        p = edge.points
        d = f"M{p[0][0]:.2f},{p[0][1]:.2f}C" + " ".join([f"{x:.2f},{y:.2f}" for x, y in p[1:]])
        out.append(f'<path fill="none" stroke="{EDGE_COLOUR}" d="{d}"/>')
        if edge.arrow_tail is not None and edge.arrow_head is not None:
            (bx, by), (tx, ty) = edge.arrow_tail, edge.arrow_head
            dx, dy = tx - bx, ty - by
            norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
            nx, ny = -dy / norm * _ARROW_HALF_WIDTH, dx / norm * _ARROW_HALF_WIDTH
            out.append(f'<polygon fill="{EDGE_COLOUR}" stroke="{EDGE_COLOUR}" points="{bx + nx:.2f},{by + ny:.2f} '
                       f'{tx:.2f},{ty:.2f} {bx - nx:.2f},{by - ny:.2f}"/>')
    for ident, box in layout.nodes.items():
        _box(out, box.x, box.y, box.width, box.height, build.styles.get(ident, {}))
        _text_lines(out, box.lines, box.x, box.y, size)
    if legend:
        left, top = layout.width + _LEGEND_GAP, height - legend_h
        out.append(f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(legend_w)}" height="{_n(legend_h)}" '
                   f'rx="{_RADIUS:g}" fill="none" stroke="{CLUSTER_COLOUR}"/>')
        y = top + 8
        for kind, text, w, h in samples:
            _box(out, left + legend_w / 2, y + h / 2, w, h, {"fillcolor": PALETTE[kind]})
            _text_lines(out, (text,), left + legend_w / 2, y + h / 2, size)
            y += h + 18.0
        out.append(f'<text x="{_n(left + 8)}" y="{_n(top + legend_h - 4 - 0.3 * size)}" fill="#333333">'
                   f'{escape(legend_title)}</text>')
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)

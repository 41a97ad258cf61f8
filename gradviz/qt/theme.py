"""Light and dark looks: Qt palettes, canvas node colours, syntax and message colours.

Colours are plain dicts of ``#rrggbb`` strings so the canvas, the exporters and the tests
can read them without Qt. The hues come from the Okabe-Ito set (safe for the common forms
of colour blindness); every fill is paired with a text colour of at least 4.5:1 contrast so
the graph stays readable on a washed-out classroom projector.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from gradviz.core.lessons.files import THEMES
from gradviz.core.trace import Node

#: The Okabe-Ito palette, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Fills for each node kind, their borders, and the highlights the player draws on top.
# "current" marks the step the player is on; "grad_flow" marks edges and nodes a gradient is
# travelling through. They differ in hue *and* lightness so they stay distinct in grey.
NODE_COLORS: dict[str, dict[str, str]] = {
    "light": {
        "background": "#FFFFFF",
        "edge": "#4D4D4D",
        "node_text": "#000000",
        "leaf": "#56B4E9",  # sky blue: parameters and other leaves that require grad
        "leaf_border": "#0072B2",
        "constant": "#F0E442",  # yellow: inputs that need no grad
        "constant_border": "#8F8500",
        "op": "#EDEDED",
        "op_border": "#4D4D4D",
        "root": "#E69F00",  # orange: the loss the backward pass starts from
        "root_border": "#8A5F00",
        "pending": "#F7F7F7",  # not yet reached by the player
        "pending_border": "#B3B3B3",
        "pending_text": "#6E6E6E",
        "current": "#D55E00",  # vermillion
        "grad_flow": "#0072B2",  # blue
    },
    "dark": {
        "background": "#1B1B1B",
        "edge": "#BDBDBD",
        "node_text": "#F5F5F5",
        "leaf": "#00537F",
        "leaf_border": "#56B4E9",
        "constant": "#5A5300",
        "constant_border": "#F0E442",
        "op": "#383838",
        "op_border": "#BDBDBD",
        "root": "#7F4A00",
        "root_border": "#E69F00",
        "pending": "#242424",
        "pending_border": "#5E5E5E",
        "pending_text": "#A0A0A0",
        "current": "#FF7F2A",
        "grad_flow": "#56B4E9",
    },
}

#: Editor token colours (foreground), plus the tint behind a line with an error.
SYNTAX_COLORS: dict[str, dict[str, str]] = {
    "light": {
        "keyword": "#0050A0",
        "builtin": "#8B2F8B",  # torch, F, nn
        "number": "#A34700",
        "string": "#006B4F",
        "comment": "#5E5E5E",
        "error_line": "#FFE0D6",
        "step_line": "#D6E9F8",  # the step-through player's line
        "gutter_text": "#767676",
        "gutter_error": "#B23B00",
    },
    "dark": {
        "keyword": "#7CC4F2",
        "builtin": "#E3A0CB",
        "number": "#F2B84B",
        "string": "#6FD6A9",
        "comment": "#A8A8A8",
        "error_line": "#4F1F12",
        "step_line": "#173A57",
        "gutter_text": "#8C8C8C",
        "gutter_error": "#FF8A50",
    },
}

#: Message bar colours per level: background, border, text.
MESSAGE_COLORS: dict[str, dict[str, tuple[str, str, str]]] = {
    "light": {
        "error": ("#FBE3D9", "#D55E00", "#000000"),
        "warning": ("#FDF3C8", "#B08400", "#000000"),
        "info": ("#DDEEFA", "#0072B2", "#000000"),
    },
    "dark": {
        "error": ("#4A2212", "#FF7F2A", "#F5F5F5"),
        "warning": ("#453C0A", "#F0E442", "#F5F5F5"),
        "info": ("#12324A", "#56B4E9", "#F5F5F5"),
    },
}

_PALETTE_COLORS = {
    "light": {
        "window": "#F2F2F2",
        "window_text": "#000000",
        "base": "#FFFFFF",
        "alternate_base": "#F5F5F5",
        "text": "#000000",
        "button": "#E6E6E6",
        "button_text": "#000000",
        "highlight": "#0072B2",
        "highlighted_text": "#FFFFFF",
        "link": "#0060A0",
        "tooltip_base": "#FFFFE8",
        "tooltip_text": "#000000",
        "placeholder": "#6E6E6E",
        "disabled_text": "#8C8C8C",
    },
    "dark": {
        "window": "#242424",
        "window_text": "#F0F0F0",
        "base": "#1B1B1B",
        "alternate_base": "#2A2A2A",
        "text": "#F0F0F0",
        "button": "#333333",
        "button_text": "#F0F0F0",
        "highlight": "#56B4E9",
        "highlighted_text": "#000000",
        "link": "#7CC4F2",
        "tooltip_base": "#333333",
        "tooltip_text": "#F0F0F0",
        "placeholder": "#A0A0A0",
        "disabled_text": "#7A7A7A",
    },
}

# Fonts graphviz-pure has metrics for, so labels fit the boxes the layout made.
MONOSPACE_FAMILIES = ("Cousine", "DejaVu Sans Mono")


def _check(name: str) -> str:
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; expected one of {', '.join(THEMES)}")
    return name


def node_colors(name: str) -> dict[str, str]:
    """A copy of the canvas colours of theme ``name`` ("light" or "dark")."""
    return dict(NODE_COLORS[_check(name)])


def node_role(node: Node, root: str | None = None) -> str:
    """The colour key of ``node``: "root", "leaf", "constant" or "op"."""
    if root is not None and node.id == root:
        return "root"
    return node.kind if node.kind in ("leaf", "constant") else "op"


def make_palette(name: str) -> QPalette:
    """The QPalette of theme ``name``, with disabled colours set too."""
    c = _PALETTE_COLORS[_check(name)]
    pal = QPalette()
    R = QPalette.ColorRole
    for role, key in (
        (R.Window, "window"),
        (R.WindowText, "window_text"),
        (R.Base, "base"),
        (R.AlternateBase, "alternate_base"),
        (R.Text, "text"),
        (R.Button, "button"),
        (R.ButtonText, "button_text"),
        (R.Highlight, "highlight"),
        (R.HighlightedText, "highlighted_text"),
        (R.Link, "link"),
        (R.ToolTipBase, "tooltip_base"),
        (R.ToolTipText, "tooltip_text"),
        (R.PlaceholderText, "placeholder"),
    ):
        pal.setColor(role, QColor(c[key]))
    pal.setColor(R.BrightText, QColor(OKABE_ITO["vermillion"]))
    disabled = QPalette.ColorGroup.Disabled
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(disabled, role, QColor(c["disabled_text"]))
    return pal


def apply_theme(app: QApplication, name: str) -> None:
    """Give ``app`` the palette of theme ``name``.

    Fusion is used because it is the one built-in style that honours a custom palette on
    every platform; native styles ignore parts of it and a dark theme comes out half light.
    """
    _check(name)
    app.setStyle("Fusion")
    app.setPalette(make_palette(name))
    app.setProperty("gradviz_theme", name)


def theme_of(palette: QPalette) -> str:
    """"dark" when ``palette``'s window is dark, else "light".

    Widgets ask their own palette rather than a global, so they follow a system dark mode too.
    """
    return "dark" if palette.color(QPalette.ColorRole.Window).lightness() < 128 else "light"


def monospace_font(point_size: int = 11) -> QFont:
    """Cousine if installed (its metrics match the layout engine's), else a fixed font."""
    families = set(QFontDatabase.families())
    for family in MONOSPACE_FAMILIES:
        if family in families:
            font = QFont(family)
            break
    else:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    font.setPointSize(point_size)
    return font


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(hex_color: str) -> float:
        rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: Gradient health: a perceptually even ramp from vanishing (dark purple) to large (yellow),
#: viridis' stops, readable for the common colour blindnesses and in grey.
HEALTH_RAMP = ("#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725")
#: Gradients that are NaN, infinite or exactly zero: (fill, text) apart from the ramp.
HEALTH_MARKS = {"nan": ("#D62728", "#FFFFFF"), "inf": ("#FF7F0E", "#000000"), "zero": ("#BDBDBD", "#000000")}
#: A box without a gradient (a constant) while health colours are on: neutral, so the role
#: colours (a constant's yellow) are not read as a gradient's size.
HEALTH_NONE = ("#F4F4F4", "#444444")


def health_color(t: float) -> tuple[str, str]:
    """(fill, text) for a gradient at ``t`` along the health scale (0 smallest, 1 largest)."""
    t = min(max(float(t), 0.0), 1.0) * (len(HEALTH_RAMP) - 1)
    i = min(int(t), len(HEALTH_RAMP) - 2)
    a, b = QColor(HEALTH_RAMP[i]), QColor(HEALTH_RAMP[i + 1])
    f = t - i
    mixed = QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * f, a.greenF() + (b.greenF() - a.greenF()) * f,
                            a.blueF() + (b.blueF() - a.blueF()) * f)
    # Text of at least 4.5:1 contrast: white on the dark end, black on the light one.
    text = "#FFFFFF" if mixed.lightnessF() < 0.45 else "#000000"
    return mixed.name(), text

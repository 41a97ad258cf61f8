"""Theme colours: complete, readable on a projector, and applied as real palettes."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from gradviz.core.trace import Node
from gradviz.qt.theme import (
    MESSAGE_COLORS,
    NODE_COLORS,
    SYNTAX_COLORS,
    THEMES,
    apply_theme,
    contrast_ratio,
    make_palette,
    monospace_font,
    node_colors,
    node_role,
    theme_of,
)

HEX = re.compile(r"^#[0-9A-F]{6}$")
KINDS = ("leaf", "constant", "op", "root")


def test_both_themes_have_the_same_keys_and_valid_hex():
    for table in (NODE_COLORS, SYNTAX_COLORS, MESSAGE_COLORS):
        assert set(table) == set(THEMES)
        assert table["light"].keys() == table["dark"].keys()
    for theme in THEMES:
        for key, value in NODE_COLORS[theme].items():
            assert HEX.match(value), (theme, key, value)
    required = {*KINDS, "pending", "current", "grad_flow", "background", "edge", "node_text"}
    assert required <= NODE_COLORS["light"].keys()


@pytest.mark.parametrize("theme", THEMES)
def test_node_text_readable_on_every_fill(theme):
    c = NODE_COLORS[theme]
    for kind in KINDS:
        assert contrast_ratio(c["node_text"], c[kind]) >= 4.5, kind
        assert contrast_ratio(c[f"{kind}_border"], c["background"]) >= 3, kind
    assert contrast_ratio(c["pending_text"], c["pending"]) >= 4.5


@pytest.mark.parametrize("theme", THEMES)
def test_highlights_stand_out(theme):
    c = NODE_COLORS[theme]
    for key in ("current", "grad_flow", "edge"):
        assert contrast_ratio(c[key], c["background"]) >= 3, key
        assert contrast_ratio(c[key], c["op"]) >= 3, key
    # the two highlights must not be confusable with each other
    assert c["current"] != c["grad_flow"]


@pytest.mark.parametrize("theme", THEMES)
def test_syntax_and_messages_readable(theme):
    s = SYNTAX_COLORS[theme]
    base = make_palette(theme).color(QPalette.ColorRole.Base).name()
    for key in ("keyword", "builtin", "number", "string", "comment", "gutter_error"):
        assert contrast_ratio(s[key], base) >= 4.5, key
        assert contrast_ratio(s[key], s["error_line"]) >= 4.5, key
    for level, (background, border, text) in MESSAGE_COLORS[theme].items():
        assert contrast_ratio(text, background) >= 7, level
        assert contrast_ratio(border, background) >= 3, level


def test_contrast_ratio_extremes():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)


def test_node_role():
    leaf = Node(id="n0", kind="leaf", op="AccumulateGrad")
    const = Node(id="n1", kind="constant", op="Constant")
    op = Node(id="n2", kind="op", op="MulBackward0")
    assert [node_role(n, "n2") for n in (leaf, const, op)] == ["leaf", "constant", "root"]
    assert node_role(op) == "op"
    colors = node_colors("dark")
    colors["op"] = "#123456"  # a copy: callers cannot corrupt the theme
    assert NODE_COLORS["dark"]["op"] != "#123456"
    with pytest.raises(ValueError):
        node_colors("sepia")


def test_apply_theme_sets_palette_and_style(qtbot):
    app = QApplication.instance()
    old_palette, old_style = app.palette(), app.style().name()
    try:
        apply_theme(app, "dark")
        assert theme_of(app.palette()) == "dark"
        assert app.palette().color(QPalette.ColorRole.Base).name() == make_palette("dark").color(
            QPalette.ColorRole.Base
        ).name()
        assert app.style().name().lower() == "fusion"
        assert app.property("gradviz_theme") == "dark"
        apply_theme(app, "light")
        assert theme_of(app.palette()) == "light"
        with pytest.raises(ValueError):
            apply_theme(app, "neon")
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)


def test_monospace_font():
    font = monospace_font(14)
    assert font.pointSize() == 14
    assert font.fixedPitch()

"""A panel whose whole content scrolls: what the docks hold (inspector, chain rule)."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


def fill_with_scrolled(panel: QWidget, content: QWidget) -> QScrollArea:
    """Make ``content`` the whole of ``panel``, in a frameless scroll area; returns the area."""
    scroll = QScrollArea(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(content)
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return scroll

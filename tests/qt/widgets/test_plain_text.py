"""Text a program or a lesson file wrote is shown as its characters, never run as HTML.

An <img src="/dev/zero"> in a module key, a lesson title or a typed guess once made Qt read
that file from a label or a tooltip: the window hung or ran out of memory.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextDocument

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.files import lesson_from_json
from gradviz.qt.canvas.module_canvas import show_module
from gradviz.qt.program.lesson_panel import LessonPanel
from gradviz.qt.widgets.inspector import Inspector
from gradviz.qt.widgets.plain_text import tip

HOSTILE = '<img src="/dev/zero">'


def test_a_tip_shows_its_text_exactly_with_its_line_breaks():
    doc = QTextDocument()
    doc.setHtml(tip(f"{HOSTILE}\nline two  &amp; <b>"))
    assert doc.toPlainText() == f"{HOSTILE}\nline two  &amp; <b>"
    assert tip("") == ""


@pytest.fixture
def hostile_trace():
    return capture_program(f"k = {HOSTILE!r}\nm = nn.ModuleDict({{k: nn.Linear(1, 1)}})\n"
                           "x = torch.ones(1, 1)\nloss = m[k](x).sum()\n")


def test_the_inspector_shows_a_module_key_as_written_even_after_a_modules_account(qtbot, hostile_trace):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    weight = next(n for n in hostile_trace.nodes if n.label.endswith("weight"))
    assert HOSTILE in weight.label
    show_module(inspector, hostile_trace, weight.module)  # rich text of its own, escaped
    assert inspector.title_label.textFormat() == Qt.TextFormat.RichText
    assert HOSTILE in QTextDocumentText(inspector.title_label.text())
    inspector.set_node(hostile_trace, weight.id)
    labels = [inspector.title_label, inspector.internal_label, *inspector.fields.values()]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert HOSTILE in inspector.title_label.text() or HOSTILE in inspector.fields["label"].text()


def QTextDocumentText(html: str) -> str:  # noqa: N802 - reads like the Qt class it uses
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def test_a_lesson_title_is_shown_as_written(qtbot):
    lesson = lesson_from_json(json.loads(json.dumps({
        "gradviz_lesson": 3, "title": HOSTILE, "program": "x = torch.ones(1, requires_grad=True)\nloss = (x * 2).sum()\n"})))
    panel = LessonPanel()
    qtbot.addWidget(panel)
    panel.set_lesson(lesson)
    assert panel.title_label.textFormat() == Qt.TextFormat.PlainText
    assert HOSTILE in panel.title_label.text()


def test_a_node_tooltip_on_the_canvas_is_escaped(qtbot, hostile_trace, monkeypatch):
    from PySide6.QtWidgets import QGraphicsSceneHelpEvent, QToolTip

    from gradviz.core.layout.layout import layout
    from gradviz.qt.canvas.graph_scene import GraphScene

    scene = GraphScene(hostile_trace, layout(hostile_trace)).build_all()
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    weight = next(item for item in scene.node_items.values() if item.node is not None and HOSTILE in item.node.label)
    event = QGraphicsSceneHelpEvent(QGraphicsSceneHelpEvent.Type.GraphicsSceneHelp)
    event.setScenePos(weight.scenePos() + QPointF(0.5, 0.5))
    scene.helpEvent(event)
    assert shown and "<img" not in shown[0] and HOSTILE in QTextDocumentText(shown[0])

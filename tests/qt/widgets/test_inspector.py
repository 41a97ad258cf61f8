"""Inspector and node tooltips, on Traces built by hand from real tensors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtGui import QTextDocument

from gradviz.core.trace import BackwardPass, Node, SavedTensor, TensorValue, Trace, format_number
from gradviz.qt.widgets.inspector import PLACEHOLDER, Inspector, node_tooltip
from gradviz.qt.widgets.tensor_view import TABLE_LIMIT, TensorView, format_cell

TV = TensorValue.from_tensor


def _trace(*nodes: Node, root: str | None = None, order: tuple[str, ...] | None = None) -> Trace:
    passes = ()
    if order is not None:
        passes = (BackwardPass(0, 5, "loss.backward()", (root,), order, {}, {}, {}),)
    return Trace(nodes=nodes, edges=(), root=root, passes=passes)


@pytest.fixture
def inspector(qtbot):
    w = Inspector()
    qtbot.addWidget(w)
    w.resize(360, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


def _leaf_w1() -> Node:
    return Node(
        id="n0",
        kind="leaf",
        op="AccumulateGrad",
        label="w1",
        shape=(1,),
        dtype="float32",
        device="cpu",
        value=TV(torch.tensor([2.2])),
        line=1,
        grad=TV(torch.tensor([-0.089826])),
    )


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_empty_inspector_prompts(qtbot, inspector):
    assert inspector.title_label.text() == PLACEHOLDER
    assert inspector.text() == PLACEHOLDER
    assert inspector.value_table.rowCount() == 0
    assert not inspector.saved_list.isVisible()


def test_leaf_shows_value_grad_and_requires_grad(qtbot, inspector):
    leaf = _leaf_w1()
    inspector.set_node(_trace(leaf, root="n0", order=("n0",)), "n0")
    text = inspector.text()
    assert format_number(-0.089826, 5) == "-0.08983"
    assert "2.2" in text
    assert "-0.08983" in text
    assert inspector.title_label.text() == "w1"
    assert inspector.fields["op"].text() == "AccumulateGrad"
    assert inspector.fields["tensor"].text() == "(1), float32, cpu"
    assert inspector.fields["line"].text() == "1"
    assert inspector.fields["module"].text() == "(top level)"
    assert inspector.fields["requires_grad"].text() == "True"
    assert inspector.fields["requires_grad"].isVisible()
    assert "requires_grad: True" in text
    assert inspector.grad_heading.text() == ".grad"
    assert _cells(inspector.value_table) == [["2.2"]]
    assert _cells(inspector.grad_table) == [["-0.08983"]]
    assert inspector.value_table.isVisible() and inspector.grad_table.isVisible()
    # 1-D values are not heatmaps
    assert not inspector.value_view.heatmap.isVisible()
    # the stats line: min/max/mean/norm
    assert inspector.grad_view.stats_label.text() == (
        "min -0.08983, max -0.08983, mean -0.08983, norm 0.08983"
    )
    # leaves save nothing for backward, so no saved section
    assert not inspector.saved_list.isVisible()


def test_leaf_without_grad_explains_why(qtbot, inspector):
    leaf = Node(id="n0", kind="leaf", op="AccumulateGrad", label="b", value=TV(torch.tensor(0.5)))
    inspector.set_node(_trace(leaf), "n0")
    assert inspector.grad_table.rowCount() == 0
    assert not inspector.grad_table.isVisible()
    assert "No gradient yet: no backward pass has run." in inspector.text()
    assert _cells(inspector.value_table) == [["0.5"]]  # a 0-d value is one cell


def test_constant_has_no_gradient(qtbot, inspector):
    const = Node(
        id="n1", kind="constant", op="Constant", label="x1", value=TV(torch.tensor([1.5])), requires_grad=False
    )
    inspector.set_node(_trace(const, order=()), "n1")
    assert inspector.fields["requires_grad"].text() == "False"
    assert "this input does not require grad" in inspector.text()


def test_matrix_value_table_and_heatmap(qtbot, inspector):
    value = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4
    grad = -torch.ones(3, 4)
    op = Node(id="n2", kind="op", op="MmBackward0", label="h", shape=(3, 4), value=TV(value), grad=TV(grad))
    inspector.set_node(_trace(op, root="n2", order=("n2",)), "n2")
    assert inspector.value_table.rowCount() == 3
    assert inspector.value_table.columnCount() == 4
    assert inspector.value_table.item(2, 3).text() == "2.75"
    assert inspector.value_table.item(0, 1).text() == "0.25"
    assert inspector.value_view.heatmap.isVisible()
    # row-major: the image is the matrix as printed, shape (rows, cols)
    assert inspector.value_view.image_item.image.shape == (3, 4)
    np.testing.assert_allclose(inspector.value_view.image_item.image, value.numpy())
    assert inspector.value_view.image_item.getLevels() == pytest.approx((0.0, 2.75))
    # gradients are centred on zero so the sign reads off the colour
    assert inspector.grad_view.image_item.image.shape == (3, 4)
    assert inspector.grad_view.image_item.getLevels() == pytest.approx((-1.0, 1.0))
    assert inspector.grad_view.legend_label.text() == "colour: blue = -1 … red = 1"
    assert inspector.value_view.legend_label.text() == "colour: purple = 0 … yellow = 2.75"
    # pixel centres sit on the row and column indices
    rect = inspector.value_view.image_item.mapRectToParent(inspector.value_view.image_item.boundingRect())
    assert (rect.left(), rect.top(), rect.width(), rect.height()) == (-0.5, -0.5, 4, 3)
    assert inspector.fields["kind"].text() == "op (root of the backward pass)"
    assert not inspector.fields["requires_grad"].isVisible()
    assert inspector.grad_heading.text() == "Gradient of its output"


def test_large_value_is_summary_only(qtbot, inspector):
    big = TV(torch.linspace(-1, 1, 20000).reshape(100, 200))
    assert big.is_summary
    op = Node(id="n3", kind="op", op="AddBackward0", label="z", shape=(100, 200), value=big)
    inspector.set_node(_trace(op, order=()), "n3")
    assert inspector.value_table.rowCount() == 0
    assert not inspector.value_table.isVisible()
    assert not inspector.value_view.heatmap.isVisible()
    text = inspector.text()
    assert "shape (100, 200), float32, cpu: 20,000 elements, summary only" in text
    assert "min -1, max 1, mean" in text
    assert "norm " in text
    assert "Not reached by the last backward pass." in text


def test_medium_2d_value_gets_heatmap_but_no_table(qtbot, inspector):
    op = Node(id="n0", kind="op", op="MulBackward0", shape=(20, 30), value=TV(torch.rand(20, 30)))
    inspector.set_node(_trace(op), "n0")
    assert 20 * 30 > TABLE_LIMIT
    assert inspector.value_table.rowCount() == 0
    assert inspector.value_view.heatmap.isVisible()
    assert inspector.value_view.image_item.image.shape == (20, 30)
    assert inspector.title_label.text() == "MulBackward0"  # no label: the op names it


def test_saved_tensors_with_note(qtbot, inspector):
    op = Node(
        id="n4",
        kind="op",
        op="MulBackward0",
        label="y",
        value=TV(torch.tensor([3.3])),
        saved=(
            SavedTensor("self", TV(torch.tensor([2.2]))),
            SavedTensor("other", None, note="None: x1 needs no grad, so its gradient is never computed"),
            SavedTensor("reduction", None, text="mean"),
        ),
    )
    inspector.set_node(_trace(op), "n4")
    items = [inspector.saved_list.item(i).text() for i in range(inspector.saved_list.count())]
    assert items == [
        "self = [2.2]",
        "other = None  (None: x1 needs no grad, so its gradient is never computed)",
        "reduction = mean",
    ]
    assert inspector.saved_list.isVisible()
    assert "x1 needs no grad" in inspector.text()
    shown = QTextDocument()
    shown.setHtml(inspector.saved_list.item(1).toolTip())  # escaped: the note may quote the program
    assert shown.toPlainText().startswith("None: x1")


def test_op_without_saved_tensors_says_so(qtbot, inspector):
    op = Node(id="n0", kind="op", op="AddBackward0", value=TV(torch.tensor(1.0)))
    inspector.set_node(_trace(op), "n0")
    assert inspector.saved_list.count() == 1
    assert inspector.saved_list.item(0).text() == "nothing saved for backward"


def test_internal_node_without_value(qtbot, inspector):
    op = Node(id="n5", kind="op", op="LogSoftmaxBackward0", internal_to="F.cross_entropy", shape=(2, 3))
    inspector.set_node(_trace(op), "n5")
    assert inspector.internal_label.isVisible()
    assert inspector.internal_label.text() == (
        "created inside F.cross_entropy; value not visible to Python"
    )
    assert inspector.value_view.empty_label.text() == inspector.internal_label.text()
    assert inspector.value_table.rowCount() == 0


def test_module_path_and_3d_value(qtbot, inspector):
    op = Node(
        id="n0",
        kind="op",
        op="ViewBackward0",
        module="encoder.fc1",
        shape=(2, 2, 3),
        value=TV(torch.arange(12).reshape(2, 2, 3)),
    )
    inspector.set_node(_trace(op), "n0")
    assert inspector.fields["module"].text() == "encoder.fc1"
    table = inspector.value_table
    assert (table.rowCount(), table.columnCount()) == (4, 3)
    assert [table.verticalHeaderItem(r).text() for r in range(4)] == ["0,0", "0,1", "1,0", "1,1"]
    assert table.item(3, 2).text() == "11"
    assert not inspector.value_view.heatmap.isVisible()


def test_switching_nodes_and_clearing(qtbot, inspector):
    big = Node(id="n1", kind="op", op="MmBackward0", value=TV(torch.ones(3, 4)))
    trace = _trace(_leaf_w1(), big)
    inspector.set_node(trace, "n1")
    assert inspector.value_table.rowCount() == 3
    inspector.set_node(trace, "n0")
    assert inspector.value_table.rowCount() == 1
    assert not inspector.value_view.heatmap.isVisible()
    inspector.set_node(trace, "n99")
    assert "n99 is not in this graph" in inspector.text()
    assert inspector.node is None
    inspector.set_node(None, None)
    assert inspector.text() == PLACEHOLDER
    assert inspector.value_table.rowCount() == 0


def test_tensor_view_odd_dtypes(qtbot):
    view = TensorView()
    qtbot.addWidget(view)
    view.set_value(TV(torch.tensor([[True, False]])))
    assert _cells(view.table) == [["True", "False"]]
    assert view.image_item.image.dtype == np.float64
    view.set_value(TV(torch.tensor([[float("nan"), 1.0], [2.0, float("inf")]])))
    assert view.image_item.getLevels() == pytest.approx((1.0, 2.0))
    assert format_cell(1 - 2j) == "1-2j"
    view.set_value(TV(torch.ones(2, 2)))  # constant image must not divide by zero
    assert view.image_item.getLevels() == pytest.approx((0.5, 1.5))
    view.set_value(TV(torch.zeros(0)))
    assert view.stats_label.text() == "empty tensor"
    assert view.table.rowCount() == 0


def test_node_tooltip_is_short_html():
    tip = node_tooltip(_leaf_w1())
    assert tip.startswith("<b>w1</b>")
    assert "AccumulateGrad" in tip
    assert "value: [2.2]" in tip
    assert ".grad: [-0.08983]" in tip
    assert "leaf · (1) · float32" in tip
    internal = Node(id="n9", kind="op", op="TBackward0", label="<a&b>", internal_to="F.linear")
    tip = node_tooltip(internal)
    assert "&lt;a&amp;b&gt;" in tip
    assert "value not visible to Python" in tip
    assert "value:" not in tip


def test_output_node_says_which_output_it_is(qtbot, inspector):
    out = Node(id="n2", kind="output", op="output 1", label="q", shape=(2,), dtype="float32", device="cpu",
               value=TV(torch.tensor([3.0, 4.0])), line=2, grad=TV(torch.tensor([1.0, 2.0])), output_nr=1)
    op = Node(id="n1", kind="op", op="SplitBackward0", label="p", shape=(2,), dtype="float32", device="cpu")
    inspector.set_node(_trace(op, out, root="n1", order=("n2", "n1")), "n2")
    text = inspector.text()
    assert "output 1 of the op feeding it" in text and "Gradient of its output" in text
    assert not inspector.saved_list.isVisible()
    assert "output 1 of the op feeding it" in node_tooltip(out)


def test_the_value_table_grows_with_the_font_and_shows_every_row(window, run_and_wait, qtbot):
    assert run_and_wait(window, lambda: window.load_lesson("logits", confirm=False)) == "ok"
    table = window.inspector.value_table
    window.select_node(window.current_trace.find("w").id)
    small = table.font().pointSize()
    assert run_and_wait(window, lambda: window.change_font_size(+10)) == "ok"  # the canvas is laid out again
    window.select_node(window.current_trace.find("b").id)
    window.select_node(window.current_trace.find("w").id)
    assert table.font().pointSize() > small and table.rowCount() == 5
    qtbot.waitUntil(lambda: table.viewport().height() >= sum(table.rowHeight(r) for r in range(5)), timeout=2_000)

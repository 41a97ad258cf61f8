"""What a node's box says: PyTorch's names, or a beginner's symbols (micrograd's ``draw_dot`` look).

PyTorch labels name the autograd node (``MulBackward0``), the variable and the shape. Beginner
labels write the operation as it reads on paper (``×``, ``+``, ``σ``), the variable's name and its
data, and leave PyTorch's class names to the tooltip and the inspector — until the teacher asks
for them. Both are plain text lines, measured by Graphviz and painted by Qt alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import Node, TensorValue, format_number, format_shape

#: The label styles: PyTorch's class names, or the symbols of a first lesson.
LABEL_STYLES = ("pytorch", "beginner")
DEFAULT_LABELS = "pytorch"

#: An autograd node type, as its operation is written on paper. Ops missing here get their
#: class name without "Backward" (ClampBackward1 → "clamp"). The few written in words are
#: marked for the catalogue and translated in :func:`symbol`.
SYMBOLS = {
    "AddBackward0": "+", "AddBackward1": "+", "SubBackward0": "−", "SubBackward1": "−",
    "RsubBackward0": "−", "RsubBackward1": "−", "MulBackward0": "×", "MulBackward1": "×",
    "DivBackward0": "÷", "DivBackward1": "÷", "NegBackward0": "−x", "PowBackward1": "xʸ",
    "PowBackward2": "aˣ", "SigmoidBackward0": "σ", "TanhBackward0": "tanh", "ReluBackward0": "ReLU",
    "ExpBackward0": "exp", "LogBackward0": "log", "SqrtBackward0": "√", "AbsBackward0": "|x|",
    "MmBackward0": "@", "MvBackward0": "@", "BmmBackward0": "@", "DotBackward0": "·",
    "AddmmBackward0": "@ + b", "AddmvBackward0": "@ + b", "TBackward0": "ᵀ", "TransposeBackward0": "ᵀ",
    "SumBackward0": "Σ", "SumBackward1": "Σ", "MeanBackward0": "mean", "MeanBackward1": "mean",
    "BinaryCrossEntropyBackward0": QT_TRANSLATE_NOOP("graph", "BCE loss"),
    "BinaryCrossEntropyWithLogitsBackward0": QT_TRANSLATE_NOOP("graph", "BCE loss (logits)"),
    "MseLossBackward0": QT_TRANSLATE_NOOP("graph", "MSE loss"),
    "L1LossBackward0": QT_TRANSLATE_NOOP("graph", "L1 loss"),
    "NllLossBackward0": QT_TRANSLATE_NOOP("graph", "NLL loss"),
    "LogSoftmaxBackward0": "log softmax", "SoftmaxBackward0": "softmax", "WhereBackward0": "where",
    "ViewBackward0": "view", "ReshapeAliasBackward0": "reshape", "UnsqueezeBackward0": "unsqueeze",
    "SqueezeBackward0": "squeeze", "SqueezeBackward1": "squeeze", "SelectBackward0": "[i]",
    "IndexBackward0": "[…]", "SliceBackward0": "[a:b]", "CatBackward0": "cat", "StackBackward0": "stack",
    "ExpandBackward0": "expand", "CloneBackward0": QT_TRANSLATE_NOOP("graph", "copy"),
    "MaximumBackward0": "max", "MinimumBackward0": "min",
}
_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


@dataclass(frozen=True)
class Look:
    """How the boxes are written: ``font_size`` in points and the label style (see LABEL_STYLES)."""

    font_size: float = 11.0
    labels: str = DEFAULT_LABELS

    def __post_init__(self) -> None:
        if self.labels not in LABEL_STYLES:
            raise ValueError(f"labels must be one of {', '.join(LABEL_STYLES)}, not {self.labels!r}")
        if not 4 <= self.font_size <= 64:
            raise ValueError(f"font_size must be between 4 and 64 points, not {self.font_size}")


def symbol(node: Node) -> str:
    """``node``'s operation as written on paper: ``×``, ``σ``, ``x²``; its class name's stem otherwise."""
    if node.op == "PowBackward0":
        exponent = next((s.text for s in node.saved if s.name == "exponent" and s.text), "")
        if re.fullmatch(r"-?\d+(\.0+)?", exponent.strip()):
            return "x" + str(int(float(exponent))).translate(_SUPERSCRIPT)
        return "xⁿ"
    if node.op in SYMBOLS:
        return translate("graph", SYMBOLS[node.op])
    stem = re.sub(r"Backward\d*$", "", node.op)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", stem).lower() or node.op


def _data_text(value: TensorValue) -> str:
    if value.data is not None and value.data.size == 1:
        return format_number(float(value.data.reshape(-1)[0]))  # 2.42, not [2.42]
    text = value.short()
    prefix = format_shape(value.shape) + " "
    return text[len(prefix):] if text.startswith(prefix) else text


def beginner_lines(node: Node, show_values: bool = True, limit: int = 40) -> tuple[str, ...]:
    """A beginner's box: the operation (ops only), the variable's name, its shape when it is not a
    single number, and its data (as micrograd's ``draw_dot`` writes ``data 2.4200``)."""
    lines: list[str] = []
    if node.kind == "op":
        lines.append(symbol(node))
    elif node.kind == "output":
        lines.append(f"output {node.output_nr}")
    if node.label:
        lines.append(node.label)
    elif node.kind == "leaf":
        lines.append("parameter")
    elif node.kind == "constant":
        lines.append("constant")
    numel = 1
    for size in node.shape:
        numel *= size
    if numel != 1:
        lines.append(format_shape(node.shape))
    if show_values and node.value is not None:
        text = "data " + _data_text(node.value)
        if len(text) <= limit + 5:
            lines.append(text)
    return tuple(lines)

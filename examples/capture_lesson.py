"""Capture a built-in lesson and print every node with its value and gradient."""

from gradviz.core.lessons.catalogue import capture_lesson
from gradviz.core.trace import format_shape

trace = capture_lesson("logistic")
for node in trace.nodes:
    value = node.value.short() if node.value else "-"
    grad = node.grad.short() if node.grad else "-"
    print(f"{node.id:>4} {node.op:<28} {node.label:<6} {format_shape(node.shape):<8} value {value:<10} grad {grad}")
last = trace.passes[-1]
print("backward order:", " → ".join(trace.node(i).label or trace.node(i).op for i in last.order))

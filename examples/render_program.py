"""Capture a typed program, lay it out, and write it as SVG and JSON next to this script's output dir."""

import tempfile
from pathlib import Path

from gradviz.core.capture.capture import capture_program
from gradviz.core.export import write

PROGRAM = """\
x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
"""

trace = capture_program(PROGRAM)
out = Path(tempfile.mkdtemp(prefix="gradviz-example-"))
for suffix in ("svg", "json"):
    write(trace, out / f"cube.{suffix}")
print(f"dy/dx at x = 3: {trace.find('x').grad.item():g}; files in {out}")

"""Record one training step of your own model with gradviz.record(), save it, and open the app on it.

    python examples/record_script.py          # records and saves
    python examples/record_script.py --show   # ... and opens gradviz on the recording (waits for the window)
"""

import sys
import tempfile
from pathlib import Path

import torch
import torch.nn as nn

import gradviz

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))

with gradviz.record(title="one SGD step") as rec:
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
optimizer.step()

trace = rec.trace
print(rec)
print(f"loss {loss.item():.4f}; backward ran in this order:",
      " → ".join(trace.node(i).label or trace.node(i).op for i in trace.passes[0].order[:6]), "…")
path = rec.save(Path(tempfile.mkdtemp(prefix="gradviz-example-")) / "sgd-step.gradviz-rec")
print(f"saved {path}: open it with `gradviz {path}`")
if "--show" in sys.argv[1:]:
    gradviz.show(rec)

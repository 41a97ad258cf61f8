"""The records allowed across the process boundary, registered with the wire format.

Importing this module is what lets both sides encode and decode them; nothing outside
this list (and plain data) can arrive from a run.
"""

from __future__ import annotations

from gradviz.core import trace
from gradviz.core.checks import reports
from gradviz.core.run import codec, request, trace_wire  # noqa: F401 - request registers its own records
from gradviz.core.training import records as train_records
from gradviz.core.training import spec as train_spec

CARRIED = (
    trace.TensorValue, trace.SavedTensor, trace.Node, trace.Edge, trace.BackwardPass, trace.ModuleInfo,
    trace.Trace, reports.LeafCheck, reports.GradCheck, reports.GradReason,
    train_spec.DataArrays, train_spec.TrainSpec, train_records.RecordBatch, train_records.TrainInfo,
)

for _cls in CARRIED:
    codec.register(_cls)

codec.register_custom(trace.Trace, trace_wire.to_plain, trace_wire.from_plain)

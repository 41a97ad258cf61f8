"""The records allowed across the process boundary, registered with the wire format.

Importing this module is what lets both sides encode and decode them; nothing outside
this list (and plain data) can arrive from a run.
"""

from __future__ import annotations

from gradviz.core import reports, trace, train_records, train_spec

from . import codec, request, trace_wire  # noqa: F401 - request registers its own records

CARRIED = (
    trace.TensorValue, trace.SavedTensor, trace.Node, trace.Edge, trace.BackwardPass, trace.ModuleInfo,
    trace.Trace, reports.LeafCheck, reports.GradCheck, reports.GradReason,
    train_spec.DataArrays, train_spec.TrainSpec, train_records.RecordBatch, train_records.TrainInfo,
)

for _cls in CARRIED:
    codec.register(_cls)

codec.register_custom(trace.Trace, trace_wire.to_plain, trace_wire.from_plain)

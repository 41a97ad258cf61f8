"""The Trace: a plain, frozen record of one captured autograd graph.

Everything downstream (layout, export, the Qt views, the stepper) reads only these
classes, never live tensors, so a Trace can cross threads and be compared in tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from gradviz.core.i18n import translate

#: Tensors with more elements than this are kept as a summary only.
FULL_VALUE_LIMIT = 10_000

#: op: an autograd node (its value is its output 0); leaf: an AccumulateGrad; constant: a tensor
#: that needs no grad (op "Buffer" for a module's buffer); output: output k ≥ 1 of a multi-output op.
NODE_KINDS = ("op", "leaf", "constant", "output")

_DTYPE_NAMES: dict[Any, str] = {}
# numpy has no such dtypes: their values are kept as float32 (the dtype field keeps the name).
_NO_NUMPY = {"bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"}


# Float dtypes summarised by float_summary, straight from their numpy view.
_FLOAT_NUMPY = {"float16", "float32", "float64"}
# Elements per slice float_summary widens to float64 at a time (512 KB).
_SUMMARY_SLICE = 1 << 16
# ... and per dot product it takes of a slice. OpenBLAS hands a dot of more than 10,000
# elements to its own threads, which then spin against torch's pool for the same cores: in
# a process with both pools (``gradviz.record()`` in a user's script) the Fashion-MNIST
# lesson's backward pass, summarising each gradient, went from 5 ms to 35-110 ms.
_DOT_ROW = 1 << 13


def _sum_of_squares(wide: np.ndarray) -> float:
    """Σ x² of the flat float64 ``wide``, as dot products short enough to stay on this thread."""
    whole = wide.size - wide.size % _DOT_ROW
    rows = wide[:whole].reshape(-1, 1, _DOT_ROW)
    rest = wide[whole:]
    return float((rows @ rows.transpose(0, 2, 1)).sum()) + float(rest @ rest)


def float_summary(a: np.ndarray) -> tuple[float, float, float, float, float]:
    """(min, max, mean, population std, norm) of the flat float array ``a``, in float64.

    A model's weights and activations are summarised by the dozen in every capture (a 784x512
    weight, its gradient, the saved copies): copying each whole to float64 and reducing it five
    times was 70% of the Fashion-MNIST lesson's run (1.3 ms for a 784x512 weight, now 0.6).
    Here min and max are read from ``a`` itself (exact in any float), and the sum and the sum
    of squares from slices widened to float64 one at a time. The variance is then their
    difference unless that cancels more than a digit of float64's sixteen (a mean far from
    zero for the spread: values around 1000 that differ by 1, a constant tensor); then a second
    pass sums the squared deviations from the mean, as exactly as the whole float64 copy did.
    """
    n = a.size
    with np.errstate(all="ignore"):  # nan and inf give nan and inf statistics, as torch's do
        low, high = float(a.min()), float(a.max())
        slices = [a[i:i + _SUMMARY_SLICE] for i in range(0, n, _SUMMARY_SLICE)]
        total = squares = 0.0
        for s in slices:
            wide = s.astype(np.float64)
            total += float(wide.sum())
            squares += _sum_of_squares(wide)
        mean = total / n
        variance = squares / n - mean * mean
        if not mean * mean <= 10 * variance:  # also nan and inf: they come out as torch's below
            deviations = 0.0
            for s in slices:
                wide = s.astype(np.float64)
                wide -= mean
                deviations += _sum_of_squares(wide)
            variance = deviations / n
    return low, high, mean, math.sqrt(variance), math.sqrt(squares)


def _sparse_summary(t: Any) -> tuple[float, float, float, float, float]:
    """(min, max, mean, population std, norm) of a big sparse tensor, from its stored values
    and the count of the zeros it does not store: made dense, a sparse graph's adjacency of
    a million nodes would take terabytes."""
    coo = (t if str(t.layout) == "torch.sparse_coo" else t.to_sparse()).coalesce()
    values = coo.values()
    values = (values.abs() if values.is_complex() else values).double().reshape(-1)
    n, stored = t.numel(), values.numel()
    unstored = n - stored
    if stored == 0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    low, high = float(values.min()), float(values.max())
    if unstored:
        low, high = min(low, 0.0), max(high, 0.0)
    total, squares = float(values.sum()), float(values @ values)
    mean = total / n
    # Deviations from the mean, zeros included, without making them: sum((v-m)^2) + zeros*m^2.
    deviations = float(((values - mean) ** 2).sum()) + unstored * mean * mean
    return low, high, mean, math.sqrt(deviations / n), math.sqrt(squares)


def built(cls: type, fields: dict[str, Any]) -> Any:
    """A frozen record from ``fields`` (every field of ``cls``), without its __init__.

    A frozen dataclass's __init__ sets each field through object.__setattr__: for the tens
    of thousands of values, nodes and edges of a big graph that was a third of their cost.
    """
    record = object.__new__(cls)
    record.__dict__.update(fields)
    return record


def _dtype_name(dtype: Any) -> str:
    name = _DTYPE_NAMES[dtype] = str(dtype).replace("torch.", "")
    return name


@dataclass(frozen=True, eq=False)
class TensorValue:
    """A detached copy of a tensor (or its summary when it is large).

    ``data`` is a numpy copy when the tensor has at most ``FULL_VALUE_LIMIT``
    elements, else ``None`` and ``summary`` holds (min, max, mean, std, norm).
    The statistics of a full copy are computed on first use: capture copies
    thousands of values and most are never looked at.
    """

    shape: tuple[int, ...]
    dtype: str
    device: str
    data: np.ndarray | None
    summary: tuple[float, float, float, float, float] | None = None

    @property
    def numel(self) -> int:
        return int(math.prod(self.shape))

    @property
    def is_summary(self) -> bool:
        return self.data is None

    @classmethod
    def from_tensor(cls, tensor: Any, limit: int = FULL_VALUE_LIMIT) -> "TensorValue":
        """Copy ``tensor`` (a torch.Tensor) into plain numpy data."""
        # Capture copies four values per node (forward, saved, two gradients), so the
        # common case (a small CPU tensor) takes the short road: ~2 µs instead of ~10.
        # numpy(force=True) detaches in C++ (and resolves conj/neg bits, as the long road does).
        if tensor.is_cpu and tensor.numel() <= limit:
            try:
                data = tensor.numpy(force=True)
            except (TypeError, RuntimeError):
                data = None  # a dtype numpy lacks (bfloat16), a layout it cannot read: the long road says
            if data is not None:
                dtype = _DTYPE_NAMES.get(tensor.dtype) or _dtype_name(tensor.dtype)
                return built(cls, {"shape": data.shape, "dtype": dtype, "device": "cpu", "data": data.copy(),
                                   "summary": None})
        t = tensor.detach()
        shape = tuple(t.shape)
        dtype = _DTYPE_NAMES.get(t.dtype) or _dtype_name(t.dtype)
        if t.is_cpu:
            device, cpu = "cpu", t
        else:
            device, cpu = str(t.device), t.to("cpu")
        if str(cpu.layout) != "torch.strided":  # sparse, mkldnn: numpy reads only dense tensors
            if cpu.numel() > limit and str(cpu.layout).startswith("torch.sparse"):
                return cls(shape, dtype, device, None, _sparse_summary(cpu))
            cpu = cpu.to_dense()
        if cpu.numel() <= limit:
            if cpu.is_conj() or cpu.is_neg():
                cpu = cpu.resolve_conj().resolve_neg()
            if dtype in _NO_NUMPY:
                cpu = cpu.float()
            try:
                data = cpu.numpy().copy()
            except RuntimeError:
                if not cpu._is_zerotensor():
                    raise
                # The all-zero gradients some backward formulas return (abs's second derivative)
                # have no storage for numpy to read. Asked only here: the common case pays nothing.
                data = cpu.new_zeros(shape).numpy()
            return built(cls, {"shape": shape, "dtype": dtype, "device": device, "data": data, "summary": None})
        if cpu._is_zerotensor():
            cpu = cpu.new_zeros(shape)
        if dtype in _FLOAT_NUMPY:
            # In memory order: a transposed weight (saved for its backward) is read without a copy.
            return cls(shape, dtype, device, None, float_summary(cpu.numpy(force=True).ravel(order="K")))
        # Statistics in float64 whatever the dtype, so bool/int/complex tensors summarise too.
        src = cpu.abs().double() if cpu.is_complex() else cpu.double()
        stats = (float(src.min()), float(src.max()), float(src.mean()),
                 float(src.std(unbiased=False)), float(src.norm()))
        return cls(shape, dtype, device, None, stats)

    @cached_property
    def _stats(self) -> tuple[float, float, float, float, float]:
        if self.summary is not None:
            return self.summary
        assert self.data is not None
        if self.data.size == 0:
            nan = float("nan")
            return (nan, nan, nan, nan, nan)
        a = np.abs(self.data) if np.iscomplexobj(self.data) else self.data
        a = a.astype(np.float64, copy=False)
        with np.errstate(invalid="ignore", over="ignore"):  # -inf in a mask: nan statistics, no warning
            return (float(a.min()), float(a.max()), float(a.mean()), float(a.std()),
                    float(np.sqrt(np.sum(a * a))))

    @cached_property
    def _range(self) -> tuple[float, float]:
        # What a box shows (short()): a tenth of the cost of _stats, whose std dominates it
        # (0.15 s over the 2,500 values of a 250-layer MLP).
        if self.summary is not None or self.data is None or self.data.size == 0:
            return self._stats[0], self._stats[1]
        a = np.abs(self.data) if np.iscomplexobj(self.data) else self.data
        if a.dtype == np.bool_:
            a = a.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            return float(a.min()), float(a.max())

    @property
    def min(self) -> float:
        return self._range[0]

    @property
    def max(self) -> float:
        return self._range[1]

    @property
    def mean(self) -> float:
        return self._stats[2]

    @property
    def std(self) -> float:
        return self._stats[3]

    @property
    def norm(self) -> float:
        return self._stats[4]

    def item(self) -> float:
        """The single number of a one-element value."""
        if self.data is None or self.data.size != 1:
            raise ValueError(f"value of shape {self.shape} is not a single number")
        return float(self.data.reshape(-1)[0])

    def to_json(self) -> Any:
        """Nested lists for a full value (a complex one as ``{"real": ..., "imag": ...}``),
        else a summary object."""
        if self.data is not None:
            if np.iscomplexobj(self.data):
                return {"complex": True, "real": _json_array(self.data.real), "imag": _json_array(self.data.imag)}
            return _json_array(self.data)
        return {
            "summary": True,
            "shape": list(self.shape),
            "min": _json_float(self.min),
            "max": _json_float(self.max),
            "mean": _json_float(self.mean),
            "std": _json_float(self.std),
        }

    def short(self, max_elements: int = 4, digits: int = 4) -> str:
        """A compact text for a badge: the numbers if few, else shape and range."""
        if self.data is not None and self.data.size <= max_elements:
            flat = [format_number(v, digits) for v in self.data.reshape(-1).tolist()]
            if self.data.ndim == 0:
                return flat[0]
            return "[" + ", ".join(flat) + "]"
        return f"{format_shape(self.shape)} ∈ [{format_number(self.min, 3)}, {format_number(self.max, 3)}]"


@dataclass(frozen=True)
class SavedTensor:
    """One ``_saved_<name>`` attribute of an autograd node."""

    name: str
    value: TensorValue | None = None
    text: str = ""  # for non-tensors: ints, enums by name, tuples
    note: str = ""  # why it is None, or what it is for


@dataclass(frozen=True)
class Node:
    """One vertex: an autograd Node (``kind`` op or leaf) or a constant input tensor."""

    id: str
    kind: str  # "op" | "leaf" | "constant" | "output"
    # type(node).__name__, e.g. MulBackward0, AccumulateGrad; "Constant" for constants, "Buffer"
    # for a module's buffers (BatchNorm's running_mean); "output k" for an output node.
    op: str
    label: str = ""  # user's variable name, or a parameter's module path
    shape: tuple[int, ...] = ()
    dtype: str = ""
    device: str = ""
    module: str = ""  # module path the op ran in ("" at top level)
    value: TensorValue | None = None  # forward value (output of the op)
    internal_to: str = ""  # composite op this node was created inside (value may be missing)
    saved: tuple[SavedTensor, ...] = ()
    line: int | None = None  # program line that created it
    requires_grad: bool = True
    grad: TensorValue | None = None  # leaf: .grad after the last pass; op: grad of its output (0)
    # Which output of its op a node stands for. Several outputs of one op share one autograd
    # node (chunk, unbind, an LSTM's gates): the op node is output 0, and each further output
    # k is a node of kind "output" fed by the op node, with its own value, gradient and label.
    output_nr: int = 0
    # The program's for loops running when it was made, outermost first: (line of the loop,
    # iteration counted from 0, iterations that loop ran in all). () outside any loop.
    loop: tuple[tuple[int, int, int], ...] = ()

    @property
    def title(self) -> str:
        return self.label or self.op


@dataclass(frozen=True)
class Edge:
    """Forward data flow: ``source`` feeds input ``slot`` of ``target``."""

    source: str
    target: str
    slot: int


@dataclass(frozen=True)
class BackwardPass:
    """One call of backward / autograd.grad, as the engine really ran it."""

    index: int
    line: int | None
    call: str  # "loss.backward()", "torch.autograd.grad", "implicit"
    roots: tuple[str, ...]  # node ids the pass started from
    order: tuple[str, ...]  # node ids in engine execution order
    grad_outputs: Mapping[str, tuple[TensorValue | None, ...]]  # arriving at each node
    grad_inputs: Mapping[str, tuple[TensorValue | None, ...]]  # leaving each node, by slot
    leaf_grads: Mapping[str, TensorValue | None]  # every leaf's .grad after the pass
    implicit: bool = False  # gradviz ran it because the program did not

    def arriving(self, node_id: str) -> TensorValue | None:
        grads = self.grad_outputs.get(node_id)
        return grads[0] if grads else None


@dataclass(frozen=True)
class ModuleInfo:
    """An nn.Module that ran in the program: for group titles and collapsed boxes."""

    path: str
    class_name: str
    num_params: int  # parameters of the module and its children


@dataclass(frozen=True)
class Trace:
    """The whole captured record. Node ids are n0..nk in forward order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    root: str | None
    passes: tuple[BackwardPass, ...] = ()
    source: str = ""
    explanation: str = ""  # why there is no graph, in words; "" when there is one
    notes: tuple[str, ...] = ()  # things worth telling the user (seed gradient used, ...)
    variables: Mapping[str, str] = field(default_factory=dict)  # user name -> node id
    extra_roots: tuple[str, ...] = ()  # further roots shown side by side (softmax lesson)
    modules: Mapping[str, "ModuleInfo"] = field(default_factory=dict)  # path -> class, parameters
    output: tuple[str, ...] = ()  # what the program printed, one entry per print() call
    last_value: str | None = None  # a bare last expression's value, as a REPL echoes it
    _index: Mapping[str, Node] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({n.id: n for n in self.nodes}))

    def _by_endpoint(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        """Edges by target (in slot order) and by source, built on the first question: the
        stepper, formulas and grouping ask per node (a scan of every edge per question made
        stepping a 2,000-node graph quadratic), a trace only sent on or previewed never does."""
        made = self.__dict__.get("_endpoints")
        if made is not None:
            return made
        inputs: dict[str, list[Edge]] = {}
        consumers: dict[str, list[Edge]] = {}
        for e in self.edges:
            inputs.setdefault(e.target, []).append(e)
            consumers.setdefault(e.source, []).append(e)
        for edges in inputs.values():
            if len(edges) > 1:
                edges.sort(key=lambda e: e.slot)  # stable: fan-out duplicates keep their order
        made = inputs, consumers
        object.__setattr__(self, "_endpoints", made)  # two threads asking at once make equal maps
        return made

    @property
    def roots(self) -> tuple[str, ...]:
        return ((self.root,) if self.root else ()) + self.extra_roots

    @property
    def is_empty(self) -> bool:
        return not self.nodes

    def node(self, node_id: str) -> Node:
        return self._index[node_id]

    def find(self, label: str) -> Node:
        """The node labelled ``label`` (a variable name or parameter path)."""
        for n in self.nodes:
            if n.label == label:
                return n
        raise KeyError(label)

    def by_op(self, op: str) -> list[Node]:
        return [n for n in self.nodes if n.op == op]

    def inputs_of(self, node_id: str) -> list[Edge]:
        """Edges into ``node_id``, by input slot."""
        return list(self._by_endpoint()[0].get(node_id, ()))

    def consumers_of(self, node_id: str) -> list[Edge]:
        """Edges out of ``node_id``, in edge order."""
        return list(self._by_endpoint()[1].get(node_id, ()))


def format_number(v: float, digits: int = 4) -> str:
    """Short, readable number text (``-0.0898``, ``2.2``, ``1.2e-07``)."""
    if type(v) is float and 1e-3 <= abs(v) < 1e5:  # most numbers shown: the last case below, at once
        text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, complex):
        sign = "-" if v.imag < 0 else "+"
        return f"{format_number(v.real, digits)}{sign}{format_number(abs(v.imag), digits)}j"
    if math.isnan(v) or math.isinf(v):
        return str(v)
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.{max(digits - 1, 1)}e}"
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def format_shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")" if shape else translate("trace", "scalar")


def _json_float(v: float) -> float | str:
    return v if math.isfinite(v) else str(v)


def _json_array(a: np.ndarray) -> Any:
    # Walked number by number only when some are nan or inf: json has no words for them.
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        return _json_numbers(a.tolist())
    return a.tolist()


def _json_numbers(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_json_numbers(o) for o in obj]
    if isinstance(obj, float):
        return _json_float(obj)
    return obj


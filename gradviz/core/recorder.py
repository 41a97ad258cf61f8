"""The recorder: watches a running program and notes every autograd node it creates.

A :class:`torch.overrides.TorchFunctionMode` sees each Python-level op with its
arguments and output; the output's ``grad_fn`` ties the value to the node. Nodes a
composite op creates inside itself (F.linear's TBackward0) are found by walking back
from the op's output to nodes already known. Backward calls are intercepted too, so
hooks can be put on every node before the engine runs and taken off after.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch.overrides import TorchFunctionMode

from .saved import read_saved, value_from_saved
from .trace import SavedTensor, TensorValue

_BACKWARD_FUNCS = {torch.Tensor.backward, torch.autograd.backward, torch.autograd.grad}

# Friendlier names for the dunder methods the mode reports.
_OPERATORS = {
    "__add__": "+", "__radd__": "+", "__iadd__": "+=", "__sub__": "-", "__rsub__": "-",
    "__isub__": "-=", "__mul__": "*", "__rmul__": "*", "__imul__": "*=", "__truediv__": "/",
    "__rtruediv__": "/", "__itruediv__": "/=", "__matmul__": "@", "__rmatmul__": "@",
    "__pow__": "**", "__rpow__": "**", "__neg__": "unary -", "__getitem__": "indexing",
}


def func_name(func: Any) -> str:
    name = getattr(func, "__name__", None) or str(func)
    if name in _OPERATORS:
        return _OPERATORS[name]
    module = getattr(func, "__module__", "") or ""
    if module.startswith("torch.nn.functional"):
        return f"F.{name}"
    return name


@dataclass
class NodeInfo:
    """What the recorder knows about one autograd node (or constant), while it runs."""

    key: Any  # the autograd node, or ("const", id) for a constant
    kind: str  # op | leaf | constant
    op: str
    line: int | None
    module: Any = None  # the nn.Module running when it was created
    value: TensorValue | None = None
    shape: tuple[int, ...] = ()
    dtype: str = ""
    device: str = ""
    internal_to: str = ""
    label: str = ""
    saved: tuple[SavedTensor, ...] | None = None
    tensor: Any = None  # leaves and constants: the tensor itself (labels, .grad, parameters)
    requires_grad: bool = True


@dataclass
class ConstEdge:
    const: tuple
    target: Any
    slot: int


@dataclass
class PassRecord:
    """One backward call, as the engine ran it."""

    call: str
    line: int | None
    roots: list[Any]
    implicit: bool = False
    order: list[Any] = field(default_factory=list)
    grad_outputs: dict[Any, tuple[TensorValue | None, ...]] = field(default_factory=dict)
    grad_inputs: dict[Any, tuple[TensorValue | None, ...]] = field(default_factory=dict)
    leaf_grads: dict[Any, TensorValue | None] = field(default_factory=dict)


@dataclass
class Origin:
    """Why a tensor has no grad_fn: the words and the line."""

    reason: str
    line: int | None
    ref: Any  # weakref to the tensor, so a reused id() is not mistaken for it
    func: str = ""  # the op that made it


def _snap(t: Any) -> TensorValue | None:
    return TensorValue.from_tensor(t) if isinstance(t, torch.Tensor) else None


def grad_fn_of(t: torch.Tensor) -> Any:
    """``t.grad_fn``, or None where asking raises.

    A view made under no_grad whose base was then changed in place refuses to say
    (nn.init.orthogonal_ does that to a parameter): plain PyTorch never asks, so the
    recorder must not fail where the program would not.
    """
    try:
        return t.grad_fn
    except RuntimeError:
        return None


def _meta(t: torch.Tensor) -> tuple[tuple[int, ...], str, str]:
    return tuple(int(s) for s in t.shape), str(t.dtype).replace("torch.", ""), str(t.device)


class Recorder(TorchFunctionMode):
    """Records ops, values, module paths and backward passes of everything run inside it.

    Parameters
    ----------
    current_line : callable
        Returns the program line running now (None outside a program).
    statement : callable
        Returns the source text of a line, to describe backward calls.
    """

    def __init__(self, current_line: Callable[[], int | None] = lambda: None,
                 statement: Callable[[int | None], str] = lambda line: "") -> None:
        super().__init__()
        self.current_line = current_line
        self.statement = statement
        self.nodes: dict[Any, NodeInfo] = {}  # registration (forward) order
        self.const_edges: list[ConstEdge] = []
        self.passes: list[PassRecord] = []
        self.origins: dict[int, Origin] = {}
        self.module_stack: list[Any] = []
        self.tensor_names: dict[int, tuple[str, Any, int | None]] = {}  # id -> (name, weakref, line)
        self._hooks: list[Any] = []
        self.keep_graphs = False  # force retain_graph=True: replays differentiate again afterwards

    # ----- module paths -------------------------------------------------------------
    def __enter__(self) -> "Recorder":
        from torch.nn.modules.module import (register_module_forward_hook,
                                             register_module_forward_pre_hook)

        self._hooks = [register_module_forward_pre_hook(self._module_enter),
                       register_module_forward_hook(self._module_exit)]
        return super().__enter__()

    def __exit__(self, *exc: Any) -> Any:
        for handle in self._hooks:
            handle.remove()
        self._hooks = []
        return super().__exit__(*exc)

    def _module_enter(self, module: Any, args: Any) -> None:
        self.module_stack.append(module)

    def _module_exit(self, module: Any, args: Any, output: Any) -> None:
        # A module that raised never reaches its post hook: pop down to it.
        while self.module_stack:
            if self.module_stack.pop() is module:
                break

    # ----- names --------------------------------------------------------------------
    def name_tensor(self, name: str, tensor: torch.Tensor, line: int | None = None) -> None:
        """Remember the user's variable name (and its line) for a tensor; the first name wins."""
        if tensor.grad_fn is not None:
            info = self.nodes.get(tensor.grad_fn)
            if info is not None and not info.label:
                info.label = name
            return
        entry = self.tensor_names.get(id(tensor))
        if entry is None or entry[1]() is not tensor:
            self.tensor_names[id(tensor)] = (name, weakref.ref(tensor), line)
        const = self.nodes.get(("const", id(tensor)))
        if const is not None and const.tensor is tensor and not const.label:
            const.label = name

    def name_of(self, tensor: torch.Tensor) -> str:
        entry = self.tensor_names.get(id(tensor))
        return entry[0] if entry is not None and entry[1]() is tensor else ""

    def line_of(self, tensor: torch.Tensor) -> int | None:
        entry = self.tensor_names.get(id(tensor))
        return entry[2] if entry is not None and entry[1]() is tensor else None

    def origin_of(self, tensor: torch.Tensor) -> Origin | None:
        origin = self.origins.get(id(tensor))
        if origin is not None and origin.ref() is tensor:
            return origin
        return None

    # ----- the mode -----------------------------------------------------------------
    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in _BACKWARD_FUNCS:
            return self._backward(func, args, kwargs)
        result = func(*args, **kwargs)
        if isinstance(result, torch.Tensor):
            outputs = [result]
        elif isinstance(result, (tuple, list)):
            outputs = [r for r in result if isinstance(r, torch.Tensor)]
        else:
            return result
        if not outputs:
            return result
        name = func_name(func)
        if name in ("__get__", "__set__"):
            return result  # attribute reads like .grad and .data are not ops
        inputs = _tensors_in(args, kwargs)
        line = self.current_line()
        if not torch.is_grad_enabled():
            # No grad_fn is made under no_grad (an in-place op keeps the one it had), and a view
            # made there refuses to give its grad_fn once changed in place: do not ask.
            for out in outputs:
                self._record_origin(out, name, inputs, line)
            return result
        for out in outputs:
            if grad_fn_of(out) is not None:
                self._record_op(out, name, inputs, line)
            else:
                self._record_origin(out, name, inputs, line)
        return result

    def _record_origin(self, out: torch.Tensor, name: str, inputs: list, line: int | None) -> None:
        if out.requires_grad:
            return  # a leaf the user asked grads for
        if name in ("detach", "detach_"):
            reason = "it was cut from the graph by .detach()"
        elif any(i.requires_grad for i in inputs) and not torch.is_grad_enabled():
            reason = "it was computed inside torch.no_grad()"
        elif any(i.requires_grad for i in inputs) and torch.is_inference_mode_enabled():
            reason = "it was computed inside torch.inference_mode()"
        elif inputs and not any(i.requires_grad for i in inputs):
            reason = "none of the tensors it was computed from requires grad"
        else:
            reason = "it was created without requires_grad=True"
        self.origins[id(out)] = Origin(reason, line, weakref.ref(out), name)

    def _record_op(self, out: torch.Tensor, name: str, inputs: list, line: int | None) -> None:
        grad_fn = out.grad_fn
        if grad_fn in self.nodes:
            return  # a view or a second output of an op already seen
        module = self.module_stack[-1] if self.module_stack else None
        for slot, tensor in self._constant_slots(grad_fn, inputs):
            key = self._register_constant(tensor, line)
            self.const_edges.append(ConstEdge(key, grad_fn, slot))
        self._register_inputs(grad_fn, name, line, module)
        value = TensorValue.from_tensor(out)
        self.nodes[grad_fn] = NodeInfo(grad_fn, "op", type(grad_fn).__name__, line, module,
                                       value, value.shape, value.dtype, value.device)

    def _constant_slots(self, grad_fn: Any, inputs: list) -> list[tuple[int, torch.Tensor]]:
        nf = grad_fn.next_functions
        free = [i for i, (fn, _) in enumerate(nf) if fn is None]
        out = []
        seen: set[int] = set()
        for position, tensor in enumerate(inputs):
            if tensor.requires_grad or id(tensor) in seen:
                continue
            seen.add(id(tensor))
            if position in free:
                slot = position
                free.remove(position)
            elif free:
                slot = free.pop(0)
            else:
                slot = len(nf) + len(out)  # an input autograd does not list (a target)
            out.append((slot, tensor))
        return out

    def _register_constant(self, tensor: torch.Tensor, line: int | None) -> tuple:
        key = ("const", id(tensor))
        info = self.nodes.get(key)
        if info is not None and info.tensor is tensor:
            return key
        origin = self.origin_of(tensor)
        shape, dtype, device = _meta(tensor)
        label = self.name_of(tensor)
        if not label and origin is not None:
            label = f"{origin.func}(…)"
        created = self.line_of(tensor) or (origin.line if origin else None) or line
        # Constants belong to no module: an input fed to layers.0 was not made by it.
        self.nodes[key] = NodeInfo(key, "constant", "Constant", created, None,
                                   TensorValue.from_tensor(tensor), shape, dtype, device,
                                   label=label, tensor=tensor, requires_grad=False)
        return key

    def _register_inputs(self, root: Any, op_name: str, line: int | None, module: Any) -> None:
        """Register the not-yet-known nodes feeding ``root``: leaves and inner nodes of a composite op."""
        new: list[Any] = []
        consumers: dict[Any, list[Any]] = {}
        stack = [root]
        visited = {root}
        while stack:
            node = stack.pop()
            for child, _ in node.next_functions:
                if child is None:
                    continue
                consumers.setdefault(child, []).append(node)
                if child in self.nodes or child in visited:
                    continue
                visited.add(child)
                new.append(child)
                stack.append(child)
        for node in _postorder(new, set(new)):
            self._register_unseen(node, consumers.get(node, []), op_name, line, module)

    def _register_unseen(self, node: Any, consumers: list, op_name: str, line: int | None, module: Any) -> None:
        kind = type(node).__name__
        if kind == "AccumulateGrad":
            var = node.variable
            shape, dtype, device = _meta(var)
            self.nodes[node] = NodeInfo(node, "leaf", kind, self.line_of(var) or line, None,
                                        TensorValue.from_tensor(var),
                                        shape, dtype, device, label=self.name_of(var), tensor=var)
            return
        value = value_from_saved(node, consumers)
        if value is not None:
            shape, dtype, device = _meta(value)
        else:
            shape, dtype, device = _metadata_of(node)
        self.nodes[node] = NodeInfo(node, "op", kind, line, module, _snap(value), shape, dtype, device,
                                    internal_to=op_name)

    def ensure_graph(self, roots: list[Any]) -> list[Any]:
        """All nodes reachable from ``roots``, registering any the mode did not see."""
        reach: list[Any] = []
        seen: set = set()
        stack = [r for r in roots if r is not None]
        consumers: dict[Any, list[Any]] = {}
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            reach.append(node)
            for child, _ in node.next_functions:
                if child is not None:
                    consumers.setdefault(child, []).append(node)
                    stack.append(child)
        missing = [n for n in reach if n not in self.nodes]
        for node in _postorder(missing, set(missing)):
            self._register_unseen(node, consumers.get(node, []), "", None, None)
        return reach

    # ----- backward -----------------------------------------------------------------
    def _backward(self, func: Any, args: tuple, kwargs: dict) -> Any:
        if func is torch.autograd.grad:
            roots = args[0] if args else kwargs.get("outputs")
            call = "torch.autograd.grad"
        elif func is torch.autograd.backward:
            roots = args[0] if args else kwargs.get("tensors")
            call = "torch.autograd.backward"
        else:
            roots = args[0] if args else kwargs.get("self")
            call = ".backward()"
        tensors = [roots] if isinstance(roots, torch.Tensor) else list(roots or [])
        if self.keep_graphs:
            kwargs = {**kwargs, "retain_graph": True}
        line = self.current_line()
        record = PassRecord(self.statement(line) or call, line,
                            [t.grad_fn for t in tensors if isinstance(t, torch.Tensor) and t.grad_fn is not None])
        result = self.run_backward(record, lambda: func(*args, **kwargs))
        if kwargs.get("create_graph"):
            self._mark_backward_graph(func, result, tensors, kwargs, line)
        return result

    def _mark_backward_graph(self, func: Any, result: Any, roots: list, kwargs: dict, line: int | None) -> None:
        """With create_graph=True the backward pass itself builds a graph: mark its nodes apart."""
        if func is torch.autograd.grad:
            outputs = [r for r in (result or ()) if isinstance(r, torch.Tensor)]
        else:
            inputs = kwargs.get("inputs")
            leaves = [self.nodes[n].tensor for n in self.ensure_graph([r.grad_fn for r in roots])
                      if type(n).__name__ == "AccumulateGrad"] if inputs is None else list(inputs)
            outputs = [t.grad for t in leaves if t is not None and t.grad is not None]
        for out in outputs:
            if out.grad_fn is None or out.grad_fn in self.nodes:
                continue
            self._register_inputs(out.grad_fn, "backward (create_graph=True)", line, None)
            shape, dtype, device = _meta(out)
            self.nodes[out.grad_fn] = NodeInfo(out.grad_fn, "op", type(out.grad_fn).__name__, line, None,
                                               TensorValue.from_tensor(out), shape, dtype, device,
                                               internal_to="backward (create_graph=True)")

    def run_backward(self, record: PassRecord, call: Callable[[], Any]) -> Any:
        """Run ``call`` (a backward) with hooks on every reachable node; keep the pass if it ran."""
        reach = self.ensure_graph(record.roots)
        for node in reach:
            info = self.nodes[node]
            if info.saved is None:
                info.saved = read_saved(node)
        handles = []
        snap = _GradientCopies()
        try:
            for node in reach:
                handles.append(node.register_hook(self._posthook(record, node, snap)))
            result = call()
        finally:
            for handle in handles:
                handle.remove()
            snap.clear()
        for node in reach:
            if type(node).__name__ == "AccumulateGrad":
                record.leaf_grads[node] = _snap(node.variable.grad)
        record_index = len(self.passes)
        record.call = record.call or f"backward #{record_index + 1}"
        self.passes.append(record)
        return result

    @staticmethod
    def _posthook(record: PassRecord, node: Any, snap: "_GradientCopies") -> Callable:
        # One post-hook gives both sides of the node: what arrived (grad_outputs) and what
        # it sent on (grad_inputs). On the CPU engine post-hooks run in execution order,
        # so they also give the pass's order; a pre-hook per node would double the
        # registrations (0.3 s at 10,000 nodes) for nothing.
        def hook(grad_inputs: tuple, grad_outputs: tuple) -> None:
            record.order.append(node)
            record.grad_outputs[node] = tuple(snap(g) for g in grad_outputs)
            record.grad_inputs[node] = tuple(snap(g) for g in grad_inputs)
        return hook


class _GradientCopies:
    """Copies of the gradients of one backward pass, one per tensor.

    A gradient a node sends on usually arrives at the next node as the very same tensor
    (one consumer, nothing to sum), so it is copied once and both records share the copy.
    The tensors are held until the pass ends so an ``id()`` is never reused meanwhile;
    only small ones are remembered, big gradients are summarised each time instead.
    """

    def __init__(self) -> None:
        self._seen: dict[int, tuple[torch.Tensor, TensorValue, int]] = {}

    def __call__(self, g: Any) -> TensorValue | None:
        if not isinstance(g, torch.Tensor):
            return None
        hit = self._seen.get(id(g))
        if hit is not None and hit[0] is g and g._version == hit[2]:
            return hit[1]
        value = TensorValue.from_tensor(g)
        if value.data is not None:
            self._seen[id(g)] = (g, value, g._version)
        return value

    def clear(self) -> None:
        self._seen.clear()


def _tensors_in(args: tuple, kwargs: dict) -> list[torch.Tensor]:
    """Tensor arguments in order, one level into lists and tuples (torch.cat's inputs)."""
    out: list[torch.Tensor] = []
    for a in (*args, *kwargs.values()):
        if isinstance(a, torch.Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(x for x in a if isinstance(x, torch.Tensor))
    return out


def _metadata_of(node: Any) -> tuple[tuple[int, ...], str, str]:
    # _input_metadata describes the gradients a node receives: the shape of its forward output.
    meta = getattr(node, "_input_metadata", None)
    if meta:
        m = meta[0]
        return tuple(int(s) for s in m.shape), str(m.dtype).replace("torch.", ""), str(m.device)
    return (), "", ""


def _postorder(nodes: list[Any], members: set) -> list[Any]:
    """``nodes`` ordered so each comes after the members it depends on (iterative DFS)."""
    order: list[Any] = []
    done: set = set()
    for start in nodes:
        if start in done:
            continue
        stack: list[tuple[Any, bool]] = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                if node not in done:
                    done.add(node)
                    order.append(node)
                continue
            if node in done:
                continue
            stack.append((node, True))
            for child, _ in reversed(node.next_functions):
                if child is not None and child in members and child not in done:
                    stack.append((child, False))
    return order

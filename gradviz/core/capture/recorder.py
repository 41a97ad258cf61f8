"""The recorder: watches a running program and notes every autograd node it creates.

A :class:`torch.overrides.TorchFunctionMode` sees each Python-level op with its
arguments and output; the output's ``grad_fn`` ties the value to the node. Nodes a
composite op creates inside itself (F.linear's TBackward0) are found by walking back
from the op's output to nodes already known. Custom ``autograd.Function`` calls are
heard through a wrapper of ``Function.apply`` (see custom_functions). Backward calls
are intercepted too (see recorder_passes), so hooks can be put on every node before
the engine runs and taken off after.

Several outputs of one op share one autograd node and are told apart by
``tensor.output_nr``; consumers name the output they use in ``next_functions`` pairs
``(node, input_nr)``. Output 0 is the op's own node; each further output k is a node of
its own, keyed by :class:`OutputKey`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from gradviz.core.capture import custom_functions
from gradviz.core.capture.graph_limits import MAX_GRAPH_NODES, too_many_nodes
from gradviz.core.capture.recorder_passes import BACKWARD_FUNCS, RECOMPUTATION, PassRecord, PassRecording
from gradviz.core.capture.recorder_records import (
    ConstEdge,
    NodeInfo,
    Origin,
    OutputKey,
    grad_fn_of,
    metadata_of,
    postorder,
    snap,
    tensor_meta,
    tensors_in,
)
from gradviz.core.capture.saved import value_from_saved
from gradviz.core.checks.reports import NoGradFn
from gradviz.core.trace import TensorValue

# Friendlier names for the dunder methods the mode reports.
_OPERATORS = {
    "__add__": "+", "__radd__": "+", "__iadd__": "+=", "__sub__": "-", "__rsub__": "-",
    "__isub__": "-=", "__mul__": "*", "__rmul__": "*", "__imul__": "*=", "__truediv__": "/",
    "__rtruediv__": "/", "__itruediv__": "/=", "__matmul__": "@", "__rmatmul__": "@",
    "__pow__": "**", "__rpow__": "**", "__neg__": "unary -", "__getitem__": "indexing",
}

__all__ = ["Recorder", "NodeInfo", "OutputKey", "PassRecord", "RECOMPUTATION", "func_name", "grad_fn_of"]


#: Tensor types whose attribute reads run no __torch_function__ of their own (Parameter's is
#: torch's _disabled_torch_function_impl, which just reads).
_PLAIN_TENSORS = (torch.Tensor, torch.nn.Parameter)


def func_name(func: Any) -> str:
    name = getattr(func, "__name__", None) or str(func)
    if name in _OPERATORS:
        return _OPERATORS[name]
    module = getattr(func, "__module__", "") or ""
    if module.startswith("torch.nn.functional"):
        return f"F.{name}"
    return name


def _in_checkpoint() -> bool:
    """True while torch.utils.checkpoint (use_reentrant=False) packs the saved tensors."""
    hooks = torch._C._autograd._top_saved_tensors_default_hooks(False)
    return hooks is not None and getattr(hooks[0], "__qualname__", "").startswith("_checkpoint_hook.")


class Recorder(PassRecording, TorchFunctionMode):
    """Records ops, values, module paths and backward passes of everything run inside it.

    Parameters
    ----------
    current_line : callable
        Returns the program line running now (None outside a program).
    statement : callable
        Returns the source text of a line, to describe backward calls.
    current_loop : callable
        Returns the program's for loops running now and their iterations (the interpreter's).
    """

    def __init__(self, current_line: Callable[[], int | None] = lambda: None,
                 statement: Callable[[int | None], str] = lambda line: "",
                 current_loop: Callable[[], tuple] = tuple) -> None:
        super().__init__()
        self.current_line = current_line
        self.statement = statement
        self.current_loop = current_loop
        self.tensor_loops: dict[int, tuple] = {}  # id -> the loop iterations a named tensor was made in
        self.nodes: dict[Any, NodeInfo] = {}  # registration (forward) order
        self.const_edges: list[ConstEdge] = []
        self.origins: dict[int, Origin] = {}
        self.module_stack: list[Any] = []
        self.tensor_names: dict[int, tuple[str, Any, int | None]] = {}  # id -> (name, weakref, line)
        self.checkpointed: set[Any] = set()  # nodes recorded under checkpoint(use_reentrant=False)
        self._hooks: list[Any] = []
        self._op_names: dict[Any, str] = {}  # func -> func_name(func): a program calls few, many times
        self.keep_graphs = False  # force retain_graph=True: replays differentiate again afterwards
        self.init_passes()

    # ----- module paths -------------------------------------------------------------
    def __enter__(self) -> "Recorder":
        from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook

        self._hooks = [register_module_forward_pre_hook(self._module_enter),
                       register_module_forward_hook(self._module_exit)]
        custom_functions.install()
        return super().__enter__()

    def __exit__(self, *exc: Any) -> Any:
        for handle in self._hooks:
            handle.remove()
        self._hooks = []
        custom_functions.uninstall()
        return super().__exit__(*exc)

    def _module_enter(self, module: Any, args: Any) -> None:
        self.module_stack.append(module)

    def _module_exit(self, module: Any, args: Any, output: Any) -> None:
        # A module that raised never reaches its post hook: pop down to it.
        while self.module_stack:
            if self.module_stack.pop() is module:
                break

    @contextmanager
    def kept_module_stack(self) -> Iterator[None]:
        """Leave the module stack as it was, whatever runs inside.

        Reading a saved tensor of torch.utils.checkpoint (use_reentrant=False) runs the
        checkpointed modules again and stops them part-way (its early stop raises), so
        their post-hooks never run: gradviz's own reads must not leave them "running".
        """
        kept = self.module_stack[:]
        try:
            yield
        finally:
            self.module_stack[:] = kept

    # ----- names --------------------------------------------------------------------
    def key_of(self, tensor: torch.Tensor) -> Any:
        """The recorder's key of the node that stands for ``tensor`` (None for leaves and constants)."""
        if type(tensor) in _PLAIN_TENSORS and self._only_mode():
            # The program names every tensor it assigns: two reads through this mode's own
            # handler cost ~2 µs each time, and the handler only hands them back.
            with torch._C.DisableTorchFunction():
                fn = grad_fn_of(tensor)
                nr = tensor.output_nr
        else:
            fn = grad_fn_of(tensor)
            nr = tensor.output_nr
        if fn is None:
            return None
        return fn if nr == 0 else OutputKey(fn, nr)

    def _only_mode(self) -> bool:
        """No torch function mode but this recorder would see a tensor's attributes read now."""
        depth = torch._C._len_torch_function_stack()
        return depth == 0 or (depth == 1 and torch._C._get_function_stack_at(0) is self)

    def name_tensor(self, name: str, tensor: torch.Tensor, line: int | None = None) -> None:
        """Remember the user's variable name (and its line) for a tensor; the first name wins."""
        key = self.key_of(tensor)
        if key is not None:
            if isinstance(key, OutputKey) and key not in self.nodes and key.node in self.nodes:
                self._register_output(key.node, key.nr, tensor)
            info = self.nodes.get(key)
            if info is not None and not info.label:
                info.label = name
            return
        entry = self.tensor_names.get(id(tensor))
        if entry is None or entry[1]() is not tensor:
            self.tensor_names[id(tensor)] = (name, weakref.ref(tensor), line)
            self.tensor_loops[id(tensor)] = self.current_loop()
        const = self.nodes.get(("const", id(tensor)))
        if const is not None and const.tensor is tensor and not const.label:
            const.label = name

    def name_of(self, tensor: torch.Tensor) -> str:
        entry = self.tensor_names.get(id(tensor))
        return entry[0] if entry is not None and entry[1]() is tensor else ""

    def line_of(self, tensor: torch.Tensor) -> int | None:
        entry = self.tensor_names.get(id(tensor))
        return entry[2] if entry is not None and entry[1]() is tensor else None

    def loop_of(self, tensor: torch.Tensor) -> tuple | None:
        """The loop iterations a named tensor was made in (None: not named)."""
        entry = self.tensor_names.get(id(tensor))
        return self.tensor_loops.get(id(tensor)) if entry is not None and entry[1]() is tensor else None

    def origin_of(self, tensor: torch.Tensor) -> Origin | None:
        origin = self.origins.get(id(tensor))
        if origin is not None and origin.ref() is tensor:
            return origin
        return None

    # ----- the mode -----------------------------------------------------------------
    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in BACKWARD_FUNCS:
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
        name = self._op_names.get(func)
        if name is None:
            name = self._op_names[func] = func_name(func)
        if name in ("__get__", "__set__"):
            return result  # attribute reads like .grad and .data are not ops
        self._record_outputs(outputs, name, tensors_in(args, kwargs), self.current_line())
        return result

    def function_applied(self, cls: type, args: tuple, kwargs: dict, result: Any) -> None:
        """A custom ``autograd.Function`` ran (called by the ``Function.apply`` wrapper)."""
        outputs = [result] if isinstance(result, torch.Tensor) else \
            [r for r in result if isinstance(r, torch.Tensor)] if isinstance(result, (tuple, list)) else []
        if outputs:
            # The mode is live here (apply is no torch function): keep gradviz's own copies out of it.
            with torch._C.DisableTorchFunction():
                self._record_outputs(outputs, f"{cls.__name__}.apply", tensors_in(args, kwargs),
                                     self.current_line())

    def _record_outputs(self, outputs: list[torch.Tensor], name: str, inputs: list, line: int | None) -> None:
        if not torch.is_grad_enabled():
            # No grad_fn is made under no_grad (an in-place op keeps the one it had), and a view
            # made there refuses to give its grad_fn once changed in place: do not ask.
            for out in outputs:
                self._record_origin(out, name, inputs, line)
            return
        if len(outputs) == 1:  # the common case, without the grouping
            fn = grad_fn_of(outputs[0])
            if fn is None:
                self._record_origin(outputs[0], name, inputs, line)
            else:
                self._record_op(fn, outputs, name, inputs, line)
            return
        groups: dict[Any, list[torch.Tensor]] = {}
        for out in outputs:
            fn = grad_fn_of(out)
            if fn is None:
                self._record_origin(out, name, inputs, line)
            else:
                groups.setdefault(fn, []).append(out)
        for fn, outs in groups.items():
            self._record_op(fn, outs, name, inputs, line)

    def _record_origin(self, out: torch.Tensor, name: str, inputs: list, line: int | None) -> None:
        if out.requires_grad:
            return  # a leaf the user asked grads for
        if name in ("detach", "detach_"):
            cause = NoGradFn.DETACHED
            if self.backward_context() and inputs and not self.name_of(out):
                # checkpoint's copies of its inputs, made leaves to differentiate the recomputation
                source = self.nodes.get(self.key_of(inputs[0]))
                copied = self.name_of(inputs[0]) or (source.label if source is not None else "")
                self.name_tensor(f"{copied or 'input'}.detach()", out)
        elif any(i.requires_grad for i in inputs) and not torch.is_grad_enabled():
            cause = NoGradFn.NO_GRAD
        elif any(i.requires_grad for i in inputs) and torch.is_inference_mode_enabled():
            cause = NoGradFn.INFERENCE_MODE
        elif inputs and not any(i.requires_grad for i in inputs):
            cause = NoGradFn.CONSTANT_INPUTS
        else:
            cause = NoGradFn.NOT_REQUESTED
        self.origins[id(out)] = Origin(cause, line, weakref.ref(out), name)

    def _record_op(self, grad_fn: Any, outs: list[torch.Tensor], name: str, inputs: list,
                   line: int | None, internal_to: str | None = None) -> None:
        """Register the node ``grad_fn`` made by op ``name`` with its outputs ``outs``.

        ``internal_to`` marks it (and the new nodes under it) as made by something else than
        the program's forward; by default, the backward code running now if any.
        """
        if grad_fn not in self.nodes:
            before = len(self.nodes)
            module = self.module_stack[-1] if self.module_stack else None
            if internal_to is None:
                internal_to = self.backward_context()
            else:
                module = None
            for slot, tensor in self._constant_slots(grad_fn, inputs):
                key = self._register_constant(tensor, line)
                self.const_edges.append(ConstEdge(key, grad_fn, slot))
            self._register_inputs(grad_fn, internal_to or name, line, module, inputs)
            first = None
            for out in outs:
                if out.output_nr == 0:
                    first = out
                    break
            if first is not None:
                value = TensorValue.from_tensor(first)
                shape, dtype, device = value.shape, value.dtype, value.device
            else:
                value, (shape, dtype, device) = None, metadata_of(grad_fn)
            self.nodes[grad_fn] = NodeInfo(grad_fn, "op", type(grad_fn).__name__, line, module,
                                           value, shape, dtype, device, internal_to=internal_to,
                                           loop=self.current_loop())
            if _in_checkpoint():
                self.checkpointed.update(islice(reversed(self.nodes), len(self.nodes) - before))
            if len(self.nodes) > MAX_GRAPH_NODES:
                raise too_many_nodes()
        # A view or an output of an op already seen adds nothing, but its further outputs do.
        for out in outs:
            if out.output_nr > 0:
                self._register_output(grad_fn, out.output_nr, out)

    def _register_output(self, node: Any, nr: int, tensor: torch.Tensor | None = None,
                         consumers: list[Any] = ()) -> OutputKey:
        """The node of output ``nr`` of ``node`` (registered after it), with its value if known."""
        key = OutputKey(node, nr)
        if key in self.nodes:
            return key
        owner = self.nodes[node]
        if tensor is None:
            tensor = self._value_from_saved(node, list(consumers), nr)
        if tensor is not None:
            value = TensorValue.from_tensor(tensor)
            shape, dtype, device = value.shape, value.dtype, value.device
        else:
            value, (shape, dtype, device) = None, metadata_of(node, nr)
        self.nodes[key] = NodeInfo(key, "output", f"output {nr}", owner.line, owner.module, value, shape,
                                   dtype, device, internal_to=owner.internal_to, output_nr=nr, loop=owner.loop)
        return key

    def _constant_slots(self, grad_fn: Any, inputs: list) -> list[tuple[int, torch.Tensor]]:
        constants = [(position, tensor) for position, tensor in enumerate(inputs) if not tensor.requires_grad]
        if not constants:
            return []
        nf = grad_fn.next_functions
        free = [i for i, (fn, _) in enumerate(nf) if fn is None]
        out = []
        seen: set[int] = set()
        for position, tensor in constants:
            if id(tensor) in seen:
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
        shape, dtype, device = tensor_meta(tensor)
        label = self.name_of(tensor)
        if not label and origin is not None:
            label = f"{origin.func}(…)"
        created = self.line_of(tensor) or (origin.line if origin else None) or line
        # Constants belong to no module: an input fed to layers.0 was not made by it. One first
        # met while backward runs (by a recomputation) is that code's, its value the one then.
        loop = self.loop_of(tensor)
        self.nodes[key] = NodeInfo(key, "constant", "Constant", created, None,
                                   TensorValue.from_tensor(tensor), shape, dtype, device,
                                   internal_to=self.backward_context(), label=label, tensor=tensor,
                                   requires_grad=False, loop=self.current_loop() if loop is None else loop)
        return key

    def _register_inputs(self, root: Any, op_name: str, line: int | None, module: Any,
                         inputs: list[torch.Tensor] = ()) -> None:
        """Register the not-yet-known nodes feeding ``root``: leaves and inner nodes of a composite op,
        and the further outputs of multi-output nodes it or they use."""
        nodes = self.nodes
        for child, nr in root.next_functions:
            if child is not None and (nr or child not in nodes):
                break
        else:
            return  # the common case: every input's node is known, none a further output
        # Inside a composite op its inner nodes are that op's; made during backward, that code's.
        # (The module stack is kept as in kept_module_stack, inline: this runs for most ops.)
        kept = self.module_stack[:]
        try:
            self._register_new_inputs(root, op_name, line, module, inputs)
        finally:
            self.module_stack[:] = kept

    def _register_new_inputs(self, root: Any, op_name: str, line: int | None, module: Any,
                             inputs: list[torch.Tensor]) -> None:
        new: list[Any] = []
        consumers: dict[Any, list[Any]] = {}
        used_outputs: list[tuple[Any, int]] = []
        stack = [root]
        visited = {root}
        while stack:
            node = stack.pop()
            for child, nr in node.next_functions:
                if child is None:
                    continue
                consumers.setdefault(child, []).append(node)
                if nr:
                    used_outputs.append((child, nr))
                if child in self.nodes or child in visited:
                    continue
                visited.add(child)
                new.append(child)
                stack.append(child)
        # An input tensor whose node the mode never saw made (computed before recording began,
        # say) is not hidden inside this op: its value is right here.
        direct = {}
        for t in inputs if new else ():
            fn = grad_fn_of(t) if t.requires_grad else None
            if fn is not None and fn in visited:
                direct.setdefault((fn, t.output_nr), t)
        for node in postorder(new, set(new)):
            self._register_unseen(node, consumers.get(node, []), op_name, line, module, direct.get((node, 0)))
        for node, nr in used_outputs:
            self._register_output(node, nr, direct.get((node, nr)), consumers.get(node, []))

    def _register_unseen(self, node: Any, consumers: list, op_name: str, line: int | None, module: Any,
                         tensor: torch.Tensor | None = None) -> None:
        kind = type(node).__name__
        if kind == "AccumulateGrad":
            var = node.variable
            shape, dtype, device = tensor_meta(var)
            # A leaf made while backward runs (checkpoint's detached copies of its inputs) is that
            # code's; the builder takes the mark off parameters.
            inside = self.backward_context()
            # A leaf belongs to the loop iteration it was made in (a weight made before the loop
            # is no iteration's, though the loop is where it is first used).
            self.nodes[node] = NodeInfo(node, "leaf", kind, self.line_of(var) or line, None,
                                        TensorValue.from_tensor(var), shape, dtype, device,
                                        label=self.name_of(var), tensor=var, internal_to=inside,
                                        loop=self.loop_of(var) or ())
            return
        if tensor is not None:
            shape, dtype, device = tensor_meta(tensor)
            self.nodes[node] = NodeInfo(node, "op", kind, line, None, snap(tensor), shape, dtype, device,
                                        loop=self.current_loop())
            return
        value = self._value_from_saved(node, consumers)
        if value is not None:
            shape, dtype, device = tensor_meta(value)
        else:
            shape, dtype, device = metadata_of(node)
        self.nodes[node] = NodeInfo(node, "op", kind, line, module, snap(value), shape, dtype, device,
                                    internal_to=op_name, loop=self.current_loop())

    def _value_from_saved(self, node: Any, consumers: list[Any], nr: int = 0) -> torch.Tensor | None:
        if _in_checkpoint():
            return None  # inside checkpoint(use_reentrant=False): reading would run it again, unfinished
        return value_from_saved(node, consumers, nr, self.checkpointed)

    def ensure_graph(self, roots: list[Any]) -> list[Any]:
        """All nodes reachable from ``roots``, registering any the mode did not see."""
        reach: list[Any] = []
        seen: set = set()
        stack = [r for r in roots if r is not None]
        consumers: dict[Any, list[Any]] = {}
        used_outputs: list[tuple[Any, int]] = []
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            reach.append(node)
            for child, nr in node.next_functions:
                if child is not None:
                    consumers.setdefault(child, []).append(node)
                    if nr:
                        used_outputs.append((child, nr))
                    stack.append(child)
        missing = [n for n in reach if n not in self.nodes]
        with self.kept_module_stack():
            for node in postorder(missing, set(missing)):
                self._register_unseen(node, consumers.get(node, []), "", None, None)
            for node, nr in used_outputs:
                if OutputKey(node, nr) not in self.nodes:
                    self._register_output(node, nr, None, consumers.get(node, []))
        return reach

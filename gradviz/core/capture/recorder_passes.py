"""The recorder's backward half: every backward call, as the engine ran it.

Each call of ``.backward()`` / ``torch.autograd.backward`` / ``torch.autograd.grad`` is
run with a post-hook on every node it can reach, which gives both sides of each node
(the gradients that arrived and the ones it sent on) in the engine's real order.

A TorchFunctionMode is popped while its own handler runs, so the engine would run the
Python code of custom Functions' backward (checkpoint's recomputation among them) unseen.
The mode is pushed again around each such node, so what that code computes is recorded,
marked as made during backward (``backward_context``), and a backward it starts itself
is a pass of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import _get_current_function_mode_stack, _pop_mode, _push_mode

from gradviz.core.capture.custom_functions import is_python_node
from gradviz.core.capture.graph_limits import MAX_BACKWARD_PASSES, too_many_passes
from gradviz.core.capture.recorder_records import snap as copy_of
from gradviz.core.capture.saved import read_saved, unread_saved
from gradviz.core.trace import TensorValue

BACKWARD_FUNCS = {torch.Tensor.backward, torch.autograd.backward, torch.autograd.grad}

#: internal_to of what torch.utils.checkpoint (use_reentrant=True) computes again during backward.
RECOMPUTATION = "checkpoint recomputation"
#: internal_to of the nodes a backward with create_graph=True builds.
HIGHER_ORDER = "backward (create_graph=True)"


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
    root_outputs: list[int] = field(default_factory=list)  # which output of each root node backward started at
    inside: str = ""  # the code that ran this pass during another one (checkpoint recomputation)
    during: PassRecord | None = None  # that other pass

    def title(self) -> str:
        """The call, or for a pass run inside another, what ran it and during which call."""
        if self.during is None:
            return self.call
        what = f"backward of the {RECOMPUTATION}" if self.inside == RECOMPUTATION else f"{self.call} in {self.inside}"
        return f"{what} (during {self.during.title()})"


class PassRecording:
    """Mixin of :class:`gradviz.core.capture.recorder.Recorder`: backward calls and their passes."""

    nodes: dict[Any, Any]
    module_stack: list[Any]
    checkpointed: set[Any]
    keep_graphs: bool
    current_line: Callable[[], int | None]
    statement: Callable[[int | None], str]

    def init_passes(self) -> None:
        self.passes: list[PassRecord] = []  # in the order the calls began
        self._contexts: list[str] = []  # Python backward code running now, innermost last
        self._running: list[PassRecord] = []

    def backward_context(self) -> str:
        """What a node registered now is internal to: "" in forward, else the backward code running."""
        return self._contexts[-1] if self._contexts else ""

    # ----- backward calls -----------------------------------------------------------
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
        starts = [t for t in tensors if isinstance(t, torch.Tensor) and t.grad_fn is not None]
        record = PassRecord(self.statement(line) or call, line, [t.grad_fn for t in starts],
                            root_outputs=[t.output_nr for t in starts])
        if self._contexts and self._running:
            # Named when the Trace is built: the outer pass may still be renamed (implicit ones are).
            record.inside, record.during, record.call = self._contexts[-1], self._running[-1], call
        result = self.run_backward(record, lambda: func(*args, **kwargs), bool(kwargs.get("create_graph")))
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
            fn = out.grad_fn
            if fn is not None:
                self._record_op(fn, [out], HIGHER_ORDER, [], line, internal_to=HIGHER_ORDER)

    def run_backward(self, record: PassRecord, call: Callable[[], Any], create_graph: bool = False) -> Any:
        """Run ``call`` (a backward) with hooks on every reachable node; keep the pass if it ran."""
        reach = self.ensure_graph(record.roots)
        with self.kept_module_stack():
            for node in reach:
                info = self.nodes[node]
                if info.saved is None:
                    info.saved = unread_saved(node) if node in self.checkpointed else read_saved(node)
        handles = []
        snap = _GradientCopies()
        if len(self.passes) >= MAX_BACKWARD_PASSES:
            raise too_many_passes()
        # Listed when it begins: a pass that runs inside this one (checkpoint's) comes after it.
        self.passes.append(record)
        self._running.append(record)
        depth, contexts = len(_get_current_function_mode_stack()), len(self._contexts)
        try:
            for node in reach:
                if is_python_node(node):
                    handles.append(node.register_prehook(self._enter_python(node, create_graph)))
                    handles.append(node.register_hook(self._posthook(record, node, snap, leave=True)))
                else:
                    handles.append(node.register_hook(self._posthook(record, node, snap)))
            with self.kept_module_stack():  # checkpoint's recomputations may stop modules part-way
                result = call()
        except BaseException:
            self.passes.remove(record)
            raise
        finally:
            for handle in handles:
                handle.remove()
            snap.clear()
            self._running.pop()
            # A Python backward that raised never reached its post-hook: take the mode off again.
            while len(_get_current_function_mode_stack()) > depth:
                _pop_mode()
            del self._contexts[contexts:]
        for node in reach:
            if type(node).__name__ == "AccumulateGrad":
                record.leaf_grads[node] = copy_of(node.variable.grad)
        record.call = record.call or f"backward #{self.passes.index(record) + 1}"
        return result

    def _enter_python(self, node: Any, create_graph: bool) -> Callable:
        if type(node).__name__ == "CheckpointFunctionBackward":
            context = RECOMPUTATION
        else:
            context = HIGHER_ORDER if create_graph else f"{type(node).__name__}.backward"

        def prehook(grad_outputs: tuple) -> None:
            self._contexts.append(context)
            _push_mode(self)
        return prehook

    def _posthook(self, record: PassRecord, node: Any, snap: "_GradientCopies", leave: bool = False) -> Callable:
        # One post-hook gives both sides of the node: what arrived (grad_outputs) and what
        # it sent on (grad_inputs). On the CPU engine post-hooks run in execution order,
        # so they also give the pass's order; a pre-hook per node would double the
        # registrations (0.3 s at 10,000 nodes) for nothing (only Python nodes get one).
        def hook(grad_inputs: tuple, grad_outputs: tuple) -> None:
            if leave:
                _pop_mode()
                self._contexts.pop()
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

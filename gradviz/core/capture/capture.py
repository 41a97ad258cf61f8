"""Capture: run a program (or a module on an input) under the recorder and build a Trace."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn as nn

from gradviz.core.capture import outputs
from gradviz.core.capture.recorder import Recorder
from gradviz.core.capture.trace_build import TraceBuilder
from gradviz.core.checks.reports import NoGradFn
from gradviz.core.gc_pause import paused_gc
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.lessons.models import LESSON_MODELS
from gradviz.core.program.errors import ProgramError
from gradviz.core.program.interpreter import Interpreter, Limits
from gradviz.core.run import beacon
from gradviz.core.trace import Trace

__all__ = ["capture_program", "capture_module", "CaptureError", "ProgramError"]

DEFAULT_LIMITS = Limits()


class CaptureError(Exception):
    """The capture could not produce a graph for a reason that is not in a program line."""


def capture_program(source: str, *, root: str | None = None, roots: Sequence[str] = (),
                    subject: str | None = None, limits: Limits = DEFAULT_LIMITS,
                    extra_names: dict[str, Any] | None = None,
                    cancel: threading.Event | None = None,
                    overrides: dict[str, Any] | None = None,
                    on_forward: Callable[[Trace], None] | None = None, forward_min: int = 0) -> Trace:
    """Run ``source`` in the expression language and record its autograd graph.

    Parameters
    ----------
    source : str
        The program.
    root : str, optional
        The variable whose graph to show. Default: ``loss`` if assigned, else the last
        assigned tensor that has a grad_fn.
    roots : sequence of str, optional
        Several variables whose graphs are shown side by side (overrides ``root``).
    subject : str, optional
        The variable holding the module under study: its parameters are labelled as its
        ``named_parameters()`` prints them (``layers.0.weight``), others get the variable
        as prefix (``model.0.weight``).
    limits : Limits
        Loop and time bounds of the interpreter.
    extra_names : dict, optional
        More names in scope (a loaded module class, say).
    cancel : threading.Event, optional
        Set it from another thread to stop the program (ProgramError kind "cancelled").
    overrides : dict, optional
        New values for tensors the program assigns, by variable name (see run_session).
    on_forward : callable, optional
        Gets the graph before gradviz's own backward pass (see run_session).
    forward_min : int
        ... only when the program recorded at least this many autograd nodes (a small graph is
        drawn as soon as it is done: its early copy would only cost time).

    Returns
    -------
    Trace
        With ``explanation`` set (and no nodes) when the program made no graph.

    Raises
    ------
    ProgramError
        For any problem in the program, with its line.
    """
    session = run_session(source, root=root, roots=roots, subject=subject, limits=limits,
                          extra_names=extra_names, cancel=cancel, overrides=overrides,
                          on_forward=on_forward, forward_min=forward_min)
    trace = session.trace
    _let_go(session)
    return trace


#: Records freed between two chances for other threads to run (see _let_go).
RELEASE_CHUNK = 500


def _let_go(session: CaptureSession) -> None:
    """Free what a finished run left (its autograd graph, the recorder's notes) in pieces.

    Dropped at once, a 10,000-node run is one cascade of deallocations that holds the GIL
    for tens of ms, the window waiting meanwhile. The notes go newest first, so each piece
    also frees its part of the C++ graph (a node's inputs are still held by older notes).
    """
    session.namespace.clear()
    recorder = session.recorder
    recorder.passes.clear()
    recorder.const_edges.clear()
    nodes = recorder.nodes
    while nodes:
        for _ in range(min(RELEASE_CHUNK, len(nodes))):
            nodes.popitem()
        time.sleep(0)  # lets a waiting thread (the GUI) take the GIL


def _overridden(name: str, value: torch.Tensor, new: Any, line: int) -> torch.Tensor:
    """``new`` as a tensor shaped, typed and flagged like the ``value`` it replaces."""
    try:
        data = torch.as_tensor(new, dtype=value.dtype, device=value.device)
        data = data.expand(value.shape).clone() if data.numel() == 1 else data.reshape(value.shape)
    except (RuntimeError, TypeError, ValueError) as exc:
        message = translate("capture", "the new value of {name} does not fit its shape {shape}: {error}")
        raise ProgramError(message.format(name=name, shape=tuple(value.shape), error=exc), line, None,
                           "runtime") from None
    return data.requires_grad_(value.requires_grad) if value.is_leaf else data


@dataclass
class CaptureSession:
    """A captured program with what is left of its run: for questions asked after it."""

    trace: Trace
    namespace: dict[str, Any]
    recorder: Recorder
    assignments: list[tuple[str, int]]


def run_session(source: str, *, root: str | None = None, roots: Sequence[str] = (),
                subject: str | None = None, limits: Limits = DEFAULT_LIMITS,
                extra_names: dict[str, Any] | None = None,
                cancel: threading.Event | None = None,
                on_assign: Callable[[str, Any, int], Any] | None = None,
                keep_graphs: bool = False, overrides: dict[str, Any] | None = None,
                on_forward: Callable[[Trace], None] | None = None, forward_min: int = 0) -> CaptureSession:
    """:func:`capture_program`, keeping the namespace and the recorder.

    ``on_assign(name, value, line)`` is called after every assignment, after gradviz's own
    bookkeeping; a value it returns replaces the assigned one (the gradient check swaps and
    perturbs leaves as they are made). ``keep_graphs`` makes every backward call of the
    program keep its graph, so the caller can differentiate the root again. ``overrides``
    maps variable names to new values (numbers or nested lists) that replace the tensor the
    program assigns, keeping its dtype and requires_grad: "edit w1 and re-run".
    ``on_forward(trace)`` gets the graph before gradviz runs the backward pass itself (a
    program that calls backward gets no such call): same nodes, edges and values, no
    gradients yet, so a caller can draw it while the pass runs.
    """
    with paused_gc():
        return _run_session(source, root=root, roots=roots, subject=subject, limits=limits,
                            extra_names=extra_names, cancel=cancel, on_assign=on_assign,
                            keep_graphs=keep_graphs, overrides=overrides, on_forward=on_forward,
                            forward_min=forward_min)


def _run_session(source: str, *, root: str | None, roots: Sequence[str], subject: str | None,
                 limits: Limits, extra_names: dict[str, Any] | None, cancel: threading.Event | None,
                 on_assign: Callable[[str, Any, int], Any] | None, keep_graphs: bool,
                 overrides: dict[str, Any] | None, on_forward: Callable[[Trace], None] | None,
                 forward_min: int = 0) -> CaptureSession:
    recorder_box: list[Recorder] = []

    def assigned(name: str, value: Any, line: int) -> Any:
        replacement = None
        if overrides and name in overrides and isinstance(value, torch.Tensor):
            replacement = _overridden(name, value, overrides[name], line)
        if on_assign is not None:
            swapped = on_assign(name, value if replacement is None else replacement, line)
            if swapped is not None:
                replacement = swapped
        final = value if replacement is None else replacement
        rec = recorder_box[0]
        if isinstance(final, torch.Tensor):
            rec.name_tensor(name, final, line)
        elif not isinstance(final, (nn.Module, int, float, str, bool)) and final is not None:
            # The tensors inside a tuple, dict or model output: out[0], out['logits'], out.loss.
            for path, item in outputs.tensors_in(final, name):
                rec.name_tensor(path, item, line)
        return replacement

    names = dict(LESSON_MODELS)
    names.update(extra_names or {})
    interp = Interpreter(source, limits=limits, on_assign=assigned, extra_names=names, cancel=cancel,
                         on_line=beacon.note_line)
    recorder = Recorder(lambda: interp.line, interp.statement, interp.current_loop)
    recorder.keep_graphs = keep_graphs
    recorder_box.append(recorder)
    try:
        return _record_session(source, interp, recorder, names, root, roots, subject, on_forward, forward_min)
    finally:
        # The interpreter, its callbacks and the recorder point at each other. Untied, the
        # whole run (autograd graph included) is freed by reference counting as soon as the
        # caller lets go: no collector needed, which matters while it is paused (gc_pause).
        recorder_box.clear()
        recorder.current_line, recorder.statement, recorder.current_loop = _no_line, _no_statement, tuple
        interp.close()


def _no_line() -> None:
    return None


def _no_statement(line: int | None) -> str:
    return ""


def _record_session(source: str, interp: Interpreter, recorder: Recorder, names: dict[str, Any],
                    root: str | None, roots: Sequence[str], subject: str | None,
                    on_forward: Callable[[Trace], None] | None, forward_min: int = 0) -> CaptureSession:
    with recorder:
        result = interp.run()
        ns = {k: v for k, v in result.namespace.items() if k not in names or names[k] is not v}
        if roots:
            chosen = [_choose_root(ns, result.assignments, r) for r in roots]
            seeds, note = chosen, ""
        else:
            chosen, seeds, note = _choose_roots(ns, result.assignments, root)
        builder = TraceBuilder(recorder, source, _module_paths(ns, subject), tuple(result.output),
                               result.last_value)
        trace = None
        for name, tensor in chosen:
            if tensor is None or tensor.grad_fn is None:
                trace = builder.empty(_explain(recorder, ns, result.assignments, name, tensor))
                break
        if trace is None and not recorder.passes:
            if on_forward is not None and len(recorder.nodes) >= forward_min:
                forward = builder.build([recorder.key_of(t) for _, t in chosen])
                # Says now what the finished graph will say of the backward about to run: the
                # window shows it with the early picture, not after (its bar would move the graph).
                said = builder.implicit_note([_implicit_call(name, tensor) for name, tensor in seeds])
                on_forward(dataclasses.replace(forward, notes=(*([note] if note else []), said, *forward.notes)))
            for name, tensor in seeds:
                line = next((ln for n, ln in reversed(result.assignments) if n == name), None)
                _implicit_backward(recorder, name, tensor, clear_grads=len(seeds) > 1, line=line)
    if trace is None:
        trace = builder.build([recorder.key_of(t) for _, t in chosen])
        if note:
            trace = dataclasses.replace(trace, notes=(note, *trace.notes))
    return CaptureSession(trace, ns, recorder, result.assignments)


def capture_module(module: nn.Module, inputs: Sequence[torch.Tensor] | torch.Tensor, *,
                   name: str = "", target: torch.Tensor | None = None,
                   loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
                   input_names: Sequence[str] = ()) -> Trace:
    """Run ``module(*inputs)`` (and ``loss_fn(out, target)``) under the recorder.

    Parameter leaves are labelled by their ``named_parameters()`` path, prefixed with
    ``name`` when given (``model.0.weight``), and nodes carry their module path. A forward
    that returns a tuple or list of tensors (a VAE's ``recon, mu, logvar``) without a
    ``loss_fn`` shows each as a root (``output[0]``, …), with a backward pass of its own.
    """
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    with paused_gc():
        return _capture_module(module, inputs, name, target, loss_fn, input_names)


def _capture_module(module: nn.Module, inputs: Sequence[torch.Tensor], name: str,
                    target: torch.Tensor | None,
                    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None,
                    input_names: Sequence[str]) -> Trace:
    recorder = Recorder()
    for i, tensor in enumerate(inputs):
        default = "input" if len(inputs) == 1 else f"input{i}"
        recorder.name_tensor(input_names[i] if i < len(input_names) else default, tensor)
    if target is not None:
        recorder.name_tensor("target", target)
    with recorder:
        out = module(*inputs)
        outs = _output_tensors(out)
        if not outs:
            raise CaptureError(translate("capture", "{module}.forward returned {type}, not a tensor").format(
                module=type(module).__name__, type=type(out).__name__))
        for out_name, tensor in outs:
            recorder.name_tensor(out_name, tensor)
        if loss_fn is not None and target is not None:
            loss = loss_fn(out, target)
            recorder.name_tensor("loss", loss)
            roots = [("loss", loss)]
        else:
            # A forward that returns several tensors (a VAE's recon, mu, logvar) shows each as a root.
            roots = [(n, t) for n, t in outs if t.grad_fn is not None] or outs[:1]
        builder = TraceBuilder(recorder, "", _module_paths({name or "model": module}, None if name else "model"))
        if any(t.grad_fn is None for _, t in roots):
            return builder.empty(translate("capture", "{module}'s output has no grad_fn: none of its parameters "
                                                      "requires grad, or it ran under torch.no_grad().").format(
                module=type(module).__name__))
        for root_name, tensor in roots:
            _implicit_backward(recorder, root_name, tensor, clear_grads=len(roots) > 1)
    return builder.build([recorder.key_of(t) for _, t in roots])


def _output_tensors(out: Any) -> list[tuple[str, torch.Tensor]]:
    """A forward's tensors with their names: ``output``, or ``output[i]`` for a tuple or list."""
    if isinstance(out, torch.Tensor):
        return [("output", out)]
    if isinstance(out, (tuple, list)):
        return [(f"output[{i}]", t) for i, t in enumerate(out) if isinstance(t, torch.Tensor)]
    return []


def _choose_roots(ns: dict, assignments: list[tuple[str, int]], root: str | None
                  ) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]], str]:
    """The graph's roots, the ones backward starts from when the program calls none, and a note.

    A plain tensor is its own root and seed (as :func:`_choose_root` picks it). A structure
    (the tuple, dict or model output a forward returned) gives every tensor in it that has a
    grad_fn as a root, drawn side by side; a scalar among them (a loss) comes first and is
    the one seed, else each is a seed of its own.
    """
    if root is not None and (root not in ns or isinstance(ns[root], torch.Tensor)) and root.isidentifier():
        chosen = _choose_root(ns, assignments, root)
        return [chosen], [chosen], ""
    if root is not None:
        try:
            base, steps = outputs.parse_path(root)
        except ValueError as exc:
            raise ProgramError(str(exc), kind="runtime") from None
        if base not in ns:
            raise ProgramError(_never_assigned(base), kind="runtime")
        try:
            value = outputs.resolve(ns[base], steps, root)
        except ValueError as exc:
            raise ProgramError(str(exc), kind="runtime") from None
        name = root.strip()
        if isinstance(value, torch.Tensor):
            return [(name, value)], [(name, value)], ""
        found = [(p, t) for p, t in outputs.tensors_in(value, name) if t.grad_fn is not None]
        if not found:
            message = translate("capture", "'{root}' is a {type} holding no tensor with a grad_fn")
            raise ProgramError(message.format(root=root, type=type(value).__name__), kind="runtime")
        return _structure_roots(name, value, found)
    plain = _choose_root(ns, assignments, None)
    if plain[0] != "loss":
        # The last result: a tensor with a grad_fn, or a structure holding some, whichever came last.
        for name, _line in reversed(assignments):
            value = ns.get(name)
            if isinstance(value, torch.Tensor) and value.grad_fn is not None:
                break
            if outputs.is_structure(value):
                found = [(p, t) for p, t in outputs.tensors_in(value, name) if t.grad_fn is not None]
                if found:
                    return _structure_roots(name, value, found)
    return [plain], [plain], ""


def _structure_roots(name: str, value: Any, found: list[tuple[str, Any]]
                     ) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]], str]:
    kind = type(value).__name__
    seed = outputs.choose_seed(found)
    listed = ", ".join(p for p, _ in found)
    if seed is None:
        note = translate("capture", "{name} is a {type}: its {n} tensors with a grad_fn ({listed}) are drawn side "
                                    "by side, each with a backward pass of its own.")
        return found, found, note.format(name=name, type=kind, n=len(found), listed=listed) if len(found) > 1 else ""
    roots = [seed, *(r for r in found if r[1] is not seed[1])]
    note = translate("capture", "{name} is a {type}: its tensors with a grad_fn ({listed}) are drawn side by side, "
                                "and backward starts from {seed}, the scalar among them.")
    return roots, [seed], note.format(name=name, type=kind, listed=listed, seed=seed[0]) if len(found) > 1 else ""


def _never_assigned(name: str) -> str:
    return translate("capture", "the program never assigns '{name}', the variable chosen as the graph's "
                                "root").format(name=name)


def _choose_root(ns: dict, assignments: list[tuple[str, int]], root: str | None) -> tuple[str, Any]:
    if root is not None:
        if root not in ns:
            raise ProgramError(_never_assigned(root), kind="runtime")
        value = ns[root]
        if not isinstance(value, torch.Tensor):
            message = translate("capture", "'{root}' is a {type}, not a tensor")
            raise ProgramError(message.format(root=root, type=type(value).__name__), kind="runtime")
        return root, value
    if isinstance(ns.get("loss"), torch.Tensor):
        return "loss", ns["loss"]
    last_tensor: tuple[str, Any] = ("", None)
    for name, _line in reversed(assignments):
        value = ns.get(name)
        if isinstance(value, torch.Tensor):
            if value.grad_fn is not None:
                return name, value
            if last_tensor[1] is None:
                last_tensor = (name, value)
    return last_tensor


def _implicit_backward(recorder: Recorder, name: str, tensor: torch.Tensor, clear_grads: bool = False,
                       line: int | None = None) -> None:
    earlier: dict[Any, torch.Tensor] = {}
    if clear_grads:
        # Several roots: each pass records its own root's gradient, not a sum; the leaves then
        # hold the sum again, as after the calls the note says gradviz made, one per root.
        for node in recorder.ensure_graph([tensor.grad_fn]):
            if type(node).__name__ == "AccumulateGrad" and node.variable.grad is not None:
                earlier[node.variable] = node.variable.grad
                node.variable.grad = None
    call = _implicit_call(name, tensor)
    # Called while the recorder is active, so the recorder hooks it like any backward call.
    # The graph is kept: the program may look at it again, and saved tensors stay readable.
    first = len(recorder.passes)
    try:
        gradient = None if tensor.numel() == 1 else torch.ones_like(tensor)
        torch.autograd.backward(tensor, gradient, retain_graph=True)
    except (RuntimeError, NotImplementedError, TypeError, ValueError) as exc:
        # torch's own words point into torch ("in __init__.py, line 216"): say whose call it was.
        said = str(exc).strip().split("\n\n", 1)[0].split("\n", 1)[0]
        if len(said) > 160 and ". " in said:  # the dispatcher's lists of backends after its first sentence
            said = said.split(". ", 1)[0] + "."
        message = translate("capture", "gradviz ran {call} to show gradients, and torch refused: {error}: call "
                                       "backward yourself, with a real scalar to start from (loss.abs().sum(), "
                                       "loss.to_dense().sum())")
        raise ProgramError(message.format(call=call, error=f"{type(exc).__name__}: {said}"), line, None,
                           "runtime") from None
    record = recorder.passes[first]  # later ones ran inside it (checkpoint's)
    record.call, record.line, record.implicit = call, None, True
    with torch.no_grad():
        for leaf, grad in earlier.items():
            leaf.grad = grad if leaf.grad is None else grad + leaf.grad


def _implicit_call(name: str, tensor: torch.Tensor) -> str:
    """The backward call gradviz makes for root ``name``, as the program would write it."""
    return f"{name}.backward()" if tensor.numel() == 1 else f"{name}.backward(torch.ones_like({name}))"


def _explain(recorder: Recorder, ns: dict, assignments: list[tuple[str, int]], name: str,
             tensor: Any) -> str:
    if tensor is None:
        if not any(isinstance(v, torch.Tensor) for v in ns.values()):
            return translate("capture", "The program made no tensors, so there is no graph to show.")
        return translate("capture", "The program made no tensor that needs a gradient, so autograd recorded no graph.")
    line = next((ln for n, ln in reversed(assignments) if n == name), None)
    origin = recorder.origin_of(tensor)
    line = origin.line if origin and origin.line else line
    where = translate("capture", ", line {line}").format(line=line) if line else ""
    if tensor.requires_grad and tensor.is_leaf:
        return translate("capture", "{name} is a leaf tensor with requires_grad=True: it has no grad_fn because no "
                                    "operation made it{where}. Compute something from it to see a graph.").format(
            name=name, where=where)
    cause = origin.cause if origin is not None else NoGradFn.NOT_REQUESTED
    text = translate("capture", "{name} has no grad_fn because {cause}{where}.").format(
        name=name, cause=cause.words, where=where)
    advice = _ADVICE.get(cause)
    return text + (translate("capture", advice) if advice else "")


_ADVICE = {
    NoGradFn.NO_GRAD: QT_TRANSLATE_NOOP(
        "capture", " Operations inside torch.no_grad() are not recorded: compute it outside the block."),
    NoGradFn.INFERENCE_MODE: QT_TRANSLATE_NOOP(
        "capture", " Operations inside torch.inference_mode() are not recorded: compute it outside."),
    NoGradFn.DETACHED: QT_TRANSLATE_NOOP(
        "capture", " A detached tensor is a constant to autograd: gradients do not flow through it."),
    NoGradFn.CONSTANT_INPUTS: QT_TRANSLATE_NOOP(
        "capture", " Set requires_grad=True on the leaf tensors you want gradients for."),
    NoGradFn.NOT_REQUESTED: QT_TRANSLATE_NOOP(
        "capture", " Set requires_grad=True on the leaf tensors you want gradients for."),
}


def _module_paths(ns: dict, subject: str | None = None) -> dict[int, tuple[str, Any]]:
    """id(module) -> (path, module) for every module reachable from the namespace's modules.

    The subject's own paths come first and carry no prefix, as named_modules() prints them.
    """
    paths: dict[int, tuple[str, Any]] = {}
    items = sorted(ns.items(), key=lambda kv: kv[0] != subject)
    for var, value in items:
        if not isinstance(value, nn.Module):
            continue
        prefix = "" if var == subject else var
        for sub, module in value.named_modules():
            path = ".".join(p for p in (prefix, sub) if p)
            paths.setdefault(id(module), (path, module))
    return paths

"""Gradient check: autograd's gradient of every leaf against a central-difference estimate.

The program is replayed with float64 as the default dtype, so both numbers are computed
in double precision; each replay perturbs one leaf element by ±eps the moment the leaf
is assigned. Large leaves are sampled (a few elements each) to keep the replays few.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.nn as nn

from gradviz.core.capture.capture import run_session
from gradviz.core.checks.reports import FLOAT32_NOTE, GradCheck, LeafCheck
from gradviz.core.i18n import translate

__all__ = ["FLOAT32_NOTE", "GradCheck", "LeafCheck", "gradient_check"]
from gradviz.core.program.interpreter import Limits


def _leaf_tensors(ns: dict, root: torch.Tensor) -> dict[str, torch.Tensor]:
    """Leaves in root's graph, by a name that finds them again in a replay."""
    wanted: set[int] = set()
    stack, seen = [root.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ == "AccumulateGrad":
            wanted.add(id(node.variable))
        stack.extend(child for child, _ in node.next_functions)
    found: dict[str, torch.Tensor] = {}
    for name, value in ns.items():
        if isinstance(value, torch.Tensor) and id(value) in wanted:
            found.setdefault(name, value)
        elif isinstance(value, nn.Module):
            for pname, p in value.named_parameters():
                if id(p) in wanted:
                    found.setdefault(f"{name}.{pname}", p)
    return found


def _resolve(ns_value: Any, name: str, path: str) -> torch.Tensor | None:
    if path == name:
        return ns_value if isinstance(ns_value, torch.Tensor) else None
    if isinstance(ns_value, nn.Module):
        return dict(ns_value.named_parameters()).get(path[len(name) + 1:])
    return None


class _Replayer:
    """Runs the program again in float64, with one leaf element nudged as it is assigned."""

    def __init__(self, source: str, root: str | None, extra_names: dict | None, subject: str | None,
                 cancel: threading.Event | None, overrides: dict | None = None) -> None:
        self.source, self.root, self.extra_names, self.subject = source, root, extra_names, subject
        self.cancel = cancel
        self.overrides = overrides

    def run(self, nudge: Callable[[str, Any], Any] | None = None) -> tuple[dict, torch.Tensor]:
        """Replay; ``nudge(name, value)`` sees each assignment and may return a replacement."""

        def on_assign(name: str, value: Any, line: int) -> Any:
            promoted = _to_float64(value)
            replaced = nudge(name, promoted) if nudge is not None else None
            if replaced is not None:
                return replaced
            return promoted if promoted is not value else None

        old = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        try:
            session = run_session(self.source, root=self.root, extra_names=self.extra_names,
                                  subject=self.subject, limits=Limits(max_seconds=60), cancel=self.cancel,
                                  keep_graphs=True, on_assign=on_assign, overrides=self.overrides)
        finally:
            torch.set_default_dtype(old)
        trace = session.trace
        if trace.is_empty:
            raise ValueError(trace.explanation)
        root_value = named_value(session.namespace, trace.node(trace.root).label)
        if not isinstance(root_value, torch.Tensor):
            raise ValueError(translate("checks", "the gradient check needs the root to be a named tensor"))
        return session.namespace, root_value

    def value(self, leaf: str, index: tuple[int, ...], delta: float) -> float:
        def nudge(name: str, value: Any) -> None:
            target = _resolve(value, name, leaf) if leaf.split(".")[0] == name else None
            if target is not None:
                # .data: an edit autograd does not see (no_grad views trip the recorder's checks)
                target.data[index] += delta
        _, root = self.run(nudge)
        return float(root.detach().sum())


def _to_float64(value: Any) -> Any:
    """float32 tensors and modules made with an explicit dtype, in float64 (else eps is lost)."""
    if isinstance(value, nn.Module):
        return value.double()  # in place: the same module, its parameters now float64
    if isinstance(value, torch.Tensor) and value.dtype in (torch.float32, torch.float16, torch.bfloat16):
        if value.is_leaf:
            return value.detach().double().requires_grad_(value.requires_grad)
        return value.double()
    return value


def _sample(shape: tuple[int, ...], limit: int) -> Iterator[tuple[int, ...]]:
    total = 1
    for s in shape:
        total *= s
    step = max(1, total // limit)
    for flat in range(0, total, step):
        idx = []
        for s in reversed(shape):
            idx.append(flat % s)
            flat //= s
        yield tuple(reversed(idx))


def gradient_check(source: str, *, root: str | None = None, extra_names: dict | None = None,
                   subject: str | None = None, eps: float = 1e-6, rtol: float = 1e-4,
                   atol: float = 1e-6, per_leaf: int = 8, gradcheck_limit: int = 64,
                   cancel: threading.Event | None = None, overrides: dict | None = None) -> GradCheck:
    """Compare autograd's gradient with a central difference for every leaf of ``source``.

    Parameters
    ----------
    source : str
        The program (expression language).
    eps : float
        The central-difference step, in float64.
    per_leaf : int
        At most this many elements of each leaf are compared.
    gradcheck_limit : int
        ``torch.autograd.gradcheck`` runs when all leaves hold at most this many elements.
    overrides : dict, optional
        Values edited in the app, by variable name: the check is of the program the
        student sees, with the values they set.
    """
    replay = _Replayer(source, root, extra_names, subject, cancel, overrides)
    ns, root_tensor = replay.run()
    leaves = _leaf_tensors(ns, root_tensor)
    for t in leaves.values():
        t.grad = None
    root_tensor.sum().backward()
    rows = []
    for label, tensor in leaves.items():
        grad = tensor.grad if tensor.grad is not None else torch.zeros_like(tensor)
        worst = (0.0, 0.0, (), 0.0, 0.0)
        passed, checked = True, 0
        for index in _sample(tuple(tensor.shape), per_leaf):
            plus = replay.value(label, index, eps)
            minus = replay.value(label, index, -eps)
            numeric = (plus - minus) / (2 * eps)
            auto = float(grad[index])
            abs_err = abs(auto - numeric)
            rel_err = abs_err / max(abs(numeric), abs(auto), 1e-12)
            checked += 1
            # Written so that a NaN (autograd's or the estimate's) fails and counts as the worst.
            if not abs_err <= atol + rtol * abs(numeric):
                passed = False
            if not math.isnan(worst[0]) and not abs_err < worst[0]:
                worst = (abs_err, rel_err, index, auto, numeric)
        shown = label[len(subject) + 1:] if subject and label.startswith(subject + ".") else label
        rows.append(LeafCheck(shown, tuple(tensor.shape), checked, tensor.numel(), worst[0], worst[1],
                              passed, worst[2], worst[3], worst[4]))
    verdict, message = _torch_gradcheck(replay, leaves, gradcheck_limit, eps, atol, rtol)
    return GradCheck(tuple(rows), verdict, message)


def _torch_gradcheck(replay: _Replayer, leaves: dict[str, torch.Tensor], limit: int, eps: float,
                     atol: float, rtol: float) -> tuple[bool | None, str]:
    total = sum(t.numel() for t in leaves.values())
    if total > limit:
        return None, translate("checks", "torch.autograd.gradcheck skipped: {total:,} leaf elements (it runs up to "
                                         "{limit})").format(total=total, limit=limit)
    names = list(leaves)
    inputs = tuple(t.detach().clone().double().requires_grad_(True) for t in leaves.values())
    try:
        ok = torch.autograd.gradcheck(lambda *xs: _as_function(replay, names, xs), inputs, eps=eps,
                                      atol=atol, rtol=rtol, raise_exception=True)
    except Exception as exc:  # noqa: BLE001 - gradcheck explains the mismatch in its message
        text = str(exc).strip()
        return False, translate("checks", "torch.autograd.gradcheck failed: {error}").format(
            error=text.splitlines()[0] if text else type(exc).__name__)
    return bool(ok), translate("checks", "torch.autograd.gradcheck passed")


def _as_function(replay: _Replayer, names: list[str], xs: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """The program as a function of its leaves: each leaf is *replaced* by ``xs[i]`` when assigned.

    gradcheck differentiates what we return, so the program must compute with the very
    tensors gradcheck passed in, not copies of their values.
    """
    by_name = dict(zip(names, xs))

    def swap(name: str, value: Any) -> Any:
        if name in by_name and isinstance(value, torch.Tensor):
            return by_name[name]
        if isinstance(value, nn.Module):
            for leaf, new in by_name.items():
                if leaf.startswith(name + "."):
                    module_path, _, pname = leaf[len(name) + 1:].rpartition(".")
                    owner = value.get_submodule(module_path) if module_path else value
                    delattr(owner, pname)
                    setattr(owner, pname, new)
        return None

    _, root = replay.run(swap)
    return root.sum()


def named_value(ns: dict, label: str) -> Any:
    """The value a node's label names: a variable, or a path into one (``out[1]``, ``out.loss``)."""
    if label in ns:
        return ns[label]
    from gradviz.core.capture import outputs

    try:
        base, steps = outputs.parse_path(label)
        return outputs.resolve(ns[base], steps, label) if base in ns else None
    except ValueError:
        return None

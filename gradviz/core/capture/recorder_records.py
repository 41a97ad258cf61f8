"""The records a Recorder keeps while a program runs, and the small helpers they are made with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from gradviz.core.checks.reports import NoGradFn
from gradviz.core.trace import SavedTensor, TensorValue


@dataclass(frozen=True)
class OutputKey:
    """Output ``nr`` (≥ 1) of the multi-output autograd node ``node``."""

    node: Any
    nr: int


@dataclass
class NodeInfo:
    """What the recorder knows about one autograd node (or constant), while it runs."""

    key: Any  # the autograd node, an OutputKey, or ("const", id) for a constant
    kind: str  # op | leaf | constant | output
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
    output_nr: int = 0
    loop: tuple = ()  # ((LoopRun, iteration), ...) of the program's for loops running when it was made


@dataclass
class ConstEdge:
    const: tuple
    target: Any
    slot: int


@dataclass
class Origin:
    """Why a tensor has no grad_fn, and the line."""

    cause: NoGradFn
    line: int | None
    ref: Any  # weakref to the tensor, so a reused id() is not mistaken for it
    func: str = ""  # the op that made it


def snap(t: Any) -> TensorValue | None:
    return TensorValue.from_tensor(t) if isinstance(t, torch.Tensor) else None


def tensor_meta(t: torch.Tensor) -> tuple[tuple[int, ...], str, str]:
    return tuple(int(s) for s in t.shape), str(t.dtype).replace("torch.", ""), str(t.device)


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


def tensors_in(args: tuple, kwargs: dict) -> list[torch.Tensor]:
    """Tensor arguments in order, one level into lists and tuples (torch.cat's inputs)."""
    out: list[torch.Tensor] = []
    for a in (*args, *kwargs.values()):
        if isinstance(a, torch.Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(x for x in a if isinstance(x, torch.Tensor))
    return out


def metadata_of(node: Any, nr: int = 0) -> tuple[tuple[int, ...], str, str]:
    # _input_metadata describes the gradients a node receives: the shapes of its forward outputs.
    meta = getattr(node, "_input_metadata", None)
    if meta and nr < len(meta):
        m = meta[nr]
        return tuple(int(s) for s in m.shape), str(m.dtype).replace("torch.", ""), str(m.device)
    return (), "", ""


def postorder(nodes: list[Any], members: set) -> list[Any]:
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

"""Differential testing against plain PyTorch: small random programs, run both ways, compared.

``program(seed)`` writes a program in gradviz's expression language (a subset of Python,
so plain ``exec`` runs it too): leaves and constants, elementwise, broadcasting, matrix
and reduction ops, the multi-output ops (chunk, split, unbind, max/min with dim, sort,
topk), and second-order calls (``torch.autograd.grad(..., create_graph=True)``, abs
among them for its zero second derivative), ending in ``loss``.

Modules (a Linear, a BatchNorm1d with its buffers), a custom ``autograd.Function``
(``Square``) and ``torch.utils.checkpoint`` (both kinds) come in as extra names.

``disagreements(trace, reference)`` lists every place the Trace differs from what
PyTorch computed: values and gradients of named tensors (rel 1e-5), every parameter's
and leaf's ``.grad``, buffers, the autograd nodes (their op names, counted), and the
output nodes. A program PyTorch refuses must be refused by gradviz too.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from gradviz.core.trace import Trace

RTOL, ATOL = 1e-5, 1e-6


class Square(torch.autograd.Function):
    """x², with the input kept by save_for_backward and a constant on ctx."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.factor = 2.0
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return ctx.factor * x * g


EXTRA_NAMES = {"Square": Square, "checkpoint": checkpoint}


@dataclass
class _Var:
    expr: str
    shape: tuple[int, ...]
    leaves: frozenset[str]  # the leaves it was computed from
    sure: bool  # surely requires grad (not the result of a second-order call)


@dataclass
class Program:
    """A generated program: forward statements, then the backward statement (if any)."""

    forward: list[str]
    backward: str = ""
    roots: list[str] = field(default_factory=list)  # the tensors backward passes start from

    @property
    def source(self) -> str:
        return "\n".join(self.forward + ([self.backward] if self.backward else [])) + "\n"


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.pool: list[_Var] = []
        self.count = 0
        self.roots: list[str] = []
        self.second_order = False
        self.norm_used = False

    def name(self, prefix: str = "v") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def add(self, line: str, *made: _Var) -> None:
        self.lines.append(line)
        self.pool.extend(made)

    def pick(self, pred=lambda v: True) -> _Var | None:
        choices = [v for v in self.pool if pred(v)]
        return self.rng.choice(choices) if choices else None

    # ----- the ops -------------------------------------------------------------------
    def unary(self) -> None:
        a = self.pick(lambda v: v.leaves)
        form = self.rng.choice(["torch.tanh({})", "torch.sigmoid({})", "torch.sin({})", "{}.abs()",
                                "torch.relu({})", "{0} * {0}", "-{}", "{} * 0.5", "torch.exp(torch.tanh({}))"])
        n = self.name()
        self.add(f"{n} = {form.format(a.expr)}", _Var(n, a.shape, a.leaves, a.sure))

    def binary(self) -> None:
        a = self.pick(lambda v: v.leaves)
        b = self.pick(lambda v: v.shape == a.shape or (len(v.shape) == 1 and a.shape[-1:] == v.shape))
        op = self.rng.choice(["+", "-", "*"])
        n = self.name()
        self.add(f"{n} = {a.expr} {op} {b.expr}", _Var(n, a.shape, a.leaves | b.leaves, a.sure or b.sure))

    def matmul(self) -> None:
        a = self.pick(lambda v: v.leaves and len(v.shape) == 2)
        if a is None:
            return self.unary()
        b = self.pick(lambda v: len(v.shape) == 1 and v.shape[0] == a.shape[1])
        n = self.name()
        if b is not None and self.rng.random() < 0.5:
            self.add(f"{n} = {a.expr} @ {b.expr}", _Var(n, a.shape[:1], a.leaves | b.leaves, a.sure or b.sure))
        elif self.rng.random() < 0.7:
            self.add(f"{n} = {a.expr} @ {a.expr}.t()", _Var(n, (a.shape[0], a.shape[0]), a.leaves, a.sure))
        else:  # Q and R: two differentiable outputs of one node
            q, r = n, self.name("r")
            side = a.shape[0]
            self.add(f"{q}, {r} = torch.linalg.qr({a.expr} @ {a.expr}.t() + 3 * torch.eye({side}))",
                     _Var(q, (side, side), a.leaves, a.sure), _Var(r, (side, side), a.leaves, a.sure))

    def reduce(self) -> None:
        a = self.pick(lambda v: v.leaves and len(v.shape) == 2)
        if a is None:
            return self.unary()
        d = self.rng.randrange(2)
        fn = self.rng.choice(["sum", "mean"])
        n = self.name()
        self.add(f"{n} = {a.expr}.{fn}(dim={d})", _Var(n, a.shape[:d] + a.shape[d + 1:], a.leaves, a.sure))

    def multi(self) -> None:
        a = self.pick(lambda v: v.leaves and v.shape and all(s >= 2 for s in v.shape))
        if a is None:
            return self.unary()
        d = self.rng.randrange(len(a.shape))
        size = a.shape[d]
        rest = a.shape[:d] + a.shape[d + 1:]
        kind = self.rng.choice(["chunk", "split", "unbind", "max", "min", "sort", "topk", "one", "pair"])
        p, q = self.name("p"), self.name("q")

        def part(expr: str, n: int) -> _Var:
            return _Var(expr, a.shape[:d] + (n,) + a.shape[d + 1:], a.leaves, a.sure)
        if kind == "one":  # only one output kept, by position: it must not show output 0's value
            i = self.rng.randrange(size)
            first = math.ceil(size / 2)
            line, var = self.rng.choice([
                (f"{q} = {a.expr}.unbind({d})[{i}]", _Var(q, rest, a.leaves, a.sure)),
                (f"{q} = {a.expr}.chunk(2, dim={d})[1]", part(q, size - first)),
                (f"{q} = torch.split({a.expr}, [1, {size - 1}], dim={d})[1]", part(q, size - 1)),
                (f"{q} = torch.max({a.expr}, dim={d})[0]", _Var(q, rest, a.leaves, a.sure)),
            ])
            self.add(line, var)
        elif kind == "chunk":
            first = math.ceil(size / 2)
            self.add(f"{p}, {q} = {a.expr}.chunk(2, dim={d})", part(p, first), part(q, size - first))
        elif kind == "split":
            k = self.rng.randrange(1, size)
            self.add(f"{p}, {q} = torch.split({a.expr}, [{k}, {size - k}], dim={d})", part(p, k), part(q, size - k))
        elif kind == "unbind":
            u = self.name("u")
            self.add(f"{u} = {a.expr}.unbind({d})", *(_Var(f"{u}[{i}]", rest, a.leaves, a.sure) for i in range(size)))
        elif kind in ("max", "min"):
            self.add(f"{p}, {q} = torch.{kind}({a.expr}, dim={d})", _Var(p, rest, a.leaves, a.sure))
        elif kind == "sort":
            self.add(f"{p}, {q} = torch.sort({a.expr}, dim={d})", part(p, size))
            if self.rng.random() < 0.5:  # the indices, a constant, pick elements back out
                n = self.name()
                self.add(f"{n} = torch.gather({a.expr}, {d}, {q})", part(n, size))
        elif kind == "pair":  # ops whose two outputs both carry gradients
            form = self.rng.choice(["torch.aminmax({}, dim={})", "torch.std_mean({}, dim={})",
                                    "torch.var_mean({}, dim={})"])
            self.add(f"{p}, {q} = {form.format(a.expr, d)}", _Var(p, rest, a.leaves, a.sure),
                     _Var(q, rest, a.leaves, a.sure))
        else:
            k = self.rng.randrange(1, size + 1)
            self.add(f"{p}, {q} = torch.topk({a.expr}, {k}, dim={d})", part(p, k))

    def cat(self) -> None:
        a = self.pick(lambda v: v.leaves and len(v.shape) == 2)
        if a is None:
            return self.unary()
        b = self.pick(lambda v: len(v.shape) == 2 and v.shape[1] == a.shape[1])
        n = self.name()
        self.add(f"{n} = torch.cat([{a.expr}, {b.expr}], dim=0)",
                 _Var(n, (a.shape[0] + b.shape[0], a.shape[1]), a.leaves | b.leaves, a.sure or b.sure))

    def module(self) -> None:
        a = self.pick(lambda v: v.sure and v.shape[-1:] == (4,))
        if a is None:
            return self.unary()
        n = self.name()
        forms = ["lin({})", "Square.apply({})", "checkpoint(lin, {}, use_reentrant=False)",
                 "checkpoint(lin, {}, use_reentrant=True)", "checkpoint(Square.apply, {}, use_reentrant=False)"]
        if a.shape == (3, 4) and not self.norm_used:
            forms.append("norm({})")  # once: a buffer is one node, its value the one after its first use
        form = self.rng.choice(forms)
        self.norm_used |= form.startswith("norm")
        self.add(f"{n} = {form.format(a.expr)}", _Var(n, a.shape, a.leaves | {"lin"}, a.sure))

    def grad(self) -> None:
        y = self.pick(lambda v: v.leaves and v.sure)
        x = self.rng.choice(sorted(y.leaves & set(LEAVES)))
        ys, g = self.name("s"), self.name("g")
        self.lines.append(f"{ys} = {y.expr}.sum()")
        self.roots.append(ys)
        self.add(f"{g}, = torch.autograd.grad({ys}, {x}, create_graph=True)",
                 _Var(g, LEAVES[x], frozenset({x}), False))
        self.second_order = True


LEAVES = {"x0": (3, 4), "x1": (4,), "x2": (3, 4)}
CONSTANTS = {"c0": (3, 4), "c1": (4,)}


def program(seed: int, length: int | None = None) -> Program:
    """A random program (the same for the same seed) ending in ``loss``."""
    rng = random.Random(seed)
    w = _Writer(rng)
    w.lines.append(f"torch.manual_seed({seed % 10_000})")
    for name, shape in LEAVES.items():
        w.add(f"{name} = torch.randn{shape}.requires_grad_()".replace(",)", ")"),
              _Var(name, shape, frozenset({name}), True))
    for name, shape in CONSTANTS.items():
        w.add(f"{name} = torch.randn{shape}".replace(",)", ")"), _Var(name, shape, frozenset(), False))
    w.lines += ["lin = nn.Linear(4, 4)", "norm = nn.BatchNorm1d(4)"]
    ops = [w.unary, w.binary, w.matmul, w.reduce, w.multi, w.multi, w.cat, w.grad, w.module]
    for _ in range(length or rng.randrange(3, 9)):
        rng.choice(ops)()
    made = [v for v in w.pool if v.leaves and v.expr not in LEAVES]
    terms = rng.sample(made, min(len(made), rng.randrange(1, 4))) if made else []
    sure = [v for v in made if v.sure] or [w.pool[0]]
    if not any(v.sure for v in terms):
        terms.append(rng.choice(sure))
    w.lines.append("loss = " + " + ".join(f"{v.expr}.sum()" for v in terms))
    backward = "loss.backward()" if w.second_order or rng.random() < 0.3 else ""
    return Program(w.lines, backward, [*w.roots, "loss"])


# ----- the reference run ---------------------------------------------------------------
@dataclass
class Reference:
    namespace: dict[str, Any]
    roots: list[torch.Tensor]
    forward: dict[str, torch.Tensor]  # every named tensor's value when the forward ended


def names_in(ns: dict[str, Any]) -> dict[str, torch.Tensor]:
    """Every tensor the program named: variables, ``u[i]`` for tuples, modules' parameters and buffers."""
    out: dict[str, torch.Tensor] = {}
    for k, v in ns.items():
        if isinstance(v, torch.Tensor):
            out[k] = v
        elif isinstance(v, nn.Module):
            out.update((f"{k}.{n}", t) for n, t in v.named_parameters())
            out.update((f"{k}.{n}", t) for n, t in v.named_buffers())
        elif isinstance(v, (tuple, list)) and not isinstance(v, torch.Size):
            for i, t in enumerate(v):
                if isinstance(t, torch.Tensor):
                    out[f"{k}[{i}]"] = t
    return out


def run_plain(prog: Program, extra: dict[str, Any] | None = None) -> Reference:
    """``prog`` in plain Python and torch; every named non-leaf keeps its gradient of the last pass."""
    ns: dict[str, Any] = {"torch": torch, "F": F, "nn": nn, "math": math, **EXTRA_NAMES, **(extra or {})}
    exec("\n".join(prog.forward), ns)
    # Forward values as the forward left them (checkpoint's recomputation updates BatchNorm's
    # statistics again during backward).
    forward = {k: t.detach().clone() for k, t in names_in(ns).items()}
    for t in names_in(ns).values():
        if t.grad_fn is not None:
            t.retain_grad()  # after the forward's own autograd.grad calls: only the last pass counts
    if prog.backward:
        exec(prog.backward, ns)
    else:
        loss = ns["loss"]
        loss.backward(None if loss.numel() == 1 else torch.ones_like(loss))
    return Reference(ns, [ns[r] for r in prog.roots if isinstance(ns.get(r), torch.Tensor)], forward)


# ----- comparing -----------------------------------------------------------------------
def _array(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    if t._is_zerotensor():
        t = t.new_zeros(t.shape)
    return t.numpy()


def _close(got: Any, expected: torch.Tensor | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if got.data is None:
        return tuple(got.shape) == tuple(expected.shape)  # a summary: shapes only
    a = _array(expected)
    return got.data.shape == a.shape and np.allclose(got.data, a, rtol=RTOL, atol=ATOL, equal_nan=True)


def graph_nodes(roots: list[torch.Tensor]) -> list[Any]:
    """Every autograd node reachable from ``roots`` (iterative walk)."""
    seen: set = set()
    out: list[Any] = []
    stack = [t.grad_fn for t in roots if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return out


def expected_outputs(nodes: list[Any], named: dict[str, torch.Tensor]) -> set[tuple[Any, int]]:
    """The further outputs (k ≥ 1) of the nodes: the ones consumers use, and the ones the program named."""
    members = set(nodes)
    out = {(child, nr) for node in nodes for child, nr in node.next_functions if child is not None and nr}
    out |= {(t.grad_fn, t.output_nr) for t in named.values() if t.grad_fn in members and t.output_nr}
    return out


def disagreements(trace: Trace, ref: Reference, params: dict[str, torch.Tensor] | None = None) -> list[str]:
    """Where ``trace`` differs from the reference run (empty: it agrees everywhere)."""
    problems: list[str] = []
    named = names_in(ref.namespace)
    named.update(params or {})
    own = [p for p in trace.passes if not p.call.startswith("backward of the checkpoint")]
    last = own[-1] if own else None  # the program's last pass (a checkpoint's own ones run inside it)
    labelled = set()
    for node in trace.nodes:
        t = named.get(node.label)
        if t is None or node.internal_to:
            continue
        labelled.add(node.label)
        if node.value is not None and not _close(node.value, ref.forward.get(node.label, t)):
            problems.append(f"value of {node.label} ({node.id} {node.op})")
        if node.kind == "leaf":
            if not _close(node.grad, t.grad):
                problems.append(f".grad of {node.label}")
        elif node.kind in ("op", "output") and t.retains_grad and last is not None:
            got = last.arriving(node.id) if node.id in last.grad_outputs else None
            if not _close(got, t.grad):
                problems.append(f"gradient of {node.label} ({node.id} {node.op})")
    for name, t in named.items():
        if t.is_leaf and t.requires_grad and t.grad is not None and name not in labelled:
            problems.append(f"leaf {name} is missing")
    nodes = graph_nodes(ref.roots)
    members = set(nodes)
    shown_as = {(id(named[n.label]), n.kind) for n in trace.nodes if n.label in named}
    for name, t in named.items():
        # Every tensor the program named in the graph is a node of its own (under this name or,
        # for one tensor named twice, another).
        if t.grad_fn in members and name not in labelled and (id(t), "output" if t.output_nr else "op") not in shown_as:
            problems.append(f"{name} is not shown")
    plain = Counter(type(n).__name__ for n in nodes)
    # checkpoint(use_reentrant=True) builds a graph of its own during backward, which no walk of
    # the forward graph meets: its nodes are those only its passes' roots reach.
    stack = [*trace.roots, *(r for p in own for r in p.roots)]
    forward_graph: set[str] = set()
    while stack:
        node_id = stack.pop()
        if node_id not in forward_graph:
            forward_graph.add(node_id)
            stack.extend(e.source for e in trace.inputs_of(node_id))
    # (an output node nothing used hangs off its op: it is where its op is)
    recomputed = {n.id for n in trace.nodes
                  if (trace.inputs_of(n.id)[0].source if n.kind == "output" else n.id) not in forward_graph}
    shown = Counter(n.op for n in trace.nodes if n.kind in ("op", "leaf") and n.id not in recomputed
                    and n.internal_to != "checkpoint recomputation")
    if plain != shown:
        problems.append(f"autograd nodes differ: torch has {dict(plain - shown)} more, gradviz {dict(shown - plain)}")
    outputs = len(expected_outputs(nodes, named))
    if outputs != sum(1 for n in trace.nodes if n.kind == "output" and n.id not in recomputed):
        problems.append(f"{outputs} further outputs in torch, "
                        f"{sum(1 for n in trace.nodes if n.kind == 'output')} output nodes in gradviz")
    return problems

"""Gradient health: how big each gradient is (on a log scale), and where NaN, Inf and zeros are.

Vanishing gradients show as a colour that fades layer by layer; an exploding one as the
other end of the scale; a NaN, an Inf or a gradient of exact zeros gets a mark of its own,
and the node where a NaN or Inf first appears — finite gradient in, non-finite out — is
marked as where it was born. Modules get the health of what they hold, so a collapsed
20-layer network still shows which layers learn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from gradviz.core.layout.grouping import group_path
from gradviz.core.trace import BackwardPass, TensorValue, Trace

#: Marks, from the most to the least alarming; "" is a finite gradient that is not all zero.
NAN, INF, ZERO = "nan", "inf", "zero"
MARKS = (NAN, INF, ZERO)
#: The colour scale spans at least this many powers of ten.
MIN_DECADES = 4


@dataclass(frozen=True)
class Health:
    """One gradient's health.

    ``size`` is the root mean square of its finite elements (None when there is no gradient,
    or no finite element); ``mark`` one of MARKS or ""; ``born`` is NAN or INF when this node
    received only finite gradients and sent that on (where it was born), else "".
    """

    size: float | None
    mark: str = ""
    born: str = ""

    @property
    def log_size(self) -> float | None:
        """log10 of ``size``, None for no gradient or exact zeros."""
        return math.log10(self.size) if self.size is not None and self.size > 0 else None


def health_of(value: TensorValue | None) -> Health | None:
    """The health of one gradient (None: there is none)."""
    if value is None:
        return None
    if value.data is None:  # a summary: its statistics say as much as they can
        low, high, _mean, _std, norm = value.summary or (math.nan,) * 5
        if math.isnan(low) or math.isnan(high) or math.isnan(norm):
            return Health(None, NAN)
        if math.isinf(low) or math.isinf(high):
            return Health(None, INF)
        rms = norm / math.sqrt(max(value.numel, 1))
        return Health(rms, ZERO if low == 0 == high else "")
    data = np.asarray(value.data)
    if np.iscomplexobj(data):
        data = np.abs(data)
    if data.dtype == bool or data.size == 0:
        return None
    data = data.astype(np.float64, copy=False)
    finite = np.isfinite(data)
    mark = NAN if np.isnan(data).any() else INF if not finite.all() else ""
    kept = data[finite]
    if not kept.size:
        return Health(None, mark)
    rms = float(np.sqrt(np.mean(kept * kept)))
    if not mark and rms == 0:
        mark = ZERO
    return Health(rms, mark)


def _bad(value: TensorValue | None) -> bool:
    h = health_of(value)
    return h is not None and h.mark in (NAN, INF)


def born_in(bpass: BackwardPass) -> list[str]:
    """Nodes of ``bpass`` that received only finite gradients and sent a NaN or an Inf."""
    return [nid for nid in bpass.order
            if not any(_bad(g) for g in bpass.grad_outputs.get(nid, ()))
            and any(_bad(g) for g in bpass.grad_inputs.get(nid, ()))]


def node_health(trace: Trace) -> dict[str, Health]:
    """Each node's gradient health (a leaf's ``.grad``; an op's gradient of its output, last
    pass); nodes without a gradient are left out."""
    born = {nid for p in trace.passes for nid in born_in(p)}
    out: dict[str, Health] = {}
    for node in trace.nodes:
        h = health_of(node.grad)
        if h is None and node.id in born:
            h = Health(None)
        if h is not None:
            if node.id in born:
                sent = [health_of(g) for p in trace.passes for g in p.grad_inputs.get(node.id, ())]
                h = Health(h.size, h.mark, NAN if any(s is not None and s.mark == NAN for s in sent) else INF)
            out[node.id] = h
    return out


def edge_health(trace: Trace) -> dict[tuple[str, str, int], Health]:
    """The health of the gradient each edge carried back in the last pass that used it."""
    out: dict[tuple[str, str, int], Health] = {}
    for p in trace.passes:
        for e in trace.edges:
            sent = p.grad_inputs.get(e.target)
            if sent is not None and e.slot < len(sent):
                h = health_of(sent[e.slot])
                if h is not None:
                    out[(e.source, e.target, e.slot)] = h
    return out


def rolled_up(healths: Iterable[Health]) -> Health | None:
    """One health for many gradients (a module's): the worst mark, the median size."""
    items = list(healths)
    if not items:
        return None
    for mark in (NAN, INF):
        if any(h.mark == mark for h in items):
            return Health(_median([h.size for h in items]), mark, next((h.born for h in items if h.born), ""))
    born = next((h.born for h in items if h.born), "")
    if all(h.mark == ZERO for h in items):
        return Health(0.0, ZERO, born)
    return Health(_median([h.size for h in items if h.mark != ZERO]), "", born)


def module_health(trace: Trace, nodes: dict[str, Health] | None = None) -> dict[str, Health]:
    """Each module's (and loop iteration's) health, rolled up from the nodes in it or below."""
    nodes = node_health(trace) if nodes is None else nodes
    members: dict[str, list[Health]] = {}
    for node in trace.nodes:
        h = nodes.get(node.id)
        path = group_path(node)
        if h is None or not path:
            continue
        parts = path.split(".")
        for i in range(len(parts)):
            members.setdefault(".".join(parts[: i + 1]), []).append(h)
    return {path: h for path, items in members.items() if (h := rolled_up(items)) is not None}


def scale(healths: Iterable[Health]) -> tuple[int, int] | None:
    """Whole powers of ten ``(low, high)`` spanning every non-zero finite size (at least
    MIN_DECADES apart, centred on them), or None when there is none."""
    logs = [h.log_size for h in healths if h.log_size is not None]
    if not logs:
        return None
    low, high = math.floor(min(logs)), math.ceil(max(logs))
    if high - low < MIN_DECADES:
        pad = MIN_DECADES - (high - low)
        low -= pad // 2 + pad % 2
        high += pad // 2
    return low, high


def position(health: Health, span: tuple[int, int]) -> float | None:
    """Where ``health`` sits on the scale ``span``, 0 (smallest) to 1 (largest); None for
    a gradient without a size (exact zeros, all NaN)."""
    log = health.log_size
    if log is None:
        return None
    low, high = span
    return min(max((log - low) / max(high - low, 1), 0.0), 1.0)


def _median(values: list[float | None]) -> float | None:
    kept = sorted(v for v in values if v is not None)
    if not kept:
        return None
    # The geometric middle: sizes spread over powers of ten.
    logs = [math.log10(v) if v > 0 else -300.0 for v in kept]
    return 10 ** logs[len(logs) // 2] if logs[len(logs) // 2] > -300 else 0.0

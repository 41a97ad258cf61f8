"""Recording any torch code in the user's own process: the engine behind ``gradviz.record()``.

Unlike a program, this is the user's own code, run by them: there is no language and no run
process. The same recorder watches the block, and the same builder makes the Trace; the
names come from the variables of the frame the ``with`` statement is in (its new or changed
tensors, modules and outputs), the lines from where that frame is while each op runs.

If the block calls no backward, gradviz runs one from the root (as it does for programs)
and then puts every ``.grad`` it touched back as it was: the user's tensors are left as the
block left them.
"""

from __future__ import annotations

import linecache
import types
from typing import Any

import torch

from gradviz.core.capture import outputs
from gradviz.core.capture.capture import _choose_roots, _explain, _implicit_backward, _module_paths
from gradviz.core.capture.recorder import Recorder
from gradviz.core.capture.recorder_records import grad_fn_of
from gradviz.core.capture.trace_build import TraceBuilder
from gradviz.core.gc_pause import paused_gc
from gradviz.core.i18n import translate
from gradviz.core.trace import Trace


def _frame_names(frame: types.FrameType) -> dict[str, Any]:
    """The frame's variables: its locals (a notebook cell's are its globals)."""
    return dict(frame.f_locals)


class BlockRecorder:
    """Records what runs between :meth:`start` and :meth:`stop` in ``frame``.

    Parameters
    ----------
    frame : frame
        The frame of the ``with`` block (its variables name the tensors, its lines place them).
    backward : bool
        Run a backward pass from the root if the block ran none.
    root : str, optional
        The variable (or path into one: ``out.loss``) to draw as the root.
    """

    def __init__(self, frame: types.FrameType, backward: bool = True, root: str | None = None) -> None:
        self.frame = frame
        self.backward = backward
        self.root = root
        self.filename = frame.f_code.co_filename
        self.first_line = frame.f_lineno
        self.recorder = Recorder(self._line, self._statement)
        self._before: dict[str, int] = {}

    def _line(self) -> int | None:
        return self.frame.f_lineno if self.frame is not None else None

    def _statement(self, line: int | None) -> str:
        return linecache.getline(self.filename, line).strip() if line else ""

    def start(self) -> None:
        self._before = {k: id(v) for k, v in _frame_names(self.frame).items()}
        self.recorder.__enter__()

    def abandon(self) -> None:
        """The block raised: stop recording, keep nothing."""
        self.recorder.__exit__(None, None, None)
        self.frame = None  # type: ignore[assignment]

    def stop(self) -> Trace:
        """Stop recording and build the Trace of the block."""
        try:
            with paused_gc():
                return self._build()
        finally:
            self.frame = None  # type: ignore[assignment]

    def _build(self) -> Trace:
        rec = self.recorder
        last_line = self.frame.f_lineno
        names = _frame_names(self.frame)
        # What the block made or changed, in the frame's order: the "assignments" of a program.
        ns = {k: v for k, v in names.items() if not k.startswith("_") and self._before.get(k) != id(v)
              and (isinstance(v, (torch.Tensor, torch.nn.Module)) or outputs.is_structure(v))}
        kept = {k: v for k, v in names.items() if isinstance(v, torch.nn.Module) and k not in ns
                and not k.startswith("_")}
        # Names for the tensors of every variable (leaves made before the block too), the
        # block's own results first: the first name a tensor gets is its label.
        for name, value in [*ns.items(), *((k, v) for k, v in names.items() if k not in ns)]:
            if name.startswith("_"):
                continue
            if isinstance(value, torch.Tensor):
                rec.name_tensor(name, value)
            elif isinstance(value, (tuple, list, dict)) or outputs.is_structure(value):
                for path, tensor in outputs.tensors_in(value, name)[:64]:
                    rec.name_tensor(path, tensor)
        assignments = [(k, last_line) for k in ns]
        source = "".join(linecache.getlines(self.filename))
        builder = TraceBuilder(rec, source, _module_paths({**kept, **ns}, None))
        builder.block = True  # its notes speak of the user's block, not of a program
        try:
            chosen, seeds, note = _choose_roots(ns, assignments, self.root)
            if chosen[0][1] is None and rec.passes:
                # No variable holds a result, but the block ran backward: draw from where it started.
                return self._finish(builder.build([p.roots[0] for p in rec.passes[:1]]), "")
            for name, tensor in chosen:
                if tensor is None or tensor.grad_fn is None:
                    return self._finish(builder.empty(_explain(rec, ns, assignments, name, tensor)), "")
            ran = bool(rec.passes)
            kept_grads = self._grads_of(seeds) if not ran and self.backward else []
            try:
                if not ran and self.backward:
                    for name, tensor in seeds:
                        _implicit_backward(rec, name, tensor, clear_grads=len(seeds) > 1)
                trace = builder.build([rec.key_of(t) for _, t in chosen])  # reads the leaves' .grad
            finally:
                for leaf, grad in kept_grads:
                    leaf.grad = grad
        finally:
            rec.__exit__(None, None, None)
        if not ran and self.backward:
            restored = translate("capture", "gradviz put every .grad it touched back as the block left it.")
            note = " ".join(n for n in (note, restored) if n)
        return self._finish(trace, note)

    def _grads_of(self, seeds: list[tuple[str, Any]]) -> list[tuple[torch.Tensor, Any]]:
        """Every leaf the seeds reach, with its .grad now (restored after gradviz's own pass)."""
        leaves = []
        for node in self.recorder.ensure_graph([grad_fn_of(t) for _, t in seeds]):
            if type(node).__name__ == "AccumulateGrad":
                leaves.append((node.variable, node.variable.grad))
        return leaves

    @staticmethod
    def _finish(trace: Trace, note: str) -> Trace:
        import dataclasses

        return dataclasses.replace(trace, notes=(*trace.notes, note)) if note else trace

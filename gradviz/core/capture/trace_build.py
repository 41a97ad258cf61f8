"""Turning a recorder's notes into a frozen Trace (ids n0..nk in forward order)."""

from __future__ import annotations

from typing import Any

from gradviz.core.capture.graph_limits import check_sendable
from gradviz.core.capture.recorder import RECOMPUTATION, NodeInfo, OutputKey, PassRecord, Recorder
from gradviz.core.i18n import translate
from gradviz.core.program.errors import Locator, ProgramError
from gradviz.core.trace import BackwardPass, Edge, ModuleInfo, Node, TensorValue, Trace, built


class TraceBuilder:
    """Builds the Trace of what ``recorder`` saw.

    Parameters
    ----------
    recorder : Recorder
    source : str
        The program text (kept in the Trace).
    modules : dict
        ``id(module) -> (path, module)`` for every module the program can name: parameters
        and buffers get their paths from it.
    output : tuple of str
        What the program printed.
    last_value : str, optional
        The text of the program's bare last expression, as a REPL echoes it.

    ``block`` is set when the code is a user's own ``with gradviz.record()`` block, not a
    program: the notes then speak of the block.
    """

    block = False

    def __init__(self, recorder: Recorder, source: str, modules: dict[int, tuple[str, Any]],
                 output: tuple[str, ...] = (), last_value: str | None = None) -> None:
        self.rec = recorder
        self.output = output
        self.last_value = last_value
        self.source = source
        self.modules = modules
        self.params: dict[int, str] = {}
        self.buffers: dict[int, tuple[str, str, Any]] = {}  # id -> (path, module path, buffer)
        for path, module in modules.values():
            for pname, param in module.named_parameters(recurse=False):
                self.params.setdefault(id(param), ".".join(p for p in (path, pname) if p))
            for bname, buf in module.named_buffers(recurse=False):
                if buf is not None:
                    self.buffers.setdefault(id(buf), (".".join(p for p in (path, bname) if p), path, buf))

    def empty(self, explanation: str) -> Trace:
        return Trace(nodes=(), edges=(), root=None, passes=(), source=self.source, explanation=explanation,
                     output=self.output, last_value=self.last_value)

    def build(self, root_keys: list[Any]) -> Trace:
        """The Trace of the graphs of ``root_keys`` (recorder keys: see ``Recorder.key_of``)
        and of every backward pass."""
        rec = self.rec
        starts = [k.node if isinstance(k, OutputKey) else k for k in root_keys]
        reach = set(rec.ensure_graph(starts + [r for p in rec.passes for r in p.roots]))
        for key in [*root_keys, *(OutputKey(r, nr) for p in rec.passes for r, nr in zip(p.roots, p.root_outputs))]:
            if isinstance(key, OutputKey) and key.nr and key not in rec.nodes:
                rec._register_output(key.node, key.nr)
        const_keys = {ce.const for ce in rec.const_edges if ce.target in reach}
        # An op's further outputs are shown when something uses them, the program named them,
        # or a graph or pass starts there; an unnamed output nothing used would only be clutter.
        wanted = {OutputKey(child, nr) for node in reach for child, nr in node.next_functions if nr}
        wanted.update(k for k in root_keys if isinstance(k, OutputKey))
        wanted.update(OutputKey(r, nr) for p in rec.passes for r, nr in zip(p.roots, p.root_outputs) if nr)
        keys = [k for k in rec.nodes if k in reach or k in const_keys
                or (isinstance(k, OutputKey) and k.node in reach and (k in wanted or rec.nodes[k].label))]
        position = {k: i for i, k in enumerate(keys)}
        ids = {k: f"n{i}" for k, i in position.items()}
        names = list(ids.values())

        rows: list[tuple[int, int, int]] = []  # (target, slot, source) positions, sorted as the edges are listed
        for target, key in enumerate(keys):
            if isinstance(key, tuple):
                continue
            if isinstance(key, OutputKey):
                rows.append((target, 0, position[key.node]))
                continue
            for slot, (child, nr) in enumerate(key.next_functions):
                source = position.get(OutputKey(child, nr) if nr else child)
                if source is not None:
                    rows.append((target, slot, source))
        for ce in rec.const_edges:
            target, source = position.get(ce.target), position.get(ce.const)
            if target is not None and source is not None:
                rows.append((target, ce.slot, source))
        rows.sort()
        edges = [built(Edge, {"source": names[source], "target": names[target], "slot": slot})
                 for target, slot, source in rows]

        outputs_of: dict[Any, list[OutputKey]] = {}
        for key in keys:
            if isinstance(key, OutputKey):
                outputs_of.setdefault(key.node, []).append(key)
        passes = tuple(self._pass(i, p, ids, outputs_of) for i, p in enumerate(rec.passes))
        nodes = tuple(self._node(rec.nodes[k], ids[k], passes) for k in keys)
        variables = {}
        for node in nodes:
            if node.label and not node.internal_to:
                variables.setdefault(node.label, node.id)
        notes = tuple(self._notes(passes, keys, nodes))
        used = set()  # every module a node ran in, and the modules around it
        for path in {n.module for n in nodes if n.module}:
            while path and path not in used:
                used.add(path)
                path = path.rpartition(".")[0]
        modules = {
            path: ModuleInfo(path, type(module).__name__, sum(p.numel() for p in module.parameters()))
            for path, module in self.modules.values()
            if path and path in used
        }
        trace = Trace(nodes=nodes, edges=tuple(edges), root=ids[root_keys[0]], passes=passes,
                      source=self.source, notes=notes, variables=variables,
                      extra_roots=tuple(ids[r] for r in root_keys[1:]), modules=modules, output=self.output,
                      last_value=self.last_value)
        try:
            check_sendable(trace)
        except ProgramError as exc:
            exc.statement = Locator(self.source).statement(exc.line)
            raise
        return trace

    def _module_path(self, module: Any) -> str:
        if module is None:
            return ""
        entry = self.modules.get(id(module))
        return entry[0] if entry is not None and entry[1] is module else type(module).__name__.lower()

    def _node(self, info: NodeInfo, node_id: str, passes: tuple[BackwardPass, ...]) -> Node:
        label = info.label
        grad: TensorValue | None = None
        module = self._module_path(info.module)
        op, internal_to = info.op, info.internal_to
        if info.kind == "leaf":
            param_path = self.params.get(id(info.tensor))
            if param_path:
                label = param_path
                module = param_path.rsplit(".", 1)[0] if "." in param_path else ""
                internal_to = ""  # a parameter met in a recomputation is still the model's
            label = label or self.rec.name_of(info.tensor)
            grad = TensorValue.from_tensor(info.tensor.grad) if info.tensor.grad is not None else None
        elif info.kind == "constant":
            buffer = self.buffers.get(id(info.tensor))
            if buffer is not None and buffer[2] is info.tensor:
                # A module's state (BatchNorm's running_mean), not a value the program made.
                op, label, module = "Buffer", buffer[0], buffer[1]
        else:
            for p in reversed(passes):
                if node_id in p.grad_outputs:
                    grad = p.arriving(node_id)
                    break
        return built(Node, {
            "id": node_id, "kind": info.kind, "op": op, "label": label, "shape": info.shape, "dtype": info.dtype,
            "device": info.device, "module": module, "value": info.value, "internal_to": internal_to,
            "saved": info.saved or (), "line": info.line, "requires_grad": info.requires_grad, "grad": grad,
            "output_nr": info.output_nr, "loop": tuple([(run.line, i, run.count) for run, i in info.loop]),
        })

    @staticmethod
    def _pass(index: int, record: PassRecord, ids: dict, outputs_of: dict[Any, list[OutputKey]]) -> BackwardPass:
        grad_outputs = {ids[k]: v for k, v in record.grad_outputs.items() if k in ids}
        grad_inputs = {ids[k]: v for k, v in record.grad_inputs.items() if k in ids}
        order: list[str] = []
        for node in record.order:
            if node not in ids:
                continue
            # An output node is no engine node: the gradient of output k is the op's
            # grad_outputs[k], complete when the op runs. It is shown arriving just before.
            arrived = record.grad_outputs.get(node, ())
            for key in outputs_of.get(node, ()):
                g = arrived[key.nr] if key.nr < len(arrived) else None
                if g is not None:
                    out_id = ids[key]
                    order.append(out_id)
                    grad_outputs[out_id] = grad_inputs[out_id] = (g,)
            order.append(ids[node])
        roots = []
        for node, nr in zip(record.roots, record.root_outputs or [0] * len(record.roots)):
            key = OutputKey(node, nr) if nr else node
            if key in ids:
                roots.append(ids[key])
        return BackwardPass(
            index=index, line=record.line, call=record.title(), roots=tuple(roots), order=tuple(order),
            grad_outputs=grad_outputs, grad_inputs=grad_inputs,
            leaf_grads={ids[k]: v for k, v in record.leaf_grads.items() if k in ids}, implicit=record.implicit,
        )

    def implicit_note(self, implicit: list[str]) -> str:
        """The note on the backward calls gradviz made itself (``loss.backward()``...): one
        sentence for all of them (the softmax lesson's two roots said it twice)."""
        calls = implicit[0] if len(implicit) == 1 else translate("capture", "{calls} and {last}").format(
            calls=", ".join(implicit[:-1]), last=implicit[-1])
        if self.block:
            note = translate("capture", "The block calls no backward, so gradviz ran {calls} to show gradients.")
        else:
            note = translate("capture", "The program does not call backward, so gradviz ran {calls} to show "
                                        "gradients.")
        return note.format(calls=calls)

    def _notes(self, passes: tuple[BackwardPass, ...], keys: list[Any], nodes: tuple[Node, ...]) -> list[str]:
        notes = []
        implicit = [p.call for p in passes if p.implicit]
        if implicit:
            notes.append(self.implicit_note(implicit))
        rec = self.rec
        again = [p.index + 1 for record, p in zip(rec.passes, passes) if record.inside == RECOMPUTATION]
        if again:
            count = sum(1 for n in nodes if n.internal_to == RECOMPUTATION)
            which = "#" + ", #".join(map(str, again))
            note = (translate("capture", "torch.utils.checkpoint (use_reentrant=True) keeps no graph of the "
                                         "checkpointed code in the forward: during backward it ran that code again "
                                         "and then backward through it (pass {which}). Those {count} nodes are "
                                         "marked \"{marked}\"; the parameters the checkpointed code uses get their "
                                         "gradients there.") if len(again) == 1 else
                    translate("capture", "torch.utils.checkpoint (use_reentrant=True) keeps no graph of the "
                                         "checkpointed code in the forward: during backward it ran that code again "
                                         "and then backward through it (passes {which}). Those {count} nodes are "
                                         "marked \"{marked}\"; the parameters the checkpointed code uses get their "
                                         "gradients there."))
            notes.append(note.format(which=which, count=count, marked=RECOMPUTATION))
        checkpointed = [k for k in keys if k in rec.checkpointed and rec.nodes[k].kind == "op"]
        if checkpointed:
            paths = {self._module_path(rec.nodes[k].module) for k in checkpointed} - {""}
            # the outermost modules only (denselayer1, not also denselayer1.conv1)
            where = sorted(p for p in paths if not any(p.startswith(q + ".") for q in paths))
            inside = translate("capture", " (in {modules})").format(modules=", ".join(where)) if where else ""
            notes.append(translate(
                "capture", "{count} nodes{inside} ran under torch.utils.checkpoint (use_reentrant=False): autograd "
                           "kept none of their saved tensors after the forward and recomputed them during backward. "
                           "The graph and values shown are the forward's; the recomputation builds no nodes of its "
                           "own.").format(count=len(checkpointed), inside=inside))
        return notes

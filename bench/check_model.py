"""Check ``gradviz render FILE.py:Class`` against plain PyTorch on any model file.

    python bench/check_model.py path/to/model.py:GPT --init "GPTConfig(n_layer=1)" \
        --input "torch.randint(0, 9, (1, 4)), targets=torch.randint(0, 9, (1, 4))" [--root out[0]]

Runs the real command (``python -m gradviz render ... -o x.json``, with the gradviz this file
belongs to), then the same model in plain PyTorch in this process — the file imported as
``import model`` would import it (a package's module by its dotted name), ``torch.manual_seed(0)``,
the model, the inputs in order, the forward — and compares:

* the roots (every tensor with a ``grad_fn`` in the output, by its path: ``out[0]``, ``out.loss``),
  and which one backward starts from (a scalar: one named ``loss`` first);
* the autograd graph: the op nodes reachable from the roots, counted by type;
* the roots' values, every parameter's gradient and every buffer's value (rel 1e-5, abs 1e-6).

Prints ``PASS`` or ``FAIL`` with the differences; exits 0, 1 (differences) or 2 (a run failed).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import importlib
import importlib.util
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RTOL, ATOL = 1e-5, 1e-6


def _package_root(path: Path) -> tuple[Path, str]:
    parts, folder = [path.stem], path.parent
    while (folder / "__init__.py").is_file() and folder.name.isidentifier():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def import_model_file(path: Path) -> Any:
    """``path`` imported as its own folder would import it (``sys.argv`` as if it ran alone)."""
    root, dotted = _package_root(path)
    sys.path[:0] = [str(path.parent), str(root)]
    sys.path += [str(p) for p in list(path.parents)[1:9]]  # as if run from the repository's root
    sys.argv = [str(path)]
    if "." in dotted:
        try:
            return importlib.import_module(dotted)
        except ImportError:  # its package's __init__ needs more than the file does: the file alone
            dotted = path.stem
    spec = importlib.util.spec_from_file_location(dotted, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[dotted] = module
    spec.loader.exec_module(module)
    return module


def _arguments(text: str) -> list[tuple[str | None, str]]:
    if not text.strip():
        return []
    source = f"f(\n{text}\n)"
    call = ast.parse(source, mode="eval").body
    return [(None, ast.get_source_segment(source, a)) for a in call.args] + \
        [(k.arg, ast.get_source_segment(source, k.value)) for k in call.keywords]


def _tensor_paths(value: Any, path: str, depth: int = 0) -> list[tuple[str, Any]]:
    """Every tensor in ``value`` with its path (``out[0]``, ``out['loss']``, ``out.logits``)."""
    import torch

    if isinstance(value, torch.Tensor):
        return [(path, value)]
    if depth >= 4 or value is None or isinstance(value, (str, bytes, int, float, bool, torch.nn.Module)):
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [(f".{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, tuple) and hasattr(type(value), "_fields"):
        items = [(f".{n}", getattr(value, n)) for n in type(value)._fields]
    elif isinstance(value, Mapping):
        items = [(f"[{k!r}]", v) for k, v in value.items()]
    elif isinstance(value, (tuple, list)):
        items = [(f"[{i}]", v) for i, v in enumerate(value)]
    elif hasattr(value, "__dict__") and not type(value).__module__.startswith(("torch", "builtins", "numpy")):
        items = [(f".{k}", v) for k, v in vars(value).items() if not k.startswith("_")]
    else:
        return []
    out: list[tuple[str, Any]] = []
    for step, child in items:
        out += _tensor_paths(child, path + step, depth + 1)
    return out


def _graph_ops(roots: list[Any]) -> Counter:
    seen, stack, ops = set(), [r.grad_fn for r in roots if r.grad_fn is not None], Counter()
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if type(fn).__name__ != "AccumulateGrad":
            ops[type(fn).__name__] += 1
        stack.extend(f for f, _ in fn.next_functions)
    return ops


def reference(spec: str, init: str, input_text: str, root: str | None) -> dict[str, Any]:
    """The model in plain PyTorch: roots, seed, op counts, values, gradients, buffers."""
    import torch

    path_text, _, cls_name = spec.rpartition(":")
    path = Path(path_text).resolve()
    with contextlib.redirect_stdout(sys.stderr):
        module = import_model_file(path)
    ns = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "math": math, **vars(module)}
    torch.manual_seed(0)
    with contextlib.redirect_stdout(sys.stderr):
        model = eval(f"{cls_name}({init})", ns)
    args, kwargs = [], {}
    for keyword, text in _arguments(input_text):
        value = eval(text, ns)
        if keyword is None:
            args.append(value)
        else:
            kwargs[keyword] = value
    out = model(*args, **kwargs)
    if root:
        roots = [(root, eval(root, {"out": out}))]
    else:
        roots = [(p, t) for p, t in _tensor_paths(out, "out") if t.grad_fn is not None]
    roots = list({id(t): (p, t) for p, t in reversed(roots)}.values())[::-1]  # each tensor once
    scalars = [(p, t) for p, t in roots if t.numel() == 1 and t.is_floating_point()]
    seed = next(((p, t) for p, t in scalars if p.endswith((".loss", "['loss']"))), scalars[0] if scalars else None)
    values = {p: t.detach().clone() for p, t in roots}
    ops = _graph_ops([t for _, t in roots])
    params = dict(model.named_parameters())
    if seed is not None or root:
        path_, tensor = seed or roots[0]
        tensor.backward(torch.ones_like(tensor))
        grads = {n: (None if p.grad is None else p.grad.clone()) for n, p in params.items()}
    else:  # each root a pass of its own; a parameter's .grad is that of the last pass that reached it
        grads = {}
        for _, tensor in roots:
            for p in params.values():
                p.grad = None
            tensor.backward(torch.ones_like(tensor), retain_graph=True)
            for n, p in params.items():
                if p.grad is not None:
                    grads[n] = p.grad.clone()
        grads = {n: grads.get(n) for n in params}
    buffers = {n: b.detach().clone() for n, b in model.named_buffers()}
    return {"roots": [p for p, _ in roots], "seed": seed[0] if seed else None, "values": values, "ops": ops,
            "grads": grads, "buffers": buffers}


def _close(data: Any, expected: Any) -> bool:
    if data is None:
        return False
    if isinstance(data, dict):  # a summary of a large tensor
        e = expected.double()
        return math.isclose(data["mean"], e.mean().item(), rel_tol=1e-4, abs_tol=1e-5) and \
            math.isclose(data["min"], e.min().item(), rel_tol=1e-4, abs_tol=1e-5)
    a = np.asarray(data, dtype=np.float64)
    b = expected.detach().double().numpy()
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)


def compare(graph: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    problems = []
    nodes = {n["id"]: n for n in graph["nodes"]}
    labels = {n["label"]: n for n in graph["nodes"] if n["label"]}
    shown = [nodes[r]["label"] for r in graph["roots"]]
    expected = ref["roots"]
    if ref["seed"] is not None:
        expected = [ref["seed"]] + [r for r in expected if r != ref["seed"]]
    if shown != expected:
        problems.append(f"roots {shown}, expected {expected}")
    ops = Counter(n["op"] for n in graph["nodes"] if n["kind"] == "op" and not n["internal_to"].startswith(
        ("backward", "checkpoint recomputation")))
    if ops != ref["ops"]:
        diff = {k: (ops.get(k, 0), ref["ops"].get(k, 0)) for k in set(ops) | set(ref["ops"])
                if ops.get(k, 0) != ref["ops"].get(k, 0)}
        problems.append(f"op nodes differ (gradviz, torch): {diff}")
    for path, value in ref["values"].items():
        node = labels.get(path)
        if node is None:
            problems.append(f"root {path} not shown")
        elif not _close(node["value"], value):
            problems.append(f"value of {path}")
    for name, grad in ref["grads"].items():
        node = labels.get(name)
        if grad is None:
            if node is not None and node["grad"] is not None and np.any(np.asarray(node["grad"]) != 0):
                problems.append(f"parameter {name} has a gradient torch does not give it")
        elif node is None:
            problems.append(f"parameter {name} not shown")
        elif not _close(node["grad"], grad):
            problems.append(f"gradient of parameter {name}")
    for name, value in ref["buffers"].items():
        node = labels.get(name)
        if node is not None and value.is_floating_point() and not _close(node["value"], value):
            problems.append(f"value of buffer {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", help="path/to/file.py:ClassName")
    parser.add_argument("--init", default="")
    parser.add_argument("--input", default="")
    parser.add_argument("--root", default=None)
    parser.add_argument("--python", default=sys.executable, help="the Python that runs gradviz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "x.json"
        command = [args.python, "-m", "gradviz", "render", args.spec, "--init", args.init, "--input", args.input,
                   "-o", str(target)] + (["--root", args.root] if args.root else [])
        start = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            print(f"FAIL: gradviz render exited {run.returncode} after {seconds:.1f} s\n{run.stderr.strip()}")
            return 2
        graph = json.loads(target.read_text())
    try:
        ref = reference(args.spec, args.init, args.input, args.root)
    except Exception as exc:  # noqa: BLE001 - plain PyTorch failing is a finding of its own
        print(f"FAIL: plain PyTorch raised {type(exc).__name__}: {exc} (gradviz rendered it)")
        return 2
    problems = compare(graph, ref)
    summary = f"{len(graph['nodes'])} nodes, {sum(ref['ops'].values())} ops, {len(ref['grads'])} parameters, " \
              f"roots {ref['roots']}, {seconds:.1f} s"
    if problems:
        print(f"FAIL ({summary})")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"PASS ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

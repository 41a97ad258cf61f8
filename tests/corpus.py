"""A corpus of model files written the way real repositories write them (tests/fixtures/models),
and the plain-PyTorch reference every way of loading them (in process, CLI, app) is checked against.

Each case is ``path.py:Class`` with its constructor's and forward's arguments (Python, with
the file's names in scope) and what gradviz must draw: the roots, in order, by their paths
into the output, and the seed backward starts from (None: each root is a seed of its own, one
backward call after the other, the leaves' .grad adding up, as the calls gradviz's note names
for outputs without a scalar among them).
The reference runs the same Python in plain PyTorch, torch.manual_seed(0) first.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gradviz.core.trace import BackwardPass, Edge, Node, TensorValue, Trace

from .core.capture.differential import Reference, disagreements

MODELS = Path(__file__).parent / "fixtures" / "models"
FLAT_REPO = MODELS / "flatrepo"  # a repository without __init__.py files, imported from its root


@dataclass(frozen=True)
class Case:
    file: str
    cls: str
    init: str
    input: str
    roots: tuple[str, ...]  # expected roots, by path into the output, the graph's root first
    seed: str | None  # the scalar backward starts from; None: every root is a seed
    inputs: tuple[str, ...]  # the names gradviz gives the forward's arguments
    root: str = ""  # --root, when the case chooses one

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}-{self.cls}" + (f"-{self.root}" if self.root else "") + \
            ("-reentrant" if "use_reentrant=True" in self.init else "")

    @property
    def path(self) -> Path:
        return MODELS / self.file

    @property
    def spec(self) -> str:
        return f"{self.path}:{self.cls}"


CASES = [
    Case("gpt_mini.py", "GPT", "GPTConfig(n_layer=2, n_head=2, n_embd=16, vocab_size=32, block_size=8)",
         "torch.randint(0, 32, (2, 8)), targets=torch.randint(0, 32, (2, 8))", ("out[1]", "out[0]"), "out[1]",
         ("idx", "targets")),
    Case("gpt_mini.py", "GPT", "GPTConfig(n_layer=1, n_head=2, n_embd=8, vocab_size=16, block_size=4)",
         "torch.randint(0, 16, (1, 4)), targets=torch.randint(0, 16, (1, 4))", ("out[0]",), "out[0]",
         ("idx", "targets"), root="out[0]"),
    Case("train_mnist_script.py", "Net", "", "torch.randn(2, 1, 8, 8)", ("out",), "out", ("x",)),
    Case("char_rnn.py", "RNN", "N_LETTERS, 8, 5", "letter_to_tensor(3), torch.zeros(1, 8)",
         ("out[0]", "out[1]"), None, ("input_", "hidden")),
    Case("vae.py", "VAE", "", "torch.rand(4, 12)", ("out[0]", "out[1]", "out[2]"), None, ("x",)),
    Case("hf_classifier.py", "TinyForSequenceClassification", "TinyConfig(vocab_size=30, hidden_size=8, num_labels=3)",
         "input_ids=torch.randint(0, 30, (2, 5)), attention_mask=torch.ones(2, 5, dtype=torch.long), "
         "labels=torch.tensor([0, 2])", ("out.loss", "out.logits", "out.hidden_states"), "out.loss",
         ("input_ids", "attention_mask", "labels")),
    Case("dict_heads.py", "MultiHead", "{'hidden': 12}",
         "torch.randn(5, 6), labels=torch.randint(0, 4, (5,)), targets=torch.randn(5)",
         ("out['loss']", "out['logits']", "out['value']"), "out['loss']", ("x", "labels", "targets")),
    Case("lstm_tagger.py", "LSTMTagger", "6, 5, 10, 3", "torch.tensor([1, 4, 2, 7]), init_hidden(5)",
         ("out.tag_scores", "out.hidden[0]", "out.hidden[1]"), None, ("sentence", "hidden")),
    Case("checkpointed_mlp.py", "CheckpointedMLP", "width=6, depth=3, use_reentrant=False", "torch.randn(4, 6)",
         ("out",), "out", ("x",)),
    Case("checkpointed_mlp.py", "CheckpointedMLP", "width=6, depth=3, use_reentrant=True", "torch.randn(4, 6)",
         ("out",), "out", ("x",)),
    Case("binary_net.py", "BinaryNet", "(8, 16, 4)", "torch.randn(6, 8)", ("out",), "out", ("x",)),
    Case("ortho_rnn.py", "OrthoLSTM", "", "torch.randn(2, 5, 4)", ("out",), "out", ("x",)),
    Case("cfgnode_resnet.py", "ResNet", "get_cfg_defaults()", "torch.randn(2, 3, 6, 6)", ("out",), "out", ("x",)),
    Case("factory_resnet.py", "resnet_tiny", "num_classes=4", "torch.randn(2, 3, 8, 8)", ("out",), "out", ("x",)),
    Case("flatrepo/nets/heads/classifier.py", "Classifier", "width=6, classes=3",
         "torch.randn(4, 6), labels=torch.tensor([0, 2, 1, 1])", ("out[1]", "out[0]"), "out[1]", ("x", "labels")),
    Case("heavypkg/dual_encoder.py", "DualEncoder", "",
         "torch.randn(3, 3, 6, 6), torch.tensor([[1, 4, 9, 0, 0], [2, 9, 3, 3, 0], [9, 1, 1, 1, 1]])",
         ("out[0]", "out[1]"), None, ("image", "text")),
    Case("pkg/model.py", "Stack", "depth=3", "torch.randn(3, DIM)", ("out",), "out", ("x",)),
    Case("seq2seq_attention.py", "Seq2Seq", "",
         "torch.randint(0, 12, (2, 5)), torch.randint(0, 12, (2, 4)), "
         "src_mask=torch.tensor([[True] * 5, [True] * 3 + [False] * 2])", ("out[0]", "out[1]"), None,
         ("src", "tgt", "src_mask")),
    Case("siamese.py", "SiameseNet", "", "torch.randn(4, 7), torch.randn(4, 7), same=torch.tensor([1., 0., 1., 0.])",
         ("out[1]", "out[0]"), "out[1]", ("x1", "x2", "same")),
]


@contextlib.contextmanager
def _as_script(path: Path):
    """``sys.argv`` as if the file ran alone, its folder (and package root) importable."""
    argv, path_before = sys.argv[:], sys.path[:]
    sys.argv = [str(path)]
    sys.path[:0] = [str(path.parent), str(MODELS), str(FLAT_REPO)]
    try:
        yield
    finally:
        sys.argv, sys.path[:] = argv, path_before


def load_module(case: Case) -> Any:
    """The case's file imported by plain importlib (a package's module by its dotted name)."""
    with _as_script(case.path):
        if case.path.is_relative_to(FLAT_REPO):
            return importlib.import_module(".".join(case.path.relative_to(FLAT_REPO).with_suffix("").parts))
        if case.path.parent != MODELS:
            try:
                return importlib.import_module(f"{case.path.parent.name}.{case.path.stem}")
            except ImportError:  # its package's __init__ needs what the file does not: the file alone
                pass
        name = f"corpus_{case.path.stem}"
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, case.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module


def _arguments(text: str) -> list[tuple[str | None, str]]:
    import ast

    source = f"f(\n{text}\n)"
    call = ast.parse(source, mode="eval").body
    return [(None, ast.get_source_segment(source, a)) for a in call.args] + \
        [(k.arg, ast.get_source_segment(source, k.value)) for k in call.keywords]


def reference(case: Case) -> tuple[Reference, dict[str, torch.Tensor], torch.nn.Module]:
    """The case in plain PyTorch: the Reference (named tensors), every parameter by path, the model."""
    module = load_module(case)
    ns = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "math": math, **vars(module)}
    torch.manual_seed(0)
    model = eval(f"{case.cls}({case.init})", ns)
    positional, keywords, named = [], {}, {}
    for (keyword, text), name in zip(_arguments(case.input), case.inputs):
        value = eval(text, ns)
        named[name] = value
        if keyword is None:
            positional.append(value)
        else:
            keywords[keyword] = value
    out = model(*positional, **keywords)
    roots = [eval(r, {"out": out}) for r in case.roots]
    tensors: dict[str, torch.Tensor] = {}
    for name, value in named.items():
        if isinstance(value, torch.Tensor):
            tensors[name] = value
        elif isinstance(value, tuple):
            tensors.update((f"{name}[{i}]", t) for i, t in enumerate(value) if isinstance(t, torch.Tensor))
    params = dict(model.named_parameters())
    tensors.update(params)
    tensors.update(model.named_buffers())
    tensors.update(zip(case.roots, roots))
    forward = {k: t.detach().clone() for k, t in tensors.items()}
    if case.seed is not None:
        seed = eval(case.seed, {"out": out})
        for t in roots:
            t.retain_grad()
        seed.backward(None if seed.numel() == 1 else torch.ones_like(seed))
    else:
        for root in roots:  # each root its own pass
            root.backward(torch.ones_like(root), retain_graph=True)
    return Reference(tensors, roots, forward), params, model


def check(trace: Trace, case: Case) -> list[str]:
    """Where ``trace`` differs from plain PyTorch on ``case``: graph, values, every parameter's
    gradient (rel 1e-5), and the roots gradviz chose."""
    ref, params, _model = reference(case)
    problems = disagreements(trace, ref)
    labels = {n.label: n for n in trace.nodes}
    for pname, param in params.items():
        node = labels.get(pname)
        if param.grad is None:  # not in the graph (or not reached): torch leaves its .grad None
            if node is not None and node.grad is not None:
                problems.append(f"parameter {pname} has a gradient torch does not give it")
        elif node is None:
            problems.append(f"parameter {pname} is not shown")
        elif node.grad is None or node.grad.data is None or not np.allclose(
                node.grad.data, param.grad.numpy(), rtol=1e-5, atol=1e-6):
            problems.append(f"gradient of parameter {pname}")
    shown_roots = tuple(trace.node(r).label for r in trace.roots)
    if shown_roots != case.roots:
        problems.append(f"roots {shown_roots}, expected {case.roots}")
    return problems


# ----- the json interchange format, read back -----------------------------------------------
def _value(data: Any, dtype: str) -> TensorValue | None:
    if data is None:
        return None
    if isinstance(data, dict):
        return TensorValue(tuple(data["shape"]), dtype, "cpu", None, (data["min"], data["max"], data["mean"],
                                                                        data["std"], math.nan))
    kind = np.bool_ if dtype == "bool" else (np.int64 if dtype.startswith("int") else np.float64)
    array = np.asarray(data, dtype=kind)
    return TensorValue(tuple(array.shape), dtype, "cpu", array)


def trace_from_json(data: dict) -> Trace:
    """The Trace in a ``gradviz render -o x.json`` file, enough of it for :func:`check`."""
    nodes = tuple(Node(n["id"], n["kind"], n["op"], n["label"], tuple(n["shape"]), n["dtype"], n["device"], n["module"],
                       _value(n["value"], n["dtype"]), n["internal_to"], (), n["line"], n["requires_grad"],
                       _value(n["grad"], n["dtype"]), n["output_nr"]) for n in data["nodes"])
    dtypes = {n.id: n.dtype for n in nodes}
    passes = tuple(BackwardPass(p["index"], p["line"], p["call"], tuple(p["roots"]), tuple(p["order"]),
                                {k: (_value(v, dtypes[k]),) for k, v in p["grads"].items()}, {},
                                {k: _value(v, dtypes[k]) for k, v in p["leaf_grads"].items()}, p["implicit"])
                   for p in data["passes"])
    roots = data["roots"]
    return Trace(nodes, tuple(Edge(e["source"], e["target"], e["slot"]) for e in data["edges"]),
                 roots[0] if roots else None, passes, extra_roots=tuple(roots[1:]))

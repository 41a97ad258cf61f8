"""Program generators for fuzzing gradviz's language: plain functions of a ``random.Random``.

* :func:`valid_program` -- from a small grammar of the language: tensor ops, loops, indexing,
  method calls, backward, ``with torch.no_grad()``, modules, optimizers, imports, attribute
  stores. Shapes are tracked, so most programs run; the rest fail with a runtime error.
* :func:`malformed_program` -- a valid program mutated: truncated, random characters (null
  bytes, surrogates, odd line breaks), deep nesting, long lines, unbalanced brackets,
  statements the compiler refuses, oversized sources.
* :func:`hostile_program` -- a valid program with introspection spliced in: attribute chains
  through generators, frames, functions, classes and modules, string keys into namespaces,
  stores into torch, format strings, imports. Each chain ends by touching ``gv_canary``.

No hypothesis here: ``bench/fuzz.py`` can draw thousands of programs from the same functions.
"""

from __future__ import annotations

import random
import re

#: A sentinel a fuzz test plants where only an escape can reach it (module globals, builtins).
CANARY = "gv_canary"

SHAPES = ((3,), (2, 3), (3, 3), (4,))
_UNARY = ("torch.sin({})", "{}.exp()", "F.relu({})", "torch.tanh({})", "{}.abs()", "{}.sigmoid()",
          "({} * 2.0)", "(-{})", "({} ** 2)", "{}.clamp(min=0.1)", "F.softmax({}, dim=-1)", "{}.detach()",
          "{}.clone()", "(math.pi * {})", "torch.special.expit({})", "{}.pow(2).sqrt()")
_BINARY = ("({} + {})", "({} * {})", "({} - {})", "({} / ({}.abs() + 1))", "torch.maximum({}, {})")
_REDUCE = ("{}.sum()", "{}.mean()", "({} ** 2).sum()", "{}.norm()", "{}.max()")


class _Grammar:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.tensors: dict[str, tuple[int, ...]] = {}
        self.count = 0

    def name(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def leaf(self, shape: tuple[int, ...]) -> str:
        size = ", ".join(map(str, shape))
        grad = self.rng.choice((", requires_grad=True", ""))
        return self.rng.choice((f"torch.randn({size}{grad})", f"torch.ones({size}{grad})",
                                f"(torch.rand({size}) * 2 - 1)", f"torch.full(({size},), 0.5{grad})"))

    def of_shape(self, shape: tuple[int, ...], depth: int = 0) -> str:
        known = [n for n, s in self.tensors.items() if s == shape]
        roll = self.rng.random()
        if depth > 2 or roll < 0.3:
            return self.rng.choice(known) if known and roll < 0.25 else self.leaf(shape)
        if roll < 0.65:
            return self.rng.choice(_UNARY).format(self.of_shape(shape, depth + 1))
        a, b = self.of_shape(shape, depth + 1), self.of_shape(shape, depth + 1)
        return self.rng.choice(_BINARY).format(a, b, b)

    def tensor(self) -> str:
        shape = self.rng.choice(SHAPES)
        name = self.name()
        expr = self.of_shape(shape)
        if shape == (2, 3) and self.rng.random() < 0.3:
            expr = f"({expr} @ {self.of_shape((3, 3))})"
        self.lines.append(f"{name} = {expr}")
        self.tensors[name] = shape
        return name

    def pick(self) -> tuple[str, tuple[int, ...]]:
        if not self.tensors:
            self.tensor()
        name = self.rng.choice(sorted(self.tensors))
        return name, self.tensors[name]

    def statement(self) -> None:
        rng = self.rng
        choice = rng.randrange(17)
        name, shape = self.pick()
        add = self.lines.append
        if choice == 0:
            add(f"for i in range({rng.randint(1, 4)}):")
            add(f"    {name} = {name} * 0.9 + {self.of_shape(shape, 2)}")
        elif choice == 1:
            add(f"loss = {rng.choice(_REDUCE).format(name)}")
            add("loss.backward(retain_graph=True)" if rng.random() < 0.8 else "loss.backward()")
            add(rng.choice(("g = loss.grad_fn.next_functions", "n = loss.grad_fn.name()",
                            f"gr = {name}.grad", "meta = loss.grad_fn.metadata")))
        elif choice == 2:
            add("with torch.no_grad():")
            add(f"    w = {name} * 2")
            add("print(w.requires_grad, w.grad_fn)")
        elif choice == 3:
            add(f"if {name}.sum().item() > 0:")
            add(f"    {name} = {name} + 1")
            add("else:")
            add(f"    {name} = {name} - 1")
        elif choice == 4:
            add(f"v = {name}[0]" if len(shape) > 1 else f"v = {name}[1:].sum() + {name}[0]")
        elif choice == 5:
            add(f"vals = [{name}.flatten()[j].item() for j in range({shape[0]})]")
            add("print(len(vals), sum(vals) > 0)")
        elif choice == 6 and shape[-1] == 3:
            add(f"lin = nn.Linear(3, {rng.randint(1, 4)})")
            add(f"out = lin({name})")
            add(rng.choice(("n = lin.in_features", "p = sum([q.numel() for q in lin.parameters()])",
                            "lin.note = 'x'", "sd = lin.state_dict()", "lin.weight.requires_grad = False")))
        elif choice == 7:
            add(f"p = torch.randn({', '.join(map(str, shape))}, requires_grad=True)")
            add("opt = torch.optim.SGD([p], lr=0.1)")
            add("for step in range(2):\n    opt.zero_grad()\n    l = (p * p).sum()\n    l.backward()\n    opt.step()")
            add("lr = opt.param_groups[0]['lr']")
        elif choice == 8:
            add(f"print(f\"{{{name}.sum().item():.3f}}\", {name}.shape, {name}.dtype)")
        elif choice == 9:
            add(f"d = {{'t': {name}, 'n': {rng.randint(0, 9)}, 'k': ({rng.random():.2f}, 'a')}}")
            add("s = d['t'].sum() * d['n']")
        elif choice == 10:
            add("k = 0")
            add(f"while k < {rng.randint(1, 5)}:\n    k += 1")
        elif choice == 11:
            add(f"leaf = torch.ones({', '.join(map(str, shape))})")
            add("leaf.requires_grad = True")
            add("y = (leaf * 3).sum()\ny.backward()")
            add(rng.choice(("leaf.data -= 0.1 * leaf.grad", "leaf.grad = None", "leaf.grad.zero_()")))
        elif choice == 12:
            add(f"top = torch.max({name}.reshape(-1), dim=0)")
            add("idx = top.indices.item() + top.values.item()")
        elif choice == 13:
            add(f"assert {name}.shape[0] == {shape[0]}")
        elif choice == 14:
            add(f"{name}2 = {name}.t()" if len(shape) == 2 else f"{name}2 = {name}.unsqueeze(0)")
        elif choice == 15:
            add(f"h = {name}.register_hook(print)" if rng.random() < 0.5 else "s = 'ab'.upper().split('A')")
        else:
            self.tensor()


_IMPORTS = ("import torch", "import torch.nn as nn", "import torch.nn.functional as F", "from torch import nn",
            "from torch.nn import functional as F", "import math", "import torch.optim as optim",
            "from torch import optim", "from torch import tensor, zeros")


def valid_program(rng: random.Random) -> str:
    """A program of the language, most of which runs."""
    grammar = _Grammar(rng)
    grammar.lines += rng.sample(_IMPORTS, rng.randint(0, 3))
    if rng.random() < 0.5:
        grammar.lines.append(f"torch.manual_seed({rng.randint(0, 99)})")
    grammar.tensor()
    for _ in range(rng.randint(1, 10)):
        grammar.statement()
    if rng.random() < 0.4:
        grammar.lines.append(grammar.pick()[0])  # a bare last expression
    return "\n".join(grammar.lines) + rng.choice(("", "\n", "\r\n", "\n\n"))


_INJECTED = ("break", "continue", "return 1", "yield 1", "*a = 1", "a, *b, *c = 1, 2, 3", "nonlocal x", "global x",
             "x: int", "del 1", "f(**)", "lambda: 1", "await x", "async def f(): pass", "def f(): pass",
             "class A: pass", "try:\n    pass\nexcept Exception:\n    pass", "match x:\n    case 1:\n        pass",
             "(y := 1)", "import os", "from . import x", "x = {1, 2}", "x = (i for i in [1])", "raise ValueError",
             "@dec\ndef f(): pass", "x = 1 if else 2", "x = [1, 2", "x = 'abc", 'x = """', "print(1))", "\tx = 1",
             "  x = 1", "x = 10 ** 5000 + 9" + "9" * 4400, "x = 0x", "x = 1__0", "else:", "with:", "for in x:")
_CHARS = "()[]{}:;,.=+-*/%@'\"\\#\t \n\r\x0c\x00\x1c\x85\u2028\ud800\udfff\ufeffé漢😀_abc0x"


def _mutate(rng: random.Random, source: str) -> str:
    kind = rng.randrange(12)
    cut = rng.randint(0, len(source))
    if kind == 0:
        return source[:cut]
    if kind == 1:
        noise = "".join(rng.choice(_CHARS) for _ in range(rng.randint(1, 8)))
        return source[:cut] + noise + source[cut:]
    if kind == 2:
        return source[:cut] + source[rng.randint(cut, len(source)):]
    if kind == 3:
        depth = rng.choice((30, 99, 150, 201, 500, 5000))
        opener, closer = rng.choice((("(", ")"), ("[", "]"), ("{", "}"), ("-", ""), ("not ", ""), ("f(", ")")))
        return f"{source}\nx = {opener * depth}1{closer * depth}"
    if kind == 4:
        terms = rng.choice((50, 120, 3_000, 60_000))
        return f"{source}\nx = {'+'.join(['1'] * terms)}"
    if kind == 5:
        return f"{source}\ns = '{'a' * rng.choice((1_000, 100_000, 250_000))}'"
    if kind == 6:
        lines = source.split("\n")
        pos = rng.randrange(len(lines) + 1)
        return "\n".join(lines[:pos] + [rng.choice(_INJECTED)] + lines[pos:])
    if kind == 7:
        brackets = [i for i, c in enumerate(source) if c in "()[]{}"]
        if brackets:
            i = rng.choice(brackets)
            return source[:i] + source[i + 1:]
        return source + ")"
    if kind == 8:
        return source + "\nx = 1" * rng.choice((10, 5_001))
    if kind == 9:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        return source[:cut] + data.decode("latin-1") + source[cut:]
    if kind == 10:
        lines = source.split("\n")
        pos = rng.randrange(len(lines))
        lines[pos] = " " * rng.randint(1, 9) + lines[pos]
        return "\n".join(lines)
    return source.replace("\n", rng.choice(("\r", "\x0c\n", "\n\x00", "\\\n", ";")), rng.randint(1, 3))


def malformed_program(rng: random.Random) -> str:
    """A valid program after one to three mutations."""
    source = valid_program(rng)
    for _ in range(rng.randint(1, 3)):
        source = _mutate(rng, source)
    return source


_RECEIVERS = ("nn.Linear(2, 2).parameters()", "nn.Linear(2, 2).named_modules()", "F.relu", "print", "str",
              "torch.Tensor", "torch", "nn", "F", "math", "torch.ones(2)", "(torch.ones(2, requires_grad=True) * 2).grad_fn",
              "'{0}'", "[]", "{}", "range(3)", "zip([1])", "enumerate([1])", "nn.Linear(1, 1)", "torch.float32",
              "torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1)", "torch.ones(1).sum", "len", "sorted",
              "nn.Module", "torch.no_grad()", "torch.max(torch.ones(2), dim=0)", "torch.Size([2])", "dict", "(1)",
              "NeuralNetwork(2, 2)", "NeuralNetwork", "nn.Linear(1, 1).state_dict()", "torch.ones(1).register_hook(print)")
_ATTRIBUTES = ("gi_frame", "f_globals", "f_back", "f_builtins", "f_locals", "gi_code", "co_consts", "co_code",
               "cr_frame", "cr_code", "tb_frame", "tb_next", "__globals__", "__self__", "__class__", "__mro__",
               "__subclasses__", "__base__", "__bases__", "__dict__", "__builtins__", "__init__", "__func__",
               "__closure__", "__code__", "__reduce_ex__", "__getattribute__", "func_globals", "im_func", "load",
               "save", "from_file", "hub", "jit", "ops", "aten", "_C", "utils", "cpp_extension", "classes", "library",
               "storage", "untyped_storage", "numpy", "tofile", "ctypes", "share_memory_", "format", "format_map",
               "os", "sys", "system", "environ", "modules", "_modules", "_parameters", "_buffers", "__call__",
               "forward", "register_forward_hook", "compile", "_saved_self", "_raw_saved_self", "variable",
               "next_functions", "metadata", "weight", "data", "grad", "T", "mro", "gv_canary", "apply",
               "get_submodule", "_metadata", "set_", "data_ptr", "nn", "functional", "multiprocessing")
_KEYS = ("'__builtins__'", "'open'", f"'{CANARY}'", "0", "-1", "'__import__'", "'os'", "'torch'")
_HOSTILE_LINES = ("import os", "from torch import load", "import torch.hub", "import numpy as np",
                  "from torch.utils import data", "import builtins", "from torch import _C", "import torch._C",
                  f"x = {CANARY}.touch()", "x = getattr(torch, 'load')", "x = vars(torch)", "x = dir()",
                  "x = type(torch.ones(1))", "exec('1')", "x = globals()", "x = __builtins__",
                  "torch.Tensor.sum = print", "nn.Module.__call__ = print", "F.relu = print", "del torch.ones",
                  "torch.ones(1).numpy().tofile('gv_escape')", "open('gv_escape', 'w')",
                  "print('x', file=None)", "x = '{0.__class__.__mro__}'.format(1)", "x = f'{1:{\"{}\".format}}'",
                  "x = sorted([1], key=str.format)", "x = torch.load('gv_escape')",
                  # Writable index arrays of a sparse tensor, trusted unchecked by to_dense().
                  "s = torch.ones(4).to_sparse()\ns.indices().fill_(10**10)\nx = s.to_dense()",
                  "s = torch.ones(2, 2).to_sparse(layout=torch.sparse_csr)\ns.crow_indices().fill_(10**6)")


def _chain(rng: random.Random, calls: bool = True) -> str:
    text = rng.choice(_RECEIVERS)
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.7 or not calls:
            # Mostly names the source check lets through: the run-time rule must stop those.
            pool = _ATTRIBUTES if rng.random() < 0.3 else [a for a in _ATTRIBUTES if not a.startswith("_")]
            text += "." + rng.choice(pool)
        elif roll < 0.85:
            text += f"[{rng.choice(_KEYS)}]"
        else:
            text += rng.choice(("()", "('gv_escape')", f"({CANARY})"))
    if not calls:
        return text + rng.choice((f".{CANARY}", f"['{CANARY}']", ""))
    return text + rng.choice((f".{CANARY}.touch()", f"['{CANARY}'].touch()", ".touch()", ""))


# Paths that lead, or once led, to a module's globals or to the builtins: each is tried as is,
# or with one step swapped for a random attribute, and then asked for the canary.
_ROUTES = ("nn.Linear(2, 2).parameters().gi_frame.f_globals", "nn.Linear(2, 2).modules().gi_frame.f_globals",
           "nn.Linear(2, 2).named_parameters().gi_frame.f_back.f_globals",
           "nn.Linear(2, 2).parameters().gi_frame.f_builtins", "NeuralNetwork(2, 2).children().gi_frame.f_globals",
           "F.relu.__globals__", "nn.init.zeros_.__globals__", "nn.Linear(1, 1).forward.__globals__",
           "nn.Linear(1, 1).forward.__func__.__globals__", "torch.nn.Module.__init__.__globals__",
           "[].__class__.__base__.__subclasses__()[-1].__init__.__globals__", "__builtins__",
           "torch.nn.modules.module.__dict__", "torch.__dict__", "F.__dict__", "vars(torch)", "globals()",
           "torch.ones(1).sum.__self__.__class__.__dict__", "nn.Linear(2, 2).parameters().gi_code.co_consts")


def _route(rng: random.Random) -> str:
    steps = rng.choice(_ROUTES).split(".")
    if len(steps) > 2 and rng.random() < 0.3:
        steps[rng.randrange(1, len(steps))] = rng.choice(_ATTRIBUTES)
    path = ".".join(steps)
    return rng.choice((f"{path}['{CANARY}'].touch()", f"{path}.get('{CANARY}').touch()",
                       f"'{{0[{CANARY}]}}'.format({path})", f"{path}['__builtins__']['{CANARY}'].touch()",
                       f"torch.{CANARY}.touch()", f"F.{CANARY}.touch()", f"{path}.{CANARY}.touch()"))


# Names an import may bind that reach Python's or gradviz's internals: torch as __builtins__ once
# made every torch global (the canary among them, and torch's importer) a comprehension's builtin.
_BIND_NAMES = ("__builtins__", "__gv_tick", "__gv_line", "__gv_import", "__gv_attr", "__gv_assigned", "__name__",
               "__spec__", "__loader__", "eval", "exec", "globals", "open", "__import__", "type", "getattr")
_ALIASED = ("import torch", "import torch.nn", "import math", "from torch import nn", "from torch import ones",
            "from math import isfinite", "import torch.nn.functional")


def _alias_attack(rng: random.Random) -> str:
    use = rng.choice((f"x = [{CANARY} for q in [0]][0].touch()", "x = [_import_dotted_name for q in [0]][0]",
                      f"x = {CANARY}.touch()", "while True:\n    pass"))
    return f"{rng.choice(_ALIASED)} as {rng.choice(_BIND_NAMES)}\n{use}"


def _attack(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return _alias_attack(rng)
    chain = _route(rng) if rng.random() < 0.5 else _chain(rng)
    target = _chain(rng, calls=False)
    forms = (f"x = {chain}", chain, f"{target} = print", f"{target} += 1", f"del {target}", f'x = f"{{{chain}}}"',
             f"x = sorted([{rng.choice(_RECEIVERS)}], key={chain})", f"for q in [{chain}]:\n    x = q",
             f"with torch.no_grad():\n    x = {chain}", f"x = [{chain} for q in range(2)]",
             f"x = '{{0.{rng.choice(_ATTRIBUTES)}}}'.format({rng.choice(_RECEIVERS)})", rng.choice(_HOSTILE_LINES))
    return rng.choice(forms)


def hostile_program(rng: random.Random) -> str:
    """A valid program with one to three attacks spliced in between its top-level statements."""
    lines = valid_program(rng).split("\n")
    for _ in range(rng.randint(1, 3)):
        starts = [i for i, line in enumerate(lines)
                  if line and not line[0].isspace() and not line.startswith(("else", "elif"))] + [len(lines)]
        pos = rng.choice(starts)
        lines[pos:pos] = _attack(rng).split("\n")
    return "\n".join(lines)


def line_count(source: str) -> int:
    """How many lines Python counts in ``source`` (the range of a valid error line)."""
    return len(re.split(r"\r\n|\r|\n", source))

"""The safe expression language: what a student types and what lesson files contain.

A program is a few statements of a small subset of Python with ``torch``, ``F``
(torch.nn.functional), ``nn`` and ``math`` in scope. It is parsed with :mod:`ast`,
checked against a whitelist, and then rewritten before it is compiled:

* every statement is preceded by ``__gv_line(n)`` so the recorder knows which line
  each tensor op came from, and so that evaluation time is bounded;
* every attribute read goes through ``__gv_attr`` which refuses modules and names
  that reach files, the network or the interpreter;
* every loop's iterable goes through ``__gv_loop`` which bounds iterations;
* every assignment is followed by ``__gv_assigned`` so the user's variable names
  can label the graph.

The rewritten program runs with no builtins but a short safe list. Names starting
with ``__`` are refused in the source, so the program cannot reach the helpers.
"""

from __future__ import annotations

import ast
import builtins as builtins_module
import math
import threading
import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import ProgramError

__all__ = ["FILENAME", "Interpreter", "Limits", "ProgramError", "ProgramResult", "parse", "run_program"]

FILENAME = "<program>"


@dataclass(frozen=True)
class Limits:
    """Bounds a teacher never hits but a runaway loop does."""

    max_iterations: int = 1_000_000
    max_seconds: float = 120.0


# Calls and names refused with a reason, so the message says more than "unknown name".
_FORBIDDEN_NAMES = {
    "exec", "eval", "open", "getattr", "setattr", "delattr", "compile", "globals", "locals",
    "vars", "dir", "type", "input", "breakpoint", "help", "exit", "quit", "memoryview",
    "object", "super", "classmethod", "staticmethod", "property", "__import__",
}

# Attribute names that reach files, the network, compilers or Python internals.
_FORBIDDEN_ATTRS = {
    "load", "save", "hub", "from_file", "load_library", "ops", "classes", "jit", "compile",
    "package", "onnx", "distributed", "multiprocessing", "serialization", "utils",
    "cpp_extension", "profiler", "export_chrome_trace", "tofile", "dump", "dumps",
    "format", "format_map", "library", "export", "os", "sys", "subprocess", "builtins",
    "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_module_forward_hook", "load_state_dict", "save_on_cpu", "storage",
    "untyped_storage", "set_default_device",
}

_ALLOWED_MODULES = {
    torch, nn, F, math, torch.autograd, torch.linalg, torch.fft, torch.special,
    torch.nn.init, torch.optim, torch.distributions, torch.random, torch.cuda,
    torch.backends, torch.backends.mps, torch.autograd.functional,
}

_SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins_module, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list",
        "max", "min", "pow", "range", "reversed", "round", "sorted", "str", "sum", "tuple",
        "zip", "isinstance", "slice", "complex",
    )
}

_STATEMENTS = (
    ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.For, ast.While, ast.If, ast.With,
    ast.Pass, ast.Break, ast.Continue, ast.Assert, ast.Delete,
)
_REFUSED_STATEMENTS = {
    ast.Import: "import is not part of gradviz's language: torch, F, nn and math are already there",
    ast.ImportFrom: "import is not part of gradviz's language: torch, F, nn and math are already there",
    ast.FunctionDef: "def is not part of gradviz's language: write the steps out, or load a .py model file",
    ast.AsyncFunctionDef: "async def is not part of gradviz's language",
    ast.ClassDef: "class is not part of gradviz's language: load a .py model file (File ▸ Open) for your own nn.Module",
    ast.Global: "global is not part of gradviz's language",
    ast.Nonlocal: "nonlocal is not part of gradviz's language",
    ast.Try: "try/except is not part of gradviz's language: gradviz reports errors itself",
    ast.Raise: "raise is not part of gradviz's language",
    ast.Return: "return is only meaningful inside a function",
    ast.AsyncFor: "async for is not part of gradviz's language",
    ast.AsyncWith: "async with is not part of gradviz's language",
}
_REFUSED_EXPRESSIONS = {
    ast.Lambda: "lambda is not part of gradviz's language",
    ast.Yield: "yield is not part of gradviz's language",
    ast.YieldFrom: "yield is not part of gradviz's language",
    ast.Await: "await is not part of gradviz's language",
    ast.NamedExpr: "the := operator is not part of gradviz's language: use a separate assignment",
    ast.SetComp: "set comprehensions are not part of gradviz's language",
    ast.GeneratorExp: "generator expressions are not part of gradviz's language: use a list [ ... ]",
}
if hasattr(ast, "Match"):
    _REFUSED_STATEMENTS[ast.Match] = "match is not part of gradviz's language"
if hasattr(ast, "TryStar"):
    _REFUSED_STATEMENTS[ast.TryStar] = _REFUSED_STATEMENTS[ast.Try]


def _refuse(node: ast.AST, message: str) -> ProgramError:
    col = getattr(node, "col_offset", None)
    return ProgramError(message, getattr(node, "lineno", None), None if col is None else col + 1, "refused")


def _check_identifier(name: str, node: ast.AST, what: str) -> None:
    if name.startswith("__"):
        raise _refuse(node, f"{what} '{name}' is refused: names with double underscores reach Python's internals")


class _Validator(ast.NodeVisitor):
    """Walks the parsed program and raises ProgramError at the first construct outside the language."""

    def generic_visit(self, node: ast.AST) -> None:
        for kind, message in _REFUSED_STATEMENTS.items():
            if isinstance(node, kind):
                raise _refuse(node, message)
        for kind, message in _REFUSED_EXPRESSIONS.items():
            if isinstance(node, kind):
                raise _refuse(node, message)
        if isinstance(node, ast.stmt) and not isinstance(node, _STATEMENTS):
            raise _refuse(node, f"'{type(node).__name__}' statements are not part of gradviz's language")
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        _check_identifier(node.id, node, "name")
        if node.id in _FORBIDDEN_NAMES:
            raise _refuse(node, f"'{node.id}' is refused: gradviz programs cannot run code, "
                                "read files or look into Python's internals")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        _check_identifier(node.attr, node, "attribute")
        if node.attr.startswith("_") and not node.attr.startswith("_saved_"):
            raise _refuse(node, f"attribute '{node.attr}' is refused: private attributes are not "
                                "part of gradviz's language (the _saved_ tensors of a grad_fn are)")
        if node.attr in _FORBIDDEN_ATTRS:
            raise _refuse(node, f"'.{node.attr}' is refused: it reaches files, the network or "
                                "compiled code, which gradviz programs may not")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            _check_identifier(node.arg, node, "keyword")
        self.generic_visit(node)


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _stmt_call(name: str, line: int, *args: ast.expr) -> ast.Expr:
    return ast.Expr(value=_call(name, ast.Constant(line), *args))


def _names_tuple(names: Iterable[str]) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())


class _Instrumenter(ast.NodeTransformer):
    """Inserts the line, loop, attribute and assignment hooks described in the module docstring."""

    def _body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            out.append(_stmt_call("__gv_line", stmt.lineno))
            new = self.visit(stmt)
            out.append(new)
            names: list[str] = []
            if isinstance(stmt, ast.Assign):
                names = [n for t in stmt.targets for n in _target_names(t)]
            elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
                names = _target_names(stmt.target)
            if names:
                out.append(_stmt_call("__gv_assigned", stmt.lineno, _names_tuple(names)))
        return out

    def visit_Module(self, node: ast.Module) -> ast.Module:
        node.body = self._body(node.body)
        return node

    def _loop_body(self, node: ast.For | ast.While | ast.If | ast.With) -> None:
        node.body = self._body(node.body)
        if hasattr(node, "orelse"):
            node.orelse = self._body(node.orelse)

    def visit_For(self, node: ast.For) -> ast.For:
        node.iter = _call("__gv_loop", ast.Constant(node.lineno), self.visit(node.iter))
        self._loop_body(node)
        names = _target_names(node.target)
        if names:
            node.body.insert(0, _stmt_call("__gv_assigned", node.lineno, _names_tuple(names)))
        return node

    def visit_While(self, node: ast.While) -> ast.While:
        node.test = ast.BoolOp(op=ast.And(), values=[
            _call("__gv_tick", ast.Constant(node.lineno)), self.visit(node.test)])
        self._loop_body(node)
        return node

    def visit_If(self, node: ast.If) -> ast.If:
        node.test = self.visit(node.test)
        self._loop_body(node)
        return node

    def visit_With(self, node: ast.With) -> ast.With:
        node.items = [self.visit(item) for item in node.items]
        self._loop_body(node)
        names = [n for item in node.items if item.optional_vars is not None
                 for n in _target_names(item.optional_vars)]
        if names:
            node.body.insert(0, _stmt_call("__gv_assigned", node.lineno, _names_tuple(names)))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        node.iter = _call("__gv_loop", ast.Constant(node.iter.lineno), self.visit(node.iter))
        node.ifs = [self.visit(i) for i in node.ifs]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        node.value = self.visit(node.value)
        if not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(
            _call("__gv_attr", node.value, ast.Constant(node.attr),
                  ast.Constant(node.lineno), ast.Constant(node.col_offset + 1)),
            node,
        )


def parse(source: str) -> ast.Module:
    """Parse and validate ``source``; raise ProgramError naming the line and column."""
    try:
        tree = ast.parse(source, filename=FILENAME, mode="exec")
    except SyntaxError as exc:
        raise ProgramError(f"syntax error: {exc.msg}", exc.lineno, exc.offset, "syntax") from None
    _Validator().visit(tree)
    return tree


@dataclass
class ProgramResult:
    """What a finished program left behind."""

    namespace: dict[str, Any]
    assignments: list[tuple[str, int]] = field(default_factory=list)  # (name, line) in order
    output: list[str] = field(default_factory=list)  # what print() wrote


class Interpreter:
    """Runs one validated program. ``line`` is the statement running now (for recorders).

    Parameters
    ----------
    source : str
        The program text.
    limits : Limits
        Loop and time bounds.
    on_assign : callable, optional
        Called as ``on_assign(name, value, line)`` after every assignment to a name; a
        value it returns (not None) replaces the assigned one.
    extra_names : dict, optional
        More names in scope (e.g. a loaded module ``model``).
    cancel : threading.Event, optional
        When set (from another thread), the program stops at its next statement or loop
        iteration with a ProgramError of kind ``"cancelled"``.
    on_line : callable, optional
        Called with each statement's line as it starts (the run process tells the runner,
        so a run killed from outside can still be located).
    """

    def __init__(self, source: str, *, limits: Limits = Limits(),
                 on_assign: Callable[[str, Any, int], Any] | None = None,
                 extra_names: dict[str, Any] | None = None,
                 cancel: threading.Event | None = None,
                 on_line: Callable[[int], None] | None = None) -> None:
        self.cancel = cancel
        self.on_line = on_line
        self.source = source
        self.lines = source.splitlines()
        self.limits = limits
        self.on_assign = on_assign
        self.extra_names = dict(extra_names or {})
        self.line: int | None = None
        self._iterations = 0
        self._deadline = 0.0
        self._result = ProgramResult(namespace={})

    def close(self) -> None:
        """Drop the callbacks and the helpers bound to this interpreter, so nothing refers
        back to it (a failed run leaves them in its namespace); the run's results stay."""
        self.on_assign = None
        self.on_line = None
        ns = self._result.namespace
        for helper in [k for k in ns if k.startswith("__")]:
            del ns[helper]

    def statement(self, line: int | None) -> str:
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1].strip()

    def run(self) -> ProgramResult:
        """Run the program; raise ProgramError on any problem, with the line that raised."""
        tree = parse(self.source)
        tree = ast.fix_missing_locations(_Instrumenter().visit(tree))
        code = compile(tree, FILENAME, "exec")
        ns = self._namespace()
        self._result = ProgramResult(namespace=ns)
        self._deadline = time.monotonic() + self.limits.max_seconds
        try:
            exec(code, ns)  # noqa: S102 - validated and instrumented above
        except ProgramError as exc:
            exc.statement = exc.statement or self.statement(exc.line)
            raise
        except RecursionError:
            raise self._error("the program nests too deeply (recursion limit)", "limit") from None
        except MemoryError:
            raise self._error("out of memory: the tensors are too large", "runtime") from None
        except Exception as exc:  # torch and Python errors alike become a located message
            line = _program_line(exc.__traceback__) or self.line
            raise ProgramError(_describe(exc), line, None, "runtime", self.statement(line)) from exc
        for helper in [k for k in ns if k.startswith("__")]:
            del ns[helper]
        return self._result

    def _error(self, message: str, kind: str) -> ProgramError:
        return ProgramError(message, self.line, None, kind, self.statement(self.line))

    def _namespace(self) -> dict[str, Any]:
        safe = dict(_SAFE_BUILTINS)
        safe["print"] = self._print
        # torch's C++ side imports its own modules through the calling frame's builtins; the
        # program itself cannot name __import__ (double-underscore names are refused).
        safe["__import__"] = builtins_module.__import__
        if hasattr(builtins_module, "__orig_import__"):
            # PySide6's shiboken replaces __import__ with a wrapper that looks this up.
            safe["__orig_import__"] = builtins_module.__orig_import__
        ns: dict[str, Any] = {"__builtins__": safe, "torch": torch, "F": F, "nn": nn, "math": math}
        ns.update(self.extra_names)
        ns.update({
            "__gv_line": self._on_line, "__gv_tick": self._on_tick, "__gv_loop": self._loop,
            "__gv_attr": self._attr, "__gv_assigned": self._assigned,
        })
        return ns

    def _print(self, *args: Any, sep: str = " ", end: str = "\n") -> None:
        self._result.output.append(sep.join(str(a) for a in args) + ("" if end == "\n" else end))

    def _on_line(self, line: int) -> None:
        self.line = line
        if self.on_line is not None:
            self.on_line(line)
        if self.cancel is not None and self.cancel.is_set():
            raise self._error("cancelled", "cancelled")
        if time.monotonic() > self._deadline:
            raise self._error(f"the program ran longer than {self.limits.max_seconds:g} s and was "
                              "stopped: make loops shorter or tensors smaller", "limit")

    def _on_tick(self, line: int) -> bool:
        self._iterations += 1
        if self.cancel is not None and self.cancel.is_set():
            self.line = line
            raise self._error("cancelled", "cancelled")
        if self._iterations > self.limits.max_iterations:
            self.line = line
            raise self._error(f"more than {self.limits.max_iterations:,} loop iterations: "
                              "gradviz stopped the program (is a loop endless?)", "limit")
        return True

    def _loop(self, line: int, iterable: Any) -> Iterable[Any]:
        for item in iterable:
            self._on_tick(line)
            yield item

    def _attr(self, obj: Any, name: str, line: int, col: int) -> Any:
        value = getattr(obj, name)
        if isinstance(value, types.ModuleType) and value not in _ALLOWED_MODULES:
            raise ProgramError(f"'.{name}' is refused: module {value.__name__} is not available "
                               "to gradviz programs", line, col, "refused", self.statement(line))
        return value

    def _assigned(self, line: int, names: tuple[str, ...]) -> None:
        ns = self._result.namespace
        for name in names:
            if name in ns:
                self._result.assignments.append((name, line))
                if self.on_assign is not None:
                    replacement = self.on_assign(name, ns[name], line)
                    if replacement is not None:  # the gradient check swaps leaves in
                        ns[name] = replacement


def _program_line(tb: types.TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    # torch prefixes long C++ traces; the first paragraph is the part a student can act on.
    if "\n\n" in text:
        text = text.split("\n\n", 1)[0]
    name = type(exc).__name__
    if isinstance(exc, NameError):
        return f"{text} (gradviz programs see torch, F, nn, math and the names they assign)"
    if isinstance(exc, AttributeError):
        return f"{text}"
    return f"{name}: {text}" if text else name


def run_program(source: str, **kwargs: Any) -> ProgramResult:
    """Validate and run ``source``; see :class:`Interpreter` for the arguments."""
    return Interpreter(source, **kwargs).run()

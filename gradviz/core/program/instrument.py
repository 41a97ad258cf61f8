"""The rewrite that puts gradviz's checks and hooks into a checked program, and its compilation.

* every statement is preceded by ``__gv_line(n)`` so the recorder knows which line each
  tensor op came from, and so that evaluation time is bounded;
* every call becomes ``__gv_call(f, line, col, *args, **kwargs)``: what it calls and every
  function it hands over (``sorted(key=...)``) must be one the program was given;
* every attribute read becomes ``__gv_attr(obj, name, line, col)``, every attribute
  assignment ``__gv_setattr(value, obj, name, line, col)`` (arguments in Python's own order
  of evaluation), so that the allow-list decides each one at run time;
* import lines become assignments of the allowed namespaces (``__gv_import``);
* every loop's iterable goes through ``__gv_loop``, every while test through ``__gv_tick``;
* every assignment is followed by ``__gv_assigned`` so the user's variable names label the graph;
* a last bare expression is shown like a REPL shows it (``__gv_show``).

Names starting with ``__`` are refused in the source, so a program cannot reach the helpers.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Iterable

from gradviz.core.i18n import translate
from gradviz.core.program import imports
from gradviz.core.program.errors import FILENAME, Locator, ProgramError, syntax_error
from gradviz.core.program.language import MAX_DEPTH

_VALUE = "__gv_value"


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _stmt_call(name: str, line: int, *args: ast.expr) -> ast.Expr:
    return ast.Expr(value=_call(name, ast.Constant(line), *args))


def _names_tuple(names: Iterable[str]) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())


def target_names(target: ast.AST) -> list[str]:
    """The variable names an assignment target binds, in order (not attributes or subscripts)."""
    names: list[str] = []
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
    return names


class Instrumenter(ast.NodeTransformer):
    """Inserts the hooks described in the module docstring into a checked tree."""

    def __init__(self, loc: Locator) -> None:
        self.loc = loc

    def _where(self, node: ast.AST) -> tuple[ast.Constant, ast.Constant]:
        line = getattr(node, "lineno", 1)
        return ast.Constant(line), ast.Constant(self.loc.col(line, getattr(node, "col_offset", 0)))

    def _body(self, stmts: list[ast.stmt], show_last: bool = False) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for index, stmt in enumerate(stmts):
            out.append(_stmt_call("__gv_line", stmt.lineno))
            if show_last and index == len(stmts) - 1 and isinstance(stmt, ast.Expr):
                stmt = ast.copy_location(ast.Expr(value=_call("__gv_show", stmt.value)), stmt)
            new = self.visit(stmt)
            out.extend(new if isinstance(new, list) else [new])
            names: list[str] = []
            if isinstance(stmt, ast.Assign):
                names = [n for t in stmt.targets for n in target_names(t)]
            elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
                names = target_names(stmt.target)
            if names:
                out.append(_stmt_call("__gv_assigned", stmt.lineno, _names_tuple(names)))
        return out

    def visit_Module(self, node: ast.Module) -> ast.Module:
        node.body = self._body(node.body, show_last=True)
        return node

    def _blocks(self, node: ast.For | ast.While | ast.If | ast.With) -> None:
        node.body = self._body(node.body)
        if hasattr(node, "orelse"):
            node.orelse = self._body(node.orelse)

    def visit_For(self, node: ast.For) -> ast.For:
        node.iter = _call("__gv_loop", ast.Constant(node.lineno), self.visit(node.iter))
        node.target = self.visit(node.target)
        self._blocks(node)
        names = target_names(node.target)
        if names:
            node.body.insert(0, _stmt_call("__gv_assigned", node.lineno, _names_tuple(names)))
        return node

    def visit_While(self, node: ast.While) -> ast.While:
        node.test = ast.BoolOp(op=ast.And(), values=[
            _call("__gv_tick", ast.Constant(node.lineno)), self.visit(node.test)])
        self._blocks(node)
        return node

    def visit_If(self, node: ast.If) -> ast.If:
        node.test = self.visit(node.test)
        self._blocks(node)
        return node

    def visit_With(self, node: ast.With) -> ast.With:
        node.items = [self.visit(item) for item in node.items]
        self._blocks(node)
        names = [n for item in node.items if item.optional_vars is not None
                 for n in target_names(item.optional_vars)]
        if names:
            node.body.insert(0, _stmt_call("__gv_assigned", node.lineno, _names_tuple(names)))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        node.iter = _call("__gv_loop", ast.Constant(node.iter.lineno), self.visit(node.iter))
        node.target = self.visit(node.target)
        node.ifs = [self.visit(i) for i in node.ifs]
        return node

    def _imported(self, node: ast.Import | ast.ImportFrom) -> list[ast.stmt]:
        line, col = self._where(node)
        for variable, _namespace, _name in imports.bindings(node):
            if variable.startswith("__"):  # the source check refuses it first; this holds if it ever does not
                raise self.loc.at_node(node, f"import as '{variable}' is refused")
        return [ast.copy_location(ast.Assign(
            targets=[ast.Name(id=variable, ctx=ast.Store())],
            value=_call("__gv_import", ast.Constant(namespace), ast.Constant(name), line, col)), node)
            for variable, namespace, name in imports.bindings(node)]

    visit_Import = _imported  # noqa: N815 - ast.NodeTransformer's naming
    visit_ImportFrom = _imported  # noqa: N815

    def _set(self, value: ast.expr, target: ast.Attribute) -> ast.Expr:
        line, col = self._where(target)
        return ast.copy_location(ast.Expr(value=_call(
            "__gv_setattr", value, self.visit(target.value), ast.Constant(target.attr), line, col)), target)

    def visit_Assign(self, node: ast.Assign) -> ast.stmt | list[ast.stmt]:
        node.value = self.visit(node.value)
        if not any(isinstance(t, ast.Attribute) for t in node.targets):
            node.targets = [self.visit(t) for t in node.targets]
            return node
        if len(node.targets) == 1:
            return self._set(node.value, node.targets[0])
        # a.x = b = value: the value is computed once, then each target is assigned left to right.
        out: list[ast.stmt] = [ast.Assign(targets=[ast.Name(id=_VALUE, ctx=ast.Store())], value=node.value)]
        for target in node.targets:
            value = ast.Name(id=_VALUE, ctx=ast.Load())
            if isinstance(target, ast.Attribute):
                out.append(self._set(value, target))
            else:
                out.append(ast.Assign(targets=[self.visit(target)], value=value))
        out.append(ast.Delete(targets=[ast.Name(id=_VALUE, ctx=ast.Del())]))
        return [ast.copy_location(stmt, node) for stmt in out]

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        target = node.target
        if not isinstance(target, ast.Attribute):
            return self.generic_visit(node)
        line, col = self._where(target)
        # obj, then obj.attr, then the value, then the in-place operation and the store: Python's order.
        loaded = _call("__gv_augload", self.visit(target.value), ast.Constant(target.attr), line, col)
        return ast.copy_location(ast.Expr(value=_call(
            "__gv_augattr", loaded, self.visit(node.value), ast.Constant(type(node.op).__name__),
            line, col)), node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        target = node.target
        if not isinstance(target, ast.Attribute):
            return self.generic_visit(node)
        if node.value is None:
            return ast.copy_location(ast.Expr(value=self.visit(target.value)), node)
        return self._set(self.visit(node.value), target)

    def visit_Delete(self, node: ast.Delete) -> ast.stmt | list[ast.stmt]:
        out: list[ast.stmt] = []
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                line, col = self._where(target)
                out.append(ast.Expr(value=_call("__gv_delattr", self.visit(target.value),
                                                ast.Constant(target.attr), line, col)))
            else:
                out.append(ast.Delete(targets=[self.visit(target)]))
        return [ast.copy_location(stmt, node) for stmt in out]

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        if isinstance(func, ast.Name) and func.id.startswith("__gv_"):
            self.generic_visit(node)  # gradviz's own hooks (a program cannot name them)
            return node
        line, col = self._where(node)
        args = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        return ast.copy_location(ast.Call(func=ast.Name(id="__gv_call", ctx=ast.Load()),
                                          args=[self.visit(func), line, col, *args], keywords=keywords), node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if not isinstance(node.ctx, ast.Load):
            # The source check refuses these first; this is the rule holding on its own.
            message = translate("language", "assigning '.{name}' here is refused: assign an attribute in a "
                                            "statement of its own (obj.{name} = value)")
            raise self.loc.at_node(node, message.format(name=node.attr))
        line, col = self._where(node)
        return ast.copy_location(
            _call("__gv_attr", self.visit(node.value), ast.Constant(node.attr), line, col), node)


def compile_program(tree: ast.Module, loc: Locator) -> types.CodeType:
    """Instrument and compile a checked tree; every failure is a ProgramError with a line.

    Parameters
    ----------
    tree : ast.Module
        What :func:`.language.parse` returned (it is changed in place).
    loc : Locator
        The source's lines, for positions.

    Returns
    -------
    types.CodeType
        Code to run with the interpreter's helpers in its namespace.
    """
    try:
        tree = ast.fix_missing_locations(Instrumenter(loc).visit(tree))
        return compile(tree, FILENAME, "exec", dont_inherit=True)
    except SyntaxError as exc:  # what only the compiler knows: break outside a loop, *a = ...
        line = loc.line(exc.lineno)
        col = exc.offset if exc.offset and exc.offset > 0 and exc.lineno == line else None
        raise ProgramError(syntax_error(exc.msg), line, col, "syntax", loc.statement(line)) from None
    except (RecursionError, MemoryError):
        line = _deepest_line(tree)
        message = translate("language", "this statement is too deeply nested for gradviz (the limit is about "
                                        "{limit} levels): split it into several statements")
        raise ProgramError(message.format(limit=MAX_DEPTH), line, None, "limit", loc.statement(line)) from None
    except (ValueError, TypeError, OverflowError) as exc:
        message = translate("language", "gradviz cannot compile this program: {error}").format(error=exc)
        raise ProgramError(message, 1, None, "syntax", loc.statement(1)) from None


def _deepest_line(tree: ast.AST) -> int:
    best, line = -1, 1
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > best and hasattr(node, "lineno"):
            best, line = depth, node.lineno
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return line

"""Parsing and the source-level check: the first, fast refusal, with good messages.

The check runs before anything does, so a program with ``import os`` on its last line never
starts. It is not the real rule -- that is the allow-list, checked at run time on every
attribute (:mod:`.allowlist`) -- but it says early what is plainly outside the language:
statements such as def, class and try; lambda; names with double underscores; private
attributes; attribute assignments outside a plain assignment statement; and, by the
allow-list itself, attribute chains on torch, nn, F and math that the source alone settles
(``torch.load``: see :mod:`.static_check`).

Every failure is a :class:`ProgramError` with a line (and a column where known): nothing
here raises anything else, however long, deep or damaged the source is. The walk over the
tree uses an explicit stack, so no program can make it recurse.
"""

from __future__ import annotations

import ast

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.program import imports, static_check
from gradviz.core.program.errors import FILENAME, Locator, ProgramError, source_lines, syntax_error
from gradviz.core.program.pasted import NUMBERS, cleaned_paste

MAX_SOURCE_CHARS = 200_000
MAX_SOURCE_LINES = 5_000
#: Deeper trees are refused before the (recursive) rewrite and compiler see them.
MAX_DEPTH = 100

#: Names refused with a reason, so the message says more than "not defined".
FORBIDDEN_NAMES = frozenset({
    "exec", "eval", "open", "format", "getattr", "setattr", "delattr", "hasattr", "compile", "globals",
    "locals", "vars", "dir", "type", "input", "breakpoint", "help", "exit", "quit", "memoryview", "object",
    "super", "classmethod", "staticmethod", "property", "__import__",
})

_STATEMENTS = (
    ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.For, ast.While, ast.If, ast.With,
    ast.Pass, ast.Break, ast.Continue, ast.Assert, ast.Delete, ast.Import, ast.ImportFrom,
)
# Marked here, translated where the refusal is raised (the language is the user's, not the import's).
_REFUSED: dict[type, str] = {
    ast.FunctionDef: QT_TRANSLATE_NOOP(
        "language", "def is not part of gradviz's language: write the steps out, or load a .py model file"),
    ast.AsyncFunctionDef: QT_TRANSLATE_NOOP("language", "async def is not part of gradviz's language"),
    ast.ClassDef: QT_TRANSLATE_NOOP(
        "language", "class is not part of gradviz's language: load a .py model file (File ▸ Open) for your "
                    "own nn.Module"),
    ast.Global: QT_TRANSLATE_NOOP("language", "global is not part of gradviz's language"),
    ast.Nonlocal: QT_TRANSLATE_NOOP("language", "nonlocal is not part of gradviz's language"),
    ast.Try: QT_TRANSLATE_NOOP(
        "language", "try/except is not part of gradviz's language: gradviz reports errors itself"),
    ast.Raise: QT_TRANSLATE_NOOP("language", "raise is not part of gradviz's language"),
    ast.Return: QT_TRANSLATE_NOOP("language", "return is only meaningful inside a function"),
    ast.AsyncFor: QT_TRANSLATE_NOOP("language", "async for is not part of gradviz's language"),
    ast.AsyncWith: QT_TRANSLATE_NOOP("language", "async with is not part of gradviz's language"),
    ast.Lambda: QT_TRANSLATE_NOOP("language", "lambda is not part of gradviz's language"),
    ast.Yield: QT_TRANSLATE_NOOP("language", "yield is not part of gradviz's language"),
    ast.YieldFrom: QT_TRANSLATE_NOOP("language", "yield is not part of gradviz's language"),
    ast.Await: QT_TRANSLATE_NOOP("language", "await is not part of gradviz's language"),
    ast.NamedExpr: QT_TRANSLATE_NOOP(
        "language", "the := operator is not part of gradviz's language: use a separate assignment"),
    ast.SetComp: QT_TRANSLATE_NOOP("language", "set comprehensions are not part of gradviz's language"),
    ast.GeneratorExp: QT_TRANSLATE_NOOP(
        "language", "generator expressions are not part of gradviz's language: use a list [ ... ]"),
}
_MATCH = QT_TRANSLATE_NOOP("language", "match is not part of gradviz's language")
for _name, _text in (("Match", _MATCH), ("TryStar", _REFUSED[ast.Try])):
    if hasattr(ast, _name):
        _REFUSED[getattr(ast, _name)] = _text
_ATTRIBUTE_TARGET_PARENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign)


def parse(source: str) -> ast.Module:
    """Parse and check ``source``; raise ProgramError naming the line and column.

    Parameters
    ----------
    source : str
        The program text.

    Returns
    -------
    ast.Module
        The checked tree (not yet instrumented).

    Raises
    ------
    ProgramError
        Kind ``"syntax"`` (not Python, or not text), ``"refused"`` (outside the language) or
        ``"limit"`` (too long or too deeply nested), always with a line.
    """
    if not isinstance(source, str):
        raise ProgramError(translate("language", "a program is text, not {type}").format(type=type(source).__name__),
                           1, None, "syntax")
    loc = Locator(source)
    check_text(source, loc)
    tree = _parse(source, loc)
    validate(tree, loc)
    return tree


def check_text(source: str, loc: Locator) -> None:
    """Refuse sources too long to be a lesson, and characters the parser cannot take."""
    if len(loc.lines) > MAX_SOURCE_LINES:
        message = translate("language", "the program has {n:,} lines; gradviz runs programs of up to {limit:,} lines")
        raise ProgramError(message.format(n=len(loc.lines), limit=MAX_SOURCE_LINES), MAX_SOURCE_LINES + 1, None,
                           "limit")
    if len(source) > MAX_SOURCE_CHARS:
        line, _ = _position(source, MAX_SOURCE_CHARS)
        message = translate("language", "the program has {n:,} characters; gradviz runs programs of up to "
                                        "{limit:,} characters")
        raise ProgramError(message.format(n=len(source), limit=MAX_SOURCE_CHARS), line, None, "limit",
                           loc.statement(line))
    index = source.find("\0")
    if index >= 0:
        line, col = _position(source, index)
        raise ProgramError(translate("language", "the program contains a null character (code 0), which is not "
                                                 "text: delete it"), line, col, "syntax", loc.statement(line))
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, col = _position(source, exc.start)
        message = translate("language", "the program contains the character U+{code:04X}, which is half of a "
                                        "pair and not text on its own: delete it")
        raise ProgramError(message.format(code=ord(source[exc.start])), line, col, "syntax") from None


def _position(source: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of the character at ``index``."""
    before = source_lines(source[:index])
    return len(before), len(before[-1]) + 1


def _parse(source: str, loc: Locator) -> ast.Module:
    try:
        return ast.parse(source, filename=FILENAME, mode="exec")
    except SyntaxError as exc:
        line = loc.line(exc.lineno)
        col = exc.offset if exc.offset and exc.offset > 0 and exc.lineno == line else None
        message = syntax_error(exc.msg)
        pasted = cleaned_paste(source, unreadable=True)
        if pasted is not None and pasted[1] == NUMBERS:
            message += translate("language", " — every line starts with its line number, copied with the code from "
                                             "its page: take the numbers off (pasted into gradviz's editor, they go "
                                             "by themselves)")
        elif pasted is not None:
            message += translate("language", " — this is a session of Python's prompt (>>>), with what it printed: "
                                             "keep the code after >>> and ... (pasted into gradviz's editor, the rest "
                                             "goes by itself)")
        raise ProgramError(message, line, col, "syntax", loc.statement(line)) from None
    except (RecursionError, MemoryError):
        line, col = deepest_point(source)
        raise ProgramError(translate("language", "this statement nests too deeply or is too long for gradviz: "
                                                 "split it into several statements"),
                           line, col, "limit", loc.statement(line)) from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise ProgramError(syntax_error(str(exc)), 1, None, "syntax", loc.statement(1)) from None


def deepest_point(source: str) -> tuple[int, int]:
    """Where the brackets nest deepest, or else the start of the longest line: the likely culprit
    when the parser gives up without saying where."""
    depth = best = 0
    at = 0
    for index, char in enumerate(source):
        if char in "([{":
            depth += 1
            if depth > best:
                best, at = depth, index
        elif char in ")]}":
            depth = max(depth - 1, 0)
    if best >= 20:
        return _position(source, at)
    lines = source_lines(source)
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    return longest + 1, 1


def validate(tree: ast.AST, loc: Locator) -> None:
    """Raise ProgramError at the first construct (in source order) outside the language."""
    names = static_check.namespace_names(tree)
    stack: list[tuple[ast.AST, int, ast.AST | None]] = [(tree, 0, None)]
    while stack:
        node, depth, parent = stack.pop()
        if depth > MAX_DEPTH:
            message = translate("language", "this statement nests more than {limit} levels deep (brackets, calls "
                                            "and operators): split it into several statements")
            raise loc.at_node(node, message.format(limit=MAX_DEPTH), "limit")
        _check(node, parent, loc)
        if isinstance(node, ast.Attribute) and not isinstance(parent, ast.Attribute):
            refused = static_check.refusal(node, names)
            if refused is not None:
                raise loc.at_node(*refused)
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, node) for child in reversed(children))


def _check(node: ast.AST, parent: ast.AST | None, loc: Locator) -> None:
    kind = type(node)
    if kind in _REFUSED:
        raise loc.at_node(node, translate("language", _REFUSED[kind]))
    if isinstance(node, ast.stmt) and not isinstance(node, _STATEMENTS):
        message = translate("language", "'{statement}' statements are not part of gradviz's language")
        raise loc.at_node(node, message.format(statement=kind.__name__))
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        why = imports.refusal(node)
        if why is not None:
            raise loc.at_node(node, why)
    elif isinstance(node, ast.Name):
        _check_name(node.id, node, loc)
    elif isinstance(node, ast.Attribute):
        _check_attribute(node, parent, loc)
    elif isinstance(node, ast.keyword) and node.arg is not None:
        _check_identifier(node.arg, node, "keyword", loc)
        if refused_keyword(node.arg):
            raise loc.at_node(node, private_keyword_refused(node.arg))
    elif isinstance(node, ast.alias) and node.asname is not None:
        # The one name a program binds that is no ast.Name: `import torch as __builtins__`
        # once handed every torch global (its importer included) to the comprehensions.
        _check_name(node.asname, parent or node, loc)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
        for keyword in node.keywords:
            if keyword.arg == "file":
                raise loc.at_node(keyword, translate("language", "print(file=...) is refused: gradviz shows what "
                                                                 "a program prints in its console and writes no "
                                                                 "files"))


_IDENTIFIER = {
    "name": QT_TRANSLATE_NOOP("language", "name '{name}' is refused: names with double underscores reach "
                                          "Python's internals"),
    "keyword": QT_TRANSLATE_NOOP("language", "keyword '{name}' is refused: names with double underscores reach "
                                             "Python's internals"),
    "attribute": QT_TRANSLATE_NOOP("language", "attribute '{name}' is refused: names with double underscores "
                                               "reach Python's internals"),
}


def _check_name(name: str, node: ast.AST, loc: Locator) -> None:
    """A variable's name, read or bound (by an assignment or an import's alias)."""
    _check_identifier(name, node, "name", loc)
    if name in FORBIDDEN_NAMES:
        message = translate("language", "'{name}' is refused: gradviz programs cannot run code, read files "
                                        "or look into Python's internals")
        raise loc.at_node(node, message.format(name=name))


def _check_identifier(name: str, node: ast.AST, what: str, loc: Locator) -> None:
    if name.startswith("__"):
        raise loc.at_node(node, translate("language", _IDENTIFIER[what]).format(name=name))


def _check_attribute(node: ast.Attribute, parent: ast.AST | None, loc: Locator) -> None:
    _check_identifier(node.attr, node, "attribute", loc)
    if node.attr.startswith("_") and not node.attr.startswith("_saved_"):
        message = translate("language", "attribute '{name}' is refused: private attributes are not part of "
                                        "gradviz's language (the _saved_ values of a grad_fn are)")
        raise loc.at_node(node, message.format(name=node.attr))
    if isinstance(node.ctx, ast.Del):
        raise loc.at_node(node, deleting_refused(node.attr))
    if isinstance(node.ctx, ast.Store) and not isinstance(parent, _ATTRIBUTE_TARGET_PARENTS):
        message = translate("language", "assigning '.{name}' here is refused: assign an attribute in a "
                                        "statement of its own (obj.{name} = value)")
        raise loc.at_node(node, message.format(name=node.attr))


# Keywords of torch's own plumbing that take a raw C++ object's address: the legacy tensor
# constructors' cdata (torch.LongTensor(cdata=8) followed the number as a pointer).
RAW_KEYWORDS = frozenset({"cdata"})


def refused_keyword(name: str) -> bool:
    return name.startswith("_") or name in RAW_KEYWORDS


def private_keyword_refused(name: str) -> str:
    """Why ``f(_name=...)`` is refused (the source check and the run say it alike)."""
    # torch's private parameters trust their caller: Distribution.expand(_instance=obj) set
    # attributes on any object it was handed (torch.Tensor.dim = 3) before failing.
    if name in RAW_KEYWORDS:
        return translate("language", "keyword '{name}' is refused: it hands torch a memory address").format(
            name=name)
    return translate("language", "keyword '{name}' is refused: private parameters (a leading underscore) "
                                 "are not part of gradviz's language").format(name=name)


def deleting_refused(name: str) -> str:
    """Why ``del obj.name`` is refused (the source check and the run say it alike)."""
    return translate("language", "'del' of the attribute '.{name}' is refused: gradviz programs may delete "
                                 "variables, not attributes").format(name=name)


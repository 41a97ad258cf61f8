"""The allow-list applied before the run, where the source alone settles it.

``torch.load(...)``, ``torch.nn.modules``, ``torch.Tensor.sum = print``: attribute chains that
start at a namespace's name (``torch``, ``nn``, ``F``, ``math``, or an import's name) which the
program never rebinds are decided by the same rule the run applies, with the same position and
message. A lesson file holding one is refused when opened. Everything else (what a call
returns, a variable's attributes) is decided at run time.
"""

from __future__ import annotations

import ast
import types

from gradviz.core.program import imports
from gradviz.core.program.allowlist import Refused, read, write_refusal
from gradviz.core.program.namespaces import NAMESPACES

#: The names a program starts with, and what they are.
PRESET = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional", "math": "math"}
_NAMESPACE_IDS = {id(module) for module in NAMESPACES.values()}


def namespace_names(tree: ast.AST) -> dict[str, types.ModuleType]:
    """Names that hold the same namespace wherever the program uses them.

    A name assigned anywhere (or imported as two different things) is left out: which
    object it holds is then a matter of the run.
    """
    bound: dict[str, types.ModuleType | None] = {name: NAMESPACES[dotted] for name, dotted in PRESET.items()}
    for node in ast.walk(tree):  # iterative: any depth
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound[node.id] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and imports.refusal(node) is None:
            for variable, namespace, name in imports.bindings(node):
                module = NAMESPACES[namespace]
                value = module if name is None else vars(module).get(name)
                is_namespace = isinstance(value, types.ModuleType) and id(value) in _NAMESPACE_IDS
                if not is_namespace or bound.get(variable, value) is not value:
                    value = None
                bound[variable] = value
    return {name: module for name, module in bound.items() if module is not None}


def refusal(node: ast.Attribute, names: dict[str, types.ModuleType]) -> tuple[ast.Attribute, str] | None:
    """The attribute in ``node``'s chain the allow-list refuses, and why; None if the run decides.

    Parameters
    ----------
    node : ast.Attribute
        The outermost attribute of a chain such as ``torch.nn.modules``.
    names : dict
        What :func:`namespace_names` returned for the program.
    """
    chain: list[ast.Attribute] = []
    root: ast.AST = node
    while isinstance(root, ast.Attribute):
        chain.append(root)
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in names:
        return None
    value: object = names[root.id]
    for step in reversed(chain):
        if not _settled(value):
            return None
        if isinstance(step.ctx, ast.Store):
            why = write_refusal(value, step.attr)
            return None if why is None else (step, why)
        try:
            value = read(value, step.attr)
        except Refused as refused:
            return (step, refused.message) if refused.kind == "refused" else None
    return None


def _settled(value: object) -> bool:
    """Whether what the rule says about ``value``'s attributes cannot depend on the run:
    namespaces offer fixed sets, classes and functions offer nothing."""
    if isinstance(value, types.ModuleType):
        return id(value) in _NAMESPACE_IDS
    return isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType))

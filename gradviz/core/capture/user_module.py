"""Loading a user's ``nn.Module`` class from ``path.py:ClassName``.

Unlike a program in the expression language, this *runs the file's Python code*:
callers (the app, the CLI) must say so to the user before loading.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch.nn as nn

from gradviz.core.capture.module_spec import ModuleLoadError, parse_spec

__all__ = ["ModuleLoadError", "ModuleProgram", "load_class", "module_program", "parse_spec"]


@dataclass(frozen=True)
class ModuleProgram:
    """A loaded class, and the expression-language program that builds and runs it."""

    path: Path
    class_name: str
    cls: type
    program: str

    @property
    def extra_names(self) -> dict[str, Any]:
        return {self.class_name: self.cls}

    subject = "model"


def load_class(path: Path, class_name: str) -> type:
    """Import ``path`` (running its code) and return its ``nn.Module`` subclass ``class_name``."""
    if not path.is_file():
        raise ModuleLoadError(f"no file {path}")
    name = f"gradviz_user_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModuleLoadError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise ModuleLoadError(f"{path}, line {exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - the user's file may raise anything; it becomes a message
        raise ModuleLoadError(f"running {path} raised {type(exc).__name__}: {exc}") from None
    cls = getattr(module, class_name, None)
    if cls is None:
        found = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, nn.Module)
                 and v.__module__ == name]
        hint = f"; it defines {', '.join(found)}" if found else "; it defines no nn.Module"
        raise ModuleLoadError(f"{path} has no class {class_name}{hint}")
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ModuleLoadError(f"{class_name} in {path} is not a subclass of torch.nn.Module")
    return cls


def _literal_args(init: str) -> tuple[str, tuple, dict]:
    """Parse ``init``, a literal argument list like ``50, 3`` or ``num_inputs=2``."""
    text = init.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if not text:
        return "", (), {}
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        assert isinstance(call, ast.Call)
    except (SyntaxError, AssertionError):
        raise ModuleLoadError(f"init '{init}' is not an argument list like '50, 3' or 'num_inputs=2'") from None
    try:
        args = tuple(ast.literal_eval(a) for a in call.args)
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        raise ModuleLoadError(f"init '{init}': only literal numbers, strings, lists and "
                              "tuples may be passed to the constructor") from None
    return text, args, kwargs


def _guess_input(model: nn.Module) -> str:
    for sub in model.modules():
        if isinstance(sub, nn.Linear):
            return f"torch.rand(1, {sub.in_features})"
        if isinstance(sub, nn.Conv2d):
            return f"torch.rand(1, {sub.in_channels}, 28, 28)"
    raise ModuleLoadError("cannot guess the input shape: give an input expression such as 'torch.rand(1, 50)'")


def module_program(spec: str, init: str = "", input_expr: str = "", seed: int | None = 0,
                   cls: type | None = None) -> ModuleProgram:
    """Load ``spec`` and write the program that builds the model and runs it on an input.

    Parameters
    ----------
    spec : str
        ``path.py:ClassName``.
    init : str
        Constructor arguments as literals, e.g. ``"50, 3"``.
    input_expr : str
        An expression-language expression for the input; guessed from the first
        Linear layer when empty.
    seed : int or None
        ``torch.manual_seed`` before building the model, for reproducible weights.
    cls : type, optional
        The class, when already loaded (the file is not run a second time).
    """
    path, class_name = parse_spec(spec)
    if cls is None:
        cls = load_class(path, class_name)
    args, positional, keywords = _literal_args(init)
    if not input_expr:
        try:
            probe = cls(*positional, **keywords)
        except Exception as exc:  # noqa: BLE001 - the user's constructor may raise anything
            raise ModuleLoadError(f"{class_name}({args}) raised {type(exc).__name__}: {exc}") from None
        input_expr = _guess_input(probe)
    lines = [f"# {class_name} from {path.name}: its file's code ran when gradviz loaded it."]
    if seed is not None:
        lines.append(f"torch.manual_seed({seed})")
    lines += [f"model = {class_name}({args})", f"X = {input_expr}", "out = model(X)", ""]
    return ModuleProgram(path, class_name, cls, "\n".join(lines))

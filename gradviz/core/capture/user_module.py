"""Loading a user's ``nn.Module`` class from ``path.py:ClassName`` and writing the program that runs it.

Unlike a program in the expression language, this *runs the file's Python code*:
callers (the app, the CLI) must say so to the user before loading.

The program gradviz writes builds the model and calls it, in the expression language, so
that value edits, the gradient check and "why is my grad None?" work on it as on any
program. Arguments it can say in the language (``50, 3``, ``torch.rand(1, 50)``) are written
out; the others are Python evaluated in the run with the file's own names in scope
(``GPTConfig(n_layer=2)``): the program gets them from ``build_model()`` and
``model_input(name)`` (see :class:`ModuleNames`).
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from gradviz.core.capture.module_spec import ModuleLoadError, parse_spec
from gradviz.core.capture.user_code import Argument, evaluate, import_file, split_arguments, user_folders
from gradviz.core.i18n import translate
from gradviz.core.program.errors import ProgramError

__all__ = ["ModuleLoadError", "ModuleNames", "ModuleProgram", "load_class", "module_program", "parse_spec"]

#: Names the program itself uses: an input named like one of them gets a suffix.
_TAKEN = {"torch", "nn", "F", "math", "model", "out", "loss", "build_model", "model_input"}
#: Names the expression language offers; an argument using only these is written into the program.
_LANGUAGE_NAMES = {"torch", "nn", "F", "math", "True", "False", "None"}


def load_class(path: Path, class_name: str) -> Any:
    """Import ``path`` (running its code) and return its ``nn.Module`` subclass ``class_name``
    (or the function of that name that builds one, as ``ResNet18()`` does)."""
    return class_in(import_file(Path(path)), Path(path), class_name)


def class_in(module: Any, path: Path, class_name: str) -> Any:
    """``class_name`` from an imported ``module``: an nn.Module subclass, or a function that
    returns an nn.Module (``def ResNet18(): return ResNet(BasicBlock, [2, 2, 2, 2])``; what it
    returns is checked when the model is built)."""
    cls = getattr(module, class_name, None)
    if cls is None:
        found = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, nn.Module)
                 and v.__module__ == module.__name__]
        if found:
            message = translate("capture", "{path} has no class {name}; it defines {found}")
        else:
            message = translate("capture", "{path} has no class {name}; it defines no nn.Module")
        raise ModuleLoadError(message.format(path=path, name=class_name, found=", ".join(found)))
    if isinstance(cls, type) and issubclass(cls, nn.Module):
        return cls
    if inspect.isfunction(cls) or (callable(cls) and not isinstance(cls, (type, nn.Module))
                                   and hasattr(cls, "__name__")):
        return cls
    raise ModuleLoadError(translate("capture", "{name} in {path} is neither a subclass of torch.nn.Module nor a "
                                               "function that returns one").format(name=class_name, path=path))


def is_builder(cls: Any) -> bool:
    """True when ``cls`` is a function that builds the model rather than its class."""
    return not isinstance(cls, type)


def built(model: Any, class_name: str, init: str) -> nn.Module:
    """``model``, checked to be what ``class_name(init)`` should give: an nn.Module."""
    if not isinstance(model, nn.Module):
        message = translate("capture", "{call} returned a {type}, not an nn.Module: give the class, or a function "
                                       "that returns the model")
        raise ModuleLoadError(message.format(call=f"{class_name}({_one_line(init)})", type=type(model).__name__))
    return model


def _in_language(text: str) -> bool:
    """True when ``text`` is an expression the program can hold as it is: literals and torch,
    nn, F, math only (Python's own evaluation of it then gives the same), and one the
    language lets run: it checks what a method is called on only then, so
    ``torch.randn(2, 4).to_sparse_csr()`` passes the parse and is refused at its run. Run
    here once, on torch's random numbers forked (the caller's stay as they were)."""
    from gradviz.core.program.interpreter import Interpreter, Limits
    from gradviz.core.program.language import parse

    try:
        tree = ast.parse(text, mode="eval")
        parse(f"_ = {text}\n")
    except (SyntaxError, ProgramError):
        return False
    if not all(node.id in _LANGUAGE_NAMES for node in ast.walk(tree) if isinstance(node, ast.Name)):
        return False
    interpreter = Interpreter(f"_ = {text}\n", limits=Limits(max_seconds=_TRIAL_SECONDS))
    try:
        with torch.random.fork_rng(devices=[]):
            interpreter.run()
    except ProgramError as exc:
        return exc.kind != "refused"  # any other failure is the argument's own, told at its run
    except Exception:  # noqa: BLE001 - the same: the run tells it, at its line
        return True
    finally:
        interpreter.close()
    return True


# The longest the trial run of an argument (see _in_language) may take.
_TRIAL_SECONDS = 10.0


def _taken() -> set[str]:
    """Names an input variable may not take: the program's own, and what the language refuses
    or offers as builtins (``input``, ``len``...)."""
    from gradviz.core.program.interpreter import _SAFE_BUILTINS
    from gradviz.core.program.language import FORBIDDEN_NAMES

    return _TAKEN | FORBIDDEN_NAMES | set(_SAFE_BUILTINS) | {"print"}


def _input_names(cls: Any, arguments: list[Argument], model_class: type | None = None) -> list[str]:
    """A variable name for each input: the forward's parameter names, keywords as given.

    ``model_class`` is the model's class when ``cls`` is a function that builds it."""
    try:
        params = [p for p in inspect.signature((model_class or cls).forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]
    except (AttributeError, TypeError, ValueError):
        params = []
    names: list[str] = []
    for i, arg in enumerate(arguments):
        if arg.keyword is not None:
            name = arg.keyword
        elif i < len(params):
            name = params[i].name
        else:
            name = f"input{i}"
        while name in _taken() or name in names or name == cls.__name__ or name.startswith("__"):
            name = f"{name.strip('_') or 'input'}_"
        names.append(name)
    return names


@dataclass(frozen=True)
class ModuleProgram:
    """A loaded class, and the expression-language program that builds and runs it."""

    path: Path
    class_name: str
    cls: type
    program: str
    init: str = ""
    input: str = ""

    @property
    def extra_names(self) -> dict[str, Any]:
        """The names the program needs, for running it in this process (tests, the library)."""
        return ModuleNames(self.path, self.cls, self.init, self.input).names()

    subject = "model"


class ModuleNames:
    """What a module program sees beyond the language: the class, and the Python arguments.

    ``build_model()`` evaluates the constructor's arguments (``init``) with the file's names
    in scope and makes the model; ``model_input(name)`` evaluates one input argument (by its
    keyword, or by its position as written in ``input``). Each is evaluated when the program
    gets to it, after its ``torch.manual_seed``, as the same lines of plain Python would be.
    """

    def __init__(self, path: Path, cls: Any, init: str = "", input_text: str = "") -> None:
        self.path, self.cls = Path(path), cls
        self.init, self.input = init, input_text
        self.model_class: type | None = None  # the class of the model a builder function gave
        self.folders = user_folders(self.path)
        module = __import__("sys").modules.get(cls.__module__)
        # torch, nn, F and math as a program has them, then the file's own names over them.
        import math

        import torch
        import torch.nn.functional as F

        self.namespace: dict[str, Any] = {"torch": torch, "nn": nn, "F": F, "math": math}
        if module is not None:
            self.namespace.update(vars(module))

    def names(self) -> dict[str, Any]:
        return {self.cls.__name__: self.cls, "build_model": self.build_model, "model_input": self.model_input}

    def build_model(self) -> nn.Module:
        args, kwargs = [], {}
        for arg in split_arguments(self.init, "init"):
            value = evaluate(arg.text, self.namespace, "init" if arg.keyword is None else f"init {arg.keyword}",
                             self.folders)
            if arg.keyword is None:
                args.append(value)
            else:
                kwargs[arg.keyword] = value
        model = self.cls(*args, **kwargs)
        if is_builder(self.cls):
            model = built(model, self.cls.__name__, self.init)
            self.model_class = type(model)
        return model

    def model_input(self, name: str | int) -> Any:
        arguments = split_arguments(self.input, "input")
        names = _input_names(self.cls, arguments, self.model_class)
        for index, (arg, var) in enumerate(zip(arguments, names)):
            if name in (var, arg.keyword, index):
                return evaluate(arg.text, self.namespace, f"input {var}", self.folders)
        message = translate("capture", "the input has no argument {name!r} (it has {names})")
        raise ProgramError(message.format(name=name, names=", ".join(names) or translate("capture", "none")),
                           kind="runtime")


def _guess_input(model: nn.Module) -> str:
    for sub in model.modules():
        if isinstance(sub, nn.Embedding):
            # Tokens, not features (nanoGPT's wte). A position table beside it (wpe) is as long
            # as the longest sequence the model takes.
            tables = [m.num_embeddings for m in model.modules() if isinstance(m, nn.Embedding)]
            return f"torch.randint(0, {sub.num_embeddings}, (1, {max(1, min(8, *tables))}))"
        if isinstance(sub, nn.Linear):
            return f"torch.rand(1, {sub.in_features})"
        if isinstance(sub, nn.Conv2d):
            return f"torch.rand(1, {sub.in_channels}, 28, 28)"
    raise ModuleLoadError(translate("capture", "cannot guess the input: give an input such as 'torch.rand(1, 50)' "
                                               "(several arguments and keywords as in a call: 'x, targets=y')"))


def module_program(spec: str, init: str = "", input_expr: str = "", seed: int | None = 0,
                   cls: Any = None) -> ModuleProgram:
    """Load ``spec`` and write the program that builds the model and runs it on its inputs.

    Parameters
    ----------
    spec : str
        ``path.py:ClassName``.
    init : str
        The constructor's arguments, as in a call: ``"50, 3"``, ``"GPTConfig(n_layer=2), dropout=0.1"``
        (Python, with the file's names in scope).
    input_expr : str
        The forward's arguments, as in a call: ``"torch.rand(1, 50)"``, ``"idx, targets=targets"``
        (Python, with the file's names in scope); guessed from the first Embedding, Linear or
        Conv2d layer when empty.
    seed : int or None
        ``torch.manual_seed`` before building the model, for reproducible weights.
    cls : type or function, optional
        The class (or the function that builds the model), when already loaded (the file is
        not run a second time).

    Raises
    ------
    ModuleLoadError
        The file, class or arguments cannot be used; ProgramError when evaluating the
        arguments (to guess the input) fails.
    """
    path, class_name = parse_spec(spec)
    if cls is None:
        cls = load_class(path, class_name)
    init_args = split_arguments(init, "init")
    inputs = split_arguments(input_expr, "input")
    model_class = None
    if not inputs or is_builder(cls):
        # Built here to guess the input, or to learn what class a builder function gives.
        names = ModuleNames(path, cls, init, "")
        try:
            probe = names.build_model()
        except (ProgramError, ModuleLoadError):
            raise
        except Exception as exc:  # noqa: BLE001 - the user's constructor may raise anything
            raise ModuleLoadError(translate("capture", "{call} raised {error}").format(
                call=f"{class_name}({init})", error=f"{type(exc).__name__}: {exc}")) from None
        model_class = type(probe)
        if not inputs:
            input_expr = _guess_input(probe)
            inputs = split_arguments(input_expr, "input")
    lines = [f"# {class_name} from {path.name}: gradviz ran that file's Python code to load it."]
    # A builder function's model is made by build_model(), which learns the model's class there.
    held = {a.text: _in_language(a.text) for a in (*init_args, *inputs)}
    init_in_language = all(held[a.text] for a in init_args) and not is_builder(cls)
    helpers = ([] if init_in_language else ["build_model()"]) + \
        (["model_input(...)"] if any(not held[a.text] for a in inputs) else [])
    if helpers:
        lines.append(f"# {' and '.join(helpers)}: Python, evaluated with {path.name}'s own names in scope.")
        if not init_in_language:
            lines.append(f"# build_model() is {class_name}({_one_line(init)})")
    if seed is not None:
        lines.append(f"torch.manual_seed({seed})")
    if init_in_language:
        lines.append(f"model = {class_name}({', '.join(_call_text(a) for a in init_args)})")
    else:
        lines.append("model = build_model()")
    names = _input_names(cls, inputs, model_class)
    for arg, var in zip(inputs, names):
        lines.append(f"{var} = {_one_line(arg.text)}" if held[arg.text] else
                     f"{var} = model_input({var!r})  # {_one_line(arg.text)}")
    call = [var if arg.keyword is None else f"{arg.keyword}={var}" for arg, var in zip(inputs, names)]
    lines += [f"out = model({', '.join(call)})", ""]
    return ModuleProgram(path, class_name, cls, "\n".join(lines), init, input_expr)


def _call_text(arg: Argument) -> str:
    text = _one_line(arg.text)
    return text if arg.keyword is None else f"{arg.keyword}={text}"


def _one_line(text: str) -> str:
    return " ".join(text.split())

"""Running a checked program: the helpers the rewrite calls, the bounds, and the errors."""

from __future__ import annotations

import builtins as builtins_module
import operator
import re
import threading
import time
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch

from gradviz.core.i18n import translate
from gradviz.core.program import allowlist, by_type, guards
from gradviz.core.program.console import RUNNING, Console, echo
from gradviz.core.program.errors import FILENAME, Locator, ProgramError
from gradviz.core.program.instrument import compile_program
from gradviz.core.program.language import parse, private_keyword_refused, refused_keyword
from gradviz.core.program.namespaces import NAMESPACES, allowed_callables


@dataclass(frozen=True)
class Limits:
    """Bounds a teacher never hits but a runaway loop does."""

    max_iterations: int = 1_000_000
    max_seconds: float = 120.0
    max_output_chars: int = 1_000_000
    max_output_lines: int = 10_000
    #: The limit the user set, when the program is stopped a moment before it (a run process
    #: stops its program before the runner would kill it, so the message can name the line).
    stated_seconds: float | None = None


# Type objects among these may be called (str(x), dict(...)); the allow-list refuses looking
# into them, so str.format and the like stay out of reach.
_SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins_module, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list",
        "max", "min", "pow", "range", "reversed", "round", "sorted", "str", "sum", "tuple",
        "zip", "isinstance", "slice", "complex",
    )
}

_IN_PLACE = {
    "Add": operator.iadd, "Sub": operator.isub, "Mult": operator.imul, "MatMult": operator.imatmul,
    "Div": operator.itruediv, "FloorDiv": operator.ifloordiv, "Mod": operator.imod, "Pow": operator.ipow,
    "LShift": operator.ilshift, "RShift": operator.irshift, "BitOr": operator.ior, "BitXor": operator.ixor,
    "BitAnd": operator.iand,
}


@dataclass
class ProgramResult:
    """What a finished program left behind."""

    namespace: dict[str, Any]
    assignments: list[tuple[str, int]] = field(default_factory=list)  # (name, line) in order
    output: list[str] = field(default_factory=list)  # what print() wrote, capped
    last_value: str | None = None  # the text of a bare last expression's value, as a REPL shows it


class LoopRun:
    """One run of a program's ``for`` loop: its line, the iteration running, and in the end
    how many ran (a loop inside another runs once per outer iteration)."""

    __slots__ = ("line", "iteration", "count")

    def __init__(self, line: int) -> None:
        self.line = line
        self.iteration = -1
        self.count = 0


class Interpreter:
    """Runs one program. ``line`` is the statement running now (for recorders).

    Parameters
    ----------
    source : str
        The program text.
    limits : Limits
        Loop, time and output bounds.
    on_assign : callable, optional
        Called as ``on_assign(name, value, line)`` after every assignment to a name; a
        value it returns (not None) replaces the assigned one.
    extra_names : dict, optional
        More names in scope (e.g. a loaded module ``model``).
    cancel : threading.Event, optional
        When set (from another thread), the program stops at its next statement or loop
        iteration with a ProgramError of kind ``"cancelled"``.
    on_line : callable, optional
        Called with each statement's line as it starts (a run process tells the runner,
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
        self.locator = Locator(source if isinstance(source, str) else "")
        self.lines = self.locator.lines
        self.limits = limits
        self.on_assign = on_assign
        self.extra_names = dict(extra_names or {})
        self.line: int | None = None
        self.loops: list[LoopRun] = []  # the for loops running now, outermost first
        self._frames: tuple[tuple[LoopRun, int], ...] = ()  # current_loop(), kept as the loops step
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
        """The text of line ``line`` of the program, stripped."""
        return self.locator.statement(line)

    def run(self) -> ProgramResult:
        """Run the program; raise ProgramError on any problem, with the line that raised."""
        code = compile_program(parse(self.source), self.locator)
        ns = self._namespace()
        self._result = ProgramResult(namespace=ns)
        self._console = Console(self._result.output, self.limits.max_output_chars, self.limits.max_output_lines)
        self._deadline = time.monotonic() + self.limits.max_seconds
        grad_enabled = torch.is_grad_enabled()
        RUNNING.append(self._console)
        try:
            with guards.modules_checked():
                exec(code, ns)
        except ProgramError as exc:
            if exc.line is None:
                exc.line = self.line or 1
            exc.statement = exc.statement or self.statement(exc.line)
            raise
        except RecursionError:
            raise self._error(translate("interpreter", "the program nests too deeply (recursion limit)"),
                              "limit") from None
        except MemoryError:
            raise self._error(translate("interpreter", "out of memory: the tensors or lists are too large"),
                              "runtime") from None
        except (Exception, SystemExit, GeneratorExit) as exc:  # torch and Python errors become located messages
            line = _program_line(exc.__traceback__) or self.line or 1
            raise ProgramError(_describe(exc), line, None, "runtime", self.statement(line)) from exc
        finally:
            # A bare torch.set_grad_enabled(False) must not outlive the program in this thread.
            torch.set_grad_enabled(grad_enabled)
            RUNNING.remove(self._console)
            self._console.finish()
        for helper in [k for k in ns if k.startswith("__")]:
            del ns[helper]
        return self._result

    def _error(self, message: str, kind: str, line: int | None = None, col: int | None = None) -> ProgramError:
        line = line or self.line or 1
        return ProgramError(message, line, col, kind, self.statement(line))

    def _namespace(self) -> dict[str, Any]:
        safe = dict(_SAFE_BUILTINS)
        safe["print"] = printer = self._print
        # What a program may call besides the namespaces' and builtins' functions: its own
        # names (a lesson's or a file's model class), print, and objects held alive by ``ns``.
        self._own_callables = {id(printer), *(id(v) for v in self.extra_names.values() if callable(v))}
        # torch's C++ side imports its own modules through the calling frame's builtins; the
        # program itself cannot name __import__ (double-underscore names are refused).
        safe["__import__"] = builtins_module.__import__
        if hasattr(builtins_module, "__orig_import__"):
            # PySide6's shiboken replaces __import__ with a wrapper that looks this up.
            safe["__orig_import__"] = builtins_module.__orig_import__
        ns: dict[str, Any] = {"__builtins__": safe, "torch": torch, "F": NAMESPACES["torch.nn.functional"],
                              "nn": NAMESPACES["torch.nn"], "math": NAMESPACES["math"]}
        ns.update(self.extra_names)
        ns.update({
            "__gv_line": self._on_line, "__gv_tick": self._on_tick, "__gv_loop": self._loop,
            "__gv_attr": self._attr, "__gv_setattr": self._setattr, "__gv_augload": self._augload,
            "__gv_augattr": self._augattr, "__gv_delattr": self._delattr, "__gv_import": self._import,
            "__gv_assigned": self._assigned, "__gv_show": self._show, "__gv_call": self._call,
        })
        return ns

    def _print(self, *args: Any, **kwargs: Any) -> None:
        self._console.print(*args, **kwargs)

    def _show(self, value: Any) -> None:
        self._result.last_value = echo(value)

    def _on_line(self, line: int) -> None:
        self.line = line
        if self.on_line is not None:
            self.on_line(line)
        if self.cancel is not None and self.cancel.is_set():
            raise self._error(translate("interpreter", "cancelled"), "cancelled")
        if time.monotonic() > self._deadline:
            stated = self.limits.stated_seconds or self.limits.max_seconds
            raise self._error(time_limit_message(stated), "limit")

    def _on_tick(self, line: int) -> bool:
        self._iterations += 1
        if self.cancel is not None and self.cancel.is_set():
            self.line = line
            raise self._error(translate("interpreter", "cancelled"), "cancelled")
        if self._iterations > self.limits.max_iterations:
            self.line = line
            message = translate("interpreter", "more than {limit:,} loop iterations: gradviz stopped the program "
                                               "(is a loop endless?)")
            raise self._error(message.format(limit=self.limits.max_iterations), "limit")
        return True

    def current_loop(self) -> tuple[tuple[LoopRun, int], ...]:
        """The running for loops and their iterations (0-based), outermost first."""
        # Asked for every node and named tensor; made again only when a loop starts, steps or ends.
        return self._frames

    def _loop_changed(self) -> None:
        self._frames = tuple([(run, run.iteration) for run in self.loops])

    def _loop(self, line: int, iterable: Any) -> Iterable[Any]:
        run = LoopRun(line)
        # Before the loop is entered: iterating a tensor unbinds it once, outside every iteration.
        items = iter(iterable)
        self.loops.append(run)
        try:
            while True:
                # An item made on demand (map's) is made by the iteration it starts; an
                # iteration of -1 once reached the graph and made the whole run malformed.
                run.iteration += 1
                self._loop_changed()
                try:
                    item = next(items)
                except StopIteration:
                    run.iteration -= 1
                    return
                self._on_tick(line)
                yield item
        finally:
            # After the last item, or a break (CPython closes the dropped generator at once).
            run.count = run.iteration + 1
            if run in self.loops:
                self.loops.remove(run)
            self._loop_changed()

    def _attr(self, obj: Any, name: str, line: int, col: int) -> Any:
        try:
            return allowlist.read(obj, name)
        except allowlist.Refused as refused:
            raise self._error(refused.message, refused.kind, line, col) from None
        except AttributeError as exc:  # an allowed name this object lacks (_saved_self after backward...)
            raise self._error(_describe(exc), "runtime", line, col) from None

    def _call(self, func: Any, line: int, col: int, /, *args: Any, **kwargs: Any) -> Any:
        # The second check behind the attribute allow-list: a function can also come out of a
        # container or a result (a dict some torch object filled), never read as an attribute.
        # It may be called, or handed to a function that calls it (sorted's key, a hook), only if
        # it is one the program was given. A method read as an attribute is checked again, so a
        # value set on an object under a method's name cannot pass for that method.
        if not self._may_call(func):
            raise self._refused_call(func, line, col)
        self._check_handed(args, line, col)
        if kwargs:
            for name in kwargs:  # f(**d) names what the source check cannot see
                if refused_keyword(name):
                    raise self._error(private_keyword_refused(name), "refused", line, col)
            self._check_handed(kwargs.values(), line, col)
        try:
            guards.check_call(func, args, kwargs)
        except ProgramError as refused:
            raise self._error(refused.message, refused.kind, line, col) from None
        return func(*args, **kwargs)

    def _check_handed(self, values: Iterable[Any], line: int, col: int, depth: int = 3) -> None:
        """Every function among ``values``, and in the lists, tuples and dicts among them (a
        list of schedules, hooks or closures; (name, value) pairs), is one the program may call."""
        for value in values:
            kind = type(value)
            if kind is list or kind is tuple or kind is dict:
                if depth:
                    self._check_handed(value.values() if kind is dict else value, line, col, depth - 1)
            elif callable(value) and not self._may_call(value):
                raise self._refused_call(value, line, col)

    def _may_call(self, func: Any) -> bool:
        if isinstance(func, torch.nn.Module):
            # Called, a module runs its class's forward, unless the instance holds one of its own.
            own = getattr(func, "__dict__", {})
            return "forward" not in own and "__call__" not in own
        if id(func) in allowed_callables() or id(func) in self._own_callables:
            return True
        # A method of an object the program holds, as the allow-list lets it read it by the
        # object's type (a list's append, a model's forward); a module's functions are above.
        owner, name = getattr(func, "__self__", None), getattr(func, "__name__", None)
        if owner is None or isinstance(owner, types.ModuleType) or not isinstance(name, str):
            # torch rebinds some of its functions when a part of it is first imported (torch._dynamo
            # wraps torch.manual_seed): the namespaces are read again before a call is refused.
            allowed_callables.cache_clear()
            return id(func) in allowed_callables()
        # A Function's apply is named _apply by torch: looked for under the names it is read as.
        for known in (name, *(by_type.FUNCTION_CLASS_NAMES if isinstance(owner, type) else ())):
            try:
                if allowlist.read(owner, known) == func:
                    return True
            except (allowlist.Refused, AttributeError):
                continue
        return False

    def _refused_call(self, func: Any, line: int, col: int) -> ProgramError:
        what = getattr(func, "__name__", None)
        what = what if isinstance(what, str) else type(func).__name__
        message = translate("interpreter", "calling '{name}' is refused: it came out of a container or a "
                                           "result, and is not one of the functions gradviz programs are given "
                                           "(torch, nn, F, math, the builtins listed in the README and the "
                                           "methods the allow-list offers)")
        return self._error(message.format(name=what), "refused", line, col)

    def _setattr(self, value: Any, obj: Any, name: str, line: int, col: int) -> None:
        try:
            allowlist.write(obj, name, value)
        except allowlist.Refused as refused:
            raise self._error(refused.message, refused.kind, line, col) from None

    def _augload(self, obj: Any, name: str, line: int, col: int) -> tuple[Any, str, Any]:
        return obj, name, self._attr(obj, name, line, col)

    def _augattr(self, loaded: tuple[Any, str, Any], value: Any, op: str, line: int, col: int) -> None:
        obj, name, current = loaded
        self._setattr(_IN_PLACE[op](current, value), obj, name, line, col)

    def _delattr(self, obj: Any, name: str, line: int, col: int) -> None:
        try:
            allowlist.delete(obj, name)
        except allowlist.Refused as refused:
            raise self._error(refused.message, refused.kind, line, col) from None

    def _import(self, namespace: str, name: str | None, line: int, col: int) -> Any:
        module = NAMESPACES[namespace]
        return module if name is None else self._attr(module, name, line, col)

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
    try:
        text = str(exc).strip()
    except Exception:  # noqa: BLE001 - an exception whose message itself fails
        text = ""
    # torch prefixes long C++ traces; the first paragraph is the part a student can act on.
    if "\n\n" in text:
        text = text.split("\n\n", 1)[0]
    name = type(exc).__name__
    if isinstance(exc, NameError):
        match = re.fullmatch(r"name '(\w+)' is not defined", text)
        if match:  # the one Python error every beginner meets, in their words
            text = translate("python", "name '{name}' is not defined").format(name=match.group(1))
            if match.group(1) == "tensor":
                # A tutorial's output block (tensor([1, 2, 3])) pasted with its code.
                return translate("interpreter", "{error}: tensor(...) is how PyTorch prints a tensor, so this line is "
                                                "likely output pasted with the code; leave it out, or write "
                                                "torch.tensor(...)").format(error=text)
        return translate("interpreter", "{error} (gradviz programs see torch, F, nn, math and the names they "
                                        "assign)").format(error=text)
    if isinstance(exc, AttributeError):
        return text or name
    return f"{name}: {text}" if text else name


def time_limit_message(seconds: float, advice: bool = True) -> str:
    """What a program stopped at its time limit is told (by the run itself, or by the runner that killed it)."""
    if advice:
        return translate("interpreter", "the program ran longer than {seconds:g} s and was stopped: make loops "
                                        "shorter or tensors smaller").format(seconds=seconds)
    return translate("interpreter", "the program ran longer than {seconds:g} s and was stopped").format(
        seconds=seconds)


def run_program(source: str, **kwargs: Any) -> ProgramResult:
    """Check and run ``source``; see :class:`Interpreter` for the arguments.

    Returns
    -------
    ProgramResult
        The namespace, the assignments, the printed output and the last expression's text.

    Raises
    ------
    ProgramError
        For any problem, always with a line.
    """
    return Interpreter(source, **kwargs).run()

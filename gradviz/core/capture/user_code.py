"""A user's own Python file, run as real code: its imports, its arguments, its errors.

* **Importing** (:func:`import_file`): as ``import model`` would from its folder — ``__name__``
  is the module's name, never ``"__main__"``; a file inside a package (``pkg/__init__.py``
  beside it) is imported as ``pkg.model``, so ``from .layers import Block`` works; the file's
  folder and its package root are on ``sys.path``.
* **Arguments** (:func:`split_arguments`, :func:`evaluate`): ``--init`` and ``--input`` are
  Python argument lists (``GPTConfig(n_layer=2), dropout=0.1``), evaluated with the file's own
  names in scope.
* **Errors** (:func:`located`): a failure inside the user's code names their file and line,
  with the last frames that ran there.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import linecache
import os
import sys
import sysconfig
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradviz.core.capture.module_spec import ModuleLoadError
from gradviz.core.i18n import translate
from gradviz.core.program.errors import FILENAME as PROGRAM_FILENAME
from gradviz.core.program.errors import ProgramError, frame_text, syntax_error
from gradviz.core.program.errors import located as located_text

#: Frames shown under a located error, innermost last.
FRAMES_SHOWN = 4


def package_root(path: Path) -> tuple[Path, str]:
    """The folder to import ``path`` from, and its dotted module name there.

    ``/src/pkg/model.py`` with ``/src/pkg/__init__.py`` gives ``(/src, "pkg.model")``; a file
    outside any package gives its own folder and its stem.
    """
    path = path.resolve()
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder and folder.name.isidentifier():
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) == 1:
        # A folder without __init__.py is a package too (a namespace package) to Python run from
        # above it: a file that imports relatively (``from . import utils``) is imported in as
        # many of its folders as its deepest relative import climbs.
        for _ in range(_relative_depth(_syntax_tree(path))):
            if folder.parent == folder or not folder.name.isidentifier():
                break
            parts.insert(0, folder.name)
            folder = folder.parent
    return folder, ".".join(parts)


def _syntax_tree(path: Path) -> ast.Module | None:
    """``path``'s code parsed, or None when it cannot be read or parsed (importing it says why)."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _relative_depth(tree: ast.Module | None) -> int:
    """How many package levels a file's relative imports need: 1 for ``from . import x``,
    2 for ``from .. import x``; 0 when it has none (or could not be parsed)."""
    if tree is None:
        return 0
    return max((node.level for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)), default=0)


def import_file(path: Path) -> types.ModuleType:
    """Import ``path`` (running its code) as it would import on its own; see the module docstring.

    Raises
    ------
    ModuleLoadError
        No such file, a syntax error, or an exception while it ran (with its file and line).
    """
    path = path.resolve()
    if not path.is_file():
        raise ModuleLoadError(f"no file {path}")
    root, dotted = package_root(path)
    for folder in (str(path.parent), str(root)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    for folder in import_roots(path):
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    try:
        if "." in dotted:
            try:
                module = importlib.import_module(dotted)
            except Exception as exc:  # maybe its package's __init__ failed, not the file
                if not _package_failed_first(exc, path):
                    raise
                try:
                    module = _import_single(path, path.stem)
                except Exception:  # noqa: BLE001 - the file needs its package after all: tell why that failed
                    raise exc from None
        else:
            module = _import_single(path, dotted)
    except SyntaxError as exc:
        where = Path(exc.filename).name if exc.filename else path.name
        raise ModuleLoadError(located_text(syntax_error(exc.msg), exc.lineno, None, where)) from None
    except ModuleLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's file may raise anything; it becomes a message
        error = located(exc, user_folders(path))
        detail = error.message if error is not None else f"{_describe(exc)}{_hint(exc)}"
        message = translate("capture", "importing {file} raised {error}").format(file=path.name, error=detail)
        if error is not None and error.file:
            raise ModuleLoadError(located_text(message, error.line, None, error.file)) from None
        raise ModuleLoadError(located_text(message, None, None, path.name)) from None
    return module


def _package_failed_first(exc: BaseException, path: Path) -> bool:
    """True when importing ``path`` as its package's module failed before any of the file's own
    code ran (its package's ``__init__`` imports a sibling that needs a package this Python
    lacks: openai/CLIP's ``clip/__init__.py`` imports ``clip.py``, which needs torchvision,
    PIL and setuptools, none of which ``clip/model.py`` needs) and the file imports nothing
    relative to its package: then it is imported on its own, as ``import model`` from its
    folder would."""
    if isinstance(exc, SyntaxError):
        return False
    ran = {Path(f.filename).resolve() for f in traceback.extract_tb(exc.__traceback__) if f.filename}
    if path in ran:
        return False
    tree = _syntax_tree(path)
    return tree is not None and _relative_depth(tree) == 0


#: How far up from the file its imports' root folder is looked for.
IMPORT_ROOT_DEPTH = 8


def import_roots(path: Path) -> list[Path]:
    """The folders above ``path`` that its absolute imports start from, as when the repository's
    scripts run from its root: ``models/layers/attention.py`` in a repository without
    ``__init__.py`` files imports ``from models.layers.norm import LayerNorm``, which works from
    the repository's root (Python puts the current folder on ``sys.path``) and nowhere else —
    not from the app, whose folder is its own. For each top-level name the file imports that
    this Python cannot find, the nearest folder above the file holding ``name/`` or ``name.py``.
    """
    tree = _syntax_tree(path)
    if tree is None:
        return []  # the import itself says what is wrong
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module.split(".")[0])
    roots: list[Path] = []
    for name in dict.fromkeys(names):
        try:
            if name in sys.modules or importlib.util.find_spec(name) is not None:
                continue
        except (ImportError, ValueError):
            continue
        for folder in list(path.parents)[1:IMPORT_ROOT_DEPTH + 1]:
            if (folder / name).is_dir() or (folder / f"{name}.py").is_file():
                if folder not in roots:
                    roots.append(folder)
                break
    return roots


def _import_single(path: Path, name: str) -> types.ModuleType:
    """A file outside any package, under its own name (or a private one if that is taken)."""
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() == path:
        return existing
    if existing is not None or not name.isidentifier():
        name = f"gradviz_user_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModuleLoadError(translate("capture", "cannot load {path} as Python").format(path=path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def user_folders(path: Path) -> tuple[Path, ...]:
    """Where the user's own code lives: the file's folder and its package root."""
    path = path.resolve()
    root, _ = package_root(path)
    return tuple(dict.fromkeys((path.parent, root)))


_NOT_USER = tuple(Path(p).resolve() for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                                               sysconfig.get_paths()["stdlib"]})
_GRADVIZ = Path(__file__).resolve().parents[2]


def _library_free(filename: str) -> Path | None:
    """``filename`` resolved, when it is a real file that is neither gradviz's, Python's nor an
    installed package's (torch's); else None."""
    if not filename or filename.startswith("<"):
        return None
    try:
        file = Path(filename).resolve()
    except (OSError, ValueError):
        return None
    if any(file.is_relative_to(p) for p in _NOT_USER) or file.is_relative_to(_GRADVIZ) or "site-packages" in file.parts:
        return None
    return file


def is_user_file(filename: str, folders: tuple[Path, ...]) -> bool:
    """True for a file under ``folders`` that is neither gradviz's nor an installed package's."""
    file = _library_free(filename)
    return file is not None and any(file.is_relative_to(folder) for folder in folders)


def _outside_libraries(filename: str) -> bool:
    """True for the typed program and for a file that is neither gradviz's, Python's nor an
    installed package's (torch's)."""
    return filename == PROGRAM_FILENAME or _library_free(filename) is not None


def warned_where(filename: str, lineno: int) -> tuple[str, int]:
    """Where a warning raised now comes from in the code being run.

    torch attributes a warning to the frame some levels above where it is raised (its
    ``stacklevel``): under gradviz's recorder that is gradviz's own ``__torch_function__``
    (``recorder.py``) or torch's ``functional.py``, not the model file's line that called
    ``F.softmax`` or ``nn.Softmax()``. A warning placed in gradviz's, torch's or Python's code
    is given the innermost frame running now that is none of theirs.
    """
    if _outside_libraries(filename):
        return filename, lineno
    frame = sys._getframe(1)
    while frame is not None:
        if _outside_libraries(frame.f_code.co_filename):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return filename, lineno


def warning_text(message: Warning | str, category: type[Warning], filename: str, lineno: int) -> str:
    """A warning as gradviz tells what happened in the user's code: ``model.py, line 20: UserWarning: ...``
    (a program's own line as ``line 3``)."""
    file = "" if filename == PROGRAM_FILENAME else Path(filename).name
    return located_text(f"{category.__name__}: {message}", lineno, None, file)


def located(exc: BaseException, folders: tuple[Path, ...], kind: str = "runtime") -> ProgramError | None:
    """A ProgramError at the innermost line of the user's code that ``exc`` passed through
    (None when it never did), its message followed by the last frames there."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if is_user_file(f.filename, folders)]
    if not frames:
        return None
    last = frames[-1]
    lines = [_describe(exc)]
    for frame in frames[-FRAMES_SHOWN:]:
        text = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        lines.append(frame_text(Path(frame.filename).name, frame.lineno, frame.name, text))
    lines.append(_hint(exc).lstrip("\n"))
    statement = (last.line or "").strip()
    return ProgramError("\n".join(line for line in lines if line), last.lineno, None, kind, statement,
                        Path(last.filename).name)


# Packages installed under another name than the module they give.
_PIP_NAMES = {"cv2": "opencv-python", "PIL": "pillow", "sklearn": "scikit-learn", "skimage": "scikit-image",
              "yaml": "pyyaml", "attr": "attrs", "Crypto": "pycryptodome", "google": "protobuf",
              "pkg_resources": "setuptools", "bs4": "beautifulsoup4", "dateutil": "python-dateutil"}


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    if "\n\n" in text:  # torch's C++ trace after the part a student can act on
        text = text.split("\n\n", 1)[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _missing_module_hint(exc: BaseException) -> str:
    """For a module the file imports that this Python does not have (torchvision, say): where
    gradviz runs the file, and how to install it there."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return ""
    top = exc.name.split(".")[0]
    try:
        if importlib.util.find_spec(top) is not None:
            return ""  # the package is there, a part of it is not: the message says which
    except (ImportError, ValueError):
        return ""
    nearby = _nearby_module(exc, top)
    if nearby is not None:
        return "\n  " + translate("capture", "there is no installed module {module!r}, but there is {path}: your "
                                            "code finds it when it runs from the folder it expects (it may add a "
                                            "folder to sys.path relative to the current one, {folder}): start "
                                            "gradviz from that folder").format(module=top, path=nearby,
                                                                                folder=os.getcwd())
    package = _PIP_NAMES.get(top, top)
    return "\n  " + translate("capture", "gradviz runs your file with its own Python ({python}), which has no "
                                        "module {module!r}: install it there (`{python} -m pip install {package}`), "
                                        "or, if {name} is your own code, put it beside the file or in its "
                                        "package").format(python=sys.executable, module=top, package=package, name=top)


def _nearby_module(exc: BaseException, top: str) -> Path | None:
    """A module ``top`` in a folder beside or below the user's files the import passed through
    (``utils/proj_adaptive_softmax.py``, which the code reaches by ``sys.path.append("utils")``
    from its own folder); None if there is none. Looks one folder down from each, and from
    each one's parent: a few directory listings."""
    python = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    bases: dict[Path, None] = {}
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if not path.is_file() or any(root in path.resolve().parents for root in python) \
                or "site-packages" in path.parts:
            continue
        bases.setdefault(path.parent, None)
        bases.setdefault(path.parent.parent, None)
    for base in list(bases)[:8]:
        for pattern in (f"{top}.py", f"{top}/__init__.py", f"*/{top}.py", f"*/{top}/__init__.py"):
            try:
                found = next(iter(sorted(base.glob(pattern))), None)
            except OSError:
                found = None
            if found is not None:
                return found if found.name != "__init__.py" else found.parent
    return None


def _hint(exc: BaseException) -> str:
    """What to do about ``exc``, when gradviz knows more than its message says ("" if not)."""
    return _missing_module_hint(exc) or _relative_file_hint(exc) or _no_keyboard_hint(exc)


def _no_keyboard_hint(exc: BaseException) -> str:
    """For ``input()`` in the file: the run process has no terminal to type into."""
    if not isinstance(exc, EOFError):
        return ""
    return "\n  " + translate("capture", "gradviz runs your file with nothing to type into, so input() gets no "
                                         "answer: give the value in the file, or move the question under "
                                         "`if __name__ == \"__main__\":`")


def _relative_file_hint(exc: BaseException) -> str:
    """For a file the code opens by a relative name (``open("config.yaml")``) that is not there:
    Python looks for it in the current folder, which is gradviz's, not the file's."""
    name = getattr(exc, "filename", None)
    if not isinstance(exc, FileNotFoundError) or not isinstance(name, str) or not name or Path(name).is_absolute():
        return ""
    return "\n  " + translate("capture", "{name} is looked for in the current folder ({folder}), as Python does: "
                                         "start gradviz from the folder your code expects it in (the repository's "
                                         "top folder, most often)").format(name=name, folder=os.getcwd())


# ----- arguments -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Argument:
    """One argument of a call: ``keyword`` None for a positional one; ``text`` its Python."""

    keyword: str | None
    text: str


def split_arguments(text: str, what: str) -> list[Argument]:
    """The arguments of ``text``, an argument list such as ``x, targets=y`` (read, not run).

    Raises
    ------
    ModuleLoadError
        ``text`` is not an argument list, or uses ``*`` / ``**`` unpacking.
    """
    body = text.strip()
    if not body:
        return []
    try:
        call = ast.parse(f"f(\n{body}\n)", mode="eval").body
    except SyntaxError as exc:
        message = translate("capture", "{what} '{text}' is not a Python argument list ({error}): write it as you "
                                       "would between the brackets of a call, e.g. 'x, targets=y'")
        raise ModuleLoadError(message.format(what=what, text=text, error=exc.msg)) from None
    assert isinstance(call, ast.Call)
    source = f"f(\n{body}\n)"
    out = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            raise ModuleLoadError(translate("capture", "{what}: *unpacking is not supported; write each argument "
                                                       "out").format(what=what))
        out.append(Argument(None, ast.get_source_segment(source, arg) or ast.unparse(arg)))
    for kw in call.keywords:
        if kw.arg is None:
            raise ModuleLoadError(translate("capture", "{what}: **unpacking is not supported; write each keyword "
                                                       "argument out").format(what=what))
        out.append(Argument(kw.arg, ast.get_source_segment(source, kw.value) or ast.unparse(kw.value)))
    return out


def evaluate(text: str, namespace: dict[str, Any], what: str, folders: tuple[Path, ...]) -> Any:
    """``text`` (one Python expression) evaluated with ``namespace``'s names (a copy: nothing
    the expression binds leaks into the module).

    Raises
    ------
    ProgramError
        Kind ``"runtime"``, naming ``what`` (``init``, ``input targets``...) or the user's file
        and line when the error happened inside their code.
    """
    try:
        code = compile(text, f"<{what}>", "eval")
    except SyntaxError as exc:
        raise ProgramError(f"{what} '{text}': {syntax_error(exc.msg)}", kind="runtime") from None
    try:
        return eval(code, dict(namespace))
    except Exception as exc:  # noqa: BLE001 - anything the expression raises becomes a message
        error = located(exc, folders)
        if error is not None:
            error.message = error.message + "\n  " + translate("capture", "(while evaluating {what}: {text})").format(
                what=what, text=text)
            raise error from None
        message = translate("capture", "{what} '{text}' raised {error}").format(
            what=what, text=text, error=_describe(exc) + _hint(exc))
        raise ProgramError(message, kind="runtime") from None

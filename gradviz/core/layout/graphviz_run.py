"""Find and run the Graphviz layout program, with a timeout and a Cancel.

The engine is ``graphviz-pure`` (pip-installable, same bytes on every platform)
unless the caller or ``GRADVIZ_DOT`` names another Graphviz ``dot``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from gradviz.core.i18n import translate

ENGINE_NAME = "graphviz-pure"
ENGINE_ENV = "GRADVIZ_DOT"
_POLL_SECONDS = 0.05


def _install_hint() -> str:
    return translate("layout", "Install the layout engine with `pip install graphviz-pure`, or set {variable} to a "
                               "Graphviz `dot` program (for example {variable}=/usr/bin/dot).").format(
        variable=ENGINE_ENV)


class LayoutError(Exception):
    """The graph could not be laid out; the message says what to do about it."""


class LayoutCancelled(LayoutError):
    """The layout was cancelled by the caller."""


def _resolve(program: str) -> str | None:
    path = Path(program).expanduser()
    if (os.sep in program or (os.altsep and os.altsep in program)) or path.is_file():
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which(program)


def find_engine(engine: str | None = None) -> str:
    """Path of the Graphviz layout program to run.

    Parameters
    ----------
    engine : str, optional
        A path or a program name on PATH. Takes precedence over everything.

    Returns
    -------
    str
        In order: ``engine``; else the ``GRADVIZ_DOT`` environment variable;
        else ``graphviz-pure`` next to ``sys.executable`` (a venv's bin), in
        this Python's scripts directory, or on PATH.

    Raises
    ------
    LayoutError
        If the chosen program does not exist, saying how to install one.
    """
    setting = translate("layout", "the engine setting")
    for value, origin in ((engine, setting), (os.environ.get(ENGINE_ENV), ENGINE_ENV)):
        if value:
            found = _resolve(value)
            if found is None:
                message = translate("layout", "Layout engine {program!r} (from {origin}) was not found or is not "
                                              "executable. {hint}")
                raise LayoutError(message.format(program=value, origin=origin, hint=_install_hint()))
            return found
    exe = ENGINE_NAME + (".exe" if sys.platform == "win32" else "")
    # Not resolved: a venv's python is a symlink out of the venv, and the
    # engine is installed next to the link.
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(ENGINE_NAME)
    if found:
        return found
    raise LayoutError(translate("layout", "No Graphviz layout engine was found. {hint}").format(hint=_install_hint()))


def run_engine(
    dot_text: str,
    fmt: str,
    *,
    engine: str | None = None,
    timeout: float | None = 60,
    cancel: threading.Event | None = None,
    args: Sequence[str] = (),
) -> bytes:
    """Run the layout engine on ``dot_text`` and return what it printed.

    Parameters
    ----------
    dot_text : str
        DOT source, sent on stdin as UTF-8.
    fmt : str
        Output format, passed as ``-T<fmt>`` (``json``, ``svg``, ``png``, ...).
    engine : str, optional
        Program to run; see :func:`find_engine`.
    timeout : float or None
        Seconds before the engine is killed; None waits forever.
    cancel : threading.Event, optional
        Polled every 50 ms; once set, the engine is killed.
    args : sequence of str
        Extra command-line flags, e.g. ``['-Gdpi=192']``.

    Returns
    -------
    bytes
        The engine's stdout. Warnings on stderr are dropped when it succeeds.

    Raises
    ------
    LayoutCancelled
        If ``cancel`` was set (the process is killed within ~0.1 s).
    LayoutError
        If the engine is missing, times out, or exits non-zero (with its stderr).
    """
    program = find_engine(engine)
    try:
        proc = subprocess.Popen(
            [program, f"-T{fmt}", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        message = translate("layout", "Could not start the layout engine {program!r}: {error}. {hint}")
        raise LayoutError(message.format(program=program, error=exc.strerror or exc, hint=_install_hint())) from None
    data: bytes | None = dot_text.encode("utf-8")
    deadline = None if timeout is None else time.monotonic() + timeout
    # communicate() with a short timeout keeps feeding stdin and draining the
    # pipes between polls, so a big graph can neither deadlock nor outlive Cancel.
    while True:
        try:
            out, err = proc.communicate(data, timeout=_POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            data = None  # already handed over; communicate() refuses it twice
            if cancel is not None and cancel.is_set():
                _kill(proc)
                raise LayoutCancelled(translate("layout", "Layout cancelled.")) from None
            if deadline is not None and time.monotonic() > deadline:
                _kill(proc)
                raise LayoutError(translate(
                    "layout", "The layout engine took longer than {seconds:g} s and was stopped. Collapse some "
                              "modules or hide values to make the graph smaller.").format(seconds=timeout)) from None
    if proc.returncode != 0:
        said = err.decode("utf-8", "replace").strip() or translate("layout", "(no message)")
        message = translate("layout", "The layout engine {program!r} failed (exit code {code}): {message}")
        raise LayoutError(message.format(program=program, code=proc.returncode, message=said))
    return out


def _kill(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.communicate()  # reap it and close the pipes

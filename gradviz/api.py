"""gradviz as a library, for one's own scripts and notebooks.

::

    import gradviz

    with gradviz.record() as rec:
        loss = model(x).sum()
        loss.backward()
    rec.save("step.gradviz-rec")   # open it later: gradviz step.gradviz-rec
    gradviz.show(rec)              # the app, on this graph
    rec                            # in Jupyter: the graph, inline

This is your own code in your own process: nothing is checked or contained (the app's
language and run processes are for code typed into it and lesson files). ``record`` watches
the block with the recorder every gradviz run uses and gives the same Trace.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["Recording", "load", "record", "show"]


class Recording:
    """A recorded autograd graph: ``trace``, ``save(path)``, and an inline picture in Jupyter.

    Made by :func:`record` (fill it with a ``with`` block) or :func:`load` (from a file).
    """

    def __init__(self, trace: Any = None, title: str = "", *, _block: Any = None) -> None:
        self._trace = trace
        self.title = title
        self._block = _block
        self.path: Path | None = None  # the file it was saved to or loaded from

    # -- the with block ---------------------------------------------------------------------
    def __enter__(self) -> "Recording":
        if self._block is None or self._trace is not None:
            raise RuntimeError("a Recording is filled by one `with gradviz.record() as rec:` block")
        self._block.start()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        block, self._block = self._block, None
        if exc_type is not None:
            block.abandon()
            return False  # the block's own error goes on
        self._trace = block.stop()
        return False

    # -- what it holds ----------------------------------------------------------------------
    @property
    def trace(self) -> Any:
        """The :class:`gradviz.core.trace.Trace` (nodes, edges, values, gradients, passes)."""
        if self._trace is None:
            raise RuntimeError("the recording is not finished: its `with` block has not ended")
        return self._trace

    def __repr__(self) -> str:
        if self._trace is None:
            return "<gradviz Recording (recording…)>"
        t = self._trace
        if t.is_empty:
            return f"<gradviz Recording: no graph — {t.explanation}>"
        return f"<gradviz Recording: {len(t.nodes)} nodes, {len(t.edges)} edges, {len(t.passes)} backward passes>"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a ``.gradviz-rec`` file (gradviz's data-only format); returns its path."""
        from gradviz.core.recording import save

        self.path = save(self.trace, path, self.title)
        return self.path

    def svg(self) -> str:
        """The graph as SVG text (Graphviz's layout, values and gradients in the boxes)."""
        from gradviz.core.export import svg_text

        return svg_text(self.trace)

    def _repr_svg_(self) -> str | None:
        # Jupyter's display protocol: the graph inline; nothing (the repr) when there is none.
        if self._trace is None or self._trace.is_empty:
            return None
        return self.svg()


def record(*, backward: bool = True, root: str | None = None, title: str = "") -> Recording:
    """Record the autograd graph of the code in a ``with`` block.

    Parameters
    ----------
    backward : bool
        If the block runs no backward pass, run one from the root (as gradviz does for
        programs) and put every ``.grad`` back afterwards, so the recording has gradients and
        your tensors are as the block left them.
    root : str, optional
        The variable to draw as the root, or a path into one (``out.loss``, ``out[0]``).
        Default: ``loss`` if the block assigns it, else its last result.
    title : str
        A name for the recording (shown by the app).

    Returns
    -------
    Recording
        Filled when the block ends: ``rec.trace``, ``rec.save(path)``, ``gradviz.show(rec)``.
    """
    from gradviz.core.capture.record import BlockRecorder

    frame = sys._getframe(1)
    return Recording(title=title, _block=BlockRecorder(frame, backward=backward, root=root))


def load(path: str | os.PathLike[str]) -> Recording:
    """A saved recording (``.gradviz-rec``); ValueError when the file is not one or is damaged."""
    from gradviz.core.recording import load as load_file

    held = load_file(path)
    recording = Recording(held.trace, held.title)
    recording.path = Path(path)
    return recording


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where the app must not block the notebook)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ != "TerminalInteractiveShell"


def app_command(path: str | os.PathLike[str]) -> list[str]:
    """The command that opens the app on a recording file."""
    return [sys.executable, "-m", "gradviz", str(path)]


def show(recording: Recording | str | os.PathLike[str], *, wait: bool | None = None) -> subprocess.Popen | int:
    """Open the gradviz app on ``recording`` (a Recording or a ``.gradviz-rec`` path).

    The app is a process of its own, opened on a saved recording (a temporary file if
    ``recording`` was never saved). A script waits until the window is closed; a notebook
    does not (``wait`` chooses either way).

    Returns
    -------
    int or subprocess.Popen
        The app's exit status when waited for, else the running process.
    """
    if isinstance(recording, Recording):
        if recording.path is not None and recording.path.is_file():
            path = recording.path
        else:
            folder = Path(tempfile.mkdtemp(prefix="gradviz-"))
            path = recording.save(folder / "recording.gradviz-rec")
    else:
        path = Path(recording)
        load(path)  # says now, not in a window, when it is no recording
    if wait is None:
        wait = not in_notebook()
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(app_command(path), env=env, stdin=subprocess.DEVNULL,
                            start_new_session=not wait)
    return proc.wait() if wait else proc

"""A few bytes a run and the runner share: the program line and the stage the run is in.

When the runner has to kill a run (too long, too much memory) or finds it dead, the run
cannot say where it was; the beacon, written as the run goes, still can. Beside it, the run's
last words: the Python stack faulthandler writes when the run crashes in native code or is
about to be stopped at its time limit, which names the line of a model file the program
line (``out = model(x)``) only called into.
"""

from __future__ import annotations

import faulthandler
import mmap
import os
import struct

STAGES = ("start", "load", "parse", "run", "backward", "build", "send", "train", "done")
_LAYOUT = struct.Struct("<ii")


class Beacon:
    """Shared memory made before the fork: the run writes, the runner reads."""

    def __init__(self) -> None:
        self._mem = mmap.mmap(-1, _LAYOUT.size)  # anonymous and shared: both sides see writes
        self.set(0, "start")
        try:  # a file only in memory, shared across the fork: the run writes, the runner reads
            self._words: int | None = os.memfd_create("gradviz-last-words", os.MFD_CLOEXEC)
        except (AttributeError, OSError):
            self._words = None

    def set(self, line: int | None, stage: str | None = None) -> None:
        old_line, old_stage = _LAYOUT.unpack_from(self._mem, 0)
        _LAYOUT.pack_into(self._mem, 0, old_line if line is None else line,
                          old_stage if stage is None else STAGES.index(stage))

    def set_line(self, line: int) -> None:
        """The program line now running (called for every statement: cheap)."""
        _LAYOUT.pack_into(self._mem, 0, line, 3)

    def read(self) -> tuple[int | None, str]:
        line, stage = _LAYOUT.unpack_from(self._mem, 0)
        return (line or None), STAGES[stage] if 0 <= stage < len(STAGES) else ""

    def watch(self, seconds: float | None) -> None:
        """In the run: write the stack to the last words on a crash, and a moment before the
        runner would stop the run at ``seconds``."""
        if self._words is None:
            return
        faulthandler.enable(file=self._words, all_threads=False)
        if seconds:
            # The runner's clock started a little earlier (at the fork): a second early is safe,
            # and the stack is read only when the run is in fact stopped.
            faulthandler.dump_traceback_later(max(seconds - 1.0, seconds * 0.8), file=self._words)

    def last_words(self, limit: int = 16384) -> str:
        """In the runner, once the run is gone: what faulthandler wrote ("" when nothing)."""
        if self._words is None:
            return ""
        try:
            return os.pread(self._words, limit, 0).decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self) -> None:
        self._mem.close()
        if self._words is not None:
            os.close(self._words)
            self._words = None


#: The beacon of the run this process is (None outside a run).
current: Beacon | None = None


def note_line(line: int) -> None:
    """Tell the runner which program line runs now, when inside a run."""
    if current is not None:
        current.set_line(line)


def note_stage(stage: str) -> None:
    if current is not None:
        current.set(None, stage)

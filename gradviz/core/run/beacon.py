"""A few bytes a run and the runner share: the program line and the stage the run is in.

When the runner has to kill a run (too long, too much memory) or finds it dead, the run
cannot say where it was; the beacon, written as the run goes, still can.
"""

from __future__ import annotations

import mmap
import struct

STAGES = ("start", "load", "parse", "run", "backward", "build", "send", "train", "done")
_LAYOUT = struct.Struct("<ii")


class Beacon:
    """Shared memory made before the fork: the run writes, the runner reads."""

    def __init__(self) -> None:
        self._mem = mmap.mmap(-1, _LAYOUT.size)  # anonymous and shared: both sides see writes
        self.set(0, "start")

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

    def close(self) -> None:
        self._mem.close()


#: The beacon of the run this process is (None outside a run).
current: Beacon | None = None


def note_line(line: int) -> None:
    """Tell the runner which program line runs now, when inside a run."""
    if current is not None:
        current.set_line(line)


def note_stage(stage: str) -> None:
    if current is not None:
        current.set(None, stage)

"""Where in a user's model file a run was when it crashed or was stopped.

A run that dies in native code (a segfault) or is killed at its time limit cannot say where it
was; its beacon knows only the program line, ``out = model(x)``. faulthandler's stack, written
into the beacon's last words (:meth:`Beacon.watch`), names the file's own lines. The runner
reads it here, where the run's job is known, and sends the frames in the user's files.
"""

from __future__ import annotations

import linecache
import re
from pathlib import Path

#: Frames told, innermost last (as for an exception raised in the file).
FRAMES_TOLD = 4

_FRAME = re.compile(r'^\s+File "(.*)", line (\d+) in (.+)$')


def user_frames(words: str, module_path: str) -> tuple[tuple[str, int, str, str], ...]:
    """``(file name, line, function, source text)`` of the innermost frames of ``words``
    (faulthandler's output) in the model file's folders, innermost last; () when none."""
    from gradviz.core.capture.user_code import is_user_file, user_folders

    folders = user_folders(Path(module_path))
    found: list[tuple[str, int, str]] = []
    block: list[tuple[str, int, str]] = []
    # faulthandler writes one block per thread, most recent call first; the run's code is in
    # the first block that passes through the user's files.
    for text in [*words.splitlines(), "Thread"]:  # the last one ends the last block
        if text.startswith(("Thread", "Current thread")):
            found = [f for f in block if is_user_file(f[0], folders)]
            if found:
                break
            block = []
            continue
        match = _FRAME.match(text)
        if match:
            block.append((match[1], int(match[2]), match[3].strip()))
    told = list(reversed(found))[-FRAMES_TOLD:]
    return tuple((Path(file).name, line, function, linecache.getline(file, line).strip())
                 for file, line, function in told)

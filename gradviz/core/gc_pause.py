"""Pausing CPython's cyclic garbage collector while many long-lived objects are made.

A capture makes some thirty Python objects per autograd node and keeps nearly all of
them; the canvas then makes a few more per item. The collector, triggered by those
allocations, walks the whole heap again and again and finds nothing: at 10,000 nodes
that was 0.5–1.0 s of a 1.7 s capture, and 60–240 ms stalls of the window afterwards.
Reference counting still frees everything that is not in a cycle meanwhile.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


def pause() -> None:
    """Turn the collector off until the matching :func:`resume` (calls nest, across threads)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1


def resume(freeze: bool = False) -> None:
    """Undo one :func:`pause`; the collector comes back with the last one.

    ``freeze=True`` first moves every object alive now into the permanent generation
    (``gc.freeze()``), so the records just made are never scanned again: a program that
    keeps a big graph on screen needs that, or the first collection afterwards walks all
    of it while the window waits. Cycles among frozen objects are not collected; these
    records make none, and anything not in a cycle is still freed when let go.
    """
    global _depth
    if freeze:
        gc.freeze()
    with _lock:
        if _depth == 0:
            return
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()


def is_paused() -> bool:
    return _depth > 0


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Run the block with the collector off (see :func:`pause` and :func:`resume`)."""
    pause()
    try:
        yield
    finally:
        resume(freeze)

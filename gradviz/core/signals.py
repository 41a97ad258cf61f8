"""A minimal signal: what the Qt-free session uses to tell the views that something changed.

Slots run synchronously, in connection order, on the thread that emits — the session only
ever emits on the GUI thread. A slot may connect or disconnect others while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Slot = Callable[..., Any]


class Signal:
    """``connect(slot)``, ``disconnect(slot)``, ``emit(*args)``."""

    __slots__ = ("_slots",)

    def __init__(self) -> None:
        self._slots: list[Slot] = []

    def connect(self, slot: Slot) -> Slot:
        """Call ``slot(*args)`` on every emit; returns it (usable as a decorator)."""
        self._slots.append(slot)
        return slot

    def disconnect(self, slot: Slot) -> None:
        """Stop calling ``slot``; nothing happens if it was not connected."""
        try:
            self._slots.remove(slot)
        except ValueError:
            pass

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):  # a slot may (dis)connect while this runs
            slot(*args)

    def __len__(self) -> int:
        return len(self._slots)

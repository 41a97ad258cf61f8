"""Steering a running training generator from another thread: pause, resume, stop, change the lr."""

from __future__ import annotations

import math
import threading

from gradviz.core.i18n import translate

__all__ = ["TrainControl"]


class TrainControl:
    """Thread-safe requests that a training run reads between batches.

    The GUI thread calls :meth:`pause`, :meth:`resume`, :meth:`stop` and :meth:`set_lr`; the
    thread running the trainer calls :meth:`wait_while_paused` and :meth:`take_lr` before each
    batch, so a request takes effect from the next batch, never in the middle of one.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self._pending_lr: float | None = None

    @property
    def paused(self) -> bool:
        """True between :meth:`pause` and :meth:`resume`."""
        with self._cond:
            return self._paused

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called; a stopped run does not restart."""
        with self._cond:
            return self._stopped

    def pause(self) -> None:
        """Hold the run before its next batch."""
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        """Let a paused run go on."""
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        """End the run before its next batch; also wakes a paused run so that it can end."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def set_lr(self, lr: float) -> None:
        """Ask for a new learning rate, used from the next batch on.

        Raises
        ------
        ValueError
            When ``lr`` is not a positive finite number.
        """
        lr = float(lr)
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(translate("training", "learning rate must be a positive number, not {lr}").format(lr=lr))
        with self._cond:
            self._pending_lr = lr

    def take_lr(self) -> float | None:
        """Return the learning rate asked for since the last call, or None; clears the request."""
        with self._cond:
            lr, self._pending_lr = self._pending_lr, None
            return lr

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block while paused (and not stopped); return True if the run may go on.

        Parameters
        ----------
        timeout : float or None
            Give up waiting after this many seconds and return False; None waits for ever.
        """
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._paused or self._stopped, timeout)
            return ok and not self._stopped

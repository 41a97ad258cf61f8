"""Keep ``None`` alive under PySide6 wheels built for immortal ``None`` (Python >= 3.12).

The PySide6 6.12 wheel is a stable-ABI (abi3) build compiled against Python 3.12+
headers, where ``None`` is immortal and ``Py_RETURN_NONE`` no longer increments its
reference count. Loaded by Python 3.11, every Qt method returning void then hands back
a ``None`` reference it never took: ``sys.getrefcount(None)`` drops by one per call,
and after a few thousand calls (one repaint of a big graph) the interpreter aborts with
"Fatal Python error: none_dealloc". Giving ``None`` a huge reference count on those
interpreters makes it immortal in practice, which is what the wheel assumes.
"""

from __future__ import annotations

import ctypes
import sys

#: Added to None's reference count: 2**40 void calls is weeks of continuous painting.
PIN = 1 << 40


def pin_none() -> bool:
    """Raise ``None``'s reference count by ``PIN`` on Python < 3.12; True if it did."""
    if sys.version_info >= (3, 12):
        return False  # None is immortal already
    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < PIN // 2:
        refcount.value += PIN
    return True

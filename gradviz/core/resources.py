"""Where gradviz's resources (lesson files, screenshots) are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def resource_dir() -> Path:
    """``gradviz/resources`` in an installed wheel, else the checkout's ``resources/``."""
    packaged = _PACKAGE / "resources"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "resources"

"""Every PySide6 / pyqtgraph import of gradviz lives under this package."""

from gradviz.qt._none_pin import pin_none

# Before any widget exists: see _none_pin for the PySide6 wheel this works around.
pin_none()

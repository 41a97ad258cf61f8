"""Every PySide6 / pyqtgraph import of gradviz lives under this package."""

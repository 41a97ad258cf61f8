"""The core imports with no Qt module loaded."""

import subprocess
import sys


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        "import gradviz.core.capture, gradviz.core.expression, gradviz.core.lessons, gradviz.core.trace\n"
        "import gradviz.core.layout, gradviz.core.export\n"
        "import gradviz.core.training, gradviz.core.train_job, gradviz.core.train_client\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'gradviz.qt', 'shiboken'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

"""Every module of the core imports with no Qt loaded: one walk over the whole package."""

import subprocess
import sys


def test_every_core_module_imports_without_qt():
    code = (
        "import importlib, pkgutil, sys\n"
        "import gradviz.core\n"
        "names = [m.name for m in pkgutil.walk_packages(gradviz.core.__path__, 'gradviz.core.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'gradviz.qt', 'shiboken'))]\n"
        "print(len(names), ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, bad = out.stdout.split(" ", 1)
    assert int(count) > 60 and bad.strip() == ""


def test_the_app_side_of_a_run_needs_no_torch():
    # The app asks for runs and reads their results without importing torch itself.
    code = (
        "import sys\n"
        "import gradviz.core.run.client, gradviz.core.run.graph_run, gradviz.core.program.errors\n"
        "import gradviz.core.checks.reports\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

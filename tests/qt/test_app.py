"""Starting the app: arguments, main(), and the real window under Xvfb."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gradviz.qt import app as app_module
from gradviz.qt.app import parse_args


def test_parse_args():
    assert parse_args([]).source is None
    args = parse_args(["lesson:vjp", "--theme", "dark", "--settings", "x.ini"])
    assert (args.source, args.theme, args.settings) == ("lesson:vjp", "dark", "x.ini")
    with pytest.raises(SystemExit):
        parse_args(["--theme", "purple"])


def test_the_window_starts_without_torch_or_pyqtgraph(tmp_path):
    # Both cost most of a second to import; the window needs neither until a 2-D value or a
    # training plot is shown (torch lives in the run process only).
    code = ("import sys\n"
            "from gradviz.qt.app import parse_args, start\n"
            f"app, window = start(parse_args(['lesson:logistic', '--settings', {str(tmp_path / 's.ini')!r}]))\n"
            "print(sorted(m for m in ('torch', 'pyqtgraph') if m in sys.modules))\n"
            "window.close()\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


def _run_main(qtbot, argv, check) -> int:
    """Run app.main(argv); when its window has a graph, call check(window) and close it."""
    from gradviz.qt.main_window import MainWindow

    seen = {}

    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and not windows[0].is_busy and windows[0].current_trace is not None:
            window = windows[0]
            seen["result"] = check(window)
            window.editor.document().setModified(False)
            window.close()
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    QTimer.singleShot(60_000, QApplication.quit)  # never hang the suite
    status = app_module.main(argv)
    assert "result" in seen, "the window never showed a graph"
    return status


def test_main_opens_the_logistic_lesson_by_default(qtbot, settings_path):
    status = _run_main(qtbot, ["--settings", settings_path],
                       lambda w: (w.current_lesson, len(w.graph_view.node_items)))
    assert status == 0


def test_main_opens_a_program_file(qtbot, settings_path, tmp_path):
    program = tmp_path / "prog.gradviz-program"
    program.write_text("a = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (a * a).sum()\n")
    found = {}

    def check(w):
        found["labels"] = {n.label for n in w.current_trace.nodes}
        found["path"] = w.session.path

    _run_main(qtbot, [str(program), "--settings", settings_path], check)
    assert "a" in found["labels"] and found["path"] == program


def test_main_with_an_unknown_lesson_still_opens(qtbot, settings_path):
    found = {}

    def check(w):
        found["lesson"] = w.current_lesson
        found["message"] = w.message_bar.text()

    _run_main(qtbot, ["lesson:nope", "--settings", settings_path], check)
    assert found["lesson"] == "logistic"
    assert "no lesson 'nope'" in found["message"]


def _png_size_and_colours(path):
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return rgb.size, len(rgb.getcolors(maxcolors=1 << 20) or ())


@pytest.mark.xvfb
def test_screenshot_of_the_real_window_under_xvfb(tmp_path):
    if shutil.which("Xvfb") is None or shutil.which("xvfb-run") is None:
        pytest.skip("Xvfb is not installed")
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "gradviz.qt.screenshot",
         "lesson:logistic", "-o", str(out), "--size", "1400x900"],
        env=env, capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 and "could not connect to display" in proc.stderr.lower():
        pytest.skip("Xvfb could not start a display here")
    if proc.returncode != 0 and 'could not load the qt platform plugin "xcb"' in proc.stderr.lower():
        pytest.skip("Qt's xcb plugin cannot load: install libxcb-cursor0, libxcb-icccm4 and libxcb-keysyms1")
    assert proc.returncode == 0, proc.stderr
    (width, height), colours = _png_size_and_colours(out)
    assert width >= 800 and height >= 500
    assert colours > 50  # a real picture, not a blank or single-colour grab

"""Runs off the GUI thread: results, errors, supersession, Cancel and a fluid event loop."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer

from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.program.errors import ProgramError
from gradviz.qt._none_pin import PIN, pin_none
from gradviz.qt.runs.controller import RunCancelled, RunController, RunRequest, run_request

LOGISTIC = LESSONS["logistic"]


def ladder(n: int) -> str:
    """About ``3 n`` nodes, each value feeding two ops: not a tree, so Graphviz lays it out.

    Unrolled: a loop of three-op iterations would open folded into one box.
    """
    return ("a = torch.tensor(0.5, requires_grad=True)\nb = a * 1.0001\n"
            + "a, b = b, b * 1.0001 + a * 0.0001\n" * n + "loss = b\n")


def chain(n: int) -> str:
    return f"x = torch.tensor([1.0], requires_grad=True)\ny = x\nfor i in range({n}):\n    y = y * 1.0001\n"


def test_run_request_returns_trace_and_layout():
    result = run_request(RunRequest(LOGISTIC.program))
    assert len(result.trace.nodes) == 8
    assert set(result.layout.nodes) == {n.id for n in result.trace.nodes}


def test_run_request_cancelled_before_it_starts():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RunCancelled):
        run_request(RunRequest(LOGISTIC.program), cancel)


def test_controller_reports_errors_and_only_the_newest_run(qtbot):
    runs = RunController()
    seen = []
    runs.succeeded.connect(lambda r: seen.append(len(r.trace.nodes)))
    with qtbot.waitSignal(runs.failed, timeout=30_000) as blocker:
        runs.start(RunRequest("a = torch.ones(2)\nb = a +\n"))
    assert isinstance(blocker.args[0], ProgramError) and blocker.args[0].line == 2
    runs.start(RunRequest(chain(1500)))
    with qtbot.waitSignal(runs.succeeded, timeout=60_000):
        runs.start(RunRequest(LOGISTIC.program))  # supersedes the long one
    qtbot.wait(200)
    assert seen == [8]
    assert runs.shutdown()


def test_run_hands_a_program_to_the_runner_at_once_and_a_long_one_to_its_worker(qtbot):
    from gradviz.core.run.client import shared_runner
    from gradviz.qt.runs.controller import SUBMIT_NOW_MAX_BYTES

    shared_runner().start()
    assert shared_runner().ready.wait(60)
    runs = RunController()
    results = []
    runs.succeeded.connect(results.append)
    with qtbot.waitSignal(runs.succeeded, timeout=60_000):
        runs.start(RunRequest(LOGISTIC.program))
        # Started before the worker thread runs a line: the run process already has it.
        assert runs._current.handle is not None and runs._current.handle.job.spec.source == LOGISTIC.program
    long = LOGISTIC.program + "# padding\n" * (SUBMIT_NOW_MAX_BYTES // 10)
    with qtbot.waitSignal(runs.succeeded, timeout=60_000):
        runs.start(RunRequest(long))
        assert runs._current.handle is None  # too long to write from the GUI thread
    assert [len(r.trace.nodes) for r in results] == [8, 8]
    assert [n.value.data.item() for n in results[0].trace.nodes if n.id == results[0].trace.root] == \
        [pytest.approx(0.0852, abs=5e-5)]
    assert runs.shutdown()


def test_none_is_pinned():
    import sys

    assert pin_none() == (sys.version_info < (3, 12))
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > PIN // 2


@pytest.mark.slow
@pytest.mark.timing  # a wall-clock bound: opt-in (bench/scale.py measures the stalls)
def test_event_loop_keeps_ticking_while_2000_nodes_lay_out(window, qtbot):
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    window.editor.setPlainText(chain(2000))
    timer.start()
    last[0] = time.perf_counter()
    with qtbot.waitSignal(window.run_finished, timeout=120_000) as blocker:
        window.run_program()
    qtbot.wait(300)  # the first paints of the new drawing count too
    timer.stop()
    assert blocker.args == ["ok"]
    assert len(window.current_trace.nodes) >= 2000
    assert len(window.graph_view.node_items) == len(window.current_trace.nodes)
    assert len(gaps) > 50
    assert max(gaps) < 0.100, f"event loop stalled {max(gaps) * 1000:.0f} ms"


@pytest.mark.slow
def test_cancel_during_layout_is_quick_and_keeps_the_graph(window, qtbot, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    ids = set(window.graph_view.node_items)
    window.editor.setPlainText(ladder(1000))
    window.run_program()
    # 3,001 boxes: "refine" follows "layout" at once (the provisional picture is drawn already)
    qtbot.waitUntil(lambda: window.runs.controller.stage in ("layout", "refine"), timeout=120_000)
    ended: list[str] = []
    window.run_finished.connect(ended.append)
    window.commands.cancel.trigger()
    assert ended == ["cancelled"]  # at once: the worker's late result is ignored
    assert set(window.graph_view.node_items) == ids
    assert "cancelled" in window.message_bar.text()
    assert not window.commands.cancel.isEnabled()
    # The thread itself stops soon after (the engine is polled every 50 ms).
    qtbot.waitUntil(lambda: not window.runs.controller._workers, timeout=5_000)


def test_a_worker_waits_for_its_provisional_drawing_to_be_painted(monkeypatch):
    """With ``await_preview`` the worker pauses after sending the provisional drawing until
    the GUI says it is painted (so they do not fight over the GIL), never longer than
    PREVIEW_WAIT_SECONDS, and not at all once cancelled. Decided by events, not by clocks:
    the wait is made far longer than any test run, so only the event can end it."""
    from gradviz.qt.runs import controller as workers

    monkeypatch.setattr(workers, "PREVIEW_WAIT_SECONDS", 600.0)
    worker = workers.RunWorker(1, RunRequest("x = 1\n"), await_preview=True)

    def emit_in_thread() -> tuple[threading.Thread, threading.Event]:
        done = threading.Event()

        def emit() -> None:
            worker._emit_provisional(None, None)
            done.set()

        thread = threading.Thread(target=emit)
        thread.start()
        return thread, done

    thread, done = emit_in_thread()
    assert not done.wait(0.2)  # waiting for the paint (the wait itself would last ten minutes)
    worker.preview_painted.set()
    assert done.wait(10)  # the paint let it go on
    thread.join()

    worker.preview_painted.clear()
    thread, done = emit_in_thread()
    assert not done.wait(0.2)
    worker.cancel()
    assert done.wait(10)  # a cancel lets it go too
    thread.join()

    monkeypatch.setattr(workers, "PREVIEW_WAIT_SECONDS", 0.05)
    worker.preview_painted.clear()
    worker.cancel_event.clear()
    thread, done = emit_in_thread()
    assert done.wait(10)  # nobody painted: the wait runs out
    thread.join()

    plain = workers.RunWorker(2, RunRequest("x = 1\n"))  # nobody listens: no wait
    monkeypatch.setattr(workers, "PREVIEW_WAIT_SECONDS", 600.0)
    plain._emit_provisional(None, None)  # returns (a wait would hang the test)
    worker.deleteLater()
    plain.deleteLater()


@pytest.mark.slow
def test_the_window_lets_the_worker_go_on_once_the_preview_is_painted(window, qtbot):
    assert window.runs.controller.await_preview_paint  # the big-graph preview paints provisional drawings
    events: list[str] = []
    window.runs.controller.provisional.connect(lambda _d: events.append("provisional"))
    window.big_graphs.preview.first_paint.connect(lambda _t: events.append("painted"))
    window.runs.controller.stage_changed.connect(events.append)
    window.runs.controller.succeeded.connect(lambda _r: events.append("succeeded"))
    window.editor.setPlainText(chain(2000))
    with qtbot.waitSignal(window.run_finished, timeout=120_000) as blocker:
        window.run_program()
    assert blocker.args == ["ok"]
    # Drawn from the graph before gradviz's own backward pass; the worker went on (the
    # pass, the layout) only once the picture was painted.
    assert events[:4] == ["capture", "provisional", "painted", "layout"], events
    # A chain's final layout is the picture already painted: it is not drawn again.
    assert events[4:] == ["refine", "succeeded"], events


def test_short_gil_turns_only_while_a_run_is_on_its_worker(window, run_and_wait):
    import sys

    usual = sys.getswitchinterval()
    during: list[float] = []
    window.runs.controller.stage_changed.connect(lambda _s: during.append(sys.getswitchinterval()))
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    assert during and set(during) == {0.001}  # the GUI thread's callbacks wait at most 1 ms
    assert sys.getswitchinterval() == usual  # a training run afterwards gets the usual turns
    window.editor.setPlainText("x = torch.ones(2)\ny = x +\n")
    assert run_and_wait(window, window.run_program) == "error"
    assert sys.getswitchinterval() == usual


#: About two seconds of the interpreter's own loop: long enough for the run strip to show.
LONG_RUN = "x = torch.tensor(1.0, requires_grad=True)\ns = 0\nfor i in range(900000):\n    s = s + 1\nloss = x * s\n"


def test_the_run_strip_stays_hidden_for_a_run_over_before_its_delay(qtbot):
    from gradviz.qt.runs.status import SHOW_DELAY_MS, RunStatus

    status = RunStatus()
    qtbot.addWidget(status)
    status.start("capture")
    status.set_stage("layout")
    status.stop()  # in the same turn of the event loop: the reveal timer cannot have fired
    qtbot.wait(SHOW_DELAY_MS + 100)
    assert status.isHidden() and status.label.text() == ""
    status.start("capture")
    qtbot.waitUntil(status.isVisible, timeout=5_000)
    assert status.label.text().startswith("Running the program… 0.")
    status.set_stage("layout")
    assert status.label.text().startswith("Laying out the graph…")
    status.stop()
    assert status.isHidden()


def test_a_long_run_shows_the_strip_and_its_cancel_keeps_the_graph(window, qtbot, run_and_wait):
    from PySide6.QtCore import Qt

    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    ids = set(window.graph_view.node_items)
    status = window.runs.status
    assert status.isHidden()
    window.editor.setPlainText(LONG_RUN)
    window.run_program()
    assert status.isHidden() and window.commands.cancel.isEnabled()  # Esc works before the strip shows
    qtbot.waitUntil(status.isVisible, timeout=10_000)
    assert status.label.text().startswith("Running the program…") and status.cancel_button.isVisible()
    ended: list[str] = []
    window.run_finished.connect(ended.append)
    qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    assert ended == ["cancelled"] and status.isHidden()
    assert set(window.graph_view.node_items) == ids and "cancelled" in window.message_bar.text()

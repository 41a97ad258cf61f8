"""Frame times of the step-through player on a ~500-node graph, in the real main window.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/animation.py   (prints a table; not part of the test run)

Each frame is one step: the player's marks applied to the canvas items, then the paint
events processed. Three views of the same graph are timed: fitted (a big graph is then
drawn as its batched sketch), 100 % zoom following the current node (the items painted
one by one, the view scrolling), the whole step as a paused player does it (canvas, chain-rule
panel and inspector), and playing at 20 steps/s (each timer tick, and the panels' refresh a
few times a second). The target is every frame under 16 ms; "touched" counts the items a
step changed, which should stay a handful whatever the graph's size. The machine's load is
printed first: other work on the same cores inflates every figure.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import gradviz.qt  # noqa: F401  (first: pins None before PySide6 loads; see gradviz/qt/_none_pin.py)

# Four ops per term: 125 terms make a 500-op chain, plus its leaf.
CHAIN_500 = """\
x = torch.tensor(0.5, requires_grad=True)
y = x
for i in range(125):
    y = ((y * 1.0001) + 0.001).tanh() * 0.999
loss = y
"""

BUDGET_MS = 16.0


def _settle(app) -> None:
    # A scene change is queued, then the viewport's update request: two turns flush both.
    app.processEvents()
    app.processEvents()


def _figures(name: str, times: list[float], touched: list[int] | None = None) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    over = sum(t > BUDGET_MS for t in ms)
    counts = f" {statistics.mean(touched):>9.1f} {max(touched):>5}" if touched else f" {'':>9} {'':>5}"
    return f"{name:<38} {len(ms):>6} {statistics.mean(ms):>8.2f} {p95:>8.2f} {ms[-1]:>8.2f} {over:>6}" + counts


def main() -> int:
    from gradviz.qt.app import application
    from gradviz.qt.main_window import MainWindow
    from gradviz.qt.settings import Settings

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(Settings(Path(tmp) / "gradviz.ini"))
        window.resize(1400, 900)
        window.show()
        window.editor.set_source(CHAIN_500)
        window.run_program()
        deadline = time.monotonic() + 120
        while window.current_trace is None or window.is_busy or window.step_through.index is None:
            if time.monotonic() > deadline:
                print("no graph after 120 s", file=sys.stderr)
                return 1
            app.processEvents()
            time.sleep(0.005)
        _settle(app)
        st = window.step_through
        player, canvas, index, view = st.player, st.canvas, st.index, window.graph_view
        trace = window.current_trace
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates these)")
        print(f"graph: {len(trace.nodes)} nodes, {len(trace.edges)} edges, {player.count} steps "
              f"({len(trace.passes)} backward pass)")
        print(f"{'frames of':<38} {'n':>6} {'mean ms':>8} {'p95 ms':>8} {'max ms':>8} {'>16ms':>6}"
              f" {'touched/step':>9} {'max':>5}")

        def run(name: str, step) -> None:
            times, touched = [], []
            for position in range(-1, player.count):
                t0 = time.perf_counter()
                step(position)
                _settle(app)
                times.append(time.perf_counter() - t0)
                touched.append(canvas.touched)
            print(_figures(name, times, touched))

        def canvas_only(position: int) -> None:
            canvas.apply(index.marks(position))

        view.fit()
        _settle(app)
        print(f"  (fitted: zoom {view.zoom:.3f}, {'sketch' if view.is_sketching else 'items'})")
        run("canvas, fitted", canvas_only)

        view.set_zoom(1.0)
        _settle(app)

        def canvas_following(position: int) -> None:
            marks = index.marks(position)
            canvas.apply(marks)
            if marks.step is not None:
                view.ensureVisible(view.node_item(marks.step.node_id).sceneBoundingRect(), 24, 24)

        print(f"  (100 %: {'sketch' if view.is_sketching else 'items'}, the view follows the current node)")
        run("canvas, 100 %, following", canvas_following)
        canvas.apply(index.marks(-1))
        _settle(app)
        run("whole step, paused (+ panels), 100 %", player.seek)

        # Playing in time: each timer tick (step, canvas, player widgets) with its paints
        # flushed inside the tick, and apart from it the panels' refresh, due every 150 ms.
        ticks: list[float] = []
        refreshes: list[float] = []
        tick, refresh = player._on_tick, st._update_panels

        def timed_tick() -> None:
            t0 = time.perf_counter()
            tick()
            _settle(app)
            ticks.append(time.perf_counter() - t0)

        def timed_refresh() -> None:
            t0 = time.perf_counter()
            refresh()
            _settle(app)
            refreshes.append(time.perf_counter() - t0)

        player._timer.timeout.disconnect()
        player._timer.timeout.connect(timed_tick)
        st._panels_timer.timeout.disconnect()
        st._panels_timer.timeout.connect(timed_refresh)
        player.seek(-1)
        player.set_speed(20)
        t_start = time.perf_counter()
        player.play()
        while player.is_playing:
            app.processEvents()
            time.sleep(0.0005)
        elapsed = time.perf_counter() - t_start
        print(_figures("playing at 20 steps/s: each tick", ticks))
        print(_figures("  panel refreshes (every 150 ms)", refreshes))
        print(f"  {player.count} steps in {elapsed:.2f} s: {player.count / elapsed:.1f} steps/s achieved")
        window.editor.document().setModified(False)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Runs in the window: the session asks, the run controller runs, the session hears back.

This feature also owns every switch that acts on the whole app process, with one policy:

* **The runner** (a process importing torch once, forking one run process per job) starts
  with the window and stops when it closes; runs never execute in the app's process.
* **The GIL's switch interval** is 1 ms while a run is on its worker thread (CPython's
  5 ms let a busy worker hold each of the GUI thread's callbacks for up to 5 ms: 100-200 ms
  stalls when a big trace is decoded and laid out), and back to the usual after.
* **The garbage collector** is frozen once the window is built (torch and Qt leave ~10^5
  long-lived objects a full collection would walk for ~180 ms), and each run's records are
  frozen when the run ends (:class:`~gradviz.qt.runs.controller.RunWorker`).
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStyle

from gradviz.core.i18n import translate
from gradviz.core.run.client import shared_runner
from gradviz.core.run.graph_run import RunRequest
from gradviz.core.run.request import ProgramSpec
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host
from gradviz.qt.runs.controller import RunController, RunResult
from gradviz.qt.runs.status import RunStatus

#: The GIL switch interval while a run is on its worker (see the module docstring).
GIL_SWITCH_SECONDS = 0.001


class Runs(QObject):
    """Starts the session's runs, reports them back, shows their progress and Cancel.

    Attributes
    ----------
    controller : RunController
    status : RunStatus
        The progress strip in the status bar, with its Cancel button.
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.runner = shared_runner()
        self.runner.start()  # torch loads in the runner while the window comes up
        self.controller = RunController(self)
        self.status = RunStatus()
        host.window.statusBar().addPermanentWidget(self.status)
        w, sp = host.window, QStyle.StandardPixmap
        self.run_action = host.add_command("run", make_action(
            w, translate("feature", "&Run"), session.run, ["Ctrl+Return", "Ctrl+Enter"],
            translate("feature", "Run the program and draw its graph"),
            sp.SP_MediaPlay))
        self.cancel_action = host.add_command("cancel", make_action(
            w, translate("feature", "&Cancel"), session.cancel, ["Esc"],
            translate("feature", "Stop the running program, keep the previous graph"),
            sp.SP_BrowserStop))
        self.cancel_action.setEnabled(False)
        host.menu("run").addActions([self.run_action, self.cancel_action])
        self._usual_switch: float | None = None

        session.run_requested.connect(self._on_run_requested)
        session.cancel_requested.connect(self._on_cancel_requested)
        session.run_finished.connect(self._on_run_finished)
        self.status.cancel_requested.connect(session.cancel)
        self.controller.started.connect(self._on_started)
        self.controller.stage_changed.connect(self.status.set_stage)
        self.controller.succeeded.connect(self._on_succeeded)
        self.controller.failed.connect(session.show_failure)
        self.controller.cancelled.connect(session.show_cancelled)
        # The canvas paints a big graph's quick picture; the worker waits for that paint
        # before it writes the DOT text (no fight for the GIL while the picture is drawn).
        self.controller.await_preview_paint = True
        self.controller.provisional.connect(lambda drawing: session.present_provisional(*drawing))
        session.provisional_painted.connect(self.controller.preview_painted)

    @property
    def is_running(self) -> bool:
        return self.controller.is_running

    def settle(self) -> None:
        """Freeze what the app keeps for good (called once the window is built)."""
        gc.freeze()

    def shutdown(self) -> None:
        """Stop every run (the window is closing); the runner stops with the app."""
        self.controller.shutdown()

    def request_for(self, spec: ProgramSpec) -> RunRequest:
        """The run request for ``spec``: the settings' engine and limits, then every feature's
        additions (the canvas's folding, its layout cache and the drawing on screen)."""
        settings = self.host.settings
        request = RunRequest.for_program(spec, engine=settings.layout_engine_path or None,
                                         title=self.session.title, limits=settings.run_limits())
        return self.host.prepare_request(request)

    # -- handlers -------------------------------------------------------------------------
    def _on_run_requested(self, spec: ProgramSpec) -> None:
        self.controller.start(self.request_for(spec))

    def _on_cancel_requested(self) -> None:
        self.controller.cancel()

    def _on_started(self, _job: int) -> None:
        if self._usual_switch is None:
            self._usual_switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._usual_switch, GIL_SWITCH_SECONDS))
        self.status.start("capture")
        self.cancel_action.setEnabled(True)
        self.session.begin_run()

    def _on_succeeded(self, result: RunResult) -> None:
        self.status.set_stage("draw")
        self.session.present(result)

    def _on_run_finished(self, _status: str) -> None:
        if self._usual_switch is not None and not self.controller.is_running:
            sys.setswitchinterval(self._usual_switch)
            self._usual_switch = None
        self.status.stop()
        self.cancel_action.setEnabled(False)

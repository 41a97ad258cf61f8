"""Saved recordings in the app: File ▸ Open Recording, and what a recording can and cannot do.

A recording (``.gradviz-rec``, written by ``gradviz.record()`` in one's own script or
notebook) arrives through the session like any run's result: its run request carries the
recorded trace, so it is only laid out and drawn. Everything that reads the trace works
(graph, inspector, stepping, the chain rule); what would run the program again (editing
values, the gradient check, "why is my grad None?") is disabled, its tooltip saying why.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.recording import SUFFIX, RecordingError, load, needs_rerun
from gradviz.core.run.graph_run import RunRequest
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host

RECORDING_FILTER = QT_TRANSLATE_NOOP("recordings", "gradviz recordings (*{suffix});;All files (*)")
#: Commands that run the program again: a recording cannot.
RERUN_COMMANDS = ("edit_value", "gradient_check", "why_none")


def open_recording_file(session: Session, path: str | os.PathLike[str]) -> bool:
    """Show the recording at ``path`` in ``session``; False (and a message) if it cannot be read."""
    path = Path(path)
    try:
        recording = load(path)
    except (OSError, RecordingError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        session.notify(translate("recordings", "Cannot open the recording {name}: {reason}").format(name=path.name,
                                                                                                    reason=reason),
                       "error")
        return False
    session.open_recording(recording, path)
    return True


class Recordings(QObject):
    """File ▸ Open Recording…, the layout-only runs of recordings, and the re-run commands'
    state (disabled with a reason while a recording is shown)."""

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.open_action = host.add_command("open_recording", make_action(
            host.window, translate("recordings", "Open Re&cording…"), self.open_recording, ["Ctrl+Alt+R"],
            translate("recordings", "Open a {suffix} file saved by gradviz.record() in a script or notebook (nothing "
                                    "runs)").format(suffix=SUFFIX), None))
        host.menu("file").addAction(self.open_action)
        self._tips: dict[str, str] = {}
        host.add_request_preparer(self.prepare_request)
        session.program_opened.connect(self._on_program_opened)

    def open_recording(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Open a recording (asks for the file when ``path`` is None)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.host.window, translate("recordings", "Open a recording"), "",
                                                    translate("recordings", RECORDING_FILTER).format(suffix=SUFFIX))
            if not chosen:
                return False
            path = chosen
        if not self.host.confirm_discard(translate("recordings", "opening the recording")):
            return False
        return open_recording_file(self.session, path)

    def prepare_request(self, request: RunRequest) -> RunRequest:
        """A run of a recording lays out its trace: nothing is run."""
        recording = self.session.recording
        if recording is not None and request.trace is None:
            return replace(request, trace=recording.trace)
        return request

    def _on_program_opened(self) -> None:
        recording = self.session.recording is not None
        commands = getattr(self.host, "commands", None)
        for name in RERUN_COMMANDS:
            action = getattr(commands, name, None) if commands is not None else None
            if action is None:
                continue
            if recording:
                self._tips.setdefault(name, action.toolTip())
                action.setToolTip(translate("recordings", "Not for a recording: {reason}. Record again (or open the "
                                                          "program) to use it.").format(reason=needs_rerun()))
            elif name in self._tips:
                action.setToolTip(self._tips.pop(name))
            action.setEnabled(not recording)

"""Switching the language while the app runs: the window is made again, in the new language.

Every text is put in place when its widget is made, so a new window is the one way to have
none left over in the old language. What the user has is carried over: the program as typed
(unsaved edits stay unsaved), what it was opened from, edited values, the look, the window's
place and docks, presentation mode and the player's step. The graph is run again: it is fast,
and the new run speaks the new language too (notes, the chain rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from gradviz.core import i18n
from gradviz.core.i18n import translate
from gradviz.qt.language import apply_language

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

#: Windows made by a switch: Python must hold them (Qt does not own top-level windows).
_windows: list[MainWindow] = []


def switch_language(window: MainWindow, choice: str) -> MainWindow:
    """Speak ``choice`` ("system" or a language code) from now on; returns the window to use.

    The choice is saved. When it changes the language in use, ``window`` is replaced by a new
    one in that language (returned) and closed; otherwise ``window`` is returned as it is.
    """
    settings = window.settings
    settings.language = choice
    if i18n.resolve(choice) == i18n.language():
        settings.sync()
        return window
    training = window.training
    if training.is_training():
        answer = QMessageBox.question(
            window, translate("relanguage", "Switch language"),
            translate("relanguage", "The window is made again in the new language, which stops the training run. "
                      "Switch now?"))
        if answer != QMessageBox.StandardButton.Yes:
            return window
    from gradviz.qt.main_window import MainWindow

    step, presenting = window.session.step, window.session.presentation
    window.save_settings()  # the choice too: the new window reads the settings
    apply_language(QApplication.instance(), choice)
    new = MainWindow(settings)
    new.session.adopt(window.session)
    if step >= 0:
        new.step_through.start_next_run_at(step)
    new.show()
    new.session.run()
    if presenting:
        new.classroom.presentation.enter()
    window.forget_edits()  # they live on in the new window: closing must not ask about them
    window.close()
    window.deleteLater()
    if window in _windows:
        _windows.remove(window)
    _windows.append(new)
    return new

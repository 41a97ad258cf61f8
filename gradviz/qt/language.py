"""Putting the app in the user's language: gradviz's catalogue and Qt's own, together.

gradviz's strings come from :mod:`gradviz.core.i18n` (one catalogue for the window, the
CLI and the run processes); Qt's standard dialogs and buttons (OK, Cancel, the file
dialog) from the ``qtbase`` translations that ship with PySide6.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gradviz.core import i18n

_installed: list[QTranslator] = []


def apply_language(app: QCoreApplication, choice: str) -> str:
    """Speak ``choice`` ("system" or a language code) in this process; returns the code used."""
    code = i18n.resolve(choice)
    i18n.set_language(code)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code != "en":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QLocale(code), "qtbase", "_", folder):
            app.installTranslator(translator)
            _installed.append(translator)
    QLocale.setDefault(QLocale(code if code != "en" else "en_US"))
    return code

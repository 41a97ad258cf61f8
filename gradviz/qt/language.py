"""Putting the app in the user's language: gradviz's catalogue and Qt's own, with QTranslator.

gradviz's strings are looked up through :func:`gradviz.core.i18n.translate`. In the window that
is ``QCoreApplication.translate``, reading ``resources/i18n/gradviz_<code>.qm`` (compiled from
the ``.ts`` catalogues by ``pyside6-lrelease``: ``make`` keeps it current) beside Qt's own
``qtbase`` translations for its standard dialogs and buttons. Without a current ``.qm`` (an
install that never ran make, or a ``.ts`` edited since) the core reads the ``.ts`` itself, as
the CLI and the run processes always do: the same words either way.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gradviz.core import i18n
from gradviz.core.resources import resource_dir

_installed: list[QTranslator] = []


def compiled_catalogue(code: str) -> Path | None:
    """The ``.qm`` for ``code`` when it exists and is not older than a ``.ts`` it is made from."""
    qm = resource_dir() / "i18n" / f"gradviz_{code}.qm"
    sources = [Path(i18n.catalogue_path(code, part)) for part in i18n.PARTS]
    try:
        made = qm.stat().st_mtime
        return qm if all(made >= ts.stat().st_mtime for ts in sources if ts.exists()) else None
    except OSError:
        return None


def apply_language(app: QCoreApplication, choice: str) -> str:
    """Speak ``choice`` ("system" or a language code) in this process; returns the code used."""
    code = i18n.resolve(choice)
    i18n.set_translator(None)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code != "en":
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load(QLocale(code), "qtbase", "_", qt_folder):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
        qm = compiled_catalogue(code)
        ours = QTranslator(app)
        if qm is not None and ours.load(str(qm)):
            app.installTranslator(ours)
            _installed.append(ours)
            i18n.set_translator(QCoreApplication.translate)
    i18n.set_language(code)  # reads the .ts only when the .qm did not load
    QLocale.setDefault(QLocale(code if code != "en" else "en_US"))
    return code

"""The window in Chinese: every text a user can see is translated, and switching keeps the program.

The walk looks at what a person sees — window title, menus and their actions (text, tooltip,
status tip), docks, tool bars, buttons, labels, tab and table headers, the player, the legend,
the training panel, the dialogs — and fails on a text with English words in it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from gradviz.core import i18n

#: Words that stay as they are in a Chinese text: names, code, units and abbreviations.
KEPT = {
    "gradviz", "pytorch", "torch", "python", "graphviz", "autograd", "nn", "module", "backward", "grad",
    "requires", "sgd", "adam", "adamw", "rmsprop", "cpu", "gpu", "cuda", "mps", "relu", "tanh", "sigmoid", "mse",
    "bce", "nll", "svg", "png", "gif", "csv", "json", "pth", "pt", "ctrl", "shift", "alt", "esc", "enter", "del",
    "home", "end", "space", "tab", "return", "backspace", "pgup", "pgdown", "left", "right", "up", "down",
    "mlp", "xor", "nan", "inf", "log", "exp", "sum", "mean", "state", "dict", "state_dict", "none", "true",
    "false", "float64", "float32", "linear", "conv2d", "lesson", "logistic", "fashion", "softmax", "quiz",
    "mnist", "grad_fn", "is_leaf", "retain_grad", "requires_grad", "with", "no_grad", "print", "import",
    "def", "for", "range", "tensor", "loss", "out", "logits", "targets", "idx", "gptconfig", "n_layer",
    "dropout", "rand", "lr", "id", "ones", "zeros", "randn", "item", "numel", "ini",
    "english",  # the language menu names each language in its own words
}
_WORD = re.compile(r"[A-Za-z][A-Za-z_0-9]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` that a Chinese reader should not meet (HTML and code aside)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"`[^`]*`|\b\w+\([^)]*\)|\b\w+\.\w+\b", " ", text)  # code: calls, attributes
    # Identifiers (MulBackward0, state_dict, requires_grad) are code, not English.
    return [w for w in _WORD.findall(text)
            if w.lower() not in KEPT and not re.search(r"[a-z][A-Z]|[0-9_]", w) and not w.isupper()]


def untranslated(text: str) -> bool:
    return bool(text.strip()) and not _CJK.search(text) and bool(english_words(text))


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can read in ``root`` and its menus."""
    found: list[tuple[str, str]] = []

    def add(where: str, text: str) -> None:
        if text:
            found.append((where, text))

    def action_texts(action: QAction, where: str) -> None:
        if action.isSeparator():
            return
        add(f"{where} action", action.text().replace("&", ""))
        if action.toolTip() != action.text().replace("&", ""):
            add(f"{where} tooltip", action.toolTip())
        add(f"{where} status tip", action.statusTip())
        if action.menu() is not None:
            menu_texts(action.menu(), f"{where} › {action.text()}")

    def menu_texts(menu: QMenu, where: str) -> None:
        add(f"{where} title", menu.title().replace("&", ""))
        for action in menu.actions():
            action_texts(action, where)

    if root.isWindow():
        add("window title", root.windowTitle().replace("[*]", ""))
    for action in root.actions():
        action_texts(action, type(root).__name__)
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__} {w.objectName()}".strip()
        add(f"{name} tooltip", w.toolTip())
        add(f"{name} accessible name", w.accessibleName())
        if isinstance(w, QMenu):
            menu_texts(w, name)
        elif isinstance(w, (QLabel, QAbstractButton)):
            add(name, w.text().replace("&", ""))
        elif isinstance(w, QLineEdit):
            add(f"{name} placeholder", w.placeholderText())
        elif isinstance(w, QAbstractSpinBox):
            add(f"{name} special", w.specialValueText())
        elif isinstance(w, QGroupBox):
            add(name, w.title())
        elif isinstance(w, QDockWidget):
            add(name, w.windowTitle())
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(f"{name} tab", w.tabText(i).replace("&", ""))
                add(f"{name} tab tooltip", w.tabToolTip(i))
        elif isinstance(w, QComboBox) and w.objectName() != "lesson_picker":
            for i in range(w.count()):
                add(f"{name} item", w.itemText(i))
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                add(f"{name} header", item.text() if item else "")
    return found


def report(texts: list[tuple[str, str]]) -> list[str]:
    return sorted({f"{where}: {text!r}" for where, text in texts if untranslated(text)})


class _Marked(dict):
    """A catalogue in which every marked string has a "translation": what stays English was never marked."""

    def get(self, key, default=None):
        return ("〔" + key[1] + "〕",)


@pytest.fixture
def marked():
    """Translate every marked string to 〔itself〕 (what is left in plain English was not marked)."""
    saved = i18n._catalogues.get("zh_CN")
    i18n._catalogues["zh_CN"] = _Marked()
    i18n._language = "zh_CN"
    yield
    i18n._language = "en"
    if saved is None:
        i18n._catalogues.pop("zh_CN", None)
    else:
        i18n._catalogues["zh_CN"] = saved


def test_english_words_sees_prose_not_code():
    assert english_words("Run the program") == ["Run", "the", "program"]
    assert not untranslated("运行程序 (Ctrl+Enter)")
    assert not untranslated("∂L/∂w1 = 0.5")
    assert not untranslated("MulBackward0")
    assert not untranslated("w1.grad")
    assert untranslated("Cancel the run (Esc)")


def test_view_menu_offers_each_language_in_its_own_words(window):
    actions = window.language_menu.actions()
    assert [a.data() for a in actions] == ["system", "en", "zh_CN"]
    assert [a.text() for a in actions][1:] == ["English", "简体中文"]
    assert [a.isChecked() for a in actions] == [True, False, False]


def test_switching_to_chinese_remakes_the_window_and_keeps_the_program(window, qtbot, run_and_wait):
    from gradviz.qt.app import application
    from gradviz.qt.language import apply_language

    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText("\nextra = w1 * 2\n")  # as typed: unsaved
    assert window.session.modified
    window.step_through.player.seek(3)
    try:
        new = window.set_language("zh_CN")
        assert new is not window
        assert i18n.language() == "zh_CN" and new.settings.language == "zh_CN"
        qtbot.waitUntil(lambda: new.current_trace is not None and new.step_through.player.position == 3,
                        timeout=60_000)
        assert new.editor.toPlainText().endswith("extra = w1 * 2\n")  # the edit, not the lesson as written
        assert new.session.modified and new.isWindowModified()
        assert new.menuBar().actions()[0].text() == "文件(&F)"
        assert new.commands.run.text() != "&Run"
        assert not shiboken6.isValid(window)  # closed and deleted
        back = new.set_language("en")
        assert back is not new and back.commands.run.text() == "&Run" and i18n.language() == "en"
        qtbot.waitUntil(lambda: back.current_trace is not None, timeout=60_000)
        back.forget_edits()
        back.close()
    finally:
        apply_language(application(), "en")


@pytest.fixture
def chinese_window(qtbot, settings_path):
    """A window made under 简体中文, as a user with LANG=zh_CN.UTF-8 gets it."""
    from gradviz.qt.app import application
    from gradviz.qt.language import apply_language
    from gradviz.qt.main_window import MainWindow
    from gradviz.qt.settings import Settings

    apply_language(application(), "zh_CN")
    w = MainWindow(Settings(settings_path))
    w.resize(1280, 820)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.forget_edits()
    w.close()
    w.deleteLater()
    apply_language(application(), "en")


def test_every_text_a_user_sees_is_chinese(chinese_window, qtbot, run_and_wait):
    w = chinese_window
    assert run_and_wait(w, lambda: w.load_lesson("logistic", confirm=False)) == "ok"
    texts = visible_texts(w)
    w.step_through.player.seek(w.step_through.player.count - 2)  # a backward step: chain rule, marks
    w.session.select(w.current_trace.find("w1").id)
    texts += visible_texts(w)
    assert run_and_wait(w, lambda: w.load_lesson("toy-train", confirm=False)) == "ok"
    assert w.training.isVisible()
    texts += visible_texts(w)
    dialog = w.show_shortcuts()
    texts += visible_texts(dialog)
    dialog.close()
    assert w.windowTitle().endswith("gradviz") and "文件" in w.menuBar().actions()[0].text()
    left = report(texts)
    assert not left, f"{len(left)} texts are not in Chinese:\n" + "\n".join(left[:60])


def test_the_compiled_catalogue_says_what_the_ts_files_say(tmp_path):
    # The window reads the .qm (through QTranslator), the CLI and the run processes the .ts.
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTranslator

    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists() and shutil.which("pyside6-lrelease") is None:
        pytest.skip("pyside6-lrelease is not installed")
    qm = tmp_path / "gradviz_zh_CN.qm"
    sources = [str(i18n.catalogue_path("zh_CN", part)) for part in i18n.PARTS]
    subprocess.run([str(lrelease), "-silent", *sources, "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    catalogue = i18n.read_catalogues("zh_CN")
    assert len(catalogue) > 600
    wrong = [(ctx, src) for (ctx, src, dis), forms in catalogue.items()
             if translator.translate(ctx, src, dis or None) != forms[0]]
    assert wrong == []


def test_the_window_loads_the_compiled_catalogue_with_qtranslator_when_it_is_current():
    import os

    from gradviz.qt import language
    from gradviz.qt.app import application

    if language.compiled_catalogue("zh_CN") is None:
        pytest.skip("no current .qm: `make` builds it")
    i18n._catalogues.pop("zh_CN", None)
    try:
        assert language.apply_language(application(), "zh_CN") == "zh_CN"
        assert i18n._translator is not None and i18n.translate("host", "&File") == "文件(&F)"
        assert "zh_CN" not in i18n._catalogues  # the .ts is not read as well
        i18n.set_translator(None)
        assert i18n.translate("host", "&File") == "文件(&F)"  # read when it is needed after all
        assert len(language._installed) == 2  # qtbase and gradviz
    finally:
        language.apply_language(application(), "en")
    assert i18n._translator is None and i18n.translate("host", "&File") == "&File"
    # A .ts edited after the .qm was made wins: the core reads it.
    qm = language.compiled_catalogue("zh_CN")
    # Older than the newest .ts, however long ago the checkout wrote them (not "an hour ago").
    newest_ts = max(Path(i18n.catalogue_path("zh_CN", part)).stat().st_mtime for part in i18n.PARTS)
    old = newest_ts - 60
    saved = os.stat(qm)
    os.utime(qm, (old, old))
    try:
        assert language.compiled_catalogue("zh_CN") is None
    finally:
        os.utime(qm, (saved.st_atime, saved.st_mtime))

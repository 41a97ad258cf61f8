"""The dialog that picks an ``nn.Module`` class in a Python file, without running the file."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

# Base classes that make a class an nn.Module, by their last dotted name.
_MODULE_BASES = {"Module", "Sequential", "ModuleList", "ModuleDict"}

#: The root box's offers: the default first, then the usual paths into a forward's output.
ROOT_CHOICES = (QT_TRANSLATE_NOOP("module_dialog", "every output (a loss among them is where backward starts)"),
                "out", "out[0]", "out[1]", "out.loss", "out.logits", "out['loss']", "out['logits']")

WARNING = QT_TRANSLATE_NOOP("module_dialog", "Loading a module runs this file's Python code (its imports and "
                            "everything at its top level), with your permissions. Only load files you trust.")


def _every_output() -> str:
    return translate("module_dialog", ROOT_CHOICES[0])


def find_module_classes(path: str | Path) -> list[str]:
    """Names of the ``nn.Module`` subclasses defined in ``path``, in file order, then of the
    functions that return one of them.

    The file is parsed with :mod:`ast`, never run. A class counts when one of its bases is
    ``nn.Module`` (or ``Module``, ``torch.nn.Module``, ``nn.Sequential``, ...) or another
    class of the file that counts. Returns [] for an unreadable or invalid file.
    """
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found: set[str] = set()
    changed = True
    while changed:  # a subclass of a subclass counts too, whatever the order in the file
        changed = False
        for cls in classes:
            if cls.name in found:
                continue
            for base in cls.bases:
                text = ast.unparse(base)
                last = text.rsplit(".", 1)[-1]
                if text in found or (last in _MODULE_BASES and text in (last, f"nn.{last}", f"torch.nn.{last}")):
                    found.add(cls.name)
                    changed = True
                    break
    order = [cls.name for cls in classes if cls.name in found]
    # Then the file's functions that return one of them (kuangliu's ``def ResNet18(): return
    # ResNet(BasicBlock, [2, 2, 2, 2])``): gradviz builds the model by calling them.
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(ret, ast.Return) and isinstance(ret.value, ast.Call)
                and ast.unparse(ret.value.func).rsplit(".", 1)[-1] in found for ret in ast.walk(node)):
            order.append(node.name)
    return list(dict.fromkeys(order))


class ModuleDialog(QDialog):
    """Choose ``file.py``, a class in it, constructor arguments and an input expression.

    Accepting it is the user's confirmation that the file's code may run.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.
    path, class_name, init, input_expr : str
        Initial values.
    """

    def __init__(self, parent: QWidget | None = None, path: str = "", class_name: str = "",
                 init: str = "", input_expr: str = "", root: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("module_dialog", "Open a PyTorch module"))
        self.path_edit = QLineEdit(path)
        self.path_edit.setPlaceholderText(translate("module_dialog", "path/to/model.py"))
        self.path_edit.setToolTip(translate("module_dialog", "The Python file that defines the module class"))
        browse = QPushButton(translate("module_dialog", "Browse…"))
        browse.setToolTip(translate("module_dialog", "Choose the Python file"))
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.class_combo = QComboBox()
        self.class_combo.setEditable(True)
        self.class_combo.setToolTip(translate("module_dialog",
                                              "nn.Module subclasses found in the file (read, not run)"))
        self.init_edit = QLineEdit(init)
        self.init_edit.setPlaceholderText(translate("module_dialog",
                                                    "e.g. 50, 3   or   GPTConfig(n_layer=2), dropout=0.1"))
        self.init_edit.setToolTip(translate("module_dialog", "The constructor's arguments, as between the brackets "
                                                             "of a call: Python, with the file's own names in scope "
                                                             "(its config classes, constants, functions)"))
        self.input_edit = QLineEdit(input_expr)
        self.input_edit.setPlaceholderText(translate("module_dialog", "e.g. torch.rand(1, 50)   or   idx, "
                                                                      "targets=targets; empty: guessed"))
        self.input_edit.setToolTip(translate("module_dialog", "The forward's arguments, as between the brackets of a "
                                                              "call: several positional and keyword arguments, "
                                                              "Python with the file's own names in scope. Empty: a "
                                                              "random input sized by the first Linear or Conv2d layer"))
        self.root_combo = QComboBox()
        self.root_combo.setEditable(True)
        self.root_combo.addItems([_every_output(), *ROOT_CHOICES[1:]])
        self.root_combo.setCurrentText(root or _every_output())
        self.root_combo.setToolTip(translate("module_dialog", "What to draw as the graph's root. By default every "
                                                              "tensor the forward returns (a tuple, dict or model "
                                                              "output) is drawn side by side and a scalar among them "
                                                              "(a loss) is where backward starts; or name one: "
                                                              "out[0], out['logits'], out.loss"))
        self.warning_label = QLabel(translate("module_dialog", WARNING))
        self.warning_label.setWordWrap(True)
        font = self.warning_label.font()
        font.setBold(True)
        self.warning_label.setFont(font)

        form = QFormLayout()
        form.addRow(translate("module_dialog", "File"), path_row)
        form.addRow(translate("module_dialog", "Class"), self.class_combo)
        form.addRow(translate("module_dialog", "Init args"), self.init_edit)
        form.addRow(translate("module_dialog", "Input"), self.input_edit)
        form.addRow(translate("module_dialog", "Root"), self.root_combo)
        self.hint_label = QLabel(translate("module_dialog", "Init and Input are written as between a call's brackets "
                                                            "and run as Python with the file's own names in scope "
                                                            "(its configs, constants, helpers)."))
        self.hint_label.setWordWrap(True)
        self.hint_label.setEnabled(False)  # the greyed look of a hint
        form.addRow("", self.hint_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.load_button = self.buttons.addButton(translate("module_dialog", "Load and run the file"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.buttons)

        self.path_edit.textChanged.connect(self._on_path_changed)
        self.class_combo.currentTextChanged.connect(self._on_class_changed)
        self._on_path_changed(path)
        if class_name:
            self.class_combo.setCurrentText(class_name)
        self.resize(560, self.sizeHint().height())

    @property
    def spec(self) -> str:
        """``path.py:ClassName`` as chosen."""
        return f"{self.path_edit.text().strip()}:{self.class_combo.currentText().strip()}"

    @property
    def init_args(self) -> str:
        return self.init_edit.text().strip()

    @property
    def input_expr(self) -> str:
        return self.input_edit.text().strip()

    @property
    def root(self) -> str:
        """The chosen root (``out.logits``...), "" for the default."""
        text = self.root_combo.currentText().strip()
        return "" if text in (ROOT_CHOICES[0], _every_output()) else text

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("module_dialog", "Python file with a module"),
                                              self.path_edit.text(),
                                              translate("module_dialog", "Python files (*.py);;All files (*)"))
        if path:
            self.path_edit.setText(path)

    def _on_path_changed(self, text: str) -> None:
        current = self.class_combo.currentText()
        names = find_module_classes(text.strip()) if text.strip() else []
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItems(names)
        if current in names or (current and not names):
            self.class_combo.setCurrentText(current)
        self.class_combo.blockSignals(False)
        self._on_class_changed(self.class_combo.currentText())

    def _on_class_changed(self, _text: str) -> None:
        path = self.path_edit.text().strip()
        ok = path.endswith(".py") and Path(path).is_file() and self.class_combo.currentText().strip().isidentifier()
        self.load_button.setEnabled(ok)

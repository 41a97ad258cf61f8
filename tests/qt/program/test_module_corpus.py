"""The model corpus (tests/fixtures/models) through the app: File ▸ Open Module's dialog, filled in
as a user fills it, loads each file in a run process; the graph equals plain PyTorch."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from gradviz.qt.program.module_dialog import ROOT_CHOICES, ModuleDialog, find_module_classes

from ...corpus import CASES, check


def _fill(monkeypatch, case, seen: list) -> None:
    """Make the dialog, when shown, be filled in with ``case`` and accepted."""

    def exec_(dialog: ModuleDialog) -> int:
        dialog.path_edit.setText(str(case.path))
        seen.append([dialog.class_combo.itemText(i) for i in range(dialog.class_combo.count())])
        dialog.class_combo.setCurrentText(case.cls)
        dialog.init_edit.setText(case.init)
        dialog.input_edit.setText(case.input)
        dialog.root_combo.setCurrentText(case.root or ROOT_CHOICES[0])
        assert dialog.load_button.isEnabled() and "runs this file's Python code" in dialog.warning_label.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ModuleDialog, "exec", exec_)


@pytest.mark.filterwarnings("ignore:None of the inputs have requires_grad")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_open_module_dialog_loads_each_corpus_model_as_plain_pytorch_computes_it(window, run_and_wait, monkeypatch,
                                                                               case):
    seen: list = []
    _fill(monkeypatch, case, seen)
    assert run_and_wait(window, lambda: window.files.open_module()) == "ok", window.message_bar.text()
    assert case.cls in seen[0]  # the dialog listed the file's classes (read with ast, not run)
    assert check(window.current_trace, case) == []
    assert window.session.module.spec.init == case.init and window.session.module.root == case.root


def test_the_dialog_lists_the_classes_of_a_package_module_and_offers_roots(qtbot):
    case = next(c for c in CASES if c.cls == "Stack")
    assert find_module_classes(case.path) == ["Stack"]
    dialog = ModuleDialog(path=str(case.path), class_name="Stack", init="depth=3", input_expr="torch.randn(3, DIM)",
                          root="out")
    qtbot.addWidget(dialog)
    assert (dialog.init_args, dialog.input_expr, dialog.root) == ("depth=3", "torch.randn(3, DIM)", "out")
    dialog.root_combo.setCurrentIndex(0)
    assert dialog.root == ""
    assert "Python" in dialog.init_edit.toolTip() and "keyword" in dialog.input_edit.toolTip()


def test_an_error_in_the_users_forward_names_their_file_and_line(window, run_and_wait, tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
                    "        super().__init__()\n        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n"
                    "        h = self.fc(x)\n        return h @ torch.ones(2, 2)\n")
    assert run_and_wait(window, lambda: window.files.open_module(str(path), "Net", input_expr="torch.rand(1, 4)",
                                                           confirm=False)) == "error"
    text = window.message_bar.text()
    assert text.startswith("broken.py, line 12: RuntimeError") and "in forward: return h @ torch.ones(2, 2)" in text
    assert window.editor.error_line is None  # the line is the user's file's, not the program's

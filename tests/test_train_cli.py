"""``gradviz train`` headless, its Trainer in a run process: lesson numbers on stdout, CSV history,
weights, one-line errors with status 2."""

import argparse
import csv

import pytest
import torch

from gradviz.train_cli import add_parser, run


def gradviz_train(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gradviz")
    add_parser(parser.add_subparsers(dest="command"))
    return run(parser.parse_args(["train", *argv]))


def test_toy_lesson_prints_the_six_losses_and_accuracy(capsys, tmp_path):
    out_csv = tmp_path / "history.csv"
    assert gradviz_train("--lesson", "toy-train", "--every-batch", "--csv", str(out_csv)) == 0
    out, err = capsys.readouterr()
    losses = [line.rsplit(" ", 1)[1] for line in out.splitlines() if " batch " in line]
    assert losses == ["0.7487", "0.6450", "0.4423", "0.1256", "0.0269", "0.0043"]
    assert "final accuracy: train 1.0000  test 1.0000" in out
    assert err.count("epoch") == 3 and "\r" not in err  # not a tty: one line per epoch, no bar
    with open(out_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and rows[0]["train_loss"].startswith("0.7487")


def test_options_override_the_lesson_and_weights_are_saved(capsys, tmp_path):
    weights = tmp_path / "model.pt"
    assert gradviz_train("--lesson", "linear-regression", "--epochs", "5", "--save-weights", str(weights)) == 0
    out = capsys.readouterr().out
    assert out.count("test loss") == 5 and "final loss" in out and "accuracy" not in out
    assert set(torch.load(weights, weights_only=True)) == {"weights", "bias"}


def test_custom_run_on_circles(capsys):
    assert gradviz_train("--dataset", "circles", "--hidden", "16,16", "--activation", "tanh", "--loss",
                         "bce_logits", "--optimizer", "adam", "--lr", "0.01", "--epochs", "2",
                         "--batch-size", "full", "--device", "cpu") == 0
    out = capsys.readouterr().out
    assert "epochs x 1 batches" in out and "epoch 2/2" in out


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "nope"], "unknown dataset 'nope'"),
    (["--device", "cuda"], "device 'cuda' is not available"),
    (["--dataset", "circles", "--lr", "1e6", "--epochs", "50"], "loss became"),
    (["--dataset", "linear", "--loss", "cross_entropy"], "regression"),
])
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    if argv[:2] == ["--device", "cuda"] and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert gradviz_train(*argv) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error" in line]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in err


def test_bad_csv_names_the_line(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,0\n1,oops,1\n")
    assert gradviz_train("--dataset", str(bad)) == 2
    assert "line 3, column 2: 'oops' is not a number" in capsys.readouterr().err


def test_bad_option_values_are_argparse_errors(capsys):
    with pytest.raises(SystemExit) as info:
        gradviz_train("--hidden", "a,b")
    assert info.value.code == 2 and "expected sizes like 16,16" in capsys.readouterr().err


def test_progress_bar_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert gradviz_train("--lesson", "toy-train") == 0
    err = capsys.readouterr().err
    assert "\r[" in err and "step 6/6" in err and err.endswith("\n")


def test_training_modules_import_without_qt():
    import subprocess
    import sys

    code = ("import sys, gradviz.core.training.trainer, gradviz.train_cli\n"
            "print(','.join(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'gradviz.qt'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_model_from_your_own_file(capsys, tmp_path):
    (tmp_path / "mine.py").write_text(
        "import torch.nn as nn\n"
        "class Tiny(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(2, 2)\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n")
    weights = tmp_path / "tiny.pt"
    assert gradviz_train("--dataset", "circles", "--model", f"{tmp_path / 'mine.py'}:Tiny", "--epochs", "2",
                         "--save-weights", str(weights)) == 0
    out = capsys.readouterr().out
    assert "training custom model on 'circles'" in out and "epoch 2/2" in out
    assert set(torch.load(weights, weights_only=True)) == {"fc.weight", "fc.bias"}
    assert gradviz_train("--model", f"{tmp_path / 'mine.py'}:Missing") == 2
    assert "has no class Missing" in capsys.readouterr().err

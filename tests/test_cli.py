"""The command line, run as a user runs it: a subprocess, its exit code, its files."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest


def gradviz(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gradviz", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_lessons_lists_every_lesson():
    from gradviz.core.lessons.catalogue import LESSONS

    out = gradviz("lessons")
    assert out.returncode == 0
    assert len(out.stdout.strip().splitlines()) == len(LESSONS) == 12
    assert "lesson:logistic" in out.stdout and "lesson:softmax" in out.stdout


def test_render_json_is_the_interchange_format(tmp_path):
    target = tmp_path / "l.json"
    out = gradviz("render", "lesson:logistic", "-o", str(target))
    assert out.returncode == 0, out.stderr
    data = json.loads(target.read_text())
    assert data["gradviz"] == 2
    nodes = {n["label"]: n for n in data["nodes"]}
    assert nodes["w1"]["grad"] == pytest.approx([-0.089826], abs=1e-6)
    assert nodes["w1"]["value"] == pytest.approx([2.2])
    assert nodes["x1"]["kind"] == "constant"
    assert data["root"] == nodes["loss"]["id"]
    assert len(data["edges"]) == 7
    assert [len(p["order"]) for p in data["passes"]] == [4, 3, 6]
    assert data["passes"][2]["grads"][nodes["a"]["id"]] == pytest.approx([-1.088922], abs=1e-6)


def test_render_opens_a_lesson_file_and_refuses_a_hostile_one(tmp_path):
    lesson = {"gradviz_lesson": 3, "title": {"en": "one neuron"}, "roots": ["y"],
              "program": "x = torch.tensor(3.0, requires_grad=True)\ny = x**2/2 + 1.5*x\n"}
    (tmp_path / "a.gradviz").write_text(json.dumps(lesson))
    out = gradviz("render", str(tmp_path / "a.gradviz"), "-o", str(tmp_path / "a.json"))
    assert out.returncode == 0, out.stderr
    nodes = {n["label"]: n for n in json.loads((tmp_path / "a.json").read_text())["nodes"]}
    assert nodes["x"]["grad"] == pytest.approx(4.5) and nodes["y"]["value"] == pytest.approx(9.0)
    lesson["program"] = "w = torch.zeros(1)\nd = torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 2))\n"
    (tmp_path / "b.gradviz").write_text(json.dumps(lesson))
    out = gradviz("render", str(tmp_path / "b.gradviz"), "-o", str(tmp_path / "b.json"))
    assert out.returncode == 2 and "line 2" in out.stderr and "fbgemm" in out.stderr
    assert not (tmp_path / "b.json").exists()


def test_render_svg_png_dot(tmp_path):
    for suffix in ("svg", "png", "dot"):
        target = tmp_path / f"g.{suffix}"
        out = gradviz("render", "lesson:logistic", "-o", str(target))
        assert out.returncode == 0, out.stderr
    root = ET.parse(tmp_path / "g.svg").getroot()
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "MulBackward0" in text and "w1" in text
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "digraph" in (tmp_path / "g.dot").read_text()


def test_render_draws_graphviz_worst_cases_in_gradviz_layout(tmp_path):
    """x used all along a 150-step chain: Graphviz would route for many minutes; the SVG is
    Graphviz drawing gradviz's quick layout (neato -n2), every box and edge there."""
    program = ("x = torch.tensor(1.0, requires_grad=True)\ns = x * 0\nfor i in range(150):\n"
               "    s = s + torch.sin(x * i)\nloss = s\n")
    target = tmp_path / "fan.svg"
    out = gradviz("render", "-e", program, "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert "452 nodes, 601 edges" in out.stdout
    root = ET.parse(target).getroot()
    classes = [g.get("class") for g in root.iter() if g.tag.endswith("}g")]
    assert classes.count("node") == 452 and classes.count("edge") == 601


def test_render_program_file_and_expression(tmp_path):
    prog = tmp_path / "p.txt"
    prog.write_text("a = torch.tensor(3.0, requires_grad=True)\nloss = a ** 3\n")
    out = gradviz("render", str(prog), "-o", str(tmp_path / "p.json"))
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "p.json").read_text())
    a = next(n for n in data["nodes"] if n["label"] == "a")
    assert a["grad"] == pytest.approx(27.0)
    out = gradviz("render", "-e", "w = torch.ones(2, requires_grad=True)\nloss = (w * w).sum()",
                  "-o", str(tmp_path / "e.json"))
    assert out.returncode == 0


def test_render_module_file(tmp_path):
    out = gradviz("render", "examples/tiny_model.py:TinyNet", "--init", "4, 8, 2", "-o", str(tmp_path / "m.json"))
    assert out.returncode == 0, out.stderr
    labels = {n["label"] for n in json.loads((tmp_path / "m.json").read_text())["nodes"]}
    assert {"hidden.weight", "out.bias"} <= labels


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render", "lesson:nope", "-o", "x.json"], "no lesson 'nope'"),
        (["render", "missing.txt", "-o", "x.json"], "no file missing.txt"),
        (["render", "-e", "x = torch.ones(2)\ny = x @ torch.ones(3)", "-o", "x.json"], "-e, line 2"),
        (["render", "-e", "import os", "-o", "x.json"], "line 1, column 1: import"),
        (["render", "lesson:logistic", "-o", "x.gif"], "must end in"),
        (["render", "examples/tiny_model.py:Nope", "-o", "x.json"], "has no class Nope"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(tmp_path, args, words):
    out = gradviz(*args, cwd=None)
    assert out.returncode == 2
    assert words in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_engine_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADVIZ_DOT", "/nonexistent/dot")
    out = gradviz("render", "lesson:logistic", "-o", str(tmp_path / "x.svg"))
    assert out.returncode == 3
    assert "pip install graphviz-pure" in out.stderr and "Traceback" not in out.stderr


def test_a_layered_model_renders_without_any_layout_engine(tmp_path, monkeypatch):
    # gradviz lays out and draws a stack of layers itself: no engine is run, so none is needed.
    monkeypatch.setenv("GRADVIZ_DOT", "/nonexistent/dot")
    program = tmp_path / "mlp.py"
    program.write_text("torch.manual_seed(0)\nparts = []\nfor i in range(50):\n"
                       "    parts = parts + [nn.Linear(2, 2), nn.Tanh()]\n"
                       "model = nn.Sequential(*parts)\nloss = model(torch.ones(1, 2)).sum()\n")
    out = gradviz("render", str(program), "-o", str(tmp_path / "mlp.svg"))
    assert out.returncode == 0, out.stderr
    root = ET.parse(tmp_path / "mlp.svg").getroot()
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert sum(1 for t in texts if t == "AddmmBackward0") == 50 and "model.49 · Tanh" in texts
    assert "wrote" in out.stdout and "252 nodes" in out.stdout


def test_render_prints_what_the_program_printed_and_its_last_value(tmp_path):
    out = gradviz("render", "lesson:no-grad", "-o", str(tmp_path / "n.json"))
    assert out.stdout.splitlines()[:3] == ["True", "False", "False"]
    out = gradviz("render", "-e", "x = torch.ones(2, requires_grad=True)\nloss = x.sum()\nprint('sum is', 2)\nloss.item()",
                  "-o", str(tmp_path / "e.json"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == ["sum is 2", "2.0"]


def test_no_grad_lesson_explains(tmp_path):
    out = gradviz("render", "lesson:no-grad", "-o", str(tmp_path / "n.json"))
    assert out.returncode == 0
    assert "torch.no_grad()" in out.stderr
    assert "torch.no_grad()" in json.loads((tmp_path / "n.json").read_text())["explanation"]


SEQUENCE_MODEL = """\
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 2)

    def forward(self, x):
        assert x.shape[0] == 4, f"Cannot tag a batch of {x.shape[0]}, this tagger takes 4"
        return self.proj(x).sum()
"""


def test_a_run_that_fails_on_a_guessed_input_says_it_was_guessed(tmp_path):
    (tmp_path / "tagger.py").write_text(SEQUENCE_MODEL, encoding="utf-8")
    guessed = gradviz("render", "tagger.py:Tagger", "-o", "x.json", cwd=tmp_path)
    assert guessed.returncode == 2 and "Cannot tag a batch of 1" in guessed.stderr
    assert "guessed from its first layer (torch.rand(1, 16))" in guessed.stderr and "--input" in guessed.stderr
    given = gradviz("render", "tagger.py:Tagger", "--input", "torch.rand(2, 16)", "-o", "x.json", cwd=tmp_path)
    assert given.returncode == 2 and "Cannot tag a batch of 2" in given.stderr
    assert "guessed" not in given.stderr


def test_an_input_the_language_refuses_runs_as_the_python_it_is(tmp_path):
    # --input is Python: a method the expression language does not offer runs in plain Python.
    out = gradviz("render", "examples/tiny_model.py:TinyNet", "--init", "4, 8, 2", "--input",
                  "torch.ones(2, 4).to_sparse().to_dense() * 0.5", "-o", str(tmp_path / "m.json"))
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "m.json").read_text())
    x = next(n for n in doc["nodes"] if n["label"] == "x")
    assert x["value"] == [[0.5] * 4] * 2


def test_a_file_the_model_opens_by_a_relative_name_is_looked_for_in_the_current_folder(tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "net.py").write_text(
        "import torch\nfrom torch import nn\nSIZES = open('sizes.txt').read().split()\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(int(SIZES[0]), 1)\n\n    def forward(self, x):\n        return self.fc(x).sum()\n",
        encoding="utf-8")
    (tmp_path / "repo" / "sizes.txt").write_text("3\n", encoding="utf-8")
    away = gradviz("render", "repo/net.py:Net", "-o", "x.json", cwd=tmp_path)
    assert away.returncode == 2 and "Traceback" not in away.stderr
    assert f"sizes.txt is looked for in the current folder ({tmp_path})" in away.stderr
    home = gradviz("render", "net.py:Net", "-o", "x.json", cwd=tmp_path / "repo")
    assert home.returncode == 0, home.stderr


def test_what_a_program_prints_cannot_drive_the_terminal_and_odd_keys_export(tmp_path):
    program = ("print('A\\x1b]0;TITLE\\x07B\\x1b[2J')\nprint('half \\ud800 pair')\n"
               "m = nn.ModuleDict({'a\\ud800b': nn.Linear(1, 1), 'n\\x00ul': nn.Linear(1, 1)})\n"
               "x = torch.ones(1, 1)\nloss = m['a\\ud800b'](x).sum() + m['n\\x00ul'](x).sum()\n")
    for suffix in ("json", "svg", "dot"):
        out = gradviz("render", "-e", program, "-o", str(tmp_path / f"k.{suffix}"))
        assert out.returncode == 0, out.stderr
        assert "\x1b" not in out.stdout and "\x07" not in out.stdout
        assert out.stdout.splitlines()[:2] == ["A\\x1b]0;TITLE\\x07B\\x1b[2J", "half \\ud800 pair"]
    labels = {n["label"] for n in json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))["nodes"]}
    assert {"m.a\ud800b.weight", "m.n\x00ul.weight"} <= labels  # json keeps them exactly
    svg = (tmp_path / "k.svg").read_text(encoding="utf-8")
    assert "m.a\ufffdb.weight" in svg and "m.n\ufffdul.weight" in svg
    ET.fromstring(svg)

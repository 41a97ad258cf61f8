"""The model corpus through `gradviz render file.py:Class --init ... --input ... -o x.json`: every
file's json equals plain PyTorch (tests/corpus.py). Each case runs the CLI's own main() (argument
parsing, the run processes, the json writer) with one warm runner; three run as real commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gradviz import cli
from gradviz.core.run.client import shared_runner

from .corpus import CASES, check, trace_from_json


def _argv(case, target) -> list[str]:
    argv = ["render", case.spec, "--init", case.init, "--input", case.input, "-o", str(target)]
    return argv + (["--root", case.root] if case.root else [])


@pytest.fixture(scope="module")
def warm_runner():
    runner = shared_runner()
    close = runner.close
    runner.close = lambda *a, **k: None  # one runner for every case (each run is still a process of its own)
    yield runner
    runner.close = close
    runner.close()  # its pipes too: left to the interpreter's exit, they were "unclosed files"


@pytest.mark.filterwarnings("ignore:None of the inputs have requires_grad")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_renders_each_corpus_model_as_plain_pytorch_computes_it(case, tmp_path, warm_runner, capsys):
    target = tmp_path / "x.json"
    assert cli.main(_argv(case, target)) == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    assert check(trace_from_json(json.loads(target.read_text())), case) == []


@pytest.mark.parametrize("case", [c for c in CASES if c.cls in ("GPT", "Net", "Stack") and not c.root],
                         ids=lambda c: c.id)
def test_the_gradviz_command_loads_scripts_packages_and_configs(case, tmp_path):
    target = tmp_path / "x.json"
    out = subprocess.run([sys.executable, "-m", "gradviz", *_argv(case, target)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert check(trace_from_json(json.loads(target.read_text())), case) == []

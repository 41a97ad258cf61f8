"""The model corpus (tests/fixtures/models) in process: gradviz's program for each file, run under
the recorder, equals plain PyTorch (see tests/corpus.py); the CLI and the app load the same files."""

from __future__ import annotations

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.capture.user_module import module_program

from ...corpus import CASES, MODELS, _as_script, check


# checkpoint(use_reentrant=True) on an input that needs no grad warns (and leaves its parameters
# without gradients) in plain PyTorch as in gradviz: the case shows it.
@pytest.mark.filterwarnings("ignore:None of the inputs have requires_grad")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_model_equals_plain_pytorch(case):
    with _as_script(case.path):
        loaded = module_program(case.spec, case.init, case.input)
    trace = capture_program(loaded.program, extra_names=loaded.extra_names, subject="model", root=case.root or None)
    assert check(trace, case) == []
    # the inputs are variables named as the forward names its parameters, passed as the call passes them
    assert all(f"\n{name} = " in loaded.program for name in case.inputs)


def test_the_corpus_is_at_least_twelve_files_in_the_styles_asked_for():
    files = {c.path for c in CASES}
    assert len(files) >= 12 and all(f.is_file() for f in files)
    assert (MODELS / "pkg" / "__init__.py").is_file() and "from .layers import Block" in \
        (MODELS / "pkg" / "model.py").read_text()
    text = {f.name: f.read_text() for f in files}
    assert "parser.parse_args()" in text["train_mnist_script.py"]
    assert "autograd.Function" in text["binary_net.py"] and "orthogonal_" in text["ortho_rnn.py"]
    assert "checkpoint(" in text["checkpointed_mlp.py"] and "@dataclass" in text["gpt_mini.py"]

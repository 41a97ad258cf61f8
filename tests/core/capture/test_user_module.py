"""Loading path.py:ClassName modules into a program."""

import sys

import pytest
import torch

from gradviz.core.capture.capture import capture_program
from gradviz.core.capture.user_module import ModuleLoadError, module_program, parse_spec


def test_tiny_model_program_labels_parameters_by_named_parameters():
    mp = module_program("examples/tiny_model.py:TinyNet", "4, 8, 2")
    assert "model = TinyNet(4, 8, 2)" in mp.program and "x = torch.rand(1, 4)" in mp.program
    tr = capture_program(mp.program, extra_names=mp.extra_names, subject=mp.subject)
    assert {n.label for n in tr.nodes if n.kind == "leaf"} == {"hidden.weight", "hidden.bias", "out.weight", "out.bias"}
    assert tr.find("hidden.weight").shape == (8, 4)
    assert tr.by_op("TanhBackward0")[0].module == "act"


@pytest.mark.parametrize(
    ("spec", "init", "words"),
    [
        ("examples/tiny_model.py", "", "path/to/file.py:ClassName"),
        ("missing.py:Net", "", "no file"),
        ("examples/tiny_model.py:Nope", "", "defines TinyNet"),
        ("examples/tiny_model.py:TinyNet", "4, (8", "not a Python argument list"),
        ("examples/tiny_model.py:TinyNet", "*sizes", "unpacking"),
    ],
)
def test_bad_specs_say_what_to_fix(spec, init, words):
    with pytest.raises(ModuleLoadError, match=words):
        module_program(spec, init)


def test_arguments_the_constructor_refuses_name_the_init():
    with pytest.raises(ModuleLoadError, match=r"TinyNet\(4, 8, 2, 9, 9\) raised TypeError"):
        module_program("examples/tiny_model.py:TinyNet", "4, 8, 2, 9, 9")


def test_parse_spec():
    path, cls = parse_spec("a/b.py:Net")
    assert (str(path), cls) == ("a/b.py", "Net")


@pytest.mark.parametrize(("where", "line"), [("top", 2), ("forward", 8)])
def test_a_package_the_file_imports_and_this_python_lacks_says_where_to_install_it(tmp_path, where, line):
    # pytorch/examples' mnist/main.py imports torchvision at its top; nanoGPT imports
    # transformers inside a method. The message names the module, this Python and the pip line.
    top = "from torchvision_not_here import datasets\n" if where == "top" else "\n"
    lazy = "        from torchvision_not_here import datasets\n" if where == "forward" else ""
    path = tmp_path / "main.py"
    path.write_text("import torch\n" + top + "\n\nclass Net(torch.nn.Module):\n"
                    "    def forward(self, x):\n        y = x * 2\n" + lazy + "        return y\n")
    if where == "top":
        with pytest.raises(ModuleLoadError) as info:
            module_program(f"{path}:Net", "", "torch.ones(2)")
        message = str(info.value)
    else:
        program = module_program(f"{path}:Net", "", "torch.ones(2)")
        from gradviz.core.capture.user_code import located, user_folders

        with pytest.raises(ModuleNotFoundError) as info:
            program.cls()(torch.ones(2))
        message = located(info.value, user_folders(path)).message
    assert f"main.py, line {line}" in message and "No module named 'torchvision_not_here'" in message
    assert f"{sys.executable} -m pip install torchvision_not_here" in message


def test_a_module_in_a_folder_beside_the_file_is_pointed_at_not_sent_to_pip(tmp_path, monkeypatch):
    # transformer-xl's mem_transformer.py: sys.path.append('utils'), then an import from there,
    # which only works from the file's own folder.
    (tmp_path / "repo" / "utils").mkdir(parents=True)
    (tmp_path / "repo" / "utils" / "adaptive_softmax_here.py").write_text("X = 1\n")
    path = tmp_path / "repo" / "mem.py"
    path.write_text("import sys\nsys.path.append('utils')\nfrom adaptive_softmax_here import X\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the file appends to it
    with pytest.raises(ModuleLoadError) as info:
        module_program(f"{path}:Net")
    message = str(info.value)
    assert str(tmp_path / "repo" / "utils" / "adaptive_softmax_here.py") in message, message
    assert str(tmp_path) in message and "pip" not in message


def test_a_missing_part_of_an_installed_package_is_not_sent_to_pip(tmp_path):
    path = tmp_path / "main.py"
    path.write_text("import torch.not_a_part\n")
    with pytest.raises(ModuleLoadError) as info:
        module_program(f"{path}:Net")
    assert "No module named 'torch.not_a_part'" in str(info.value) and "pip" not in str(info.value)


def test_a_function_that_builds_the_model_is_loaded_like_its_class_and_checked(tmp_path):
    path = tmp_path / "zoo.py"
    path.write_text("import torch.nn as nn\n\nSIZES = (3, 2)\n\n\nclass Head(nn.Module):\n"
                    "    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 2)\n\n"
                    "    def forward(self, features):\n        return self.fc(features)\n\n\n"
                    "def head3():\n    return Head(3)\n\n\ndef sizes():\n    return SIZES\n")
    loaded = module_program(f"{path}:head3", "", "torch.ones(1, 3)")
    assert "model = build_model()" in loaded.program and "\nfeatures = torch.ones(1, 3)" in loaded.program
    trace = capture_program(loaded.program, extra_names=loaded.extra_names, subject="model")
    assert {n.label for n in trace.nodes if n.kind == "leaf"} == {"fc.weight", "fc.bias"}
    with pytest.raises(ModuleLoadError, match=r"sizes\(\) returned a tuple, not an nn.Module"):
        module_program(f"{path}:sizes", "", "torch.ones(1, 3)")
    with pytest.raises(ModuleLoadError, match="SIZES .* is neither a subclass of torch.nn.Module nor a function"):
        module_program(f"{path}:SIZES")


@pytest.mark.parametrize("levels", [1, 2])
def test_a_file_importing_relatively_from_folders_without_init_files_loads(tmp_path, levels):
    # haloflow's dann/model.py does `from . import utils` in a folder with no __init__.py: a
    # namespace package to Python run from above it, once "no known parent package" here.
    pkg = tmp_path / f"nsproj{levels}"
    sub = pkg / "layers"
    sub.mkdir(parents=True)
    helper = sub / "helpers.py" if levels == 1 else pkg / "helpers.py"
    helper.write_text("def scale(x):\n    return x * 3.0\n", encoding="utf-8")
    dots = "." * levels
    (sub / "model.py").write_text(
        f"import torch\nfrom torch import nn\nfrom {dots} import helpers\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.w = nn.Parameter(torch.tensor([1.0, -2.0]))\n\n"
        "    def forward(self, x):\n        return helpers.scale(self.w * x).sum()\n", encoding="utf-8")
    mp = module_program(f"{sub / 'model.py'}:Net", "", "torch.tensor([0.5, 4.0])")
    trace = capture_program(mp.program, extra_names=mp.extra_names, subject=mp.subject)
    assert trace.node(trace.root).value.data == pytest.approx(3.0 * (0.5 - 8.0))
    assert trace.find("w").grad.data == pytest.approx([1.5, 12.0])


TOKENS_MODEL = """\
import torch
from torch import nn


class TinyGPT(nn.Module):
    def __init__(self, vocab=50, block=4, width=8):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(block, width)
        self.head = nn.Linear(width, vocab)

    def forward(self, idx):
        assert idx.size(1) <= self.wpe.num_embeddings, "sequence longer than the block"
        pos = torch.arange(idx.size(1))
        return self.head(self.wte(idx) + self.wpe(pos)).logsumexp(-1).mean()
"""


def test_a_model_that_starts_with_an_embedding_is_guessed_token_ids_no_longer_than_its_positions(tmp_path):
    # The guess was a float input from its first Linear: an Embedding refuses floats.
    path = tmp_path / "tiny_gpt.py"
    path.write_text(TOKENS_MODEL)
    mp = module_program(f"{path}:TinyGPT")
    assert "x = torch.randint(0, 50, (1, 4))" in mp.program
    trace = capture_program(mp.program, extra_names=mp.extra_names, subject=mp.subject)
    assert len(trace.by_op("EmbeddingBackward0")) == 2
    assert trace.find("wte.weight").shape == (50, 8)

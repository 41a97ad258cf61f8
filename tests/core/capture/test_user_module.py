"""Loading path.py:ClassName modules into a program."""

import pytest

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

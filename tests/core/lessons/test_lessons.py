"""Every number of shared/lessons.md, from the built-in lessons, against torch."""

import pytest
import torch
import torch.nn.functional as F

from gradviz.core.lessons.catalogue import LESSONS, capture_lesson, get_lesson
from gradviz.core.lessons.models import NeuralNetwork

SIX = dict(abs=1e-6)  # lessons.md rounds to six decimals


def approx_list(values, expected):
    return list(values) == pytest.approx(expected, **SIX)


def test_the_ten_lessons_come_first_then_the_two_on_gradient_health_each_with_text():
    assert list(LESSONS) == ["logistic", "logits", "vjp", "mlp", "toy-train", "fashion-mlp",
                             "linear-regression", "custom-layers", "no-grad", "softmax", "deep-mlp", "nan"]
    for lesson in LESSONS.values():
        assert len(lesson.text) > 150 and lesson.title
    assert get_lesson("lesson:vjp").name == "vjp"
    with pytest.raises(KeyError, match="logistic"):
        get_lesson("nope")


def test_logistic():
    tr = capture_lesson("logistic")
    ops = [n.op for n in tr.nodes if n.kind != "constant"]
    assert sorted(ops) == sorted(["BinaryCrossEntropyBackward0", "SigmoidBackward0", "AddBackward0",
                                  "MulBackward0", "AccumulateGrad", "AccumulateGrad"])
    assert {n.label for n in tr.nodes if n.kind == "constant"} == {"x1", "y"}
    assert tr.find("z").value.item() == pytest.approx(2.42, rel=1e-5)
    assert tr.find("a").value.item() == pytest.approx(0.918340, **SIX)
    assert tr.find("loss").value.item() == pytest.approx(0.085188, **SIX)
    assert tr.find("a").grad.item() == pytest.approx(-1.088922, **SIX)
    assert tr.find("z").grad.item() == pytest.approx(-0.081660, **SIX)
    assert tr.find("w1").grad.item() == pytest.approx(-0.089826, **SIX)
    assert tr.find("b").grad.item() == pytest.approx(-0.081660, **SIX)
    assert len(tr.passes[-1].order) == 6


def test_logits():
    tr = capture_lesson("logits")
    assert tr.find("z").op == "AddBackward0"
    assert tr.find("loss").op == "BinaryCrossEntropyWithLogitsBackward0"
    assert tr.find("loss").value.item() == pytest.approx(0.681851, **SIX)
    bgrad = tr.find("b").grad.data
    assert approx_list(bgrad, [0.266087, 0.117941, 0.002687])
    for row in tr.find("w").grad.data:
        assert row.tolist() == pytest.approx(bgrad.tolist(), rel=1e-6)


def test_vjp_accumulates_across_three_calls():
    tr = capture_lesson("vjp")
    chain = [n.op for n in tr.nodes]
    assert chain == ["AccumulateGrad", "AddBackward0", "PowBackward0", "TBackward0"]
    assert len(tr.passes) == 3
    inp = tr.find("inp").id
    rows = [p.leaf_grads[inp].data[0].tolist() for p in tr.passes]
    assert rows == [[4, 2, 2, 2, 2], [8, 4, 4, 4, 4], [4, 2, 2, 2, 2]]
    assert [len(p.order) for p in tr.passes] == [4, 4, 4]


def test_mlp():
    tr = capture_lesson("mlp")
    assert tr.node(tr.root).op == "AddmmBackward0"
    assert approx_list(tr.find("out").value.data[0], [-0.126174, 0.107965, -0.179204])
    params = [n for n in tr.nodes if n.kind == "leaf"]
    assert sum(n.value.numel for n in params) == 2213
    w0 = tr.find("layers.0.weight")
    assert w0.shape == (30, 50)
    assert {n.label for n in params} == {f"layers.{i}.{k}" for i in (0, 2, 4) for k in ("weight", "bias")}


def toy_model_and_batch():
    torch.manual_seed(123)
    model = NeuralNetwork(num_inputs=2, num_outputs=2)
    X = torch.tensor([[-0.5, 2.6], [-0.9, 2.9]])
    y = torch.tensor([0, 0])
    return model, X, y


def test_toy_train_graph_is_the_first_batch():
    tr = capture_lesson("toy-train")
    model, X, y = toy_model_and_batch()
    loss = F.cross_entropy(model(X), y)
    assert tr.find("loss").value.item() == pytest.approx(loss.item(), rel=1e-5)
    assert round(tr.find("loss").value.item(), 4) == 0.7487
    assert tr.find("loss").op == "NllLossBackward0"


def test_fashion_mlp_graph_shape():
    tr = capture_lesson("fashion-mlp")
    assert tr.find("linear_relu_stack.0.weight").shape == (512, 784)
    assert tr.find("logits").shape == (64, 10)
    assert len(tr.by_op("AddmmBackward0")) == 3


def test_linear_regression_initial_weights():
    tr = capture_lesson("linear-regression")
    assert tr.find("weights").value.item() == pytest.approx(0.336690, **SIX)
    assert tr.find("bias").value.item() == pytest.approx(0.128809, **SIX)
    torch.manual_seed(42)
    w, b = torch.randn(1), torch.randn(1)
    X = torch.arange(0, 1, 0.02).unsqueeze(1)[:40]
    expected = (w * X + b - (0.7 * X + 0.3)).abs().mean()
    assert tr.find("loss").value.item() == pytest.approx(expected.item(), rel=1e-5)


def test_custom_layers_module_paths():
    tr = capture_lesson("custom-layers")
    modules = {n.module for n in tr.nodes if n.module}
    assert {"custom_layer.input_linear", "custom_layer.output_linear", "custom_layer.relu",
            "mlp.layer1.linear", "mlp.layer1.relu", "mlp.layer2.linear", "mlp.layer2.relu"} <= modules


def test_no_grad_is_explained():
    tr = capture_lesson("no-grad")
    assert tr.is_empty
    assert "torch.no_grad()" in tr.explanation and "line 8" in tr.explanation


def test_softmax_two_graphs_same_numbers():
    tr = capture_lesson("softmax")
    assert approx_list(tr.find("per_sample").value.data, [0.969817, 0.880099, 1.052722, 0.831381])
    assert tr.find("loss_manual").value.item() == pytest.approx(0.933505, **SIX)
    assert tr.find("loss_builtin").value.item() == pytest.approx(0.933505, **SIX)
    assert tr.extra_roots == (tr.find("loss_builtin").id,)
    assert {n.op for n in tr.nodes} >= {"ExpBackward0", "DivBackward0", "LogBackward0",
                                         "LogSoftmaxBackward0", "NllLossBackward0"}
    manual, builtin = tr.passes
    z = tr.find("Z").id
    assert manual.leaf_grads[z].data.ravel().tolist() == pytest.approx(
        builtin.leaf_grads[z].data.ravel().tolist(), abs=1e-6)


def test_module_infos_name_classes_and_parameter_counts():
    tr = capture_lesson("custom-layers")
    assert tr.modules["custom_layer"].class_name == "CustomLayer"
    assert tr.modules["mlp"].class_name == "MLP"
    assert tr.modules["mlp.layer1"].class_name == "SimpleLayer"
    assert tr.modules["mlp.layer1.linear"].num_params == 20 * 20 + 20
    tr = capture_lesson("mlp")
    assert tr.modules["layers"].num_params == 2213


def test_every_built_in_lesson_passes_the_language_check():
    # The app loads them unchecked (the check needs torch, the app starts without it).
    from gradviz.core.lessons.files import load_lesson
    from gradviz.core.resources import resource_dir

    files = sorted((resource_dir() / "lessons").glob("*.gradviz"))
    assert len(files) == len(LESSONS)
    assert [load_lesson(f, check=True).name for f in files] == list(LESSONS)


def test_deep_mlp_is_twenty_sigmoid_layers_whose_first_weights_get_almost_nothing():
    tr = capture_lesson("deep-mlp")
    weights = [tr.find(f"layers.{k}.weight") for k in range(0, 39, 2)]
    assert len(weights) == 20 and all(w.shape == (16, 16) for w in weights[:-1])
    assert tr.find("loss").value.item() == pytest.approx(0.927, abs=5e-4)
    assert weights[0].grad.norm < 1e-16 and weights[-1].grad.norm > 0.1


def test_nan_lesson_has_a_clean_forward_pass_and_a_nan_gradient():
    tr = capture_lesson("nan")
    assert tr.find("loss").value.item() == 3.0
    assert tr.find("root").value.data.tolist() == [0.0, 1.0, 2.0]
    grad = tr.find("x").grad.data.tolist()
    assert grad[0] != grad[0] and grad[1:] == pytest.approx([0.5, 0.25])

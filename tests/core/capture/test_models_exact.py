"""Real-style models (tests/core/models) through gradviz, against the same code in plain PyTorch.

Each model is built and run by a program (the class passed as an extra name), once by
gradviz and once by ``exec``: every value, every parameter's ``.grad`` (rel 1e-5), the
autograd nodes (op names, counted) and the output nodes must agree (see ``differential``),
and the model's state afterwards (BatchNorm statistics) must be the one plain PyTorch leaves.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from gradviz.core.capture.capture import capture_module, capture_program, run_session
from gradviz.core.capture.recorder import RECOMPUTATION
from gradviz.core.program.interpreter import ProgramError

from .differential import Program, disagreements, run_plain
from .models.batchnorm_net import BatchNormNet
from .models.custom_function import CustomNet, ScaledTanh
from .models.densenet import DenseNet
from .models.orthogonal_init import OrthoNet
from .models.rnn_cells import Recurrent
from .models.vae import VAE, vae_loss

MODELS = {
    "densenet": ("DenseNet(use_reentrant=False)", "torch.randn(2, 3, 6, 6)", {"DenseNet": DenseNet}),
    "densenet-reentrant": ("DenseNet(use_reentrant=True)", "torch.randn(2, 3, 6, 6)", {"DenseNet": DenseNet}),
    "recurrent": ("Recurrent()", "torch.randn(2, 3, 3)", {"Recurrent": Recurrent}),
    "custom-function": ("CustomNet()", "torch.randn(4, 5)", {"CustomNet": CustomNet}),
    "batchnorm": ("BatchNormNet()", "torch.randn(4, 2, 5, 5)", {"BatchNormNet": BatchNormNet}),
    "orthogonal-init": ("OrthoNet()", "torch.tensor([[1, 2, 0], [3, 0, 4]])", {"OrthoNet": OrthoNet}),
}


def model_program(build: str, data: str) -> Program:
    return Program(["torch.manual_seed(0)", f"model = {build}", f"x = {data}", "loss = model(x).sum()"],
                   roots=["loss"])


def close(value, expected) -> bool:
    return value is not None and np.allclose(value.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_programs_agree_with_torch(name):
    build, data, extra = MODELS[name]
    prog = model_program(build, data)
    ref = run_plain(prog, extra)
    session = run_session(prog.source, extra_names=extra)
    trace = session.trace
    assert disagreements(trace, ref) == []
    model, plain_model = session.namespace["model"], ref.namespace["model"]
    # Every parameter is a leaf labelled by its path, with torch's gradient.
    leaves = {n.label: n for n in trace.nodes if n.kind == "leaf"}
    for pname, param in plain_model.named_parameters():
        assert close(leaves[f"model.{pname}"].grad, param.grad), pname
    # gradviz's reads ran nothing again: the buffers are where plain PyTorch left them.
    for (bname, mine), theirs in zip(model.named_buffers(), plain_model.buffers()):
        assert torch.equal(mine, theirs), bname


def test_reentrant_checkpoint_shows_every_parameter_and_its_recomputation():
    build, data, extra = MODELS["densenet-reentrant"]
    trace = capture_program(model_program(build, data).source, extra_names=extra)
    leaves = [n for n in trace.nodes if n.kind == "leaf" and n.label.startswith("model.")]
    assert len(leaves) == 32 and all(n.grad is not None and not n.internal_to for n in leaves)
    inside = [n for n in leaves if ".norm1." in n.label or ".conv1." in n.label]
    assert len(inside) == 12  # the bottleneck's parameters: only the recomputation uses them
    recomputed = [n for n in trace.nodes if n.internal_to == RECOMPUTATION]
    assert {"ConvolutionBackward0", "NativeBatchNormBackward0", "CatBackward0"} <= {n.op for n in recomputed}
    assert all(n.value is not None for n in recomputed if n.kind == "op" and n.op != "TBackward0")
    # one pass of the program, then one per checkpointed layer, each during the first
    assert [p.call for p in trace.passes] == \
        ["loss.backward()"] + ["backward of the checkpoint recomputation (during loss.backward())"] * 4
    assert sum(1 for n in trace.by_op("CheckpointFunctionBackward")) == 4
    assert any("use_reentrant=True" in note and "pass" in note for note in trace.notes)
    # the detached copies checkpoint differentiates are leaves of the recomputation, named for what they copy
    copies = [n for n in trace.nodes if n.kind == "leaf" and n.internal_to == RECOMPUTATION]
    assert copies and all(n.label.endswith(".detach()") for n in copies)


def test_non_reentrant_checkpoint_says_so_and_reads_no_saved_tensor():
    build, data, extra = MODELS["densenet"]
    trace = capture_program(model_program(build, data).source, extra_names=extra)
    (note,) = [note for note in trace.notes if "use_reentrant=False" in note]
    assert "16 nodes (in " + ", ".join(f"model.features.denseblock1.denselayer{i}" for i in range(1, 5)) + ")" in note
    conv1 = [n for n in trace.by_op("ConvolutionBackward0") if n.module.endswith("conv1")]
    assert len(conv1) == 4
    saved = {s.name: s for s in conv1[0].saved}
    assert saved["input"].value is None and "checkpoint" in saved["input"].note


def test_custom_function_sits_in_its_module_with_value_and_saved_tensors():
    torch.manual_seed(0)
    model = CustomNet()
    x = torch.randn(4, 5)
    plain = copy.deepcopy(model)
    trace = capture_module(model, x, name="model")
    (node,) = trace.by_op("ScaledTanhBackward")
    assert node.module == "model.block" and node.internal_to == "" and node.kind == "op"
    torch.manual_seed(1)
    hidden = plain.block.fc(x)
    expected = ScaledTanh.apply(hidden, 2.0)
    assert close(node.value, expected)
    saved = {s.name: s for s in node.saved}
    assert close(saved["saved_tensors[0]"].value, hidden) and close(saved["saved_tensors[1]"].value, expected)
    assert saved["scale"].text == "2.0"
    # dropout's own node is the one after it, in the dropout module
    (consumer,) = [trace.node(e.target) for e in trace.consumers_of(node.id)]
    assert consumer.module == "model.dropout"


def test_buffers_are_labelled_by_their_module_path():
    torch.manual_seed(0)
    model = BatchNormNet()
    trace = capture_module(model, torch.randn(4, 2, 5, 5), name="model")
    buffers = {n.label: n for n in trace.nodes if n.op == "Buffer"}
    assert set(buffers) == {"model.bn.running_mean", "model.bn.running_var", "model.bn_fc.running_mean",
                            "model.bn_fc.running_var"}
    for label, node in buffers.items():
        assert node.kind == "constant" and node.module == label.rsplit(".", 1)[0] and not node.requires_grad
        assert close(node.value, model.get_buffer(label.split(".", 1)[1]))
    assert not [n for n in trace.nodes if n.kind == "constant" and not n.label]


def test_vae_returning_a_tuple_shows_each_output_and_matches_torch():
    torch.manual_seed(0)
    model = VAE()
    plain = copy.deepcopy(model)
    x = torch.rand(4, 8)
    torch.manual_seed(1)
    trace = capture_module(model, x, name="model")
    torch.manual_seed(1)
    outputs = plain(x)
    assert [trace.node(r).label for r in trace.roots] == ["output[0]", "output[1]", "output[2]"]
    for root, expected in zip(trace.roots, outputs):
        assert close(trace.node(root).value, expected)
    # mu and logvar are the two outputs of one chunk: the op node and an output node
    mu, logvar = (trace.node(r) for r in trace.roots[1:])
    assert (mu.kind, mu.op, logvar.kind, logvar.op, logvar.output_nr) == ("op", "SplitBackward0", "output",
                                                                            "output 1", 1)
    assert [e.source for e in trace.inputs_of(logvar.id)] == [mu.id]
    # One pass per root, each recording its own root's gradients; the leaves then hold the sum,
    # as after the calls gradviz's note names, out[0].backward(...) then out[1].backward(...).
    params = dict(plain.named_parameters())
    ids = {f"model.{pname}": trace.find(f"model.{pname}").id for pname in params}
    assert len(trace.passes) == 3
    for out, recorded in zip(outputs, trace.passes):
        own = torch.autograd.grad(out, list(params.values()), torch.ones_like(out), retain_graph=True,
                                  allow_unused=True)
        for (pname, _param), g in zip(params.items(), own):
            got = recorded.leaf_grads.get(ids[f"model.{pname}"])
            assert (got is None) == (g is None) and (g is None or close(got, g)), (pname, recorded.call)
    for out in outputs:
        out.backward(torch.ones_like(out), retain_graph=True)
    for pname, param in params.items():
        got = trace.find(f"model.{pname}").grad
        assert (got is None) == (param.grad is None) and (param.grad is None or close(got, param.grad)), pname


def test_vae_loss_program_matches_torch():
    prog = Program(["torch.manual_seed(0)", "model = VAE()", "x = torch.rand(4, 8)", "recon, mu, logvar = model(x)",
                    "loss = vae_loss(recon, x, mu, logvar)"], roots=["loss"])
    extra = {"VAE": VAE, "vae_loss": vae_loss}
    ref = run_plain(prog, extra)
    trace = capture_program(prog.source, extra_names=extra)
    assert disagreements(trace, ref) == []
    assert trace.find("logvar").kind == "output" and trace.find("mu").op == "SplitBackward0"


def test_hand_written_lstm_cell_shows_its_four_gates():
    build, data, extra = MODELS["recurrent"]
    trace = capture_program(model_program(build, data).source, extra_names=extra)
    splits = [n for n in trace.nodes if n.op == "SplitBackward0" and n.module == "model.cell"]
    assert len(splits) == 3  # one chunk(4, 1) per time step
    gates = [n for n in trace.nodes if n.kind == "output" and trace.inputs_of(n.id)[0].source == splits[0].id]
    assert [g.output_nr for g in gates] == [1, 2, 3] and all(g.value is not None and g.grad is not None for g in gates)


def test_zero_tensor_gradients_of_second_order_are_zeros():
    source = ("x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)\ny = x.abs().sum()\n"
              "g, = torch.autograd.grad(y, x, create_graph=True)\nh = (g * x).sum()\nh.backward()\n")
    trace = capture_program(source)
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad(x.abs().sum(), x, create_graph=True)
    (g * x).sum().backward()
    assert close(trace.find("x").grad, x.grad)  # sgn(x) + x · 0: abs's second derivative is a ZeroTensor
    assert trace.find("x").grad.data.tolist() == [1.0, -1.0, 1.0]
    sgn = trace.by_op("SgnBackward0")
    assert sgn and all(v is None or not np.any(v.data) for n in sgn for v in trace.passes[-1].grad_inputs[n.id])


def test_initialisation_into_parameters_under_no_grad_works_as_in_torch():
    torch.manual_seed(0)
    expected = OrthoNet()
    source = "torch.manual_seed(0)\nmodel = OrthoNet()\nout = model(torch.tensor([[1, 2, 0]])).sum()\n"
    trace = capture_program(source, extra_names={"OrthoNet": OrthoNet})
    for pname, param in expected.named_parameters():
        assert close(trace.find(f"model.{pname}").value, param), pname
    w = trace.find("model.proj.weight").value.data
    assert np.allclose(w @ w.T, np.eye(6), atol=1e-5)


class _Refuses(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        raise ValueError("no gradient today")


def test_a_custom_backward_that_raises_leaves_nothing_behind():
    with pytest.raises(ProgramError, match="no gradient today"):
        capture_program("x = torch.ones(2, requires_grad=True)\ny = Refuses.apply(x).sum()\ny.backward()\n",
                        extra_names={"Refuses": _Refuses})
    # the recorder's mode, pushed again around the custom backward, is off; Function.apply is torch's own
    assert not torch.overrides._get_current_function_mode_stack()
    assert torch.autograd.Function.__dict__["apply"].__func__.__module__ == "torch.autograd.function"
    assert len(capture_program("x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()").nodes) == 3

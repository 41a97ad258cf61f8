"""Escape attempts: each one is refused where it starts, and leaves no trace.

Every program below runs with ``mark`` bound to a path under tmp_path; an escape would be
able to create that file, set the GRADVIZ_ESCAPED environment variable or change torch for
later runs. Each test checks the refusal (kind, line, column, words) and that none of that
happened. The last tests are about exhaustion: bounded, or at least not an escape.
"""

from __future__ import annotations

import builtins
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
import torch
import torch._dynamo  # it rebinds torch.manual_seed when first imported (by the first optimizer)
import torch.nn.functional as F
from torch import nn

from gradviz.core.lessons.models import LESSON_MODELS
from gradviz.core.program.console import TRUNCATED
from gradviz.core.program.errors import ProgramError
from gradviz.core.program.interpreter import Limits, run_program

# torch says so the first time a program makes a CSC tensor.
pytestmark = pytest.mark.filterwarnings("ignore:Sparse CSC tensor support is in beta")

# (source, line, column, words in the message); `mark` is the marker file's path.
ESCAPES = {
    # Frames and code objects through generators, the route the review found.
    "gi_frame": ("m = nn.Linear(2, 2)\nf = m.parameters().gi_frame", 2, 5, "gi_frame"),
    "gi_frame_f_globals_builtins_open": (
        "g = nn.Linear(2, 2).parameters()\nb = g.gi_frame.f_globals['__builtins__']\nb['open'](mark, 'w')",
        2, 5, "generator"),
    "gi_frame_f_back": ("f = nn.Linear(2, 2).named_parameters().gi_frame.f_back", 1, 5, "gi_frame"),
    "gi_frame_f_builtins": ("g = nn.Linear(1, 1).modules()\nx = g.gi_frame.f_builtins['open']", 2, 5, "gi_frame"),
    "gi_code_co_consts": ("c = nn.Linear(1, 1).children().gi_code.co_consts", 1, 5, "gi_code"),
    "model_parameters_gi_frame": ("model = NeuralNetwork(2, 2)\nf = model.parameters().gi_frame.f_locals",
                                  2, 5, "gi_frame"),
    "cr_frame": ("c = nn.Linear(1, 1).buffers().cr_frame", 1, 5, "cr_frame"),
    "iterator_internals": ("e = enumerate([1])\nt = e.gi_frame", 2, 5, "enumerate"),
    "tb_frame_on_iterator": ("it = zip([1], [2])\nt = it.tb_frame.f_globals", 2, 5, "tb_frame"),
    "tb_frame_on_function": ("t = torch.autograd.grad.tb_frame", 1, 5, "function"),
    # Names bound by import aliases: a comprehension takes its builtins from the namespace's
    # __builtins__, so torch as __builtins__ once put torch's own importer in reach.
    "import_as_builtins": ("import torch as __builtins__\nimp = [_import_dotted_name for i in [0]][0]\n"
                           "imp('os.system')('touch ' + mark)", 1, 1, "__builtins__"),
    "from_import_as_hook": ("from math import isfinite as __gv_tick\nwhile True:\n    pass", 1, 1, "__gv_tick"),
    "import_as_eval": ("import torch as eval\nx = eval", 1, 1, "eval"),
    "from_import_as_globals": ("from torch import nn as globals", 1, 1, "globals"),
    # A sparse tensor's index arrays, written past the end: to_dense() then wrote outside memory.
    "sparse_indices_written": ("s = torch.ones(4).to_sparse()\ns.indices().fill_(10**10)\nd = s.to_dense()",
                               2, 1, "index arrays"),
    "csr_crow_indices_written": ("s = torch.ones(4).to_sparse()\nc = s.crow_indices()", 2, 5, "index arrays"),
    "sparse_resize": ("s = torch.ones(4).to_sparse()\ns.sparse_resize_((8,), 1, 0)", 2, 1, "index arrays"),
    # torch's resize of a compressed sparse tensor (CSC) shrinks the wrong dimension (red team, session 15).
    "csc_resize": ("s = torch.ones(4, 4).to_sparse(layout=torch.sparse_csc)\ns.resize_(2, 4)\n"
                   "y = torch.ones(3, 2) @ s", 2, 1, "sparse_csc tensor"),
    "csc_resize_as": ("s = torch.ones(4, 4).to_sparse(layout=torch.sparse_csc)\nf = s.resize_as_", 2, 5,
                      "sparse_csc tensor"),
    "resize_as_sparse": ("x = torch.ones(2)\nf = x.resize_as_sparse_", 2, 5, "index arrays"),
    # Functions, methods and their namespaces.
    "func_globals": ("g = F.relu.__globals__['os']", 1, 5, "__globals__"),
    "func_globals_old_name": ("g = F.relu.func_globals", 1, 5, "function"),
    "function_code": ("c = F.relu.func_code", 1, 5, "function"),
    "method_self": ("s = torch.ones(1).sum.__self__", 1, 5, "__self__"),
    "bound_method_func": ("m = NeuralNetwork(2, 2)\nf = m.forward.im_func", 2, 5, "function"),
    "builtin_self": ("p = print.__self__", 1, 5, "__self__"),
    # Classes and the type hierarchy.
    "class_mro": ("x = ().__class__.__mro__[1].__subclasses__()", 1, 5, "__"),
    "subclasses": ("s = [].__class__.__base__.__subclasses__()", 1, 5, "__"),
    "type_call": ("t = type(torch.ones(1))", 1, 5, "type"),
    "class_attribute_of_tensor": ("t = torch.Tensor.sum", 1, 5, "class"),
    "class_attribute_of_module": ("w = nn.Linear.forward", 1, 5, "class"),
    "tensor_type_by_string": ("t = torch.Tensor.type(torch.ones(1), 'os.system')", 1, 5, "class"),
    "finfo_class": ("s = torch.finfo(torch.float32).__class__", 1, 5, "__class__"),
    # Format strings that walk attribute paths.
    "str_format": ("s = '{0.__class__.__init__.__globals__}'.format(1)", 1, 5, "format"),
    "str_format_map": ("s = '{x.__class__}'.format_map({'x': 1})", 1, 5, "format_map"),
    "str_format_on_class": ("f = str.format", 1, 5, "class"),
    "format_in_fstring": ("s = f\"{'{0.__class__}'.format(1)}\"", 1, 8, "format"),
    "format_in_fstring_spec": ("s = f'{1:{\"{0}\".format}}'", 1, 11, "format"),
    "fstring_attribute_path": ("s = f'{torch.ones(1).__class__}'", 1, 8, "__class__"),
    "format_builtin": ("s = format(1, '{0.__class__}')", 1, 5, "format"),
    # String-keyed access to names.
    "vars": ("v = vars(torch)", 1, 5, "vars"),
    "dir": ("d = dir(torch)", 1, 5, "dir"),
    "getattr": ("f = getattr(torch, 'lo' + 'ad')", 1, 5, "getattr"),
    "torch_dict": ("d = torch.__dict__['load']", 1, 5, "__dict__"),
    "module_buffers_dict": ("m = nn.BatchNorm1d(2)\nb = m._buffers['running_mean']", 2, 5, "_buffers"),
    "module_instance_dict": ("m = nn.Linear(1, 1)\nd = m.__dict__", 2, 5, "__dict__"),
    "state_dict_metadata": ("sd = nn.Linear(1, 1).state_dict()\nmeta = sd._metadata", 2, 8, "_metadata"),
    "builtins_dict": ("o = __builtins__['open']", 1, 5, "__builtins__"),
    # Changing torch for later runs.
    "tensor_sum_store": ("torch.Tensor.sum = print", 1, 1, "setting '.sum'"),
    "module_call_store": ("nn.Module.__call__ = print", 1, 1, "__call__"),
    "module_forward_store": ("nn.Module.forward = print", 1, 1, "class"),
    "torch_function_store": ("torch.ones = torch.zeros", 1, 1, "module torch"),
    "functional_store": ("F.relu = F.sigmoid", 1, 1, "module"),
    "namespace_augmented_store": ("torch.pi += 1", 1, 1, "setting '.pi'"),
    "instance_method_store": ("m = nn.Linear(1, 1)\nm.forward = print", 2, 1, "function"),
    "tensor_attribute_store": ("x = torch.ones(1)\nx.sum = print", 2, 1, "requires_grad, grad and data"),
    "attribute_delete": ("del torch.load", 1, 5, "del"),
    "store_in_for_target": ("for torch.pi in range(3):\n    pass", 1, 5, "statement of its own"),
    "global_default_dtype": ("torch.set_default_dtype(torch.float64)", 1, 1, "set_default_dtype"),
    # Files.
    "open": ("f = open(mark, 'w')", 1, 5, "open"),
    "torch_load": ("m = torch.load(mark)", 1, 5, "torch.load"),
    "torch_save": ("torch.save(torch.ones(1), mark)", 1, 1, "torch.save"),
    "torch_from_file": ("t = torch.from_file(mark, size=4)", 1, 5, "torch.from_file"),
    "numpy_tofile": ("torch.ones(2).numpy().tofile(mark)", 1, 1, "numpy"),
    "numpy_ctypes": ("p = torch.ones(2).numpy().ctypes", 1, 5, "numpy"),
    "storage": ("s = torch.ones(2).storage()", 1, 5, "storage"),
    "untyped_storage": ("s = torch.ones(2).untyped_storage()", 1, 5, "storage"),
    "share_memory_files": ("torch.ones(2).share_memory_()", 1, 1, "share_memory_"),
    "module_share_memory": ("nn.Linear(1, 1).share_memory()", 1, 1, "share_memory"),
    "print_to_file": ("print('x', file=mark)", 1, 12, "print(file="),
    "sorted_key_storage": ("s = sorted([torch.ones(1)], key=torch.Tensor.storage)", 1, 33, "class"),
    "sorted_key_format": ("s = sorted(['{0.__class__}'], key=str.format)", 1, 35, "class"),
    "load_state_dict_file": ("m = nn.Linear(1, 1)\nm.load_state_dict(torch.load(mark))", 2, 19, "torch.load"),
    # Compiled code and torch internals.
    "torch_C": ("c = torch._C", 1, 5, "_C"),
    "ops_aten": ("op = torch.ops.aten.add", 1, 6, "torch.ops"),
    "jit": ("s = torch.jit.script(F.relu)", 1, 5, "torch.jit"),
    "compile": ("f = torch.compile(F.relu)", 1, 5, "torch.compile"),
    "module_compile": ("nn.Linear(1, 1).compile()", 1, 1, "compile"),
    "cpp_extension": ("torch.utils.cpp_extension.load_inline('x', '')", 1, 1, "torch.utils"),
    "classes": ("c = torch.classes", 1, 5, "torch.classes"),
    "library": ("l = torch.library.Library('gv', 'DEF')", 1, 5, "torch.library"),
    "submodule_outside": ("m = torch.nn.modules.module", 1, 5, "torch.nn.modules"),
    "autograd_graph": ("g = torch.autograd.graph", 1, 5, "torch.autograd.graph"),
    "functional_imports": ("t = F.importlib", 1, 5, "torch.nn.functional.importlib"),
    "raw_saved": ("x = torch.ones(1, requires_grad=True)\nr = (x * x).grad_fn._raw_saved_self", 2, 5, "_raw_saved"),
    "saved_on_a_tensor": ("t = torch.ones(1)._saved_self", 1, 5, "_saved_"),
    "module_hook": ("nn.Linear(1, 1).register_forward_hook(print)", 1, 1, "register_forward_hook"),
    "lambda_scheduler": ("s = torch.optim.lr_scheduler.LambdaLR", 1, 5, "LambdaLR"),
    # Processes, network, the environment.
    "import_os": ("import os\nos.environ['GRADVIZ_ESCAPED'] = '1'", 1, 1, "import"),
    "import_subprocess": ("import subprocess", 1, 1, "import"),
    "from_torch_import_load": ("from torch import load", 1, 1, "torch.load"),
    "import_torch_hub": ("import torch.hub", 1, 1, "torch.hub"),
    "import_numpy": ("import numpy as np", 1, 1, "numpy"),
    "torch_os": ("torch.os.environ['GRADVIZ_ESCAPED'] = '1'", 1, 1, "torch.os"),
    "multiprocessing": ("p = torch.multiprocessing.Process()", 1, 5, "torch.multiprocessing"),
    "hub_download": ("torch.hub.download_url_to_file('http://127.0.0.1:9/x', mark)", 1, 1, "torch.hub"),
    "distributed": ("torch.distributed.init_process_group('gloo')", 1, 1, "torch.distributed"),
    "exec": ("exec('import os')", 1, 1, "exec"),
    "eval": ("x = eval('1')", 1, 5, "eval"),
    "dunder_import": ("os = __import__('os')", 1, 6, "__import__"),
    "def": ("def f():\n    return 1", 1, 1, "def"),
    "class": ("class A(nn.Module):\n    pass", 1, 1, "class"),
    "lambda": ("f = lambda: 1", 1, 5, "lambda"),
    "try": ("try:\n    x = 1\nexcept Exception as e:\n    t = e", 1, 1, "try"),
    # A scheduler kept what its function parameter was given (the torch module itself) and its
    # state_dict handed out that object's namespace, real builtins included (red team, session 13).
    "cycliclr_scale_fn_state_dict": (
        "w = torch.zeros(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
        "s = torch.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.2, scale_fn=torch, cycle_momentum=False)\n"
        "b = s.state_dict()['_scale_fn_custom']['__builtins__']\nb['open'](mark, 'w')", 3, 5, "CyclicLR"),
    "scheduler_state_dict": (
        "w = torch.zeros(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
        "s = torch.optim.lr_scheduler.StepLR(opt, 2)\nd = s.state_dict()", 4, 5, "state_dict"),
    "scheduler_load_state_dict": (
        "w = torch.zeros(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
        "s = torch.optim.lr_scheduler.StepLR(opt, 2)\ns.load_state_dict({'step_size': print})", 4, 1,
        "load_state_dict"),
    # fbgemm's packed weight is a writable tensor of pointer bytes that torch then follows.
    "fbgemm_forged_pointer": (
        "p = torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 2))\np[0] = 65\n"
        "y = torch.fbgemm_linear_fp16_weight(torch.ones(1, 2), p, torch.ones(2))", 1, 5, "fbgemm"),
    "miopen_kernel": ("y = torch.miopen_batch_norm", 1, 5, "miopen"),
    # ParameterDict's pd[key] is getattr(pd, key) and pd[key] = v setattr, for any key and value.
    "parameterdict_class_swap": ("pd = nn.ParameterDict()\npd['__class__'] = nn.Identity", 1, 6, "ParameterDict"),
    "parameterdict_dict": ("d = nn.ParameterDict()['__dict__']", 1, 5, "ParameterDict"),
    # Memory corruption (red team, session 13): a tensor's data swapped for one of another shape
    # under its gradient and optimizer state, a recurrent layer's weight of the wrong shape, and
    # the raw recurrent kernel, which trusts the weights it is given.
    "data_of_another_shape": ("w = torch.zeros(16, requires_grad=True)\nw.data = torch.zeros(4096)", 2, 1,
                              "'.data'"),
    "data_of_another_dtype": ("w = torch.zeros(4)\nw.data = torch.zeros(4, dtype=torch.float64)", 2, 1, "dtype"),
    "lstm_weight_of_another_shape": ("lstm = nn.LSTM(8, 16)\nlstm.weight_hh_l0 = nn.Parameter(torch.zeros(1))",
                                     2, 1, "weight_hh_l0"),
    "raw_lstm_kernel": ("y = torch.lstm", 1, 5, "torch.lstm"),
    "lstm_hidden_size": ("m = nn.LSTM(4, 8)\nm.hidden_size = 100000", 2, 1, "hidden_size"),
    # The same weights reached by a module method or an in-place change under no_grad (red team,
    # session 15): the kernel's weights are checked against the layer's settings before it runs.
    "lstm_weight_by_register_parameter": (
        "m = nn.LSTM(8, 16)\nm.register_parameter('weight_hh_l0', nn.Parameter(torch.zeros(1)))\nm.float()\n"
        "y = m(torch.randn(3, 2, 8))", 4, None, "weight_hh_l0 is (1,)"),
    "gru_weight_transposed_in_place": (
        "m = nn.Sequential(nn.GRU(4, 3, num_layers=2))\nwith torch.no_grad():\n    m[0].weight_ih_l1.t_()\n"
        "y = m(torch.randn(3, 1, 4))", 4, None, "its settings need (9, 3)"),
    "lstm_bare_forward_skips_the_check": (
        "m = nn.LSTM(8, 16)\nm.register_parameter('weight_hh_l0', nn.Parameter(torch.zeros(1)))\n"
        "y = m.forward(torch.randn(3, 2, 8))", 3, 5, "call the layer itself"),
    "segment_reduce": ("y = torch.segment_reduce", 1, 5, "segment_reduce"),
    "ctc_loss": ("y = F.ctc_loss", 1, 5, "ctc_loss"),
    "grid_sample": ("y = F.grid_sample", 1, 5, "grid_sample"),
    # Arguments the kernels trust, crashing plain torch 2.13 too (fuzz, session 15).
    "embedding_bag_negative_offset": (
        "y = F.embedding_bag(torch.tensor([1, 2]), torch.randn(3, 3), torch.tensor([0, -10**12]), mode='sum')",
        1, 5, "offsets must never decrease"),
    "embeddingbag_module_decreasing_offsets": (
        "bag = nn.EmbeddingBag(3, 3, mode='max')\ny = bag(torch.tensor([1, 2, 0]), torch.tensor([0, 3, 1]))",
        2, None, "offsets must never decrease"),
    "raw_embedding_bag_offset_past_the_end": (
        "y = torch.embedding_bag(torch.randn(3, 3), torch.tensor([1, 2]), torch.tensor([0, 5]))", 1, 5,
        "number of indices (2)"),
    "int_min_divided_by_minus_one": ("y = torch.tensor([-2**63, 4]).div(torch.tensor([-1, 2]), rounding_mode='trunc')",
                                     1, 5, "rounding toward zero"),
    "int32_min_divided_in_place": ("x = torch.tensor([-2**31], dtype=torch.int32)\nx.div_(-1, rounding_mode='trunc')",
                                   2, 1, "overflows int32"),
    "attention_heads_zero": ("layer = nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)\n"
                             "layer.self_attn.num_heads = 0", 2, 1, "settings are fixed"),
    "pdist_of_no_rows": ("x = torch.randn(0, 3, requires_grad=True)\ny = F.pdist(x)", 2, 5, "cdist"),
    "native_batch_norm": ("y = torch.native_batch_norm", 1, 5, "native_batch_norm"),
    # A distribution's expand(shape, _instance) set its parameters on the object it was handed,
    # torch.Tensor included (.dim = 3), before failing (red team, session 15). Private
    # parameters are refused, whether named in the source or unpacked from a dict.
    "expand_instance_positional": ("d = torch.distributions.LKJCholesky(3, 0.5)\ne = d.expand((2,), torch.Tensor)",
                                   2, 5, "writes into any object"),
    "expand_instance_keyword": ("d = torch.distributions.Normal(0.0, 1.0)\ne = d.expand((2,), _instance=torch)",
                                2, 20, "private parameters"),
    # The legacy tensor constructors' cdata keyword took a number as a C++ tensor's address.
    "legacy_constructor_cdata": ("t = torch.LongTensor(cdata=8)", 1, 22, "memory address"),
    "tensor_cdata_from_a_repr": ("a = int(str(torch.Generator()).split()[-1][:-1], 16)\nt = torch.Tensor(**{'cdata': a})",
                                 2, 5, "memory address"),
    "private_keyword_unpacked": ("y = F.softmax(torch.ones(2), 0, **{'_stacklevel': 9})", 1, 5,
                                 "private parameters"),
}

# A function that reached the program some other way than by name or attribute (out of a
# container an allowed object filled): ``leak`` stands for such a container.
LEAKED_CALLS = {
    "subscript": ('y = leak["open"](mark, "w")', 1, 5),
    "variable": ('f = leak["open"]\ny = f(mark, "w")', 2, 5),
    "sorted_key": ('y = sorted([mark], key=leak["open"])', 1, 5),
    "max_key": ('y = max([mark], key=leak["open"])', 1, 5),
    "loop_value": ('for k, v in leak.items():\n    y = v(mark, "w")', 2, 9),
    "comprehension": ('y = [v for v in leak.values()][0](mark, "w")', 1, 5),
    "hook": ('x = torch.ones(2, requires_grad=True)\nh = x.register_hook(leak["open"])', 2, 5),
    "module_apply": ('m = nn.Linear(2, 2)\nm.apply(leak["exec"])', 2, 1),
    "in_a_list": ('y = [1]\nz = dict(hooks=[leak["open"]])', 2, 5),
    "in_a_dict": ('z = dict({"h": leak["open"]})', 1, 5),
}

PROBE = "GRADVIZ_ESCAPED"


def _names(namespace: object) -> dict[str, int]:
    # Submodules torch imports on first use (torch._dynamo with the first optimizer) are skipped.
    return {name: id(value) for name, value in vars(namespace).items() if not isinstance(value, ModuleType)}


def _torch_state() -> tuple:
    """What an escape would most likely change for later runs: torch's, the tensor class's,
    nn.Module's and F's names (by identity), the builtins and torch's global settings."""
    return (_names(torch), _names(torch.Tensor), _names(nn.Module), _names(F), _names(builtins),
            torch.get_default_dtype(), torch.is_grad_enabled())


@pytest.fixture
def mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(PROBE, raising=False)
    return tmp_path / "escaped"


def test_there_are_enough_attempts():
    assert len(ESCAPES) >= 40


def _assert_refused(source: str, line: int, col: int, words: str, mark: Path, extra_names: dict) -> None:
    """``source`` is refused at its line and column in these words, and changed nothing."""
    before = _torch_state()
    program = f"mark = {str(mark)!r}\n{source}"
    with pytest.raises(ProgramError) as info:
        run_program(program, extra_names=extra_names)
    err = info.value
    assert err.kind == "refused", str(err)
    assert (err.line, err.col) == (line + 1, col), str(err)
    assert words in err.message, err.message
    assert not mark.exists()
    assert PROBE not in os.environ
    assert _torch_state() == before


@pytest.mark.parametrize(("source", "line", "col", "words"), list(ESCAPES.values()), ids=list(ESCAPES))
def test_escape_is_refused(source, line, col, words, mark):
    _assert_refused(source, line, col, words, mark, dict(LESSON_MODELS))


@pytest.mark.parametrize(("source", "line", "col"), list(LEAKED_CALLS.values()), ids=list(LEAKED_CALLS))
def test_a_function_out_of_a_container_is_never_called(source, line, col, mark):
    _assert_refused(source, line, col, "calling", mark, {"leak": {"open": builtins.open, "exec": builtins.exec}})


def test_saved_indices_changed_through_data_are_caught_as_torch_catches_in_place_changes():
    # torch's own .data shares no version counter: max_pool's backward then wrote where the
    # changed indices said (SIGSEGV). Read and written by a program, .data keeps the counter.
    for change in ("i.data.fill_(100000000)", "i.data = torch.full_like(i, 100000000)"):
        source = (f"x = torch.randn(1, 1, 4, 4, requires_grad=True)\ny, i = F.max_pool2d(x, 2, return_indices=True)\n"
                  f"{change}\nloss = y.sum()\nloss.backward()")
        with pytest.raises(ProgramError) as info:
            run_program(source)
        assert info.value.line == 5 and "modified by an inplace operation" in info.value.message
    ns = run_program("w = torch.ones(3, requires_grad=True)\nloss = (w * 2).sum()\nloss.backward()\n"
                     "w.data = w.data - 0.5 * w.grad\nv = w.data").namespace
    assert ns["w"].tolist() == [0.0, 0.0, 0.0] and ns["w"].requires_grad and not ns["v"].requires_grad


def test_a_module_holding_a_forward_of_its_own_is_not_called(mark):
    # What a ParameterDict let a program do (pd['forward'] = f): the instance's forward, not its class's.
    module = nn.Identity()
    module.forward = builtins.open
    for source in ('y = m(mark, "w")', 'y = m.forward(mark, "w")', 'y = sorted([mark], key=m)'):
        with pytest.raises(ProgramError) as info:
            run_program(f"mark = {str(mark)!r}\n{source}", extra_names={"m": module})
        assert info.value.kind == "refused" and "calling" in info.value.message, source
    assert not mark.exists()


def test_a_function_torch_rebinds_after_import_is_still_given(monkeypatch):
    # torch._dynamo, once imported, wraps torch.manual_seed: the wrapper is what torch offers now.
    real = torch.manual_seed

    def wrapped(seed):
        return real(seed)

    monkeypatch.setattr(torch, "manual_seed", wrapped)
    result = run_program("torch.manual_seed(3)\ny = torch.rand(2)")
    torch.manual_seed(3)
    assert torch.equal(result.namespace["y"], torch.rand(2))


def test_functions_the_program_was_given_are_called_from_anywhere():
    result = run_program(
        "d = {'s': torch.sin, 'a': abs}\nx = torch.tensor([0.5, -2.0])\ny = d['s'](x)\n"
        "z = sorted([3, -5, 1], key=d['a'])\nlst = []\nadd = lst.append\nadd(4)\nf = F.relu\n"
        "m = nn.Linear(2, 1)\nfw = m.forward\nout = fw(x)\nw = max([-7, 2], key=abs)\n"
        "e = [m][0](x)\nnn.init.zeros_(m.bias)\nm.apply(print)\nr = f(x)")
    ns = result.namespace
    assert torch.equal(ns["y"], torch.sin(torch.tensor([0.5, -2.0])))
    assert ns["z"] == [1, 3, -5] and ns["lst"] == [4] and ns["w"] == -7
    assert torch.equal(ns["r"], torch.tensor([0.5, 0.0])) and ns["out"].shape == (1,)


def test_the_refusal_comes_before_the_rest_of_the_line_runs(mark):
    # The value of an attribute store is computed first, as in Python; the store is refused.
    with pytest.raises(ProgramError):
        run_program(f"mark = {str(mark)!r}\ntorch.Tensor.sum = print('evaluated')")
    with pytest.raises(ProgramError) as info:
        run_program("print('before')\nx = torch.load('f')\nprint('after')")
    assert info.value.line == 2


# Exhaustion: bounded by gradviz, or (for arithmetic that never returns to Python) left to the
# runner's wall clock; never an escape.

def test_printing_without_end_is_capped():
    result = run_program("for i in range(100000):\n    print('x' * 200)")
    assert result.output[-1] == TRUNCATED
    assert sum(len(line) for line in result.output) <= Limits().max_output_chars + len(TRUNCATED)
    result = run_program("for i in range(100000):\n    print(i)")
    assert len(result.output) == Limits().max_output_lines + 1 and result.output[-1] == TRUNCATED


def test_endless_loops_are_stopped():
    with pytest.raises(ProgramError) as info:
        run_program("while True:\n    x = [1]", limits=Limits(max_iterations=10_000))
    assert info.value.kind == "limit" and info.value.line == 1


@pytest.mark.parametrize("source", ["x = [0] * 10**13", "x = torch.ones(10**13)", "x = torch.empty(10**7, 10**7)"])
def test_huge_allocations_fail_cleanly(source):
    with pytest.raises(ProgramError) as info:
        run_program(source)
    assert info.value.kind == "runtime" and info.value.line == 1


def test_huge_reprs_and_nesting_are_bounded():
    result = run_program("x = []\nfor i in range(3000):\n    x = [x]\nprint(x)\nx")
    assert len(result.output[0]) < 100 and len(result.last_value) < 100
    result = run_program("x = list(range(10**6))\nprint(x)\nx")
    assert len(result.output[0]) < 20_000 and len(result.last_value) < 2_000


@pytest.mark.slow
@pytest.mark.parametrize("source", ["x = 10 ** 10 ** 10", "s = sum(range(10**11))", "s = 'ab' * 10**8\nt = s * 10**8"])
def test_runaway_arithmetic_is_not_an_escape(source, tmp_path):
    """Arithmetic inside one C call never comes back to gradviz's checks: the runner's wall clock
    ends it. Here a child process stands in for the runner (an alarm, a memory limit) and the
    test checks that the program was inside the language and left no trace."""
    marker = tmp_path / "escaped"
    child = textwrap.dedent(f"""
        import resource, signal
        from gradviz.core.program.errors import ProgramError
        from gradviz.core.program.interpreter import run_program
        resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))
        signal.alarm(3)
        try:
            run_program({source!r} + "\\ntorch.save(torch.ones(1), {str(marker)!r})")
        except ProgramError as exc:
            print("ProgramError", exc.kind, exc.line)
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, env=env,
                          check=False)
    # Killed by the alarm, or stopped by gradviz (out of memory, or the refused save after it).
    assert done.returncode == -signal.SIGALRM or "ProgramError" in done.stdout, done.stderr[-2000:]
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_recurrent_layers_with_their_own_weights_run_as_in_torch():
    # The check before each recurrent forward lets every layer torch makes through unchanged.
    source = ("torch.manual_seed(0)\nm = nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)\n"
              "r = nn.RNN(3, 5, nonlinearity='relu', bias=False)\ng = nn.GRU(3, 4, batch_first=True)\n"
              "x = torch.randn(3, 1, 4)\ny = m(x)[0]\nz = r(torch.randn(2, 3))[0]\nw = g(torch.randn(1, 2, 3))[0]\n"
              "m.double()\nq = m(x.double())[0]\n")
    ns = run_program(source).namespace
    torch.manual_seed(0)
    m = nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)
    r = nn.RNN(3, 5, nonlinearity="relu", bias=False)
    g = nn.GRU(3, 4, batch_first=True)
    x = torch.randn(3, 1, 4)
    expected = {"y": m(x)[0], "z": r(torch.randn(2, 3))[0], "w": g(torch.randn(1, 2, 3))[0]}
    m.double()
    expected["q"] = m(x.double())[0]
    for name, value in expected.items():
        assert torch.equal(ns[name], value), name


def test_embedding_bags_and_integer_division_with_fitting_arguments_run_as_in_torch():
    ns = run_program("torch.manual_seed(0)\nbag = nn.EmbeddingBag(10, 3, mode='mean')\n"
                     "y = bag(torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 3]))\n"
                     "z = torch.tensor([7, -7, -2**63]).div(torch.tensor([2, 2, 1]), rounding_mode='trunc')\n").namespace
    torch.manual_seed(0)
    bag = nn.EmbeddingBag(10, 3, mode="mean")
    assert torch.equal(ns["y"], bag(torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 3])))
    assert ns["z"].tolist() == [3, -3, -2**63]

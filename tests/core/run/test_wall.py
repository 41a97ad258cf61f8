"""The second wall: a program that got hold of open() and os.system still cannot use them.

The language refuses to hand out such things; these tests pretend it failed (the test-only
"grant" below puts them in the program's namespace, as an escape would) and check that the
run process's operating-system wall still stops the file and the process.
"""

from __future__ import annotations

import os
import socket
import subprocess

import pytest
import torch._dynamo  # noqa: F401 - the runner imports it before forking runs: optimizers need it, and walled, it cannot read /etc/passwd for its cache folder

from gradviz.core.run import child, codec, frames, jobs
from gradviz.core.run.request import Job, ProgramSpec
from gradviz.core.run.sandbox import probe

pytestmark = pytest.mark.skipif(not probe().files or not probe().seccomp,
                                reason="this kernel offers no Landlock or seccomp")


def run_granted(program: str, grant: dict) -> list[tuple[str, object]]:
    """Run ``program`` in a walled run process whose namespace also holds ``grant``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            jobs.user_names = lambda spec: dict(grant)  # the test-only hook: the escape has happened
            control = child.Control(os.open(os.devnull, os.O_RDONLY))
            child.run_job(Job("capture", ProgramSpec(program)), child.Sender(write_end), control, None)
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 1 << 16):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    return [codec.decode(p) for p in frames.RunFrameBuffer().feed(data)]


def failure(messages):
    found = [body for kind, body in messages if kind == "failure"]
    assert found, messages
    return found[0]


def test_a_granted_open_cannot_create_or_read_files(tmp_path):
    target = tmp_path / "escaped.txt"
    messages = run_granted(f"x = torch.ones(1)\nf = escaped_open({str(target)!r}, 'w')\n", {"escaped_open": open})
    assert (failure(messages).line, "Permission" in failure(messages).message) == (2, True)
    assert not target.exists()
    secret = tmp_path / "secret.txt"
    secret.write_text("42")
    assert "Permission" in failure(run_granted(f"f = escaped_open({str(secret)!r})\n", {"escaped_open": open})).message


def test_a_granted_system_cannot_start_a_process(tmp_path):
    target = tmp_path / "made-by-shell"
    messages = run_granted(f"status = system('touch {target}')\nx = torch.ones(1, requires_grad=True)\n"
                           "loss = x * 2\nprint(status)\n", {"system": os.system})
    result = [body for kind, body in messages if kind == "result"][0]
    assert result.output and result.output[0] != "0"  # the shell never ran
    assert not target.exists()
    assert "Permission" in failure(run_granted("p = run(['true'])\n", {"run": subprocess.run})).message


def test_a_granted_socket_cannot_reach_the_network():
    messages = run_granted("s = sock()\n", {"sock": socket.socket})
    assert failure(messages).line == 1 and "Operation not permitted" in failure(messages).message


def test_a_granted_kill_cannot_signal_the_runner():
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        messages = run_granted(f"kill({sleeper.pid}, 15)\n", {"kill": os.kill})
        assert failure(messages).line == 1
        assert sleeper.poll() is None  # still alive
    finally:
        sleeper.kill()
        sleeper.wait()


def test_torch_still_works_inside_the_wall():
    messages = run_granted("x = torch.randn(64, 64, requires_grad=True)\nloss = (x @ x).tanh().sum()\n", {})
    trace = [body for kind, body in messages if kind == "result"][0]
    assert [n.op for n in trace.nodes][-2:] == ["TanhBackward0", "SumBackward0"]


def test_a_walled_run_finds_no_environment():
    messages = run_granted("print(len(dict(environ)))\nx = torch.ones(1, requires_grad=True)\nloss = x * 2\n",
                           {"environ": os.environ})
    result = [body for kind, body in messages if kind == "result"][0]
    assert os.environ and list(result.output) == ["0"]


def test_a_fused_optimizer_step_is_refused_at_its_line():
    # The fused kernels trust the state's shapes; a program could flip the flag after construction.
    program = ("w = torch.zeros(8, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1, momentum=0.9)\n"
               "opt.param_groups[0]['fused'] = True\nloss = w.sum()\nloss.backward()\nopt.step()\n")
    found = failure(run_granted(program, {}))
    assert found.line == 6 and "fused" in found.message

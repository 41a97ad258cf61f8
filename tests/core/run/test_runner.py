"""Runs in their own processes: same results as in-process, and every bad ending is a message."""

from __future__ import annotations

import os
import selectors
import signal
import textwrap
import threading

import pytest
import torch

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.program.errors import ProgramError
from gradviz.core.run import zygote
from gradviz.core.run.client import RunCancelled, Runner
from gradviz.core.run.request import Job, ModuleSpec, ProgramSpec, RunLimits

from .traces import same_trace


def module_file(tmp_path, body: str, name: str = "user_model.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def loading_error(runner, path: str) -> str:
    """What loading ``path``'s Net for a program says when it fails."""
    with pytest.raises(ProgramError) as info:
        runner.call(Job("module_program", options={"spec": f"{path}:Net", "input": "torch.ones(2)"}, wall=False))
    return str(info.value)


def capture(runner, source: str, limits: RunLimits = RunLimits(), module: ModuleSpec | None = None, **spec):
    return runner.call(Job("capture", ProgramSpec(source, module=module, **spec), limits=limits,
                           wall=module is None))


@pytest.fixture
def one_thread():
    # Run processes compute with one intra-op thread; the same here makes the sums bit-equal.
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.mark.parametrize("name", ["logistic", "vjp", "mlp", "softmax", "custom-layers"])
def test_a_lesson_run_in_its_process_equals_the_same_run_here(runner, one_thread, name):
    lesson = LESSONS[name]
    here = capture_program(lesson.program, roots=lesson.roots, subject=lesson.subject)
    there = capture(runner, lesson.program, roots=lesson.roots, subject=lesson.subject)
    same_trace(here, there)


def test_each_run_is_a_new_process_and_the_runner_stays(runner):
    pids = {runner.call(Job("probe"))["pid"] for _ in range(3)}
    assert len(pids) == 3 and runner.pid not in pids and runner.alive


def test_a_program_error_keeps_its_line_and_column(runner):
    with pytest.raises(ProgramError) as info:
        capture(runner, "x = torch.ones(2, requires_grad=True)\ny = x @ torch.ones(3)\n")
    assert (info.value.kind, info.value.line) == ("runtime", 2)
    assert "y = x @ torch.ones(3)" == info.value.statement


def test_a_statement_that_never_returns_is_killed_at_the_limit_with_its_line(runner):
    with pytest.raises(ProgramError) as info:
        capture(runner, "a = 1\nb = 10 ** 10 ** 10\n", RunLimits(seconds=1.5))
    assert (info.value.kind, info.value.line) == ("limit", 2)
    assert "1.5 s" in info.value.message
    assert capture(runner, "x = torch.ones(1, requires_grad=True)\nloss = x * 2").nodes  # the next run works


def test_memory_beyond_the_limit_is_a_message_with_the_line(runner):
    with pytest.raises(ProgramError) as info:
        capture(runner, "a = torch.ones(3)\nb = torch.ones(300_000_000)\n", RunLimits(memory_bytes=400 << 20))
    assert info.value.line == 2 and "memory" in str(info.value).lower()


def test_output_beyond_the_limit_stops_the_run(runner):
    with pytest.raises(ProgramError) as info:
        capture(runner, "x = torch.ones(1, requires_grad=True)\ny = x\nfor i in range(300):\n    y = y * 1.01\n",
                RunLimits(output_bytes=20_000))
    assert info.value.kind == "output"


def test_cancel_kills_a_running_program(runner):
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    with pytest.raises(RunCancelled):
        runner.call(Job("capture", ProgramSpec("x = 0\nwhile True:\n    x = x + 1\n")), cancel)
    assert runner.call(Job("probe"))["grad_enabled"] is True


@pytest.mark.parametrize(("body", "kind", "words"), [
    ("import ctypes\nctypes.string_at(0)\n", "crashed", "SIGSEGV"),
    ("import os\nos._exit(3)\n", "exited", "status 3"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "memory", "killed"),
])
def test_a_run_that_dies_is_a_message_and_the_next_run_works(runner, tmp_path, body, kind, words):
    path = module_file(tmp_path, "import torch\n" + body + "class Net(torch.nn.Module):\n    pass\n")
    with pytest.raises(ProgramError) as info:
        capture(runner, "model = Net()\n", module=ModuleSpec(path, "Net"))
    assert info.value.kind == kind and words in info.value.message
    assert capture(runner, "x = torch.ones(1, requires_grad=True)\nloss = x * 2").root is not None


def test_script_code_that_exits_at_import_names_the_file_line_and_fix(runner, tmp_path):
    path = module_file(tmp_path, """\
        import argparse
        import torch

        parser = argparse.ArgumentParser(prog="train.py")
        parser.add_argument("--epochs", type=int, required=True)
        args = parser.parse_args()


        class Net(torch.nn.Module):
            def forward(self, x):
                return x * 2
        """, "train.py")
    message = loading_error(runner, path)
    assert "train.py line 6 called sys.exit(2)" in message and '__name__ == "__main__"' in message
    assert "usage: train.py" in message  # what the script printed is shown as its, not gradviz's


def test_what_a_model_file_prints_is_in_the_runs_console_in_order(runner, tmp_path):
    # nanoGPT prints its parameter count in __init__, many forwards print shapes while being
    # debugged: that went to the runner's stderr, never to the app's Console.
    path = module_file(tmp_path, """\
        import sys
        import warnings

        import torch

        print("at import")  # said while loading the class: first, as running the file would show it
        warnings.warn("old API")


        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = torch.nn.Parameter(torch.ones(2))
                print("number of parameters: %.2fM" % (2 / 1e6,))

            def forward(self, x):
                print("x is", tuple(x.shape), end=" ")
                sys.stdout.write("(forward)\\n")
                print("no newline", end="")
                return x * self.w
        """)
    trace = capture(runner, 'model = Net()\nprint("built")\nout = model(torch.ones(2))\n',
                    module=ModuleSpec(path, "Net"))
    assert trace.output == ("at import", "user_model.py, line 7: UserWarning: old API", "number of parameters: 0.00M",
                            "built", "x is (2,) (forward)", "no newline")


def test_a_warning_in_a_model_file_names_its_line_once_in_the_console(runner, tmp_path):
    # torch's stacklevel landed on gradviz's recorder ("recorder.py:183: UserWarning: Implicit
    # dimension choice for softmax", gram-ai's capsule network), and Python then showed the
    # warning of a second line of the file no more: both were keyed by that one line.
    path = module_file(tmp_path, """\
        import torch
        import torch.nn.functional as F


        class Net(torch.nn.Module):
            def forward(self, x):
                for _ in range(3):
                    x = F.softmax(x * 2)
                x = torch.nn.Softmax()(x)  # torch itself puts this one in its module.py
                return F.log_softmax(x)
        """, "caps.py")
    trace = capture(runner, "model = Net()\nout = model(torch.ones(2, 3, requires_grad=True))\n",
                    module=ModuleSpec(path, "Net"))
    assert [line.split(": UserWarning: ")[0] for line in trace.output] == \
        ["caps.py, line 8", "caps.py, line 9", "caps.py, line 10"]
    assert "Implicit dimension choice for log_softmax" in trace.output[2]


def test_a_warning_in_a_typed_program_is_in_its_console_at_its_line(runner):
    # It went to the runner's stderr, where a student never looks.
    trace = capture(runner, "x = torch.randn(2, 3, requires_grad=True)\nprint('a')\ny = F.softmax(x)\n"
                            "z = F.softmax(y)\nloss = z.sum()\n")
    assert trace.output[0] == "a"
    assert [line.split(": UserWarning: ")[0] for line in trace.output[1:]] == ["line 3", "line 4"]
    assert "Implicit dimension choice for softmax" in trace.output[1]


def test_what_a_run_changes_in_torch_dies_with_it(runner, tmp_path):
    path = module_file(tmp_path, """\
        import torch
        torch.set_default_dtype(torch.float64)
        torch.set_grad_enabled(False)
        torch.Tensor.sum = None


        class Net(torch.nn.Module):
            pass
        """)
    with pytest.raises(ProgramError):
        capture(runner, "model = Net()\nx = torch.ones(2, requires_grad=True)\nloss = x.sum()\n",
                module=ModuleSpec(path, "Net"))
    probe = runner.call(Job("probe"))
    assert probe["default_dtype"] == "torch.float32" and probe["grad_enabled"] is True
    trace = capture(runner, "x = torch.ones(2, requires_grad=True)\nloss = x.sum()\n")
    assert [n.op for n in trace.nodes] == ["AccumulateGrad", "SumBackward0"] and trace.nodes[1].dtype == "float32"


def test_garbage_written_to_the_result_pipe_is_refused(runner, tmp_path):
    path = module_file(tmp_path, """\
        import os, struct
        for fd in range(3, 64):
            try:
                os.write(fd, struct.pack("<I", 12) + b"GVZ1" + b"\\xff" * 8)
            except OSError:
                pass
        import torch


        class Net(torch.nn.Module):
            pass
        """)
    with pytest.raises(ProgramError) as info:
        capture(runner, "model = Net()\n", module=ModuleSpec(path, "Net"))
    assert info.value.kind == "crashed" and "malformed" in info.value.message
    assert runner.alive


def test_a_program_with_an_optimizer_runs_inside_the_wall_before_the_runner_warmed_for_training():
    # The first optimizer imports torch._dynamo, which wants the temporary directory and its
    # cache there: asked inside the wall, every such program failed (found by bench/fuzz.py)
    # until the runner, idle for a second, had imported torch._dynamo itself. A new runner
    # asked at once has not.
    r = Runner()
    try:
        r.start()
        assert r.ready.wait(60)
        trace = capture(r, "p = torch.randn(3, requires_grad=True)\nopt = torch.optim.SGD([p], lr=0.1)\n"
                           "loss = (p * p).sum()\nloss.backward()\nopt.step()\n")
        assert trace.nodes
    finally:
        r.close()


def test_a_result_pipe_closed_before_its_run_is_reaped_is_not_closed_again_by_the_next_run():
    # A run's EOF can come before its exit: its pipe is closed, its number free, and the next
    # run's own pipes may get it. That run closed the runner's fds when it started, that number
    # among them, and lost its result pipe: one run in a few hundred ended "without a result"
    # when runs came back to back (found by bench/fuzz.py).
    link_r, link_w = os.pipe()
    result_r, control_w = os.pipe()
    runner = zygote.Zygote(link_r, link_w, zygote.ForkSpawner(()))
    try:
        run = zygote._Run(1, Job("probe"), 0, result_r, control_w, None, 0.0, None)
        runner.runs[1] = run
        runner.selector.register(result_r, selectors.EVENT_READ, ("result", run))
        assert {result_r, control_w} <= set(runner._private_fds())
        runner._close_result(run)  # what reading its EOF does
        assert result_r not in runner._private_fds() and control_w in runner._private_fds()
    finally:
        runner.selector.close()
        for fd in (link_r, link_w, control_w):
            os.close(fd)


def test_a_dead_runner_is_replaced_by_the_next_run():
    r = Runner()
    try:
        assert r.call(Job("probe"))["torch"]
        os.kill(r.pid, signal.SIGKILL)
        r.ready.clear()
        with pytest.raises(ProgramError):  # the run in flight, or the next, learns the runner died
            for _ in range(50):
                r.call(Job("capture", ProgramSpec("x = 0\nwhile True:\n    x = x + 1\n"), limits=RunLimits(1)))
        assert r.call(Job("probe"))["torch"]
    finally:
        r.close()


def test_a_spare_serves_only_jobs_it_was_prepared_for(runner, tmp_path):
    # The spare run process walls itself in before its job comes, for jobs like the last
    # one; whatever the order, each run has the wall, language and memory its job asks for.
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    small, large = RunLimits(memory_bytes=3 << 30), RunLimits(memory_bytes=5 << 30)
    asked = [(True, "en", small), (True, "en", small), (False, "en", small), (False, "en", small),
             (True, "zh_CN", small), (True, "en", large), (True, "en", small), (False, "zh_CN", large)]
    seen, pids = [], set()
    for wall, language, limits in asked:
        probe = runner.call(Job("probe", options={"read": str(secret)}, limits=limits, wall=wall,
                                language=language))
        seen.append((not probe["readable"], probe["language"], probe["address_space"]))
        pids.add(probe["pid"])
    assert [walled for walled, _, _ in seen] == [wall for wall, _, _ in asked]
    assert [language for _, language, _ in seen] == [language for _, language, _ in asked]
    # The address space is capped at what the run mapped plus its budget: 2 GiB apart.
    spaces = [space for _, _, space in seen]
    for (_w, _l, limits), space in zip(asked, spaces):
        assert (space - spaces[0] - (limits.memory_bytes - small.memory_bytes)) < 256 << 20
    assert spaces[5] - spaces[4] > 1.5 * (1 << 30) and len(pids) == len(asked)


def test_a_spare_prepared_for_another_profile_is_let_go_not_used():
    spawner = zygote.ForkSpawner(())
    template = Job("capture", None, {}, RunLimits(), wall=True, language="en")
    spawner.warm([], (), template)
    spare_pid = spawner._spare[0]
    ended = []
    for job in (Job("probe", wall=False, language="en"), Job("probe", wall=True, language="en")):
        pid, result_fd, control_fd, beacon, _ = spawner.spawn(job, [], ())
        buffer, messages = zygote.frames.RunFrameBuffer(), []
        while not any(kind == "result" for kind, _ in messages):
            chunk = os.read(result_fd, 1 << 16)
            assert chunk, "the run ended without a result"
            messages += [zygote.codec.decode(p) for p in buffer.feed(chunk)]
        for fd in (result_fd, control_fd):
            os.close(fd)
        beacon.close()
        os.waitpid(pid, 0)
        ended.append(pid)
        if job.wall:
            assert pid not in (ended[0], spare_pid)  # forked for it: the spare went with the first
        else:
            assert pid != spare_pid  # the walled spare cannot serve a run without the wall
    assert spawner._spare is None
    with pytest.raises(ChildProcessError):
        os.waitpid(spare_pid, os.WNOHANG)  # let go and reaped


def test_the_exec_runner_gives_the_same_results(tmp_path):
    r = Runner(mode="exec")
    try:
        lesson = LESSONS["logistic"]
        same_trace(capture_program(lesson.program), capture(r, lesson.program))
        assert r.info[1] == "exec"
    finally:
        r.close()


def test_a_chain_sends_its_forward_graph_early_and_other_mid_sized_graphs_do_not(runner):
    # A chain's picture is final before the backward pass (plan.EARLY_CHAIN_MIN_BOXES); another
    # graph that size would have its preview replaced by Graphviz's layout: not sent.
    options = {"forward": True, "forward_min": 1500, "forward_chain_min": 200}
    chain = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(299):\n    y = y * 1.0001\nloss = y\n"
    ladder = ("a = torch.tensor(0.5, requires_grad=True)\nb = a * 1.0001\n"
              "for i in range(100):\n    a, b = b, b * 1.0001 + a * 0.0001\nloss = b\n")
    short = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(150):\n    y = y * 1.0001\nloss = y\n"
    sent = {}
    for name, program in (("chain", chain), ("ladder", ladder), ("short", short)):
        heard = []
        trace = runner.call(Job("capture", ProgramSpec(program), options),
                            on_message=lambda kind, body, heard=heard: heard.append((kind, body)))
        sent[name] = [body for kind, body in heard if kind == "forward"]
        assert len(trace.nodes) >= 151
    assert [len(sent[k]) for k in ("chain", "ladder", "short")] == [1, 0, 0]
    early = sent["chain"][0]
    assert len(early.nodes) == 300 and all(n.grad is None for n in early.nodes)


def test_no_run_process_is_forked_while_the_warm_up_thread_imports(monkeypatch):
    # The late warm-up imports on a thread so the loop keeps handing jobs to the spare; a
    # fork meanwhile could copy a held import lock into the child, so a job the spare cannot
    # serve waits for the imports, and the next spare is forked with them.
    class Recording(zygote.ForkSpawner):
        def __init__(self) -> None:
            super().__init__(())
            self.calls: list[str] = []

        def warm(self, private, beacons=(), template=None) -> None:
            self.calls.append("warm")

        def discard(self) -> None:
            self.calls.append("discard")

        def spawn(self, job, private, beacons=()):
            self.calls.append("spawn")
            raise OSError("no forks in this test")

    release = threading.Event()
    monkeypatch.setattr(zygote, "late_warm_up", release.wait)
    link_r, link_w = os.pipe()
    spawner = Recording()
    runner = zygote.Zygote(link_r, link_w, spawner)
    try:
        runner._begin_warm_up(late=True)
        assert runner._warming is not None and runner._warming.is_alive()
        runner._warm_spare()
        assert spawner.calls == [] and not runner._spare_wanted()  # no fork while importing
        threading.Timer(0.05, release.set).start()
        runner._start(1, Job("probe", wall=False))  # no spare for it: waits for the imports
        assert spawner.calls == ["discard", "warm", "spawn"]
        assert runner._warming is None and runner.warm_for_training
    finally:
        release.set()
        runner.selector.close()
        for fd in (link_r, link_w):
            os.close(fd)


def test_the_runner_warms_for_non_scalar_backward_first_and_for_training_later(monkeypatch):
    # Two warm-ups on the thread: what backward(gradient=...) imports (after 0.3 s idle), then
    # torch._dynamo (after 1 s); each ends with a new spare forked from what it imported.
    done: list[str] = []
    monkeypatch.setattr(zygote, "_quiet_shapes_warm_up", lambda: done.append("shapes"))
    monkeypatch.setattr(zygote, "late_warm_up", lambda: done.append("late"))
    assert zygote.SHAPES_IDLE < zygote.LATE_WARM_UP_IDLE
    link_r, link_w = os.pipe()
    runner = zygote.Zygote(link_r, link_w, zygote.ForkSpawner(()))
    runner.spawner.warm = lambda *args, **kwargs: done.append("spare")  # no real fork here
    runner.spawner.discard = lambda: None
    try:
        assert not runner.warm_for_shapes and not runner.warm_for_training
        runner._begin_warm_up(late=False)
        runner._end_warm_up()
        assert runner.warm_for_shapes and not runner.warm_for_training
        runner._warm_for_training()  # a training job: the rest now, not on the next idle second
        assert runner.warm_for_training and done == ["shapes", "spare", "late", "spare"]
    finally:
        runner.selector.close()
        for fd in (link_r, link_w):
            os.close(fd)


@pytest.mark.parametrize(("body", "limits", "kind", "words", "line"), [
    ("ctypes.string_at(0)", RunLimits(), "crashed", "crashed (SIGSEGV)", 9),
    ("while True:\n                    time.sleep(0.01)", RunLimits(seconds=3), "limit", "longer than 3 s", 10),
])
def test_a_model_file_that_crashes_or_hangs_is_told_at_its_own_line(runner, tmp_path, body, limits, kind, words,
                                                                    line):
    # The run cannot say where it was: faulthandler's stack, in the beacon's last words, does.
    path = module_file(tmp_path, f"""\
        import ctypes
        import time

        import torch


        class Net(torch.nn.Module):
            def forward(self, x):
                {body}
                return x
        """, "crashy.py")
    with pytest.raises(ProgramError) as info:
        capture(runner, "model = Net()\nout = model(torch.ones(2))\n", limits, ModuleSpec(path, "Net"))
    err = info.value
    assert (err.kind, err.file, err.line) == (kind, "crashy.py", line), str(err)
    assert words in err.message and f"crashy.py, line {line}, in forward" in err.message
    assert "(called from line 2 of the program: out = model(torch.ones(2)))" in err.message
    assert err.statement == ("ctypes.string_at(0)" if kind == "crashed" else "time.sleep(0.01)")


def test_the_node_limit_reached_in_a_model_files_loop_names_its_line(tmp_path, monkeypatch):
    from gradviz.core.capture import recorder
    from gradviz.core.run import jobs

    monkeypatch.setattr(recorder, "MAX_GRAPH_NODES", 40)
    path = module_file(tmp_path, """\
        import torch


        class Loop(torch.nn.Module):
            def forward(self, x):
                while True:
                    x = x * 1.5
        """, "loopy.py")
    spec = ProgramSpec("model = Loop()\nx = torch.ones(1, requires_grad=True)\nout = model(x)\n",
                       module=ModuleSpec(path, "Loop"))
    with pytest.raises(ProgramError) as info:
        jobs.run(Job("capture", spec, wall=False), lambda kind, body=None: None, None)
    err = info.value
    assert (err.kind, err.file, err.line, err.statement) == ("limit", "loopy.py", 7, "x = x * 1.5"), str(err)
    assert "loopy.py, line 7, in forward" in err.message
    assert "(called from line 3 of the program: out = model(x))" in err.message


def test_a_loop_over_a_tensor_runs_in_its_process_with_torchs_gradients(runner, one_thread):
    # `for t in x` once sent back a loop iteration of -1 and the whole run was refused as malformed.
    source = ("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ns = x.sum() * 0\nfor t in x:\n"
              "    s = s + t * t\nys = [t * 2 for t in x]\nloss = s + ys[1]\n")
    there = capture(runner, source)
    same_trace(capture_program(source), there)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = sum(t * t for t in x) + x[1] * 2
    loss.backward()
    leaf = next(n for n in there.nodes if n.op == "AccumulateGrad")
    assert leaf.grad.data.tolist() == x.grad.tolist() == [2.0, 6.0, 6.0]
    loops = {n.loop for n in there.nodes if n.op == "MulBackward0" and n.line == 4}
    assert loops == {((3, 0, 3),), ((3, 1, 3),), ((3, 2, 3),)}


@pytest.mark.parametrize(("source", "line", "words"), [
    ("x = torch.ones([1] * 33, requires_grad=True)\ny = x * 2\n", 1, "more than 32 dimensions"),
    ("x = torch.ones(1, requires_grad=True)\ny = torch.cat([x] * 65536)\n", 2, "more than 65,535 inputs"),
])
def test_a_graph_beyond_what_a_run_may_send_is_a_limit_at_its_line(runner, source, line, words):
    # torch allows both; the wire's bounds refused the whole run as "malformed" (fuzz).
    with pytest.raises(ProgramError) as info:
        capture(runner, source)
    assert (info.value.kind, info.value.line) == ("limit", line) and words in info.value.message
    assert info.value.statement == source.splitlines()[line - 1]
    at_the_bounds = capture(runner, "x = torch.ones([1] * 32, requires_grad=True)\ny = torch.cat([x] * 4000)\n")
    assert [n.op for n in at_the_bounds.nodes] == ["AccumulateGrad", "CatBackward0"]
    assert len(at_the_bounds.nodes[0].shape) == 32 and len(at_the_bounds.edges) == 4000


def test_a_file_that_asks_for_input_at_import_is_told_there_is_nothing_to_type_into(runner, tmp_path):
    path = module_file(tmp_path, """\
        import torch
        name = input("experiment name? ")


        class Net(torch.nn.Module):
            def forward(self, x):
                return x * 2
        """, "ask.py")
    message = loading_error(runner, path)
    assert "ask.py, line 2" in message and "EOFError" in message and "input() gets no answer" in message

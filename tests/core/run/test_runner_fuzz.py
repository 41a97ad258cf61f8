"""Fuzz programs through the real runner: no escape, raw traceback, hang or death.

200 programs of each kind (valid, malformed, hostile, os: see fuzz_runs.py) run as the app
runs them, with the run processes' canary on; bench/fuzz.py does the same with 10,000. The
other tests show that each detector would notice what it looks for: a touched canary, a file
in the scratch directory, the secret coming back, a dead runner, a run nobody stopped.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
import torch

from gradviz.core.run import child
from gradviz.core.run.client import Runner
from gradviz.core.run.request import Job, ModuleSpec, ProgramSpec, RunLimits

from . import fuzz_runs

SEED = 2024
PER_KIND = 200

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz():
    scratch = fuzz_runs.Scratch()
    runner = fuzz_runs.start_fuzz_runner(scratch)
    yield runner, scratch
    runner.close()
    scratch.remove()


def one(fuzz, source: str, job: Job | None = None, limit: float = 3.0, grace: float = 10.0) -> fuzz_runs.Outcome:
    runner, scratch = fuzz
    return fuzz_runs.run_one(runner, fuzz_runs.RunnerWatch(runner), scratch, 0, "valid", source, limit, grace, job)


def module_job(tmp_path, body: str) -> Job:
    path = tmp_path / "user_net.py"
    path.write_text(textwrap.dedent(body))
    # A user's own module file runs unchecked, outside the wall: it can do what an escape would.
    return Job("capture", ProgramSpec("net = Net()\ny = net(torch.ones(2, requires_grad=True))\n",
                                      module=ModuleSpec(str(path), "Net")), limits=RunLimits(seconds=10), wall=False)


NET = """
    class Net(torch.nn.Module):
        def forward(self, x):
            return x * 2
"""


def test_fuzz_programs_through_the_runner_end_in_results_or_messages(fuzz):
    runner, scratch = fuzz
    outcomes = fuzz_runs.run_fuzz(runner, scratch, SEED, range(len(fuzz_runs.KINDS) * PER_KIND), batch=200)
    table = fuzz_runs.counts(outcomes)
    assert [sum(table[kind].values()) for kind in fuzz_runs.KINDS] == [PER_KIND] * len(fuzz_runs.KINDS)
    assert not fuzz_runs.failures(outcomes), "\n".join(fuzz_runs.iter_failures(outcomes, SEED, scratch))
    assert table["valid"]["result"] > PER_KIND // 2 and table["os"]["message"] > 0
    assert runner.alive


def test_a_touched_canary_is_an_escape(fuzz, tmp_path):
    job = module_job(tmp_path, "import torch\ntorch.nn.functional.gv_canary.touch()\n" + textwrap.dedent(NET))
    outcome = one(fuzz, "", job)
    assert outcome.outcome == "escape" and "gv_canary touched (.touch)" in outcome.detail and "call" in outcome.detail


def test_a_file_in_the_scratch_directory_is_an_escape_of_its_program(fuzz, tmp_path):
    _, scratch = fuzz
    job = module_job(tmp_path, textwrap.dedent(f"""
        import torch
        open({str(scratch.marker(7))!r}, 'w').close()
        open('gv_escape', 'w').close()  # the runner works in the scratch directory
    """) + textwrap.dedent(NET))
    done = [one(fuzz, "x = torch.ones(1, requires_grad=True)\ny = x * 2\n"), one(fuzz, "", job)]
    done[0].index, done[1].index = 3, 7
    assert [o.outcome for o in done] == ["result", "result"]
    fuzz_runs.blame_strays(scratch, done)
    # A marker names its program; any other file is blamed on the batch's first.
    assert [o.outcome for o in done] == ["escape", "escape"]
    assert "gv_escape" in done[0].detail and "m7" in done[1].detail
    assert not scratch.strays()


def test_the_secret_coming_back_is_an_escape(fuzz, tmp_path):
    _, scratch = fuzz
    secret = repr(str(scratch.secret_path))
    job = module_job(tmp_path, f"""
        import torch
        class Net(torch.nn.Module):
            def forward(self, x):
                raise ValueError(open({secret}).read())
    """)
    assert one(fuzz, "", job).outcome == "escape"
    numbers = [int(b) for b in scratch.secret.encode()]
    assert scratch.leaks(f"tensor({numbers}, dtype=torch.uint8)") and not scratch.leaks(str(numbers[:-1]))


def test_a_text_the_wire_cannot_carry_is_still_a_located_message(fuzz):
    outcome = one(fuzz, "x = torch.ones(2)\ny = '\ud800'\n")
    assert (outcome.outcome, outcome.error_kind) == ("message", "syntax") and "line 2" in outcome.detail


def test_a_run_nobody_stops_is_a_hang(fuzz):
    # A grace below zero: the bench gives up on the run before the runner's limit kills it.
    outcome = one(fuzz, "x = 0\nwhile True:\n    x = x + 1\n", limit=5.0, grace=-4.5)
    assert outcome.outcome == "hang"


def test_a_runner_that_died_is_a_death():
    runner = Runner()
    try:
        scratch = fuzz_runs.Scratch()
        watch = fuzz_runs.RunnerWatch(runner)
        runner.start()
        runner.ready.wait(60)
        watch.pid = runner.pid
        runner._proc.kill()
        runner._proc.wait()
        outcome = fuzz_runs.run_one(runner, watch, scratch, 0, "valid", "x = torch.ones(1)\n", 5.0, 10.0)
        assert outcome.outcome == "death"
    finally:
        runner.close()
        scratch.remove()


def test_the_canary_is_planted_only_when_the_runner_was_started_with_its_variable(monkeypatch):
    sent = []
    monkeypatch.delenv(child.FUZZ_CANARY_VARIABLE, raising=False)
    child.plant_fuzz_canary(lambda kind, body: sent.append((kind, body)))
    assert not hasattr(torch, child.CANARY_NAME)
    monkeypatch.setenv(child.FUZZ_CANARY_VARIABLE, "1")
    child.plant_fuzz_canary(lambda kind, body: sent.append((kind, body)))
    canary = vars(torch.nn.modules.module)[child.CANARY_NAME]
    try:
        assert not sent  # planting is not touching
        assert f"{canary['k']}" == child.CANARY_NAME
        assert [body.split(")")[0] for _, body in sent] == ["gv_canary touched (item", "gv_canary touched (format"]
    finally:
        for home in (*[sys.modules.get(name) for name in child._CANARY_HOMES], torch.Tensor, torch.nn.Module):
            if home is not None and child.CANARY_NAME in vars(home):
                delattr(home, child.CANARY_NAME)
    assert not hasattr(torch, child.CANARY_NAME) and not hasattr(torch.nn.Module, child.CANARY_NAME)

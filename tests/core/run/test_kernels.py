"""Runs compute with the same torch kernels as the app, walled in or not."""

import os
import subprocess
import sys

import pytest
import torch

from gradviz.core.run.client import Runner, shared_runner
from gradviz.core.run.request import Job


def test_walled_runs_pick_the_apps_vectorised_kernels():
    # ATen picks its AVX2/AVX512 kernels on first use from /proc and /sys, which a walled run
    # cannot read: it fell back to the scalar ones (slower, other roundings: a training run's
    # third loss differed in its last bits). The runner picks them before it forks.
    runner = shared_runner()
    walled = runner.call(Job("probe"))
    open_run = runner.call(Job("probe", wall=False))
    assert walled["cpu"] == open_run["cpu"] == torch.backends.cpu.get_cpu_capability()


def _plain_torch_threads(env: dict[str, str]) -> int:
    out = subprocess.run([sys.executable, "-c", "import torch; print(torch.get_num_threads())"], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return int(out.stdout)


@pytest.mark.parametrize("omp", [None, "3"])
def test_model_file_runs_compute_with_the_thread_count_plain_pytorch_takes(monkeypatch, omp):
    # Runs use one intra-op thread (the runner starts with OMP_NUM_THREADS=1). A model file's
    # numbers must be plain PyTorch's: with another thread count a convolution adds its sums in
    # another order, and a deep conv net with BatchNorm on a batch of two had gradients 1% off.
    if omp is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", omp)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.delenv("GRADVIZ_USER_THREADS", raising=False)
    runner = Runner()
    try:
        assert runner.call(Job("probe"))["threads"] == 1  # a typed program's run, walled
        assert runner.call(Job("probe", wall=False))["threads"] == _plain_torch_threads(dict(os.environ))
    finally:
        runner.close()

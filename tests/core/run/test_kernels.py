"""Runs compute with the same torch kernels as the app, walled in or not."""

import torch

from gradviz.core.run.client import shared_runner
from gradviz.core.run.request import Job


def test_walled_runs_pick_the_apps_vectorised_kernels():
    # ATen picks its AVX2/AVX512 kernels on first use from /proc and /sys, which a walled run
    # cannot read: it fell back to the scalar ones (slower, other roundings: a training run's
    # third loss differed in its last bits). The runner picks them before it forks.
    runner = shared_runner()
    walled = runner.call(Job("probe"))
    open_run = runner.call(Job("probe", wall=False))
    assert walled["cpu"] == open_run["cpu"] == torch.backends.cpu.get_cpu_capability()

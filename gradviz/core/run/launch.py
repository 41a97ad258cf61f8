"""Starting the runner process, with nothing but the standard library imported.

The runner imports torch (one to two seconds), and everything a command does with a program
waits for it; so ``gradviz render`` starts it before even reading its arguments, ahead of its
own imports (:func:`start_early`), and the :class:`gradviz.core.run.client.Runner` made later
takes that process over.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The user's own OMP_NUM_THREADS and MKL_NUM_THREADS ("omp,mkl"), which the runner's client
#: keeps here: the runner itself runs with OMP_NUM_THREADS=1.
USER_THREADS_VARIABLE = "GRADVIZ_USER_THREADS"
#: The language the runner's first runs will speak: its catalogue is read once in the runner
#: (an English session reads none).
LANGUAGE_VARIABLE = "GRADVIZ_RUNNER_LANGUAGE"

_early: subprocess.Popen | None = None
_spawned = False  # a runner was started in this process already (its Runner is the one to use)


def spawn_runner(mode: str | None, language: str) -> subprocess.Popen:
    """A new runner process (``python -m gradviz.core.run.zygote``) linked by its stdin/stdout."""
    global _spawned
    _spawned = True
    env = dict(os.environ)
    # The runner must import this very gradviz, wherever it was loaded from.
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    if mode:
        env["GRADVIZ_RUNNER"] = mode
    env[LANGUAGE_VARIABLE] = language
    # Runs compute with one intra-op thread (toy graphs are slower with more on a busy
    # machine). Without an OpenMP pool torch starts no thread at import either, so a
    # fresh run process is single-threaded and can raise its OS wall (threads that
    # exist before it would stay outside), and a fork never copies a half-held pool.
    # A model file runs with the count plain PyTorch would take here (child.torch_threads).
    env.setdefault(USER_THREADS_VARIABLE, f"{env.get('OMP_NUM_THREADS', '')},{env.get('MKL_NUM_THREADS', '')}")
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.Popen([sys.executable, "-m", "gradviz.core.run.zygote"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, bufsize=0)


def start_early(language: str) -> None:
    """Start the process's runner now (the next :class:`Runner` of the default mode takes it),
    unless this process has started one before (a program calling ``cli.main`` again, the tests:
    its runner would be left unused, holding a copy of torch)."""
    global _early
    if _early is None and not _spawned:
        _early = spawn_runner(None, language)


def take_early() -> subprocess.Popen | None:
    """The runner :func:`start_early` started, handed over once (None if there is none)."""
    global _early
    proc, _early = _early, None
    return proc

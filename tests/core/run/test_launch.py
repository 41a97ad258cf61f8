"""Starting the runner ahead of a command's own imports (gradviz/core/run/launch.py)."""

from __future__ import annotations

from gradviz.core.run import launch


class FakePopen:
    made: list[FakePopen] = []

    def __init__(self, argv, **kwargs):
        self.argv, self.env = argv, kwargs["env"]
        FakePopen.made.append(self)


def test_an_early_runner_is_started_once_and_handed_over_once(monkeypatch):
    FakePopen.made.clear()
    monkeypatch.setattr(launch.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(launch, "_early", None)
    monkeypatch.setattr(launch, "_spawned", False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.delenv(launch.USER_THREADS_VARIABLE, raising=False)
    launch.start_early("zh_CN")
    launch.start_early("zh_CN")
    assert len(FakePopen.made) == 1
    proc = FakePopen.made[0]
    assert proc.argv[1:] == ["-m", "gradviz.core.run.zygote"]
    assert proc.env[launch.LANGUAGE_VARIABLE] == "zh_CN"  # its catalogue is read once, in the runner
    assert proc.env["OMP_NUM_THREADS"] == "1" and proc.env[launch.USER_THREADS_VARIABLE] == "3,"
    assert launch.take_early() is proc and launch.take_early() is None


def test_no_early_runner_where_one_was_started_before(monkeypatch):
    # A program (or a test) calling the CLI again in one process: its runner is the one used,
    # a second would sit unused with its own copy of torch until the process ends.
    FakePopen.made.clear()
    monkeypatch.setattr(launch.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(launch, "_early", None)
    monkeypatch.setattr(launch, "_spawned", False)
    launch.spawn_runner(None, "en")
    launch.start_early("en")
    assert len(FakePopen.made) == 1 and launch.take_early() is None

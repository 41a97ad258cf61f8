"""Fuzzing the language: whatever the program, run_program returns or raises ProgramError with a
line inside the program -- never another exception -- and nothing escapes.

A canary is planted where only an escape reaches it: in builtins, in the globals of nn.Module's
and F's code (what a generator's frame would lead to), in torch as an attribute the allow-list
does not offer, and in this module. Hostile programs try to touch it; the test checks that
nothing did, that no file appeared, that no environment variable was set and that torch is
unchanged.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import random
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch
import torch.nn.modules.module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from gradviz.core.lessons.models import LESSON_MODELS
from gradviz.core.program import interpreter
from gradviz.core.program.errors import ProgramError
from gradviz.core.program.interpreter import Limits, run_program

from . import fuzz_programs

LIMITS = Limits(max_iterations=20_000, max_seconds=10)
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FUZZ = settings(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Canary:
    """Notes every touch: an attribute, a call, an item, a conversion to text."""

    def __init__(self) -> None:
        object.__setattr__(self, "touches", [])

    def __getattribute__(self, name: str) -> object:
        touches = object.__getattribute__(self, "touches")
        if name != "touches":
            touches.append(name)
        return touches if name == "touches" else self

    def __call__(self, *args: object, **kwargs: object) -> Canary:
        self.touches.append("call")
        return self

    def __getitem__(self, key: object) -> Canary:
        self.touches.append("item")
        return self

    def __repr__(self) -> str:
        self.touches.append("repr")
        return "canary"


_HOMES = (builtins, torch, torch.nn.modules.module, F, interpreter, sys.modules[__name__])


@contextlib.contextmanager
def planted(directory: Path) -> Iterator[Canary]:
    canary = Canary()
    for home in _HOMES:
        setattr(home, fuzz_programs.CANARY, canary)
    cwd = os.getcwd()
    os.chdir(directory)  # the programs' relative 'gv_escape' would land here
    try:
        yield canary
    finally:
        os.chdir(cwd)
        for home in _HOMES:
            delattr(home, fuzz_programs.CANARY)


def _torch_state() -> tuple:
    return (torch.Tensor.sum, nn.Module.__call__, nn.Module.forward, torch.ones, torch.load, F.relu,
            builtins.open, builtins.print, torch.get_default_dtype(), torch.is_grad_enabled())


def run_fuzzed(source: str, directory: Path) -> str:
    """Run one program; return the outcome's kind, failing on anything but ProgramError or an escape."""
    before = _torch_state()
    # torch warns from C++ on odd indexing (a string as index); turned into an error by the
    # suite's filterwarnings, such a warning goes to sys.excepthook, which pytest-qt counts as
    # a failure. In the app warnings are warnings; what is tested here is exceptions and escapes.
    with planted(directory) as canary, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_program(source, limits=LIMITS, extra_names=dict(LESSON_MODELS))
            kind = "ok"
        except ProgramError as exc:
            assert exc.line is not None and 1 <= exc.line <= fuzz_programs.line_count(source), (exc.line, str(exc))
            assert exc.col is None or exc.col >= 1, str(exc)
            kind = exc.kind
    assert not canary.touches, f"escaped: the canary was touched ({canary.touches})"
    assert not (directory / "gv_escape").exists(), "escaped: a file was written"
    assert "GRADVIZ_ESCAPED" not in os.environ
    assert _torch_state() == before, "escaped: torch changed"
    return kind


@settings(FUZZ, max_examples=500)
@given(seed=SEEDS)
def test_valid_programs_run_or_fail_at_run_time(seed, tmp_path_factory):
    source = fuzz_programs.valid_program(random.Random(seed))
    kind = run_fuzzed(source, tmp_path_factory.getbasetemp())
    # The grammar only writes the language: the allow-list must not refuse any of it.
    assert kind in ("ok", "runtime"), source


@settings(FUZZ, max_examples=2000)
@given(seed=SEEDS)
def test_malformed_programs_are_located_program_errors(seed, tmp_path_factory):
    run_fuzzed(fuzz_programs.malformed_program(random.Random(seed)), tmp_path_factory.getbasetemp())


@settings(FUZZ, max_examples=2000)
@given(seed=SEEDS)
def test_hostile_programs_do_not_escape(seed, tmp_path_factory):
    run_fuzzed(fuzz_programs.hostile_program(random.Random(seed)), tmp_path_factory.getbasetemp())


def test_the_canary_would_notice_an_escape(tmp_path):
    # The planted canary is where the review's escape led: a generator frame's globals.
    with planted(tmp_path) as canary:
        frame_globals = vars(torch.nn.modules.module)
        frame_globals[fuzz_programs.CANARY].touch()
    assert canary.touches == ["touch", "call"]

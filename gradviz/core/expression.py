"""The safe expression language: what a student types and what lesson files contain.

A program is a few statements of a small subset of Python with ``torch``, ``F``
(torch.nn.functional), ``nn`` and ``math`` in scope (and the import lines tutorials start
with). It is parsed and checked (:mod:`.program.language`), rewritten so every attribute
read and assignment goes through the allow-list (:mod:`.program.allowlist`), every line is
known and every loop bounded (:mod:`.program.instrument`), and run with a short list of safe
builtins (:mod:`.program.interpreter`). Whatever goes wrong, at any stage, is a
:class:`ProgramError` with a line.

This module is the package's public face; the pieces live in :mod:`gradviz.core.program`.
"""

from __future__ import annotations

from .program.errors import FILENAME, ProgramError
from .program.interpreter import Interpreter, Limits, ProgramResult, run_program
from .program.language import parse

__all__ = ["FILENAME", "Interpreter", "Limits", "ProgramError", "ProgramResult", "parse", "run_program"]

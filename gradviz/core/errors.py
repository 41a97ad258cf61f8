"""The error every stage of a program run turns its failures into: torch-free, Qt-free."""

from __future__ import annotations


class ProgramError(Exception):
    """A problem in the user's program, located at a line (and column when known).

    ``kind`` is ``"syntax"``, ``"refused"`` (outside the language), ``"limit"`` (loop,
    time or memory bound hit), ``"runtime"`` (torch or Python raised), ``"cancelled"``,
    or, for a run process that ended badly, ``"timeout"``, ``"memory"``, ``"crashed"``,
    ``"exited"``, ``"output"``, ``"module"`` (the user's module file) or ``"internal"``.
    ``file`` names the user's module file when ``line`` is a line of it.
    """

    def __init__(self, message: str, line: int | None = None, col: int | None = None,
                 kind: str = "runtime", statement: str = "", file: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.kind = kind
        self.statement = statement
        self.file = file

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}"
            if self.file:
                where = f"{self.file}, {where}"
            if self.col is not None:
                where += f", column {self.col}"
            where += ": "
        elif self.file:
            where = f"{self.file}: "
        return where + self.message

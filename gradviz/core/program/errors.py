"""ProgramError, and turning the positions Python reports into the ones a student sees."""

from __future__ import annotations

import re
import unicodedata

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

FILENAME = "<program>"

# The tokenizer's idea of a line break; str.splitlines also breaks at \x0c, \x1c, \u2028...,
# which would shift every line number after one of those.
_NEWLINE = re.compile(r"\r\n|\r|\n")


class ProgramError(Exception):
    """A problem in the user's program, located at a line (and column when known).

    ``kind`` is ``"syntax"``, ``"refused"`` (outside the language), ``"limit"`` (a size, loop,
    time or memory bound hit), ``"runtime"`` (torch or Python raised), ``"cancelled"``, or,
    for a run process that ended badly, ``"memory"``, ``"crashed"``, ``"exited"``,
    ``"output"``, ``"module"`` (the user's module file) or ``"internal"``. ``file`` names the
    user's module file when ``line`` is a line of it rather than of the program.

    Torch-free, like this whole module: the app raises it for runs it only watched.
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

    def __reduce__(self) -> tuple:
        # Exception pickles only args: a run in another process would lose line, column and kind.
        return (type(self), (self.message, self.line, self.col, self.kind, self.statement, self.file))

    def __str__(self) -> str:
        return located(self.message, self.line, self.col, self.file)


def frame_text(file: str, line: int, function: str, text: str) -> str:
    """One frame of the user's own code under an error located there."""
    return f"  {file}, line {line}, in {function}: {text}"


def called_from(line: int | None, statement: str) -> str:
    """The program's line that called into a model file, under an error located in the file."""
    return "  " + translate("run", "(called from line {line} of the program: {statement})").format(
        line=line, statement=statement)


def located(message: str, line: int | None, col: int | None = None, file: str = "") -> str:
    """``message`` behind its position, as the user's language writes one ("line 3, column 5: ...")."""
    # Whole templates, not pieces: Chinese puts the file and the numbers in another order.
    if line is None:
        return translate("ProgramError", "{file}: {message}").format(file=file, message=message) if file else message
    if file and col is not None:
        template = translate("ProgramError", "{file}, line {line}, column {col}: {message}")
    elif file:
        template = translate("ProgramError", "{file}, line {line}: {message}")
    elif col is not None:
        template = translate("ProgramError", "line {line}, column {col}: {message}")
    else:
        template = translate("ProgramError", "line {line}: {message}")
    return template.format(file=file, line=line, col=col, message=message)


def syntax_error(detail: str) -> str:
    """Python's syntax error ``detail`` behind the user's words for it, itself in them when it is
    one of the messages students meet most (else as Python says it); a character typed with a
    Chinese input method where Python wants its ASCII twin is named, with the twin."""
    message = translate("language", "syntax error: {detail}").format(detail=python_words(detail))
    return message + _twin_hint(detail)


# Python's words for a character it cannot read outside a string or comment.
_INVALID_CHARACTER = re.compile(r"invalid (?:non-printable )?character (?:'.' )?\(?U\+(?P<code>[0-9A-F]{4,6})\)?\Z")
# What a Chinese input method types for these, beside the full-width forms NFKC maps already.
_TWINS = {"“": '"', "”": '"', "‘": "'", "’": "'", "。": ".", "、": ",", "【": "[", "】": "]", "《": "<",
          "》": ">"}


def ascii_twin(char: str) -> str | None:
    """The ASCII character ``char`` stands in for (``，`` -> ``,``, a wide space -> `` ``), or None."""
    twin = _TWINS.get(char) or unicodedata.normalize("NFKC", char)
    return twin if twin != char and len(twin) == 1 and twin.isascii() else None


def _twin_hint(detail: str) -> str:
    match = _INVALID_CHARACTER.match(detail)
    if match is None:
        return ""
    char = chr(int(match.group("code"), 16))
    twin = ascii_twin(char)
    if twin is None:
        return ""
    if twin == " ":
        return translate("language", " — a wide or no-break space (from a Chinese input method or a web page), not "
                                     "the space Python reads: type an ordinary space")
    return translate("language", " — '{char}' stands for '{twin}' (typed with a Chinese input method): type "
                                 "'{twin}' with the input method in English").format(char=char, twin=twin)


# Python's own syntax messages that students meet most, as patterns: the named groups are
# the blanks of the template (marked for the catalogue, filled in the user's language).
_PYTHON_SAYS = (
    (re.compile(r"invalid syntax\Z"), QT_TRANSLATE_NOOP("python", "invalid syntax")),
    (re.compile(r"invalid syntax\. Perhaps you forgot a comma\?\Z"),
     QT_TRANSLATE_NOOP("python", "invalid syntax. Perhaps you forgot a comma?")),
    (re.compile(r"'(?P<bracket>.)' was never closed\Z"), QT_TRANSLATE_NOOP("python", "'{bracket}' was never closed")),
    (re.compile(r"unmatched '(?P<bracket>.)'\Z"), QT_TRANSLATE_NOOP("python", "unmatched '{bracket}'")),
    (re.compile(r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis '(?P<opening>.)'\Z"),
     QT_TRANSLATE_NOOP("python", "closing parenthesis '{closing}' does not match opening parenthesis '{opening}'")),
    (re.compile(r"expected ':'\Z"), QT_TRANSLATE_NOOP("python", "expected ':'")),
    (re.compile(r"unexpected indent\Z"), QT_TRANSLATE_NOOP("python", "unexpected indent")),
    (re.compile(r"unindent does not match any outer indentation level\Z"),
     QT_TRANSLATE_NOOP("python", "unindent does not match any outer indentation level")),
    (re.compile(r"expected an indented block after '(?P<statement>\w+)' statement on line (?P<line>\d+)\Z"),
     QT_TRANSLATE_NOOP("python", "expected an indented block after '{statement}' statement on line {line}")),
    (re.compile(r"unterminated string literal \(detected at line (?P<line>\d+)\)\Z"),
     QT_TRANSLATE_NOOP("python", "unterminated string literal (detected at line {line})")),
    (re.compile(r"invalid decimal literal\Z"), QT_TRANSLATE_NOOP("python", "invalid decimal literal")),
    (re.compile(r"invalid character '(?P<char>.)' \(U\+(?P<code>[0-9A-F]{4,6})\)\Z"),
     QT_TRANSLATE_NOOP("python", "invalid character '{char}' (U+{code})")),
    (re.compile(r"invalid non-printable character U\+(?P<code>[0-9A-F]{4,6})\Z"),
     QT_TRANSLATE_NOOP("python", "invalid non-printable character U+{code}")),
    (re.compile(r"cannot assign to (?P<what>[\w ]+?) here\. Maybe you meant '==' instead of '='\?\Z"),
     QT_TRANSLATE_NOOP("python", "cannot assign to {what} here. Maybe you meant '==' instead of '='?")),
    (re.compile(r"'(?P<statement>break|continue)' (?P<where>outside loop|not properly in loop)\Z"),
     QT_TRANSLATE_NOOP("python", "'{statement}' outside loop")),
)


def python_words(detail: str) -> str:
    """One of Python's syntax messages in the user's language (see _PYTHON_SAYS); others as they are."""
    for pattern, template in _PYTHON_SAYS:
        match = pattern.match(detail)
        if match:
            return translate("python", template).format(**match.groupdict())
    return detail


def source_lines(source: str) -> list[str]:
    """The lines of ``source`` numbered as Python numbers them (1 is ``[0]``)."""
    return _NEWLINE.split(source)


class Locator:
    """Lines and columns as the editor shows them.

    The ast module counts columns in UTF-8 bytes; one ``é`` before an error would move the
    caret a column too far. Line numbers outside the program are pulled back into it.
    """

    def __init__(self, source: str) -> None:
        self.lines = source_lines(source)

    def line(self, lineno: int | None) -> int:
        """``lineno`` clamped to the program's lines (1 when unknown)."""
        if lineno is None or lineno < 1:
            return 1
        return min(lineno, len(self.lines))

    def col(self, lineno: int | None, byte_offset: int | None) -> int | None:
        """The 1-based character column of the 0-based UTF-8 ``byte_offset`` on ``lineno``."""
        if byte_offset is None:
            return None
        text = self.lines[self.line(lineno) - 1]
        if text.isascii():
            return max(byte_offset, 0) + 1
        prefix = text.encode("utf-8", "surrogatepass")[:max(byte_offset, 0)]
        return len(prefix.decode("utf-8", "replace")) + 1

    def statement(self, lineno: int | None) -> str:
        """The text of line ``lineno``, stripped ("" when there is none)."""
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return ""
        return self.lines[lineno - 1].strip()

    def at_node(self, node: object, message: str, kind: str = "refused") -> ProgramError:
        """A ProgramError at an ast node's position."""
        lineno = getattr(node, "lineno", None)
        line = self.line(lineno)
        return ProgramError(message, line, self.col(line, getattr(node, "col_offset", None)), kind,
                            self.statement(line))

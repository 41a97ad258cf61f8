"""argparse's own words ("usage:", "options", its error messages) from gradviz's catalogue.

argparse looks its strings up through ``gettext`` at the moment it prints them, by the
module-level names ``_`` and ``ngettext``; pointing those at the catalogue makes ``--help``
and argument errors speak the user's language with the rest of the CLI. Its help text is
wrapped by character count, which lets Chinese lines run twice the terminal's width: text
with East Asian wide characters is wrapped by the columns it takes instead.
"""

from __future__ import annotations

import argparse
import re
import unicodedata

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

# The strings a user of gradviz's commands can meet, listed so `make i18n` puts them in
# the catalogue (argparse's internal programming errors are left in English).
ARGPARSE_STRINGS = (
    QT_TRANSLATE_NOOP("argparse", "usage: "),
    QT_TRANSLATE_NOOP("argparse", "options"),
    QT_TRANSLATE_NOOP("argparse", "positional arguments"),
    QT_TRANSLATE_NOOP("argparse", "show this help message and exit"),
    QT_TRANSLATE_NOOP("argparse", "%(prog)s: error: %(message)s\n"),
    QT_TRANSLATE_NOOP("argparse", "argument %(argument_name)s: %(message)s"),
    QT_TRANSLATE_NOOP("argparse", "the following arguments are required: %s"),
    QT_TRANSLATE_NOOP("argparse", "unrecognized arguments: %s"),
    QT_TRANSLATE_NOOP("argparse", "invalid choice: %(value)r (choose from %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "invalid %(type)s value: %(value)r"),
    QT_TRANSLATE_NOOP("argparse", "expected one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at least one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at most one argument"),
    QT_TRANSLATE_NOOP("argparse", "ambiguous option: %(option)s could match %(matches)s"),
    QT_TRANSLATE_NOOP("argparse", "not allowed with argument %s"),
    QT_TRANSLATE_NOOP("argparse", "one of the arguments %s is required"),
    QT_TRANSLATE_NOOP("argparse", "can't open '%(filename)s': %(error)s"),
    QT_TRANSLATE_NOOP("argparse", "expected %s argument(s)"),
)


def _gettext(message: str) -> str:
    return translate("argparse", message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return translate("argparse", "expected %s argument(s)", None, n)  # argparse fills in %s
    return singular if n == 1 else plural


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK, kana, hangul, full-width forms
# A run of narrow characters (a word), or one wide character, with the spaces after it.
_PIECE = re.compile(rf"[^\s{_WIDE}]+\s*|[{_WIDE}]\s*")


def wrap_columns(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns: breaks at spaces, and between
    any two wide characters (Chinese has no spaces); ASCII words are never split."""
    pieces = _PIECE.findall(text)
    lines, line = [], ""
    for piece in pieces:
        if line and _columns((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


_plain_split_lines = argparse.HelpFormatter._split_lines
_plain_fill_text = argparse.HelpFormatter._fill_text


def _split_lines(self, text: str, width: int) -> list[str]:
    if _columns(text) == len(text):
        return _plain_split_lines(self, text, width)
    return wrap_columns(re.sub(r"\s+", " ", text).strip(), width)


def _fill_text(self, text: str, width: int, indent: str) -> str:
    if _columns(text) == len(text):
        return _plain_fill_text(self, text, width, indent)
    return "\n".join(indent + line for line in wrap_columns(re.sub(r"\s+", " ", text).strip(), width - len(indent)))


def speak_argparse() -> None:
    """Make argparse take its words from the catalogue and wrap wide text by columns (idempotent)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    argparse.HelpFormatter._split_lines = _split_lines  # type: ignore[method-assign]
    argparse.HelpFormatter._fill_text = _fill_text  # type: ignore[method-assign]

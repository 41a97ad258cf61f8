"""argparse's own words ("usage:", "options", its error messages) from gradviz's catalogue.

argparse looks its strings up through ``gettext`` at the moment it prints them, by the
module-level names ``_`` and ``ngettext``; pointing those at the catalogue makes ``--help``
and argument errors speak the user's language with the rest of the CLI.
"""

from __future__ import annotations

import argparse

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


def speak_argparse() -> None:
    """Make argparse take its words from the catalogue (idempotent)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]

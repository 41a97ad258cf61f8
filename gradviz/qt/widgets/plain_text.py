"""Text from a program, a lesson file or a model file, shown as the characters it is.

A QLabel or a tooltip whose text looks like HTML renders it: an ``<img src="/dev/zero">`` in a
module's name, a lesson's title or a typed guess made Qt read that file, and the window hung
or ran out of memory. Labels that show such text are plain; tooltips are escaped; a label
that formats its own words (bold, colour) escapes what it did not write (html.escape).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain(*labels: QLabel) -> None:
    """Show ``labels``' text as written, never as HTML."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def tip(text: str) -> str:
    """``text`` as a tooltip shows it exactly (line breaks kept): escaped, in a paragraph of
    its own, so Qt's guess at rich text never sees a tag of the text's."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""

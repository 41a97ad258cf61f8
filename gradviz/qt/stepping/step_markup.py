"""An explanation (:mod:`gradviz.core.stepping.explain`) as rich text that wraps at any width.

Formulas are long runs without spaces (``∂L/∂z=∂L/∂a·σ(z)·(1−σ(z))``, op names such as
``BinaryCrossEntropyBackward0``); a label breaks lines only where the text allows it, so a
narrow dock used to scroll sideways and cut them off. Every run gets break opportunities
(zero-width spaces) after its operators and between words of a long name.
"""

from __future__ import annotations

import html
import re

from gradviz.core.stepping.explain import Explanation, Line

ZWSP = "\u200b"
#: After these a line may break inside a long run of text.
_BREAK_AFTER = re.compile(r"([·/=,(+\-−→×_.:\]])")
#: Runs shorter than this break only at their spaces.
_LONG = 12


def breakable(text: str) -> str:
    """``text`` with zero-width spaces where long runs may break (after operators, inside
    CamelCase names); reads the same, copies the same, wraps anywhere."""
    def split(run: str) -> str:
        if len(run) < _LONG:
            return run
        run = _BREAK_AFTER.sub(lambda m: m.group(1) + ZWSP, run)
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", ZWSP, run)
    return " ".join(split(run) for run in text.split(" "))


def line_markup(line: Line, colors: dict[str, str] | None = None) -> str:
    """One line as rich text; ``colors`` maps "right"/"wrong"/"code_bg" to colours."""
    colors = colors or {}
    text = html.escape(breakable(line.text))
    if line.kind == "input":
        return "&nbsp;" * 4 + text
    if line.kind == "rule":
        return f"<i>{text}</i>"
    if line.kind == "symbolic":
        return f"<b>{text}</b>"
    if line.kind == "code":
        bg = colors.get("code_bg", "")
        style = f" style='background-color:{bg}'" if bg else ""
        return f"<span{style}><tt>{text}</tt></span>"
    if line.kind == "numeric":
        check = html.escape(line.check)
        tone = colors.get("right" if line.matches is True else "wrong" if line.matches is False else "", "")
        mark = f" <b style='color:{tone}'>{check}</b>" if tone and check else f" {check}" if check else ""
        return f"&nbsp;&nbsp;{text}{mark}"
    return text


def markup(explanation: Explanation, colors: dict[str, str] | None = None, skip: tuple[str, ...] = ()) -> str:
    """The explanation's lines (not its header or note) as rich text, kinds in ``skip`` left out."""
    out: list[str] = []
    lines = [line for line in explanation.lines if line.kind not in skip]
    for i, line in enumerate(lines):
        if line.kind == "symbolic" and i + 1 < len(lines) and lines[i + 1].kind == "numeric":
            out.append(line_markup(line, colors) + "<br>" + line_markup(lines[i + 1], colors))
        elif line.kind == "numeric" and i > 0 and lines[i - 1].kind == "symbolic":
            continue
        else:
            out.append(line_markup(line, colors))
    return "<br>".join(out)

"""The catalogue: every string the code shows has a Chinese translation that fills the same blanks."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gradviz
from gradviz.core import i18n
from gradviz.core.i18n import resolve, system_language, translate

PACKAGE = Path(gradviz.__file__).parent
CATALOGUES = {part: Path(i18n.catalogue_path("zh_CN", part)) for part in i18n.PARTS}


def _part_sources(part: str) -> list[Path]:
    """What `make i18n` hands lupdate for ``part``: gradviz/qt, or everything else."""
    return [PACKAGE / "qt"] if part == "qt" else sorted(p for p in PACKAGE.iterdir() if p.name != "qt")


MARKERS = ("translate", "QT_TRANSLATE_NOOP")
# {name}, {0}, %(name)s, %s, %r, %d, %n: what str.format, argparse and Qt fill in.
PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9]*(?:![rs])?(?::[^}]*)?\}|%\([a-z_]+\)[srd]|%[srdn]")


def _marked_calls() -> tuple[set[tuple[str, str, str]], list[str]]:
    """(context, source, disambiguation) of every translate()/QT_TRANSLATE_NOOP call, and the
    calls whose context or source is not a plain literal (the catalogue could not hold them)."""
    found, bad = set(), []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if isinstance(func, ast.Attribute) and func.attr == "tr":
                bad.append(f"{where}: self.tr() (use translate(context, text): one catalogue for every process)")
                continue
            # translate(...) and i18n.translate(...), not QPainter.translate(dx, dy).
            if isinstance(func, ast.Name):
                name = func.id
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "i18n":
                name = func.attr
            else:
                continue
            if name not in MARKERS or len(node.args) < 2:
                continue
            ctx, src = node.args[0], node.args[1]
            if not (isinstance(ctx, ast.Constant) and isinstance(ctx.value, str)):
                bad.append(f"{where}: context is not a literal")
                continue
            if not (isinstance(src, ast.Constant) and isinstance(src.value, str)):
                if isinstance(src, ast.JoinedStr):
                    bad.append(f"{where}: an f-string (translate the template, then .format() it)")
                continue  # a variable: its values are marked with QT_TRANSLATE_NOOP where they are made
            comment = node.args[2].value if len(node.args) > 2 and isinstance(node.args[2], ast.Constant) else None
            found.add((ctx.value, src.value, comment or ""))
    return found, bad


def test_system_language_reads_the_locale_as_gettext_does():
    assert system_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert system_language({"LANG": "zh_TW.UTF-8"}) == "zh_CN"  # no traditional catalogue yet
    assert system_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert system_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert system_language({}) == "en"
    assert system_language({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}) == "zh_CN"
    assert system_language({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}) == "zh_CN"
    assert system_language({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en"}) == "en"
    assert system_language({"LC_ALL": "C", "LANGUAGE": "zh_CN"}) == "en"  # gettext ignores LANGUAGE under C
    assert resolve("system", {"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert resolve("en", {"LANG": "zh_CN.UTF-8"}) == "en" and resolve("zh_CN", {}) == "zh_CN"


def test_translate_in_both_languages():
    try:
        i18n.set_language("en")
        assert translate("cli", "list the built-in lessons") == "list the built-in lessons"
        assert translate("x", "%n node(s)", None, 1) == "1 node" and translate("x", "%n node(s)", None, 3) == "3 nodes"
        i18n.set_language("zh_CN")
        assert i18n.language() == "zh_CN"
        assert translate("cli", "list the built-in lessons") == "列出内置课程"
        assert translate("cli", "not a string anyone marked") == "not a string anyone marked"
        i18n.set_language("klingon")
        assert i18n.language() == "en"
    finally:
        i18n.set_language("en")


def test_every_marked_string_is_a_literal():
    _found, bad = _marked_calls()
    assert not bad, "\n".join(bad)


def test_every_marked_string_has_a_chinese_translation():
    found, _bad = _marked_calls()
    catalogue = i18n.read_catalogues("zh_CN")
    missing = sorted(key for key in found if key not in catalogue or not catalogue[key][0].strip())
    assert not missing, f"{len(missing)} strings have no Chinese translation (run `make i18n`, then translate " \
                        f"them in resources/i18n/*_zh_CN.ts):\n" + "\n".join(f"  [{c}] {s!r}" for c, s, _ in missing[:40])
    assert len(found) > 30


def test_translations_fill_the_same_blanks_as_their_source():
    # A lost {name} would raise KeyError in .format() only when a Chinese user meets that message.
    wrong = []
    for (ctx, src, _), forms in i18n.read_catalogues("zh_CN").items():
        for form in forms:
            if sorted(PLACEHOLDER.findall(src)) != sorted(PLACEHOLDER.findall(form)):
                wrong.append(f"[{ctx}] {src!r} -> {form!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent)) is None,
                    reason="pyside6-lupdate is not installed next to this Python")
def test_the_catalogues_hold_what_lupdate_finds_and_nothing_else(tmp_path):
    # lupdate is what `make i18n` runs; it must see exactly the strings the code looks up.
    import xml.etree.ElementTree as ET

    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    listed = set()
    for part, catalogue in CATALOGUES.items():
        copy = tmp_path / catalogue.name
        if catalogue.exists():
            shutil.copy(catalogue, copy)
        subprocess.run([str(lupdate), "-extensions", "py", "-no-obsolete", "-locations", "none", "-target-language",
                        "zh_CN", *map(str, _part_sources(part)), "-ts", str(copy)], check=True, capture_output=True)
        assert catalogue.exists() and copy.read_text(encoding="utf-8") == catalogue.read_text(encoding="utf-8"), \
            f"{catalogue.name} is not what `make i18n` makes of the code: run it and translate what it adds"
        root = ET.parse(copy).getroot()
        listed |= {(c.findtext("name"), m.findtext("source"), m.findtext("comment", "")) for c in root.iter("context")
                   for m in c.iter("message")}
    found, _bad = _marked_calls()
    assert listed == found


def test_the_cli_speaks_chinese_under_a_chinese_locale():
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "gradviz", "render", "--help"], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.startswith("用法：gradviz render")
    assert "显示本帮助并退出" in out.stdout and "输出文件；由扩展名决定格式" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "gradviz", "render", "-o", "x.bmp", "lesson:logistic"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "gradviz：错误：输出文件的扩展名必须是 .json、.dot、.svg 或 .png，而不是“.bmp”"
    english = subprocess.run([sys.executable, "-m", "gradviz", "render", "--help"], capture_output=True, text=True,
                             env={**env, "LANG": "C.UTF-8"}, check=True)
    assert english.stdout.startswith("usage: gradviz render")


def test_chinese_help_fits_the_terminal_in_columns():
    # argparse wraps by characters; a Chinese character takes two columns.
    import unicodedata

    from gradviz.argparse_i18n import wrap_columns

    def columns(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

    lines = wrap_columns("构造函数的参数，写成 Python 代码，可使用该文件中的名字，例如 '50, 3'", 20)
    assert all(columns(line) <= 20 for line in lines) and "".join(lines).replace(" ", "") == \
        "构造函数的参数，写成Python代码，可使用该文件中的名字，例如'50,3'"
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin", "COLUMNS": "72"}
    out = subprocess.run([sys.executable, "-m", "gradviz", "render", "--help"], capture_output=True, text=True,
                         env=env, check=True).stdout
    options = out.split("\n\n")[2]  # the epilog after them is laid out by hand
    assert options.startswith("选项") and "构造函数的参数" in options
    assert [line for line in options.splitlines() if columns(line) > 72] == []

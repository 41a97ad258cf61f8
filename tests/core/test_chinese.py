"""Under zh_CN the core speaks Chinese, with the right numbers in it: the language's errors, a run's
ending, why-None, a chain-rule step, grouping titles, and a run process told the language."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gradviz.core import i18n
from gradviz.core.checks.why_none import why_grad_none
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.program.errors import ProgramError
from gradviz.core.program.interpreter import run_program
from gradviz.core.run.client import error_of
from gradviz.core.run.request import Ending, Job, ProgramSpec, RunLimits
from gradviz.core.stepping.explain import explain
from gradviz.core.stepping.steps import BACKWARD, build_steps


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def error(source: str) -> str:
    with pytest.raises(ProgramError) as info:
        run_program(source)
    return str(info.value)


def test_the_language_s_errors_name_line_and_column_in_chinese(chinese):
    assert error("x = 1\ny = (2") == "第 2 行第 5 列：语法错误：“(”没有闭合"
    assert error("x = 1\nf = open('notes.txt')").startswith("第 2 行第 5 列：不允许使用“open”：gradviz 程序不能")
    assert error("x = torch.ones(2)\ny = x.numpy()").startswith("第 2 行第 5 列：不允许使用张量的“.numpy”：")
    assert error("import os").startswith("第 1 行第 1 列：不允许导入“os”")
    assert error("def f():\n    return 1").startswith("第 1 行第 1 列：gradviz 的语言不支持 def")
    assert error("a = 1\nb = c + 1").startswith("第 2 行：名字“c”没有定义")


def test_a_run_that_ended_badly_says_so_in_chinese_with_its_numbers(chinese):
    job = Job("capture", ProgramSpec("while True:\n    x = 1"), limits=RunLimits(seconds=5))
    timeout = error_of(None, Ending(None, 9, "timeout", 2, "run", 5.0), job)
    assert str(timeout) == "第 2 行：程序运行超过 5 秒，已被停止：请缩短循环或减小张量"
    killed = error_of(None, Ending(None, 9, "", None, "parse", 1.0), job)
    assert str(killed).startswith("运行进程被终止了（读取程序时）——很可能是系统内存不足")


def test_why_none_in_chinese_points_at_the_line(chinese):
    reason = why_grad_none("w = torch.randn(3, requires_grad=True) * 0.01\nloss = (w * 2).sum()\nloss.backward()", "w")
    assert reason.line == 1
    assert reason.text.startswith("w 不是叶子节点：在第 1 行，设置了 requires_grad=True 的是表达式里面的那个张量")
    assert "w = (torch.randn(3) * 0.01).requires_grad_()" in reason.text
    no_grad = why_grad_none("x = torch.ones(2)\nloss = (x * 2).sum()", "x")
    assert no_grad.text.startswith("x 创建时没有设置 requires_grad=True（第 1 行），所以 autograd 把它当作常量")


def test_a_chain_rule_step_in_chinese_keeps_its_math(chinese):
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    step = next(s for s in steps if s.phase == BACKWARD and s.pass_index == 2
                and trace.node(s.node_id).op == "SigmoidBackward0")
    lines = explain(trace, step, len(steps)).plain()
    assert lines[0] == f"第 {step.index + 1} 步，共 {len(steps)} 步 · 第 3 次反向传播（loss.backward()）· " \
                       "SigmoidBackward0 a"
    assert lines[1] == "传入的梯度 ∂L/∂a = [-1.0889]"
    assert lines[2].startswith("sigmoid 的导数是 σ(z)(1 − σ(z))")
    assert lines[3] == "∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))"
    assert lines[4].endswith("= -0.0817  ✓ 与 autograd 一致")


def test_grouping_titles_in_chinese(chinese):
    from gradviz.core.capture.capture import capture_program
    from gradviz.core.layout.grouping import group_title, module_paths

    trace = capture_program("w = torch.ones(2, requires_grad=True)\nloss = w.sum()\n"
                            "for i in range(3):\n    loss = loss * w.sum()\n")
    titles = {group_title(trace, p) for p in module_paths(trace)}
    assert "for 循环，第 3 行 · 共 3 次迭代" in titles and "第 2 次迭代，共 3 次" in titles


def test_a_run_process_speaks_the_language_of_the_job(runner):
    source = "x = torch.ones(2)\ny = x +\n"
    try:
        i18n.set_language("zh_CN")
        job = Job("capture", ProgramSpec(source))
        assert job.language == "zh_CN"  # a job carries the language it was made in
        with pytest.raises(ProgramError) as info:
            runner.call(job)
        assert str(info.value) == "第 2 行第 8 列：语法错误：无效的语法"
        with pytest.raises(ProgramError) as info:
            runner.call(Job("capture", ProgramSpec("x = torch.ones(2)\nx.storage()")))
        assert info.value.message.startswith("不允许使用张量的“.storage”") and info.value.line == 2
        i18n.set_language("en")
        with pytest.raises(ProgramError) as info:
            runner.call(Job("capture", ProgramSpec(source)))
        assert str(info.value) == "line 2, column 8: syntax error: invalid syntax"
    finally:
        i18n.set_language("en")


def test_a_run_process_stopped_at_its_time_limit_says_so_in_chinese(runner):
    job = Job("capture", ProgramSpec("x = 0\nwhile True:\n    x = torch.randn(100, 100) @ torch.randn(100, 100)\n"), limits=RunLimits(seconds=2),
              language="zh_CN")
    with pytest.raises(ProgramError) as info:
        runner.call(job)
    # The run made the message in the job's language; the position is written where it is shown.
    assert info.value.kind == "limit" and info.value.line == 3
    assert info.value.message == "程序运行超过 2 秒，已被停止：请缩短循环或减小张量"


def test_gradviz_lessons_lists_chinese_titles_under_a_chinese_locale():
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "gradviz", "lessons"], capture_output=True, text=True, env=env,
                         check=True).stdout.splitlines()
    assert len(out) == len(LESSONS)
    assert out[0].split(None, 1) == ["lesson:logistic", LESSONS["logistic"].title_in("zh_CN")]
    assert "一个神经元" in out[0] and "梯度消失" in out[10]
    english = subprocess.run([sys.executable, "-m", "gradviz", "lessons"], capture_output=True, text=True,
                             env={**env, "LANG": "C.UTF-8"}, check=True).stdout
    assert "One neuron, binary cross-entropy" in english


def test_a_language_switch_rewrites_the_titles_gradviz_wrote():
    from pathlib import Path

    from gradviz.core.session import Session

    s = Session()
    heard = []
    s.title_changed.connect(heard.append)
    s.open_lesson(LESSONS["softmax"], run=False)
    try:
        i18n.set_language("zh_CN")
        s.language_changed()
        assert s.title == "课程 softmax" and heard[-1] == "课程 softmax"
        s.open_file(Path("/tmp/mine.txt"), "x = 1", run=False)
        s.language_changed()
        assert s.title == "mine.txt"
    finally:
        i18n.set_language("en")
    s.open_lesson(LESSONS["softmax"], run=False)
    assert s.title == "softmax lesson"

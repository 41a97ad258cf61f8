"""Every example runs (napari's habit: examples are tested): the scripts with runpy, the notebook
cell by cell in one namespace, as Jupyter would, without Jupyter."""

import ast
import json
import runpy
from pathlib import Path

import pytest

from gradviz import api

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))
NOTEBOOKS = sorted((Path(__file__).parent.parent / "examples").glob("*.ipynb"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{path.name} printed nothing"


def run_cell(source: str, ns: dict):
    """Run a code cell as IPython does: its last line, if an expression, is the cell's value."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), ns)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last is not None else None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_cell_by_cell(path, monkeypatch, capsys):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert cells and all(not c["outputs"] and c["execution_count"] is None for c in cells), "store no outputs"
    shown = []
    monkeypatch.setattr(api, "in_notebook", lambda: True)
    real = api.subprocess.Popen

    def popen(args, **kw):  # the app is not started here; Graphviz (for the inline picture) is
        if list(args[1:3]) == ["-m", "gradviz"]:
            shown.append((args, kw))
            return "app"
        return real(args, **kw)

    monkeypatch.setattr(api.subprocess, "Popen", popen)
    ns: dict = {"__name__": "__main__"}
    values = [run_cell("".join(c["source"]), ns) for c in cells]
    svgs = [v._repr_svg_() for v in values if hasattr(v, "_repr_svg_")]
    assert svgs and all("<svg" in s for s in svgs)  # the recording displayed inline
    assert capsys.readouterr().out.strip()
    if "gradviz.show(" in path.read_text(encoding="utf-8"):
        (args, kw), = shown
        assert args[3].endswith(".gradviz-rec") and kw["start_new_session"]  # the app beside, not blocking

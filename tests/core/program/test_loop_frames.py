"""The loops a program runs, as the interpreter tells a recorder (current_loop) at each moment."""

from __future__ import annotations

import torch

from gradviz.core.program.interpreter import Interpreter


def frames_seen(source: str) -> list[tuple]:
    """(line, iteration) of every running loop each time the program calls ``note``; ``items(n)``
    yields 0..n-1, calling ``note`` before each item (code run while a loop asks for its next item)."""
    seen: list[tuple] = []
    interp: Interpreter

    def note(*args):
        seen.append(tuple((run.line, i) for run, i in interp.current_loop()))
        return 0

    def items(n):
        for k in range(n):
            note()
            yield k

    interp = Interpreter(source, extra_names={"note": note, "items": items})
    interp.run()
    assert interp.current_loop() == ()
    return seen


def test_nested_loops_a_break_and_the_code_after_them():
    source = ("note()\nfor i in range(2):\n    note()\n    for j in range(3):\n        if j == 2:\n"
              "            break\n        note()\n    note()\nnote()\n")
    assert frames_seen(source) == [
        (), ((2, 0),), ((2, 0), (4, 0)), ((2, 0), (4, 1)), ((2, 0),),
        ((2, 1),), ((2, 1), (4, 0)), ((2, 1), (4, 1)), ((2, 1),), (),
    ]


def test_code_run_to_get_the_next_item_belongs_to_the_iteration_it_starts():
    # An iteration of -1 (the first item's) once reached the graph and made the run malformed.
    source = "for a in items(2):\n    note()\n"
    assert frames_seen(source) == [((1, 0),), ((1, 0),), ((1, 1),), ((1, 1),)]


def test_a_tensor_looped_over_is_unbound_once_before_the_loop(monkeypatch):
    # `for t in x` is a tutorial's idiom: iter(x) unbinds x, one node outside every iteration.
    seen = []
    interp = Interpreter("x = torch.ones(2, requires_grad=True)\nfor t in x:\n    y = t * 2\n"
                         "ys = [t * 3 for t in x]\n")
    unbind = torch.Tensor.unbind

    def watched(self, *args, **kwargs):
        seen.append(("unbind", interp.current_loop()))
        return unbind(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "unbind", watched)
    result = interp.run()
    assert seen == [("unbind", ()), ("unbind", ())]
    assert [v.item() for v in result.namespace["ys"]] == [3.0, 3.0]


def test_a_comprehension_is_a_loop_of_its_own():
    assert frames_seen("xs = [note(k) for k in range(2)]\n") == [((1, 0),), ((1, 1),)]

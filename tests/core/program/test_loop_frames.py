"""The loops a program runs, as the interpreter tells a recorder (current_loop) at each moment."""

from __future__ import annotations

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


def test_code_run_to_get_the_next_item_belongs_to_the_loop_asking():
    # Before its first iteration (-1), then during the iteration before.
    source = "for a in items(2):\n    note()\n"
    assert frames_seen(source) == [((1, -1),), ((1, 0),), ((1, 0),), ((1, 1),)]


def test_a_comprehension_is_a_loop_of_its_own():
    assert frames_seen("xs = [note(k) for k in range(2)]\n") == [((1, 0),), ((1, 1),)]

"""Steps and the cursor, against the trace's own order."""

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.stepping.steps import BACKWARD, FORWARD, Cursor, build_steps, state_at, total


@pytest.mark.parametrize("name", [n for n in LESSONS if n != "no-grad"])
def test_every_lesson_step_order_is_valid(name):
    tr = capture_lesson(name)
    steps = build_steps(tr)
    forward = [s for s in steps if s.phase == FORWARD]
    assert len(forward) == len(tr.nodes)
    seen = set()
    for s in forward:  # a node's forward step comes after every step it depends on
        assert all(e.source in seen for e in tr.inputs_of(s.node_id)), (name, s)
        seen.add(s.node_id)
    kinds = [tr.node(s.node_id).kind for s in forward]
    assert kinds.index("op") == sum(k != "op" for k in kinds)  # constants and leaves first
    for p in tr.passes:
        back = [s.node_id for s in steps if s.phase == BACKWARD and s.pass_index == p.index]
        assert tuple(back) == p.order
        pos = {nid: i for i, nid in enumerate(back)}
        for e in tr.edges:  # backward: after every node that consumes its output
            if e.source in pos and e.target in pos:
                assert pos[e.source] > pos[e.target], (name, e)
    assert [s.index for s in steps] == list(range(len(steps)))


def test_logistic_states_pending_and_grads():
    tr = capture_program("y = torch.tensor([1.0])\nx1 = torch.tensor([1.1])\n"
                         "w1 = torch.tensor([2.2], requires_grad=True)\nb = torch.tensor([0.0], requires_grad=True)\n"
                         "z = x1 * w1 + b\na = torch.sigmoid(z)\nloss = F.binary_cross_entropy(a, y)")
    steps = build_steps(tr)
    assert len(steps) == 8 + 6
    st = state_at(tr, steps, 7)  # last forward step
    assert st.values == {n.id for n in tr.nodes} and not st.grads and not st.pending
    st = state_at(tr, steps, 9)  # loss, then a, processed
    assert set(st.grads) == {tr.find("loss").id, tr.find("a").id}
    assert st.grads[tr.find("a").id].item() == pytest.approx(-1.088922, abs=1e-6)
    assert tr.find("z").id in st.pending and tr.find("w1").id in st.pending
    (c,) = st.contributions[tr.find("z").id]
    assert c.from_node == tr.find("a").id and c.value.item() == pytest.approx(-0.081660, abs=1e-6)
    assert state_at(tr, steps, -1).values == frozenset()


def test_fan_in_contributions_and_total():
    tr = capture_program("a = torch.tensor(1.0, requires_grad=True)\nb = a * 3\nc = b * b")
    steps = build_steps(tr)
    c_step = next(s for s in steps if s.phase == BACKWARD and s.node_id == tr.find("c").id)
    st = state_at(tr, steps, c_step.index)
    parts = st.contributions[tr.find("b").id]
    assert len(parts) == 2 and {p.slot for p in parts} == {0, 1}
    assert [p.value.item() for p in parts] == [3.0, 3.0]
    assert total(parts).item() == 6.0


def test_vjp_three_passes():
    tr = capture_lesson("vjp")
    steps = build_steps(tr)
    assert [p for p in {s.pass_index for s in steps if s.phase == BACKWARD}] == [0, 1, 2]
    cur = Cursor(steps)
    bounds = cur.phase_bounds()
    assert [(b[0], b[1]) for b in bounds] == [(FORWARD, None), (BACKWARD, 0), (BACKWARD, 1), (BACKWARD, 2)]


def test_cursor_moves_and_notifies():
    tr = capture_lesson("logistic")
    cur = Cursor(build_steps(tr))
    heard = []
    cur.subscribe(heard.append)
    assert cur.position == -1 and cur.current is None
    cur.next()
    cur.next()
    cur.previous()
    assert cur.position == 0 and cur.current.phase == FORWARD
    cur.last()
    assert cur.at_end and cur.current.phase == BACKWARD
    cur.next()  # past the end: stays, no event
    cur.first()
    cur.seek(10 ** 6)
    assert heard == [0, 1, 0, len(cur.steps) - 1, 0, len(cur.steps) - 1]

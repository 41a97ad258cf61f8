"""json / DOT / SVG / PNG export of hand-built traces."""

from __future__ import annotations

import json
import math
import struct
import xml.etree.ElementTree as ET

import pytest
import torch

from gradviz.core import export
from gradviz.core.export import json_chunks, to_json, write
from gradviz.core.layout.layout import PALETTE, LayoutError
from gradviz.core.trace import BackwardPass, Edge, Node, SavedTensor, TensorValue, Trace

tv = TensorValue.from_tensor
SVG = "{http://www.w3.org/2000/svg}"
NODE_KEYS = {"id", "kind", "op", "label", "shape", "dtype", "device", "module", "line", "internal_to", "output_nr",
             "requires_grad", "value", "grad", "saved"}
PASS_KEYS = {"index", "call", "line", "implicit", "roots", "order", "grads", "leaf_grads"}


def logistic_trace() -> Trace:
    """loss = BCE(sigmoid(w1 * x1 + b), y) with one backward pass, numbers from torch."""
    x1, y = torch.tensor(2.0), torch.tensor(1.0)
    w1, b = torch.tensor(-0.5, requires_grad=True), torch.tensor(0.1, requires_grad=True)
    m = w1 * x1
    z = m + b
    p = torch.sigmoid(z)
    loss = torch.nn.functional.binary_cross_entropy(p, y)
    for t in (m, z, p, loss):
        t.retain_grad()
    loss.backward()
    values = {"n0": x1, "n1": w1, "n2": m, "n3": b, "n4": z, "n5": p, "n6": y, "n7": loss}
    grads = {"n1": w1.grad, "n2": m.grad, "n3": b.grad, "n4": z.grad, "n5": p.grad, "n7": loss.grad}
    spec = [
        ("n0", "constant", "Constant", "x1"), ("n1", "leaf", "AccumulateGrad", "w1"),
        ("n2", "op", "MulBackward0", ""), ("n3", "leaf", "AccumulateGrad", "b"),
        ("n4", "op", "AddBackward0", "z"), ("n5", "op", "SigmoidBackward0", "p"),
        ("n6", "constant", "Constant", "y"), ("n7", "op", "BinaryCrossEntropyBackward0", "loss"),
    ]
    nodes = []
    for i, kind, op, label in spec:
        saved = ()
        if op == "MulBackward0":
            saved = (SavedTensor("self", tv(w1)), SavedTensor("other", tv(x1), note="x1 needs no grad"))
        nodes.append(Node(i, kind, op, label=label, dtype="float32", device="cpu", line=int(i[1:]) + 1,
                          value=tv(values[i]), grad=tv(grads[i]) if i in grads else None,
                          requires_grad=kind != "constant", saved=saved))
    edges = (Edge("n1", "n2", 0), Edge("n0", "n2", 1), Edge("n2", "n4", 0), Edge("n3", "n4", 1),
             Edge("n4", "n5", 0), Edge("n5", "n7", 0), Edge("n6", "n7", 1))
    order = ("n7", "n5", "n4", "n2", "n1", "n3")
    arriving = {i: (tv(grads[i]),) for i in order}
    backward = BackwardPass(index=0, line=9, call="loss.backward()", roots=("n7",), order=order,
                            grad_outputs=arriving, grad_inputs={},
                            leaf_grads={"n1": tv(w1.grad), "n3": tv(b.grad)})
    return Trace(tuple(nodes), edges, root="n7", passes=(backward,), notes=("seeded with 1.0",))


@pytest.fixture(scope="module")
def trace() -> Trace:
    return logistic_trace()


def test_to_json_follows_the_schema(trace):
    doc = to_json(trace)
    assert set(doc) == {"gradviz", "root", "roots", "explanation", "notes", "nodes", "edges", "passes"}
    assert doc["roots"] == [doc["root"]]
    assert doc["gradviz"] == 2 and doc["root"] == "n7" and doc["notes"] == ["seeded with 1.0"]
    assert [n["id"] for n in doc["nodes"]] == [f"n{i}" for i in range(8)]
    assert all(set(n) == NODE_KEYS for n in doc["nodes"])
    mul = doc["nodes"][2]
    assert (mul["op"], mul["kind"], mul["shape"], mul["line"], mul["value"]) == ("MulBackward0", "op", [], 3, -1.0)
    assert mul["saved"] == [{"name": "self", "value": -0.5, "text": "", "note": ""},
                            {"name": "other", "value": 2.0, "text": "", "note": "x1 needs no grad"}]
    assert doc["nodes"][0]["grad"] is None and doc["nodes"][0]["requires_grad"] is False
    assert doc["edges"][1] == {"source": "n0", "target": "n2", "slot": 1}
    assert len(doc["edges"]) == 7
    (p,) = doc["passes"]
    assert set(p) == PASS_KEYS
    assert p["order"] == ["n7", "n5", "n4", "n2", "n1", "n3"] and p["roots"] == ["n7"]
    assert p["grads"]["n7"] == 1.0
    # d loss / d w1 = (sigmoid(z) - y) * x1 with z = -0.9
    expected = (1 / (1 + math.exp(0.9)) - 1) * 2
    assert p["leaf_grads"]["n1"] == pytest.approx(expected, rel=1e-6)
    assert doc["nodes"][1]["grad"] == pytest.approx(expected, rel=1e-6)


def test_to_json_round_trips_through_json(trace):
    doc = to_json(trace)
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def test_to_json_summarises_big_values_and_stringifies_nan():
    big = tv(torch.arange(20000.0))
    odd = tv(torch.tensor([1.0, float("nan"), float("inf")]))
    trace = Trace((Node("n0", "leaf", "AccumulateGrad", value=big, grad=odd),), (), root=None)
    node = to_json(trace)["nodes"][0]
    assert node["value"]["summary"] is True and node["value"]["shape"] == [20000] and node["value"]["max"] == 19999.0
    assert node["grad"] == [1.0, "nan", "inf"]
    json.dumps(node, allow_nan=False)


def test_write_json(trace, tmp_path):
    out = write(trace, tmp_path / "g.json")
    assert out == tmp_path / "g.json"
    assert json.loads(out.read_text(encoding="utf-8")) == to_json(trace)


def test_json_writes_a_line_per_node_edge_and_pass_and_leaves_no_part_file(trace, tmp_path):
    lines = write(trace, tmp_path / "g.json").read_text(encoding="utf-8").splitlines()
    doc = to_json(trace)
    assert [json.loads(line.rstrip(",")) for line in lines if line.startswith("  {")] == \
        doc["nodes"] + doc["edges"] + doc["passes"]
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_json_of_an_empty_trace_parses():
    empty = Trace((), (), root=None)
    assert json.loads("".join(json_chunks(empty))) == to_json(empty) == {
        "gradviz": 2, "root": None, "roots": [], "explanation": "", "notes": [], "nodes": [], "edges": [], "passes": []}


def test_a_json_write_that_fails_half_way_leaves_no_file(trace, tmp_path, monkeypatch):
    def failing(_trace):
        yield "{"
        raise OSError("disk full")

    monkeypatch.setattr(export, "json_chunks", failing)
    with pytest.raises(OSError, match="disk full"):
        write(trace, tmp_path / "g.json")
    assert list(tmp_path.iterdir()) == []


def test_complex_values_are_written_as_real_and_imaginary_parts(tmp_path):
    # Once a raw "complex is not JSON serializable" traceback (a spectral convolution's weights).
    w = torch.tensor([1 + 2j, -0.5 + 0j], dtype=torch.complex64, requires_grad=True)
    loss = (w * w).abs().sum()
    loss.backward()
    trace = Trace((Node("n0", "leaf", "AccumulateGrad", value=tv(w), grad=tv(w.grad)),), (), root="n0")
    node = json.loads(write(trace, tmp_path / "c.json").read_text(encoding="utf-8"))["nodes"][0]
    assert node["value"] == {"complex": True, "real": [1.0, -0.5], "imag": [2.0, 0.0]}
    assert node["grad"]["real"] == pytest.approx(w.grad.real.tolist())
    assert node["grad"]["imag"] == pytest.approx(w.grad.imag.tolist())


def test_write_dot_has_legend_and_gradients(trace, tmp_path):
    text = write(trace, tmp_path / "g.dot").read_text(encoding="utf-8")
    for name in ("legend_leaf", "legend_constant", "legend_op", "legend_root"):
        assert f"\t\t{name} [" in text
    assert "grad: -1.4219" in text  # w1's gradient, 4 digits
    assert text.count("[id=e") == 7


def test_write_svg_shows_ops_labels_values_colours_and_legend(trace, tmp_path):
    root = ET.parse(write(trace, tmp_path / "g.svg")).getroot()
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for expected in ("MulBackward0", "w1", "x1", "BinaryCrossEntropyBackward0", "scalar", "-1", "grad: -1.4219"):
        assert expected in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "legend_leaf" in titles and "n0" in titles
    assert sum(1 for g in root.iter(f"{SVG}g") if g.get("class") == "edge" and g.get("id", "").startswith("e")) == 7
    fills = {p.get("fill") for p in root.iter(f"{SVG}path")} | {p.get("fill") for p in root.iter(f"{SVG}polygon")}
    assert {PALETTE["leaf"], PALETTE["constant"], PALETTE["op"], PALETTE["root"]} <= fills


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_write_png_scales_with_dpi(trace, tmp_path):
    one = write(trace, tmp_path / "g.png").read_bytes()
    two = write(trace, tmp_path / "g2.PNG", scale=2).read_bytes()
    assert one[:8] == b"\x89PNG\r\n\x1a\n" and two[:8] == b"\x89PNG\r\n\x1a\n"
    (w1, h1), (w2, h2) = _png_size(one), _png_size(two)
    assert w1 > 100 and h1 > 100
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2


@pytest.mark.parametrize("name", ["g.pdf", "g", "g.svg.txt"])
def test_bad_suffix_is_a_value_error(trace, tmp_path, name):
    with pytest.raises(ValueError, match=r"\.json, \.dot, \.svg, \.png"):
        write(trace, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_bad_scale_is_a_value_error(trace, tmp_path):
    with pytest.raises(ValueError, match="scale"):
        write(trace, tmp_path / "g.png", scale=0)


def test_missing_engine_leaves_no_file(trace, tmp_path):
    with pytest.raises(LayoutError, match="pip install graphviz-pure"):
        write(trace, tmp_path / "g.svg", engine="/nonexistent/dot")
    assert not (tmp_path / "g.svg").exists()


# ----- every character drawn ------------------------------------------------------------------
MISSING = "\ue000"  # a private-use code point no font draws: its picture is the missing-glyph box


def _one_node(label: str) -> Trace:
    return Trace((Node("n0", "constant", "Constant", label=label, shape=(2,), dtype="float32"),), (), root=None)


def _label_pixels(path) -> bytes:
    """The PNG's grey pixels (the boxes' and labels' ink, all else white)."""
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("L").tobytes()


def _has_font_for(char: str) -> bool:
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, f":charset={ord(char):x}", "family"], capture_output=True, text=True)
    return bool(out.stdout.strip())


@pytest.mark.parametrize("char", ["∈", "中"])
def test_png_draws_symbols_and_chinese_not_the_missing_glyph_box(char, tmp_path):
    if char == "中" and not _has_font_for(char):
        pytest.skip("no CJK font on this machine (make installs fonts-wqy-microhei)")
    drawn = write(_one_node(char), tmp_path / "drawn.png")
    missing = write(_one_node(MISSING), tmp_path / "missing.png")
    plain = write(_one_node(""), tmp_path / "plain.png")
    a, box, blank = _label_pixels(drawn), _label_pixels(missing), _label_pixels(plain)
    assert len(a) == len(box)  # the engine measures both labels alike: same picture size
    assert a != box, f"{char!r} was drawn as the missing-glyph box"
    # and the label has ink of its own: more dark pixels than the picture without it
    dark = lambda pixels: sum(1 for p in pixels if p < 128)  # noqa: E731
    assert dark(a) > dark(blank)


def test_symbol_and_chinese_differ_from_each_other_and_svg_names_fallback_fonts(tmp_path):
    if not _has_font_for("中"):
        pytest.skip("no CJK font on this machine (make installs fonts-wqy-microhei)")
    assert _label_pixels(write(_one_node("∈"), tmp_path / "a.png")) != \
        _label_pixels(write(_one_node("中"), tmp_path / "b.png"))
    root = ET.parse(write(_one_node("中 ∈"), tmp_path / "c.svg")).getroot()
    parent = {child: up for up in root.iter() for child in up}

    def family(element):  # its own font-family, or the one it inherits
        while element is not None and element.get("font-family") is None:
            element = parent.get(element)
        return None if element is None else element.get("font-family")

    families = {family(t) for t in root.iter(f"{SVG}text")}
    assert families and all(f.startswith("Arimo,") and "'WenQuanYi Micro Hei'" in f and "'DejaVu Sans'" in f
                            for f in families)

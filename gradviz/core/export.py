"""Save a Trace as gradviz json, DOT, SVG or PNG."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gradviz.core import raster
from gradviz.core.i18n import translate
from gradviz.core.layout.dot import build_dot, legend_kinds
from gradviz.core.layout.graphviz_run import LayoutError
from gradviz.core.layout.layout import run_engine
from gradviz.core.layout.module_boxes import MODULE_PREFIX
from gradviz.core.layout.own import own_layout, titles
from gradviz.core.layout.plan import MAX_LONG_EDGE_LENGTH
from gradviz.core.layout.quick import long_edge_length, quick_layout
from gradviz.core.layout.svg import layout_svg
from gradviz.core.trace import BackwardPass, Node, TensorValue, Trace
from gradviz.core.user_files import written_whole

#: Version of the json interchange format written by :func:`to_json`. 2: nodes of kind
#: "output" (output k ≥ 1 of a multi-output op) and their ``output_nr``; module buffers
#: are constants with op "Buffer".
FORMAT_VERSION = 2
SUFFIXES = (".json", ".dot", ".svg", ".png")
#: PNG pixels per inch at ``scale=1``: one point per pixel at 72 would look
#: small on today's screens, 96 matches a desktop's logical pixel.
BASE_DPI = 96.0


def _value(value: TensorValue | None) -> Any:
    return None if value is None else value.to_json()


def _node_json(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        "op": node.op,
        "label": node.label,
        "shape": list(node.shape),
        "dtype": node.dtype,
        "device": node.device,
        "module": node.module,
        "line": node.line,
        "internal_to": node.internal_to,
        "output_nr": node.output_nr,
        "requires_grad": node.requires_grad,
        "value": _value(node.value),
        "grad": _value(node.grad),
        "saved": [
            {"name": s.name, "value": _value(s.value), "text": s.text, "note": s.note} for s in node.saved
        ],
    }


def _pass_json(p: BackwardPass) -> dict[str, Any]:
    return {
        "index": p.index,
        "call": p.call,
        "line": p.line,
        "implicit": p.implicit,
        "roots": list(p.roots),
        "order": list(p.order),
        "grads": {node_id: _value(p.arriving(node_id)) for node_id in p.grad_outputs},
        "leaf_grads": {node_id: _value(v) for node_id, v in p.leaf_grads.items()},
    }


def _json_parts(trace: Trace) -> list[tuple[str, Any]]:
    """The top-level fields of the json format in order; nodes, edges and passes as iterators,
    made one at a time (a 1,458-node GPT's values are hundreds of MB of json)."""
    return [
        ("gradviz", FORMAT_VERSION),
        ("root", trace.root),
        ("roots", list(trace.roots)),
        ("explanation", trace.explanation),
        ("notes", list(trace.notes)),
        ("nodes", (_node_json(n) for n in trace.nodes)),
        ("edges", ({"source": e.source, "target": e.target, "slot": e.slot} for e in trace.edges)),
        ("passes", (_pass_json(p) for p in trace.passes)),
    ]


def to_json(trace: Trace) -> dict:
    """The trace in gradviz's json interchange format (version 2).

    Parameters
    ----------
    trace : Trace
        The captured graph.

    Returns
    -------
    dict
        ``{"gradviz": 2, "root", "explanation", "notes", "nodes", "edges",
        "passes"}`` holding only json types: tensors become nested lists (or a
        summary object when large; a complex one ``{"complex": true, "real",
        "imag"}``), non-finite numbers become strings, so
        ``json.dumps(..., allow_nan=False)`` accepts it. A pass's ``grads``
        maps each node id to the gradient arriving at it (``grad_outputs[0]``).
    """
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in _json_parts(trace)}


def json_chunks(trace: Trace) -> Iterator[str]:
    """:func:`to_json` as text, a piece at a time: each top-level field on a line, and each
    node, edge and pass on a line of its own.

    json.dumps with an indent encodes number by number in Python (51 s for a 32-layer GPT's
    600 MB); each line here is one call to the C encoder.
    """
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    parts = _json_parts(trace)
    yield "{"
    for i, (key, value) in enumerate(parts):
        end = "," if i < len(parts) - 1 else ""
        if isinstance(value, Iterator):
            yield f"\n {encode(key)}: ["
            first = True
            for item in value:
                yield ("\n  " if first else ",\n  ") + encode(item)
                first = False
            yield f"\n ]{end}" if not first else f"]{end}"
        else:
            yield f"\n {encode(key)}: {encode(value)}{end}"
    yield "\n}\n"


def write(trace: Trace, path: str | Path, *, scale: float = 1.0, engine: str | None = None,
          cancel: threading.Event | None = None) -> Path:
    """Save ``trace`` in the format its suffix names.

    Parameters
    ----------
    trace : Trace
        The captured graph.
    path : str or Path
        Destination; the suffix (``.json``, ``.dot``, ``.svg``, ``.png``, any
        case) picks the format.
    scale : float
        PNG resolution factor: ``96 * scale`` dots per inch. Ignored by the
        other formats (SVG is vector, DOT and json are text).
    engine : str, optional
        Layout program for SVG and PNG; see :func:`gradviz.core.layout.layout.find_engine`.
    cancel : threading.Event, optional
        Set from another thread to stop the engine (LayoutCancelled; no file is written).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For another suffix, or a non-positive ``scale``.
    LayoutError
        If the engine is missing or fails (SVG and PNG only).

    Notes
    -----
    DOT, SVG and PNG show each node's op, label, shape, short value and
    gradient, coloured by kind, with a legend; modules are clusters.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        message = translate("export", "Cannot export to {name!r}: the file name must end in one of {suffixes}.")
        raise ValueError(message.format(name=path.name, suffixes=", ".join(SUFFIXES)))
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    if suffix == ".json":
        # A lone surrogate (a module key's) is written as the json escape \udXXX it is.
        with written_whole(path) as part, part.open("w", encoding="utf-8", errors="backslashreplace") as out:
            out.writelines(json_chunks(trace))
        return path
    build = build_dot(trace, legend=True, show_grads=True)
    if suffix == ".dot":
        path.write_text(build.source, encoding="utf-8")
        return path
    svg = _svg(trace, build, engine, cancel)
    if suffix == ".svg":
        data = svg.encode("utf-8")
    else:
        try:
            data = raster.svg_to_png(svg, BASE_DPI * scale)
        except RuntimeError as exc:
            raise LayoutError(str(exc)) from None
    # Written only after the engine succeeded, so a failure leaves no half file.
    path.write_bytes(data)
    return path


def svg_text(trace: Trace, *, engine: str | None = None, cancel: threading.Event | None = None) -> str:
    """The picture :func:`write` saves as ``.svg``, as text (Jupyter shows it inline)."""
    return _svg(trace, build_dot(trace, legend=True, show_grads=True), engine, cancel)


def _svg(trace: Trace, build: Any, engine: str | None, cancel: threading.Event | None) -> str:
    own = own_layout(trace, build)
    if own is not None:  # laid out by gradviz: Graphviz would only draw it, at its layout's cost
        with_module = any(i.startswith(MODULE_PREFIX) for i in build.names.values())
        return raster.with_fallbacks(layout_svg(build, own, legend_kinds(with_module), titles(trace, build)))
    dot_text, args = build.source, []
    if build.names and long_edge_length(build) > MAX_LONG_EDGE_LENGTH:
        # Graphviz would route for minutes: it only draws gradviz's layout.
        dot_text, args = _placed_dot(trace), ["-Kneato", "-n2"]
    # Always SVG from the engine: graphviz-pure's own PNGs know three fonts and draw "∈" or
    # Chinese as boxes; gradviz names fallback fonts and draws PNGs itself (see raster).
    svg = run_engine(dot_text, "svg", engine=engine, args=args, cancel=cancel).decode("utf-8")
    return raster.with_fallbacks(svg)


def _placed_dot(trace: Trace) -> str:
    """DOT with every box pinned where gradviz's quick layout puts it, for ``neato -n2``: for a
    graph Graphviz cannot lay out in time (see ``MAX_LONG_EDGE_LENGTH``).

    Without module frames and legend (``neato -n2`` places nothing itself), straight edges.
    """
    build = build_dot(trace, group_modules=False, show_grads=True)
    quick = quick_layout(trace, build)
    # Layouts are y-down; Graphviz's points are y-up.
    pins = [f'\t{name} [pos="{quick.nodes[ident].x:.2f},{quick.height - quick.nodes[ident].y:.2f}!"]'
            for name, ident in build.names.items()]
    head = build.source.rstrip().rpartition("}")[0]
    return head + "\n".join(pins) + "\n\tsplines=line\n}\n"

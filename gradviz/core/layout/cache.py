"""One layout per graph structure per session: the key is the DOT text the engine would read."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from gradviz.core.layout.dot import build_dot
from gradviz.core.layout.graphviz_run import run_engine
from gradviz.core.layout.layout import Layout, parse_layout
from gradviz.core.trace import Trace


class LayoutCache:
    """A small LRU of layouts keyed by DOT text (which holds every label, so equal keys give equal pictures).

    Thread-safe: the app lays out in a worker thread while the GUI thread may look up.
    """

    def __init__(self, max_entries: int = 32) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[str, str | None], Layout] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def layout(self, trace: Trace, *, engine: str | None = None, timeout: float | None = 60,
               cancel: threading.Event | None = None, **dot_options: Any) -> Layout:
        """Like :func:`gradviz.core.layout.layout.layout`, running the engine only for a new DOT text."""
        build = build_dot(trace, **dot_options)
        key = (build.source, engine)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        if not build.names and not dot_options.get("legend"):
            result = Layout(0.0, 0.0, {}, ())
        else:
            out = run_engine(build.source, "json0", engine=engine, timeout=timeout, cancel=cancel)
            result = parse_layout(out, build)
        with self._lock:
            self.misses += 1
            self._items[key] = result
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._items)

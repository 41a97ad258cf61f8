"""From a Trace to positions: DOT text, Graphviz, gradviz's own quick layout, module groups."""

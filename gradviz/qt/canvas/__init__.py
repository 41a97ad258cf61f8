"""The graph canvas: items, badges, overlays, previews, module folding, find."""

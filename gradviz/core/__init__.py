"""The Qt-free core: capture, trace, expression language, lessons, layout, export."""

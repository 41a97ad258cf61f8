"""Widgets shared by several features: inspector, tensor view, message bar."""

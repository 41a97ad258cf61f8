"""Classroom tools: presentation mode, value editor, gradient check, why-None."""

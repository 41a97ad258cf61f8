"""The built-in lessons, their model classes, and lesson files."""

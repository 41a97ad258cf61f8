"""Runs off the GUI thread: the run controller, its status strip, small tasks."""

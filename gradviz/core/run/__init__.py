"""Runs in a process of their own: requests and results as plain data, the runner, its walls."""

"""Running code under the recorder and building its Trace (and loading users' module files)."""

"""The forward and backward passes as steps, one node at a time."""

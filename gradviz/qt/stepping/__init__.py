"""Stepping through forward and backward: player, marks, chain-rule panel, animation."""

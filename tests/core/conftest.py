"""Shared set-up for the core tests."""

from __future__ import annotations

import pytest

from gradviz.core.run.client import Runner


@pytest.fixture(scope="module")
def runner():
    """A runner of its own for a test module (each run is still a process of its own)."""
    r = Runner()
    r.start()
    yield r
    r.close()

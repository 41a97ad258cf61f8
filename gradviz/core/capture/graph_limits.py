"""How big a recorded run may grow: every node and every backward pass it records is kept until
its graph is drawn, in the run process and then in the window.

A loop of 300,000 multiplications took the window to 7.4 GB and seven minutes, the command
line to 3.3 GB; 50,000 backward passes of a 4-node graph took 680 MB. A run stops at these
bounds with its line, as at its time limit; the graphs gradviz is made for (a 10,000-node
chain draws in seconds) stay well inside them.
"""

from __future__ import annotations

from gradviz.core.i18n import translate
from gradviz.core.program.errors import ProgramError

MAX_GRAPH_NODES = 50_000
MAX_BACKWARD_PASSES = 5_000


def too_many_nodes() -> ProgramError:
    message = translate("capture", "the program has made more than {limit:,} autograd nodes: gradviz keeps every "
                                   "one to draw it, and stops here; run fewer steps (a loop of n steps makes a node "
                                   "per operation in each)").format(limit=MAX_GRAPH_NODES)
    return ProgramError(message, None, None, "limit")


def too_many_passes() -> ProgramError:
    message = translate("capture", "the program has run backward more than {limit:,} times: gradviz keeps every pass "
                                   "to step through it, and stops here; train with fewer steps (or in the Train "
                                   "panel, which keeps only the loss)").format(limit=MAX_BACKWARD_PASSES)
    return ProgramError(message, None, None, "limit")

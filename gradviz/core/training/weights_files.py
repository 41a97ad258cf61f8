"""Weights files: a model's ``state_dict`` as name → numpy array, written and read with torch.

The app never holds the live model (it lives in a run process): it gets the weights as
arrays and writes them with ``torch.save`` when the user saves, and reads a file with
``torch.load(weights_only=True)`` (only tensors are ever unpickled) before sending the arrays
to the run. torch is imported only when a file is written or read.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradviz.core.i18n import translate
from gradviz.core.training.config import TrainingError

__all__ = ["fit_problem", "read_weights_file", "save_weights_file", "to_arrays"]


def to_arrays(state: Mapping[str, Any], source: str = "") -> dict[str, np.ndarray]:
    """``state`` (tensors or arrays) as CPU numpy copies, in the same order.

    Raises
    ------
    TrainingError
        For a dtype numpy has no type for (bfloat16, say).
    """
    source = source or translate("training", "the model")
    out = {}
    for name, value in state.items():
        if hasattr(value, "detach"):
            try:
                value = value.detach().cpu().numpy()
            except TypeError:
                raise TrainingError(translate("training", "{source} holds {name} as {dtype}, which gradviz cannot "
                                                          "carry").format(source=source, name=name,
                                                                          dtype=value.dtype)) from None
        out[str(name)] = np.array(value, copy=True)
    return out


def save_weights_file(state: Mapping[str, Any], path) -> None:
    """Write ``state`` (arrays or tensors) as a ``state_dict`` of CPU tensors with ``torch.save``.

    Raises
    ------
    TrainingError
        When the file cannot be written.
    """
    import torch

    tensors = {name: value.detach().cpu() if hasattr(value, "detach") else torch.tensor(np.asarray(value))
               for name, value in state.items()}
    try:
        torch.save(tensors, path)
    except OSError as exc:
        raise TrainingError(cannot_write(path, exc)) from None


def cannot_write(path: object, exc: OSError) -> str:
    """Why a file could not be written."""
    return translate("training", "cannot write {path}: {error}").format(path=path, error=exc.strerror or exc)


def read_weights_file(path) -> dict[str, np.ndarray]:
    """The ``state_dict`` in a file saved by gradviz or ``torch.save``, as arrays, read safely.

    Raises
    ------
    TrainingError
        When the file is missing, is not a torch file, or holds something other than a
        ``state_dict`` (only plain tensors are ever unpickled).
    """
    import torch

    try:
        state = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise TrainingError(translate("training", "{path}: no such file").format(path=path)) from None
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError, AttributeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TrainingError(translate("training", "{path} is not a weights file saved with torch.save "
                                                  "({reason})").format(path=path, reason=reason)) from None
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise TrainingError(translate("training", "{path} holds a {type}, not a state_dict of tensors").format(
            path=path, type=type(state).__name__))
    return to_arrays(state, str(path))


def fit_problem(state: Mapping[str, np.ndarray], expected: tuple[tuple[str, tuple[int, ...], str], ...]) -> str:
    """Why ``state`` cannot load into a model whose ``state_dict`` is ``expected``; "" when it can.

    Worded as ``load_state_dict`` words its first problem, so the app can refuse a file at once.
    """
    shapes = {name: tuple(shape) for name, shape, _dtype in expected}
    missing = [name for name in shapes if name not in state]
    unexpected = [name for name in state if name not in shapes]
    if missing:
        return "Missing key(s) in state_dict: " + ", ".join(f'"{n}"' for n in missing) + "."
    if unexpected:
        return "Unexpected key(s) in state_dict: " + ", ".join(f'"{n}"' for n in unexpected) + "."
    for name, shape in shapes.items():
        got = tuple(np.shape(state[name]))
        if got != shape:
            return (f"size mismatch for {name}: copying a param with shape {list(got)} from checkpoint, "
                    f"the shape in current model is {list(shape)}.")
    return ""

"""Which torch devices this machine can train on, and why the others cannot be used."""

from __future__ import annotations

import torch

from gradviz.core.i18n import translate
from gradviz.core.training.config import TrainingError

__all__ = ["available_devices", "resolve_device"]


def _cuda_reason() -> str | None:
    if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
        return translate("training", "this PyTorch build has no CUDA support (a CPU-only wheel)")
    try:
        if torch.cuda.is_available():
            return None
    except Exception as exc:  # noqa: BLE001 - a broken driver raises here rather than returning False
        return translate("training", "CUDA could not be initialised: {error}").format(error=exc)
    return translate("training", "no CUDA GPU was found (or its driver is missing)")


def _mps_reason() -> str | None:
    mps = getattr(torch.backends, "mps", None)
    if mps is None or not mps.is_built():
        return translate("training", "MPS needs PyTorch for macOS on Apple silicon")
    if not mps.is_available():
        return translate("training", "this Mac has no usable MPS device (macOS 12.3+ on Apple silicon is needed)")
    return None


def available_devices() -> dict[str, str | None]:
    """Report each device gradviz knows: None if usable, else the reason it is not.

    Returns
    -------
    dict
        Keys 'cpu', 'cuda', 'mps'; 'cpu' is always None.
    """
    return {"cpu": None, "cuda": _cuda_reason(), "mps": _mps_reason()}


def resolve_device(name: str = "auto") -> torch.device:
    """Turn a device name into a usable ``torch.device``.

    Parameters
    ----------
    name : {'auto', 'cpu', 'cuda', 'mps'} or a torch device string such as 'cuda:1'
        'auto' picks CUDA, then MPS, then the CPU.

    Raises
    ------
    TrainingError
        When the device is unknown or not usable here; the message gives the reason.
    """
    devices = available_devices()
    if name == "auto":
        return torch.device(next(d for d in ("cuda", "mps", "cpu") if devices[d] is None))
    kind = str(name).split(":", 1)[0]
    if kind not in devices:
        raise TrainingError(translate("training", "unknown device {name!r}: choose one of auto, {names}").format(
            name=name, names=", ".join(devices)))
    if devices[kind] is not None:
        raise TrainingError(translate("training", "device {name!r} is not available: {why}").format(
            name=name, why=devices[kind]))
    try:
        device = torch.device(name)
    except RuntimeError as exc:
        raise TrainingError(translate("training", "bad device name {name!r}: {error}").format(
            name=name, error=exc)) from None
    if kind == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise TrainingError(translate("training", "device {name!r} is not available: only %n CUDA device(s)", None,
                                      torch.cuda.device_count()).format(name=name))
    return device

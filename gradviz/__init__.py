"""gradviz: see PyTorch's autograd graph, step through forward and backward passes.

As a library: ``with gradviz.record() as rec: ...``, ``rec.save(path)``, ``gradviz.show(rec)``,
``gradviz.load(path)`` (see :mod:`gradviz.api`). Importing gradviz loads neither torch nor Qt:
the names below are imported when first used.
"""

__version__ = "0.1.0"

__all__ = ["Recording", "load", "record", "show"]


def __getattr__(name: str):
    if name in __all__:
        from gradviz import api

        return getattr(api, name)
    raise AttributeError(f"module 'gradviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

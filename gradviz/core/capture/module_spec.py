"""``path.py:ClassName``: naming a user's nn.Module class without loading it (no torch here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gradviz.core.i18n import translate
from gradviz.core.run.request import ModuleSpec


class ModuleLoadError(Exception):
    """The module file or class could not be loaded; the message says what to fix."""


def parse_spec(spec: str) -> tuple[Path, str]:
    """Split ``path.py:ClassName``; raise ModuleLoadError when it is not of that form."""
    path_text, sep, class_name = spec.rpartition(":")
    if not sep or not path_text.endswith(".py") or not class_name.isidentifier():
        raise ModuleLoadError(translate("capture", "'{spec}' is not of the form path/to/file.py:ClassName").format(
            spec=spec))
    return Path(path_text), class_name


@dataclass(frozen=True)
class LoadedModule:
    """A user's class the app has opened: where it is, and the program that builds and runs it."""

    spec: ModuleSpec
    program: str
    root: str = ""  # the output drawn as the graph's root ("out.logits"); "" for the default
    subject = "model"  # the variable the program keeps the model in

    @property
    def path(self) -> Path:
        return Path(self.spec.path)

    @property
    def class_name(self) -> str:
        return self.spec.class_name

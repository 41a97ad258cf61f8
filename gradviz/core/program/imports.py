"""The import lines tutorials start with, accepted as assignments of the allowed namespaces.

``import torch.nn as nn`` binds the same object the language already offers as ``nn``;
``from torch import nn`` reads ``nn`` from torch through the allow-list. Nothing is ever
imported: the names are looked up in :data:`.namespaces.NAMESPACES`.
"""

from __future__ import annotations

import ast

from gradviz.core.i18n import translate
from gradviz.core.program.namespaces import NAMESPACES, names_of

ACCEPTED = ("import torch, import torch.nn as nn, import torch.nn.functional as F, "
            "import torch.optim as optim, import math")


def refusal(node: ast.Import | ast.ImportFrom) -> str | None:
    """Why an import line is refused, or None when it is one of the accepted forms."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name not in NAMESPACES:
                return _refused_module(alias.name, False)
        return None
    module = node.module or ""
    if node.level or module not in NAMESPACES:
        return _refused_module("." * node.level + module, True)
    allowed = names_of(NAMESPACES[module])
    for alias in node.names:
        if alias.name == "*":
            message = translate("language", "import of '*' from {module} is refused: name what you import; "
                                            "gradviz accepts {accepted}, or 'from torch import nn' and the like")
            return message.format(module=module, accepted=ACCEPTED)
        if alias.name not in allowed:
            message = translate("language", "import of '{module}.{name}' is refused: it is not one of the names "
                                            "gradviz programs may use from {module}; gradviz accepts {accepted}, "
                                            "or 'from torch import nn' and the like")
            return message.format(module=module, name=alias.name, accepted=ACCEPTED)
    return None


def _refused_module(name: str, from_import: bool) -> str:
    if name.split(".")[0] in ("numpy", "np"):
        return translate("language", "numpy is not available in gradviz programs: torch has the same functions "
                                     "(torch.linspace, torch.sin, torch.tensor([...]); tensor.tolist() gives plain "
                                     "numbers)")
    if from_import:
        message = translate("language", "import from '{module}' is refused: gradviz programs cannot import other "
                                        "modules; they accept {accepted}, or 'from torch import nn' and the like "
                                        "(torch, F, nn and math are already there)")
    else:
        message = translate("language", "import of '{module}' is refused: gradviz programs cannot import other "
                                        "modules; they accept {accepted}, or 'from torch import nn' and the like "
                                        "(torch, F, nn and math are already there)")
    return message.format(module=name, accepted=ACCEPTED)


def bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str, str | None]]:
    """``(variable, namespace, name)`` per name the line binds: ``name`` None binds the namespace."""
    out: list[tuple[str, str, str | None]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, alias.name, None))
            else:  # `import torch.nn` binds torch, as Python does
                top = alias.name.split(".")[0]
                out.append((top, top, None))
        return out
    for alias in node.names:
        out.append((alias.asname or alias.name, node.module or "", alias.name))
    return out

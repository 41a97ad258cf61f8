"""Recording files (``.gradviz-rec``): a captured Trace saved to disk, opened again without a re-run.

The file is a short text header (``gradviz recording``, then the format version) followed by
one message of gradviz's data-only wire format (:mod:`gradviz.core.run.codec`: JSON and
numeric arrays, every record checked against its type, never pickle), holding the Trace,
a title and the gradviz version that wrote it. Loading checks all of it: a damaged or
foreign file is a :class:`RecordingError` with a message, never a crash or code run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gradviz.core import user_files
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import Trace

SUFFIX = ".gradviz-rec"
MAGIC = b"gradviz recording\n"
FORMAT = 1
# A recording holds what a capture keeps (values over 10,000 elements as summaries): a 10,000-node
# graph's is a few MB, so a GB is no recording.
MAX_RECORDING_BYTES = 1 << 30
#: What a recording cannot do, said wherever one is shown: these need the program run again.
#: Marked for the catalogue; :func:`needs_rerun` gives it in the user's language.
NEEDS_RERUN = QT_TRANSLATE_NOOP("recording", "editing values, the gradient check and \"why is my grad None?\" "
                                             "need the program run again, which a recording cannot do")


def needs_rerun() -> str:
    """:data:`NEEDS_RERUN` in the user's language."""
    return translate("recording", NEEDS_RERUN)


class RecordingError(ValueError):
    """The file is not a gradviz recording, or a damaged one; the message says which."""


@dataclass(frozen=True)
class RecordingFile:
    """What a recording file holds."""

    trace: Trace
    title: str = ""
    version: str = ""  # the gradviz that wrote it


def to_bytes(trace: Trace, title: str = "") -> bytes:
    """``trace`` as the bytes of a recording file."""
    from gradviz import __version__
    from gradviz.core.run import codec, messages  # noqa: F401 - messages registers the Trace's codec

    body = codec.encode({"title": title, "gradviz": __version__, "trace": trace})
    return MAGIC + f"{FORMAT}\n".encode() + body


def from_bytes(data: bytes) -> RecordingFile:
    """The recording in ``data``; RecordingError for anything else."""
    from gradviz.core.run import codec, messages  # noqa: F401

    if not data.startswith(MAGIC):
        raise RecordingError(translate("recording", "this is not a gradviz recording (it does not start with "
                                                    "'gradviz recording')"))
    rest = data[len(MAGIC):]
    line, newline, body = rest.partition(b"\n")
    if not newline or not line.isdigit():
        raise RecordingError(translate("recording", "the recording's header is damaged (no format version)"))
    version = int(line)
    if version > FORMAT:
        message = translate("recording", "the recording has format {version}, newer than this gradviz reads "
                                         "({format}): update gradviz to open it")
        raise RecordingError(message.format(version=version, format=FORMAT))
    try:
        value = codec.decode(body)
    except codec.DecodeError as exc:
        raise RecordingError(translate("recording", "the recording is damaged: {error}").format(error=exc)) from None
    if not isinstance(value, dict) or not isinstance(value.get("trace"), Trace):
        raise RecordingError(translate("recording", "the recording holds no graph"))
    title, wrote = value.get("title", ""), value.get("gradviz", "")
    if not isinstance(title, str) or not isinstance(wrote, str):
        raise RecordingError(translate("recording", "the recording's description is damaged"))
    return RecordingFile(value["trace"], title, wrote)


def save(trace: Trace, path: str | os.PathLike[str], title: str = "") -> Path:
    """Write ``trace`` as a recording at ``path`` (``.gradviz-rec`` added when it has no suffix)."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(SUFFIX)
    data = to_bytes(trace, title)
    with user_files.written_whole(path) as part:  # a reader never sees half a file
        part.write_bytes(data)
    return path


def load(path: str | os.PathLike[str]) -> RecordingFile:
    """Read the recording at ``path``; RecordingError (or OSError) when it cannot be."""
    return from_bytes(user_files.read_bytes(path, MAX_RECORDING_BYTES))


def is_recording_path(text: str) -> bool:
    """True for a file name ending in ``.gradviz-rec``."""
    return text.lower().endswith(SUFFIX)

"""Files the user points gradviz at (a program, a lesson, a recording, an export): read only
when they are files and only so far, written whole.

A link to /dev/zero reports a size of 0 and never ends: read whole, it took memory until the
process died; a named pipe blocks whoever opens it. Only regular files are read, and no more
than the limit a file of that kind could need. A file is written beside its name and renamed
once complete, so a reader never sees half of it and a failure leaves none.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gradviz.core.i18n import translate

# A program file: the language takes 200,000 characters at most; past this it is no program.
PROGRAM_FILE_BYTES = 16 << 20


class NotReadable(OSError):
    """A file gradviz will not read; its text says why, without an error number."""

    def __str__(self) -> str:
        return str(self.strerror)


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path``; OSError (FileNotFoundError when there is none)
    when it is something else or holds more than ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a pipe does not block the open
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotReadable(errno.EINVAL, translate("files", "it is not a file of text or data (a device, a pipe or "
                                                           "a folder)"))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(errno.EFBIG, translate("files", "it holds more than {megabytes} MB, more than a file of this "
                                                      "kind ever needs").format(megabytes=limit >> 20))
    return data


def read_text(path: str | os.PathLike[str], limit: int) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a BOM is dropped); UnicodeDecodeError when it is not."""
    return read_bytes(path, limit).decode("utf-8-sig")


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A path beside ``path`` to write; renamed to ``path`` when the block ends, removed if it raised."""
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)

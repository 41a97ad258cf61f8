"""Length-prefixed frames on pipes: how messages cross between the app, the runner and a run.

A frame is a small header and a payload of bytes. The runner never decodes what a run
sends: it only counts and forwards the bytes, tagged with the job they came from and with
who wrote them (the run, or the runner itself), so a run cannot speak for the runner.
"""

from __future__ import annotations

import os
import struct

#: Frames from a run to the runner: payload length.
RUN_HEADER = struct.Struct("<I")
#: Frames between the app and the runner: job id, origin, payload length.
LINK_HEADER = struct.Struct("<IBI")

FROM_RUN = 0  # a run's own message, forwarded untouched
FROM_RUNNER = 1  # the runner's word about a job (it started, it ended and how)

#: The largest frame anyone accepts; bigger means a broken or hostile writer.
MAX_FRAME = 1 << 31


class FrameError(Exception):
    """The stream is not a sequence of well-formed frames."""


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of ``data`` to ``fd`` (pipes take big writes in pieces)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes from ``fd``; None at end of file before the first byte."""
    chunks = []
    got = 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if got == 0:
                return None
            raise FrameError("stream ended inside a frame")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _send(fd: int, header: bytes, payload: bytes) -> None:
    # One write for small frames (the common case); big payloads are not copied to join them.
    if len(payload) < 65536:
        write_all(fd, header + payload)
    else:
        write_all(fd, header)
        write_all(fd, payload)


def send_run_frame(fd: int, payload: bytes) -> None:
    """From a run: one message to the runner."""
    _send(fd, RUN_HEADER.pack(len(payload)), payload)


def send_link_frame(fd: int, job: int, origin: int, payload: bytes) -> None:
    """Between the app and the runner: one message about ``job``."""
    _send(fd, LINK_HEADER.pack(job, origin, len(payload)), payload)


def read_link_frame(fd: int) -> tuple[int, int, bytes] | None:
    """(job, origin, payload) from ``fd``; None at end of file."""
    header = read_exact(fd, LINK_HEADER.size)
    if header is None:
        return None
    job, origin, n = LINK_HEADER.unpack(header)
    if n > MAX_FRAME:
        raise FrameError(f"frame of {n} bytes is too big")
    payload = read_exact(fd, n) if n else b""
    if payload is None:
        raise FrameError("stream ended inside a frame")
    return job, origin, payload


class RunFrameBuffer:
    """Splits the bytes a run writes into its frames, as they arrive in pieces.

    The runner reads a run's pipe without blocking (several runs at once), so frames come
    in arbitrary slices; ``feed`` returns the payloads completed so far.
    """

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        out = []
        while len(self._buf) >= RUN_HEADER.size:
            (n,) = RUN_HEADER.unpack_from(self._buf, 0)
            if n > self.max_frame:
                raise FrameError(f"frame of {n} bytes is too big")
            end = RUN_HEADER.size + n
            if len(self._buf) < end:
                break
            out.append(bytes(self._buf[RUN_HEADER.size:end]))
            del self._buf[:end]
        return out

    @property
    def pending(self) -> int:
        """Bytes of an unfinished frame."""
        return len(self._buf)

"""The OS wall a forked child puts around itself (gradviz.core.run.sandbox).

Every test that walls a process in forks a child first: the wall cannot be taken down, and
the pytest process must stay free. The child reports through a pipe opened before the wall
(which is exactly what the runner's result pipe will do) and leaves with ``os._exit``.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import re
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

import gradviz
from gradviz.core.run import sandbox
from gradviz.core.run.sandbox import Wall, WallError, apply_wall, default_readable, probe

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the OS wall is Linux-only"),
    # Python 3.12+ warns on every fork of a process with threads, and torch starts one at import.
    pytest.mark.filterwarnings("ignore:This process .*is multi-threaded:DeprecationWarning"),
]

REPO = Path(__file__).resolve().parents[3]
MACHINE = platform.machine().lower()
MB = 1 << 20


# --------------------------------------------------------------------------------------
# What the kernel has, found without the module under test
# --------------------------------------------------------------------------------------


def _kernel_landlock_abi() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_long(0), ctypes.c_long(1))
    return max(0, abi)


def _kernel_has_seccomp() -> bool:
    return "Seccomp:" in Path("/proc/self/status").read_text()


KERNEL_ABI = _kernel_landlock_abi() if sys.platform.startswith("linux") else 0
KNOWN_ARCH = MACHINE in ("x86_64", "aarch64") and sys.maxsize > 2**32

needs_landlock = pytest.mark.skipif(KERNEL_ABI < 1, reason="this kernel has no (enabled) Landlock")
needs_seccomp = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and _kernel_has_seccomp() and KNOWN_ARCH),
    reason="no seccomp on this kernel, or an architecture the filter does not know",
)
needs_x86_64 = pytest.mark.skipif(MACHINE != "x86_64", reason="system-call numbers below are x86_64's")


# --------------------------------------------------------------------------------------
# Forking a walled child
# --------------------------------------------------------------------------------------


@dataclass
class Child:
    status: int
    report: dict[str, Any] | None

    @property
    def value(self) -> Any:
        """What the child's body returned; fails the test if the child did not get that far."""
        assert os.WIFEXITED(self.status) and os.WEXITSTATUS(self.status) == 0, f"child status {self.status:#x}"
        assert self.report is not None, "the child sent no report"
        assert "error" not in self.report, self.report["error"]
        return self.report["value"]


def run_walled(
    body: Callable[[Any], Any],
    *,
    before: Callable[[], Any] | None = None,
    readable: tuple[Path, ...] | None = None,
    memory_bytes: int | None = None,
    file_size_bytes: int = 0,
    timeout_s: float = 20.0,
    wall: Callable[..., Wall | None] = apply_wall,
) -> Child:
    """Fork; in the child run ``before()``, apply the wall, run ``body(before's result)``; report back."""
    readable = default_readable() if readable is None else readable
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            report: dict[str, Any] = {}
            try:
                state = before() if before else None
                applied = wall(readable, memory_bytes=memory_bytes, file_size_bytes=file_size_bytes)
                report["wall"] = asdict(applied) if applied else None
                report["value"] = body(state)
            except BaseException as exc:  # noqa: BLE001 - whatever happens must reach the parent
                report["error"] = f"{type(exc).__name__}: {exc}"
            data = memoryview(json.dumps(report, default=repr).encode())
            while data:
                data = data[os.write(write_end, data) :]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], timeout_s)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"the walled child did not finish within {timeout_s} s")
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    return Child(status, json.loads(data) if data else None)


def attempt(action: Callable[[], Any]) -> str:
    """``"ok"``, or the errno name (``"EACCES"``) or exception name the action failed with."""
    try:
        action()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, type(exc).__name__) if exc.errno else type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - the name is the answer
        return type(exc).__name__
    return "ok"


def _status_fields() -> dict[str, str]:
    lines = Path("/proc/self/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


# --------------------------------------------------------------------------------------
# The wall as a whole
# --------------------------------------------------------------------------------------


@needs_landlock
@needs_seccomp
def test_every_mechanism_is_applied_here():
    def body(_):
        fields = _status_fields()
        return {
            "no_new_privs": fields["NoNewPrivs"],
            "seccomp_mode": fields["Seccomp"],
            "core": resource.getrlimit(resource.RLIMIT_CORE),
            "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
        }

    child = run_walled(body)
    assert child.value == {"no_new_privs": "1", "seccomp_mode": "2", "core": [0, 0], "fsize": [0, 0]}
    assert child.report["wall"] == {
        "landlock_abi": KERNEL_ABI,
        "files": True,
        "network": True,
        "signals": True,
        "seccomp": True,
        "memory_bytes": None,
        "notes": [],
    }


@needs_landlock
@needs_seccomp
def test_probe_reports_this_machine_and_leaves_the_caller_free(tmp_path):
    before = _status_fields()
    assert probe() == Wall(KERNEL_ABI, True, True, True, True, None, ())
    after = _status_fields()
    assert (after["NoNewPrivs"], after["Seccomp"]) == (before["NoNewPrivs"], before["Seccomp"])
    (tmp_path / "still-writable").write_text("yes")
    assert Path("/etc/passwd").read_text()


def test_probe_elsewhere_says_there_is_no_wall(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    wall = probe()
    assert (wall.landlock_abi, wall.files, wall.network, wall.signals, wall.seccomp) == (0, False, False, False, False)
    assert wall.notes == ("no OS wall on darwin: Landlock and seccomp are Linux features",)


def test_a_multithreaded_process_is_refused_before_anything_is_applied():
    refusals = []

    def wall_with_a_thread_running(readable, **limits):
        release = threading.Event()
        threading.Thread(target=release.wait, daemon=True).start()
        try:
            return apply_wall(readable, **limits)
        except WallError as exc:
            refusals.append(str(exc))
            return None
        finally:
            release.set()

    def body(_):
        return {
            "refusals": refusals,
            "no_new_privs": _status_fields()["NoNewPrivs"],
            "core": resource.getrlimit(resource.RLIMIT_CORE),
            "passwd": attempt(lambda: Path("/etc/passwd").read_text()),
        }

    value = run_walled(body, wall=wall_with_a_thread_running).value
    assert len(value["refusals"]) == 1
    assert value["refusals"][0].startswith("the process has 2 threads")
    assert value["no_new_privs"] == _status_fields()["NoNewPrivs"]
    assert value["core"] == list(resource.getrlimit(resource.RLIMIT_CORE))
    assert value["passwd"] == "ok"


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


@needs_landlock
def test_only_the_readable_paths_can_be_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")

    def body(_):
        return {
            "passwd": attempt(lambda: open("/etc/passwd").read()),
            "tmp_file": attempt(lambda: secret.read_text()),
            "tmp_dir": attempt(lambda: os.listdir(tmp_path)),
            "home": attempt(lambda: os.listdir(Path.home())),
            "repository": attempt(lambda: (REPO / "pyproject.toml").read_text()),
            "package": attempt(lambda: Path(gradviz.__file__).read_text()),
            "stdlib_source": attempt(lambda: Path(os.__file__).with_name("this.py").read_text()),
        }

    assert run_walled(body).value == {
        "passwd": "EACCES",
        "tmp_file": "EACCES",
        "tmp_dir": "EACCES",
        "home": "EACCES",
        "repository": "EACCES",
        "package": "ok",
        "stdlib_source": "ok",
    }


@needs_landlock
def test_readable_means_read_only(tmp_path):
    existing = tmp_path / "existing.txt"
    existing.write_text("before")

    def body(_):
        return {
            "read": existing.read_text(),
            "list": sorted(os.listdir(tmp_path)),
            "create": attempt(lambda: open(tmp_path / "new.txt", "w")),
            "overwrite": attempt(lambda: open(existing, "w")),
            "append": attempt(lambda: open(existing, "a")),
            "mkdir": attempt(lambda: os.mkdir(tmp_path / "dir")),
            "unlink": attempt(lambda: os.unlink(existing)),
            "rename": attempt(lambda: os.rename(existing, tmp_path / "renamed.txt")),
            "symlink": attempt(lambda: os.symlink(existing, tmp_path / "link")),
            "truncate": attempt(lambda: os.truncate(existing, 0)),
        }

    value = run_walled(body, readable=default_readable([tmp_path])).value
    assert value == {
        "read": "before",
        "list": ["existing.txt"],
        "create": "EACCES",
        "overwrite": "EACCES",
        "append": "EACCES",
        "mkdir": "EACCES",
        "unlink": "EACCES",
        "rename": "EACCES",
        "symlink": "EACCES",
        "truncate": "EPERM",  # seccomp refuses truncate() by path before Landlock looks
    }
    assert sorted(os.listdir(tmp_path)) == ["existing.txt"]
    assert existing.read_text() == "before"


@needs_landlock
def test_a_file_given_as_readable_gets_file_rights_only(tmp_path):
    single = tmp_path / "single.txt"
    single.write_text("alone")
    (tmp_path / "sibling.txt").write_text("not granted")

    def body(_):
        return [single.read_text(), attempt(lambda: (tmp_path / "sibling.txt").read_text())]

    assert run_walled(body, readable=default_readable([single])).value == ["alone", "EACCES"]


def test_a_file_opened_before_the_wall_cannot_grow(tmp_path):
    target = tmp_path / "opened-before.txt"

    def before():
        return os.open(target, os.O_WRONLY | os.O_CREAT, 0o644)

    def body(fd):
        return attempt(lambda: os.write(fd, b"x"))

    assert run_walled(body, before=before).value == "EFBIG"
    assert target.read_bytes() == b""

    assert run_walled(lambda fd: os.write(fd, b"12345678"), before=before, file_size_bytes=4).value == 4
    assert target.read_bytes() == b"1234"


@needs_seccomp
def test_root_cannot_change_metadata_landlock_does_not_cover(tmp_path):
    target = tmp_path / "meta.txt"
    target.write_text("x")
    target.chmod(0o644)
    before = target.stat()

    def body(_):
        return {
            "chmod": attempt(lambda: os.chmod(target, 0o777)),
            "chown": attempt(lambda: os.chown(target, 1, 1)),
            "utime": attempt(lambda: os.utime(target, (0, 0))),
            "setxattr": attempt(lambda: os.setxattr(target, "user.gradviz", b"1")),
        }

    assert run_walled(body).value == {"chmod": "EPERM", "chown": "EPERM", "utime": "EPERM", "setxattr": "EPERM"}
    after = target.stat()
    assert (after.st_mode, after.st_uid, after.st_gid, after.st_mtime_ns) == (
        before.st_mode,
        before.st_uid,
        before.st_gid,
        before.st_mtime_ns,
    )


# --------------------------------------------------------------------------------------
# Processes, programs, signals
# --------------------------------------------------------------------------------------


@needs_seccomp
def test_no_process_and_no_program_can_be_started(tmp_path):
    marker = tmp_path / "touched"

    def body(_):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        clone3 = libc.syscall(ctypes.c_long(435), None, ctypes.c_long(0))
        return {
            "system": os.system(f"touch {marker}"),
            "subprocess": attempt(lambda: subprocess.run(["true"], check=False)),
            "fork": attempt(os.fork),
            "execv": attempt(lambda: os.execv("/bin/true", ["true"])),
            "clone3": [clone3, errno.errorcode[ctypes.get_errno()]],
        }

    value = run_walled(body).value
    assert value["system"] != 0
    assert value["subprocess"] == "EPERM"
    assert value["fork"] == "EPERM"
    assert value["execv"] == "EPERM"
    assert value["clone3"] == [-1, "ENOSYS"]
    assert not marker.exists()


@needs_seccomp
def test_signals_reach_only_the_process_itself():
    helper = subprocess.Popen(["sleep", "30"])
    try:

        def body(_):
            received = []
            signal.signal(signal.SIGUSR1, lambda signum, frame: received.append(signum))
            outcome = {
                "helper": attempt(lambda: os.kill(helper.pid, signal.SIGTERM)),
                "parent": attempt(lambda: os.kill(os.getppid(), 0)),
                "group": attempt(lambda: os.kill(0, 0)),
                "itself_kill": attempt(lambda: os.kill(os.getpid(), signal.SIGUSR1)),
                "itself_raise": attempt(lambda: signal.raise_signal(signal.SIGUSR1)),
            }
            outcome["received"] = len(received)
            return outcome

        assert run_walled(body).value == {
            "helper": "EPERM",
            "parent": "EPERM",
            "group": "EPERM",
            "itself_kill": "ok",
            "itself_raise": "ok",
            "received": 2,
        }
        assert helper.poll() is None
    finally:
        helper.kill()
        helper.wait()


@needs_seccomp
def test_threads_can_still_be_started():
    def body(_):
        results = []
        threads = [threading.Thread(target=results.append, args=(n * n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(results)

    assert run_walled(body).value == [0, 1, 4, 9]


# --------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------


@needs_seccomp
def test_no_network_even_through_sockets_made_before_the_wall():
    listener = socket.create_server(("127.0.0.1", 0))
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    listener.setblocking(False)
    receiver.setblocking(False)
    try:

        def before():
            return socket.socket(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

        def body(sockets):
            tcp, udp = sockets
            return {
                "socket": attempt(socket.socket),
                "unix": attempt(lambda: socket.socket(socket.AF_UNIX)),
                "socketpair": attempt(socket.socketpair),
                "connect": attempt(lambda: tcp.connect(listener.getsockname())),
                "sendto": attempt(lambda: udp.sendto(b"x", receiver.getsockname())),
            }

        value = run_walled(body, before=before).value
        assert value == {
            "socket": "EPERM",
            "unix": "EPERM",
            "socketpair": "EPERM",
            "connect": "EPERM",
            "sendto": "EPERM",
        }
        with pytest.raises(BlockingIOError):
            listener.accept()
        with pytest.raises(BlockingIOError):
            receiver.recv(16)
    finally:
        listener.close()
        receiver.close()


def landlock_only(readable, **_limits):
    """Landlock and nothing else (no seccomp behind it), to see what Landlock alone refuses."""
    sandbox._set_no_new_privs()
    sandbox._apply_landlock(KERNEL_ABI, readable)


@pytest.mark.skipif(KERNEL_ABI < 6, reason="Landlock refuses TCP from ABI 4 and scopes signals from ABI 6")
def test_landlock_alone_refuses_tcp_abstract_sockets_and_signals_outside():
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    abstract_name = f"\0gradviz-sandbox-test-{os.getpid()}"
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(abstract_name)
    abstract.listen()
    abstract.setblocking(False)
    helper = subprocess.Popen(["sleep", "30"])
    try:

        def body(_):
            tcp = socket.socket()
            unix = socket.socket(socket.AF_UNIX)
            return {
                "connect": attempt(lambda: tcp.connect(listener.getsockname())),
                "bind": attempt(lambda: socket.socket().bind(("127.0.0.1", 0))),
                "abstract": attempt(lambda: unix.connect(abstract_name)),
                "helper": attempt(lambda: os.kill(helper.pid, signal.SIGTERM)),
                "parent": attempt(lambda: os.kill(os.getppid(), 0)),
                "itself": attempt(lambda: os.kill(os.getpid(), 0)),
            }

        assert run_walled(body, wall=landlock_only).value == {
            "connect": "EACCES",
            "bind": "EACCES",
            "abstract": "EPERM",
            "helper": "EPERM",
            "parent": "EPERM",
            "itself": "ok",
        }
        assert helper.poll() is None
        for server in (listener, abstract):
            with pytest.raises(BlockingIOError):
                server.accept()
    finally:
        helper.kill()
        helper.wait()
        listener.close()
        abstract.close()


@pytest.mark.parametrize(
    ("abi", "fs", "net", "scoped", "size"),
    [
        (1, 0x1FFF, 0, 0, 8),
        (2, 0x3FFF, 0, 0, 8),
        (3, 0x7FFF, 0, 0, 8),
        (4, 0x7FFF, 0b11, 0, 16),
        (5, 0xFFFF, 0b11, 0, 16),
        (6, 0xFFFF, 0b11, 0b11, 24),
        (7, 0xFFFF, 0b11, 0b11, 24),
    ],
)
def test_the_ruleset_handles_what_each_abi_knows(abi, fs, net, scoped, size):
    attr, attr_size = sandbox._ruleset_attr(abi)
    assert (attr.handled_access_fs, attr.handled_access_net, attr.scoped, attr_size) == (fs, net, scoped, size)
    assert ctypes.sizeof(sandbox._RulesetAttr) == 24
    assert ctypes.sizeof(sandbox._PathBeneathAttr) == 12


def test_older_landlock_is_explained_in_notes():
    assert sandbox._landlock_gaps(7, seccomp=True) == []
    assert sandbox._landlock_gaps(4, seccomp=True) == [
        "Landlock ABI 4 cannot refuse ioctl() on device files (needs ABI 5, Linux 6.10)"
    ]
    assert len(sandbox._landlock_gaps(1, seccomp=False)) == 4


# --------------------------------------------------------------------------------------
# Kernel interfaces
# --------------------------------------------------------------------------------------


@needs_seccomp
@needs_x86_64
def test_kernel_interfaces_are_refused():
    # Arguments chosen so that, without the filter, each call fails with another errno or
    # succeeds harmlessly: EPERM can only come from the wall.
    calls = {
        "ptrace": (101, -1, 0, 0, 0),  # bad request: EIO
        "unshare": (272, 0),  # no flags: succeeds
        "setns": (308, -1, 0),  # EBADF
        "bpf": (321, -1, 0, 0),  # EINVAL
        "perf_event_open": (298, 0, 0, -1, -1, 0),  # EFAULT
        "io_uring_setup": (425, 0, 0),  # EINVAL/EFAULT
        "keyctl": (250, 9999),  # EOPNOTSUPP
        "open_by_handle_at": (304, -1, 0, 0),  # EBADF
        "process_vm_readv": (310, 1, 0, 0, 0, 0, 0),  # zero iovecs: succeeds
        "pidfd_send_signal": (424, -1, 0, 0, 0),  # EBADF
        "fsopen": (430, 0, 0),  # EFAULT
        "setrlimit": (160, 4, 0),  # EFAULT
    }

    def body(_):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        outcome = {}
        for name, (number, *args) in calls.items():
            result = libc.syscall(ctypes.c_long(number), *(ctypes.c_long(arg) for arg in args))
            outcome[name] = errno.errorcode[ctypes.get_errno()] if result == -1 else result
        read_end, _ = os.pipe()
        char = ctypes.c_char(b"x")
        libc.ioctl(read_end, ctypes.c_ulong(0x5412), ctypes.byref(char))  # TIOCSTI
        outcome["ioctl_TIOCSTI"] = errno.errorcode[ctypes.get_errno()]
        return outcome

    assert run_walled(body).value == {name: "EPERM" for name in [*calls, "ioctl_TIOCSTI"]}


@needs_seccomp
@needs_x86_64
def test_a_system_call_of_the_x32_abi_kills_the_process():
    def body(_):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall(ctypes.c_long(0x40000000 | 39))  # x32 getpid
        return "survived"

    child = run_walled(body)
    assert os.WIFSIGNALED(child.status) and os.WTERMSIG(child.status) == signal.SIGSYS
    assert child.report is None


# --------------------------------------------------------------------------------------
# What must keep working
# --------------------------------------------------------------------------------------


def _is_extension_file(name: str) -> bool:
    spec = find_spec(name)
    return spec is not None and (spec.origin or "").endswith(tuple(EXTENSION_SUFFIXES))


@needs_landlock
@needs_seccomp
def test_python_keeps_what_it_needs(tmp_path):
    # An extension module no other test imports, so that its shared library is opened here.
    extension = next(
        name
        for name in ("_testbuffer", "_testimportmultiple", "xxlimited", "cmath", "_lzma", "_bz2", "mmap", "_csv")
        if name not in sys.modules and _is_extension_file(name)
    )
    extra_read, extra_write = os.pipe()

    def reimport(name):
        # Forgotten first, so the import reads the module from disk again.
        sys.modules.pop(name, None)
        return __import__(name)

    def body(_):
        os.write(extra_write, b"hello through the pipe")
        return {
            "python_module": attempt(lambda: reimport("colorsys").rgb_to_hsv(1, 0, 0)),
            "extension": attempt(lambda: __import__(extension)),
            "urandom": len(os.urandom(16)),
            "dev_urandom": len(open("/dev/urandom", "rb").read(8)),
            "dev_null": open("/dev/null").read(),
            "proc_self": "VmSize" in Path("/proc/self/status").read_text(),
            "cpus_online": attempt(lambda: Path("/sys/devices/system/cpu/online").read_text()),
            "getrlimit": resource.getrlimit(resource.RLIMIT_CORE),
        }

    try:
        value = run_walled(body).value
        os.close(extra_write)
        assert os.read(extra_read, 100) == b"hello through the pipe"
    finally:
        os.close(extra_read)
    assert value == {
        "python_module": "ok",
        "extension": "ok",
        "urandom": 16,
        "dev_urandom": 8,
        "dev_null": "",
        "proc_self": True,
        "cpus_online": "ok",
        "getrlimit": [0, 0],
    }


@needs_landlock
@needs_seccomp
def test_torch_and_autograd_work_behind_the_wall():
    import torch

    def body(_):
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        return {"grad": x.grad.tolist(), "sum": (torch.ones(3) * 2).sum().item()}

    assert run_walled(body).value == {"grad": [2.0, 4.0, 6.0], "sum": 6.0}


# libgomp is not fork-safe: a child forked from a process that has already run an OpenMP
# team hangs in its next parallel region (pytest may have run other torch tests first).
# The runner has the same constraint; this runs the check in a fresh interpreter that, like
# the runner should, never starts a team before forking.
_THREADS_IN_FRESH_RUNNER = r"""
import json, os, select, signal, sys
import torch
from gradviz.core.run.sandbox import apply_wall, default_readable

torch.set_num_threads(1)
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    report = {}
    try:
        wall = apply_wall(default_readable(), memory_bytes=1 << 30)
        report["seccomp"], report["files"] = wall.seccomp, wall.files
        torch.manual_seed(0)
        torch.set_num_threads(2)
        a = torch.randn(512, 512, dtype=torch.float64)
        report["matmul_close"] = bool(torch.allclose(a @ a, torch.from_numpy(a.numpy() @ a.numpy())))
        report["num_threads"] = torch.get_num_threads()
        report["threads_in_process"] = len(os.listdir("/proc/self/task"))
    except BaseException as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"
    os.write(write_end, json.dumps(report).encode())
    os._exit(0)
os.close(write_end)
if not select.select([read_end], [], [], 60)[0]:
    os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print(os.read(read_end, 65536).decode())
"""


@needs_landlock
@needs_seccomp
def test_torch_starts_its_threads_behind_the_wall():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("OMP_NUM_THREADS", None)
    out = subprocess.run(
        [sys.executable, "-c", _THREADS_IN_FRESH_RUNNER],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report == {
        "seccomp": True,
        "files": True,
        "matmul_close": True,
        "num_threads": 2,
        "threads_in_process": report.get("threads_in_process"),
    }
    assert report["threads_in_process"] >= 2


# --------------------------------------------------------------------------------------
# Memory and limits
# --------------------------------------------------------------------------------------


def test_a_memory_budget_stops_big_allocations_and_cannot_be_lifted():
    def body(_):
        return {
            "one_gigabyte": attempt(lambda: bytearray(1 << 30)),
            "ten_megabytes": attempt(lambda: bytearray(10 * MB)),
            "lift": attempt(
                lambda: resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            ),
            "limit": resource.getrlimit(resource.RLIMIT_AS),
        }

    child = run_walled(body, memory_bytes=200 * MB)
    value = child.value
    assert value["one_gigabyte"] == "MemoryError"
    assert value["ten_megabytes"] == "ok"
    assert child.report["wall"]["memory_bytes"] == 200 * MB
    soft, hard = value["limit"]
    assert soft == hard != resource.RLIM_INFINITY
    if child.report["wall"]["seccomp"]:
        assert value["lift"] == "ValueError"  # CPython's message for EPERM: not allowed to raise maximum limit


def test_limits_already_lower_are_kept():
    def before():
        mapped = sandbox._mapped_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + 100 * MB, mapped + 100 * MB))
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        return mapped + 100 * MB

    def body(lower_limit):
        return {
            "as": resource.getrlimit(resource.RLIMIT_AS),
            "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
            "lower_limit": lower_limit,
        }

    child = run_walled(body, before=before, memory_bytes=1 << 30, file_size_bytes=1000)
    value = child.value
    assert value["as"] == [value["lower_limit"]] * 2
    assert value["fsize"] == [0, 0]
    assert 0 < child.report["wall"]["memory_bytes"] <= 100 * MB


# --------------------------------------------------------------------------------------
# default_readable
# --------------------------------------------------------------------------------------


def test_default_readable_is_the_installation_not_the_user():
    paths = default_readable()
    torch_dir = Path(next(iter(find_spec("torch").submodule_search_locations)))
    assert torch_dir in paths
    assert Path(gradviz.__file__).parent in paths
    assert Path(os.__file__).parent in paths
    assert Path("/proc/self") in paths  # unresolved: the child resolves it to its own pid
    assert all(path.is_absolute() and path.exists() for path in paths)
    assert len(set(paths)) == len(paths)
    install = [Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)]

    def inside_install(path: Path) -> bool:
        return any(path == prefix or prefix in path.parents for prefix in install)

    for private in (Path.home(), Path.cwd(), REPO):
        if not inside_install(private):
            assert private not in paths
    assert not {Path("/"), Path("/tmp"), Path("/etc"), Path("/etc/passwd"), Path("/usr"), Path("/proc")} & set(paths)


def test_default_readable_adds_extra_paths_that_exist(tmp_path):
    assert default_readable([tmp_path, tmp_path / "missing"])[-1] == tmp_path
    assert tmp_path / "missing" not in default_readable([tmp_path / "missing"])


# --------------------------------------------------------------------------------------
# The filter itself, for both architectures, run by a small classic-BPF interpreter
# --------------------------------------------------------------------------------------


def run_bpf(program: list[tuple[int, int, int, int]], nr: int, arch: int, args: tuple[int, ...] = ()) -> int:
    """Evaluate a seccomp program on one system call the way the kernel would."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * (6 - len(args))))
    accumulator, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:  # BPF_LD | BPF_W | BPF_ABS
            accumulator = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code in (0x15, 0x35, 0x45):  # BPF_JMP | JEQ/JGE/JSET | BPF_K
            taken = {0x15: accumulator == k, 0x35: accumulator >= k, 0x45: bool(accumulator & k)}[code]
            pc += 1 + (jt if taken else jf)
        elif code == 0x06:  # BPF_RET | BPF_K
            return k
        else:
            raise AssertionError(f"unexpected BPF instruction {code:#x}")


ALLOW, KILL = 0x7FFF0000, 0x80000000
EPERM, ENOSYS = 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
THREAD_FLAGS = 0x3D0F00  # what glibc's pthread_create passes: CLONE_VM | ... | CLONE_THREAD | ...


@pytest.mark.parametrize("arch", [sandbox._X86_64, sandbox._AARCH64], ids=lambda arch: arch.name)
def test_the_filter_decides_as_intended(arch):
    pid = 4242
    program = sandbox._seccomp_program(arch, pid)
    n = arch.numbers

    def decide(name_or_nr, *args, audit_arch=arch.audit_arch):
        nr = n[name_or_nr] if isinstance(name_or_nr, str) else name_or_nr
        return run_bpf(program, nr, audit_arch, args)

    assert len(program) < 256
    other_arch = 0xC00000B7 if arch.audit_arch == 0xC000003E else 0xC000003E
    assert decide(0, audit_arch=other_arch) == KILL
    assert decide(0, audit_arch=0x40000003) == KILL  # i386
    for name in sandbox._DENIED:
        if name in n:
            assert decide(name) == EPERM, name
    assert decide("clone", 17) == EPERM  # fork(): SIGCHLD only
    assert decide("clone", 0x4111) == EPERM  # posix_spawn: CLONE_VM | CLONE_VFORK | SIGCHLD
    assert decide("clone", THREAD_FLAGS) == ALLOW
    assert decide("clone", THREAD_FLAGS | 0x40000000) == EPERM  # a thread in a new network namespace
    assert decide("clone3", 0) == ENOSYS
    for name in ("kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        assert decide(name, pid, 10) == ALLOW, name
        assert decide(name, (1 << 32) | pid, 10) == ALLOW, name  # the kernel reads a 32-bit pid
        assert decide(name, 1, 10) == EPERM, name
        assert decide(name, 0, 10) == EPERM, name
    assert decide("prlimit64", 0, 9, 0, 0x7FFF0000) == ALLOW  # getrlimit
    assert decide("prlimit64", 0, 9, 0x7FFF0000, 0) == EPERM
    assert decide("prlimit64", 0, 9, 1 << 32, 0) == EPERM
    assert decide("sendto", 3, 0x1000, 1, 0, 0, 0) == ALLOW  # send()
    assert decide("sendto", 3, 0x1000, 1, 0, 0x2000, 16) == EPERM
    assert decide("ioctl", 0, 0x5412, 0) == EPERM
    assert decide("ioctl", 0, 0x5401, 0) == ALLOW  # TCGETS
    for allowed in ("read", "write", "openat", "mmap", "futex", "getpid", "memfd_create"):
        assert decide(STANDARD_NUMBERS[arch.name][allowed]) == ALLOW, allowed
    if arch.x32_bit is not None:
        assert decide(arch.x32_bit | 39) == KILL


# A few numbers no entry of the tables above gives, to check that ordinary calls pass.
STANDARD_NUMBERS = {
    "x86_64": {"read": 0, "write": 1, "openat": 257, "mmap": 9, "futex": 202, "getpid": 39, "memfd_create": 319},
    "aarch64": {"read": 63, "write": 64, "openat": 56, "mmap": 222, "futex": 98, "getpid": 172, "memfd_create": 279},
}


def _header_numbers(path: Path) -> dict[str, int]:
    numbers = {}
    for name, number in re.findall(r"^#define __NR(?:3264)?_(\w+)\s+(\d+)\s*$", path.read_text(), re.MULTILINE):
        numbers.setdefault(name, int(number))
    return numbers


@pytest.mark.parametrize(
    ("arch", "header"),
    [
        (sandbox._X86_64, Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")),
        (sandbox._AARCH64, Path("/usr/include/asm-generic/unistd.h")),
    ],
    ids=["x86_64", "aarch64"],
)
def test_the_tables_agree_with_the_kernel_headers(arch, header):
    if not header.exists():
        pytest.skip(f"{header} is not installed")
    known = _header_numbers(header)
    compared = {name: number for name, number in arch.numbers.items() if name in known}
    assert compared == {name: known[name] for name in compared}
    assert len(compared) >= 80  # headers older than the newest calls lack a few names only
    assert len(set(arch.numbers.values())) == len(arch.numbers)

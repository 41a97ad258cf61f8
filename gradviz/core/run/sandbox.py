"""The second wall: an operating-system sandbox a forked child puts around itself.

The expression language is the first wall: a program can only do what the language lists.
This module is the second, for the day the first one has a hole. A child forked from the
warm runner calls :func:`apply_wall` before it runs the user's program; from then on the
kernel itself refuses, for that process and every thread it starts:

* reading anything but the Python installation, the gradviz/torch/numpy packages, the
  shared libraries and a few files of ``/proc``, ``/sys`` and ``/dev`` (Landlock);
* writing, creating, removing, renaming or executing any file (Landlock), and changing a
  file's mode, owner, extended attributes or times (seccomp: Landlock cannot, and the app
  may well run as root);
* starting a program or a process (seccomp: threads are still allowed);
* opening a socket, and with Landlock ABI 4 any TCP bind/connect (seccomp, Landlock);
* signalling, tracing or reading the memory of another process (seccomp, Landlock ABI 6);
* namespaces, mounts, BPF, io_uring, kernel keys, modules, reboot, clocks (seccomp);
* growing past a memory budget, growing any file, dumping core (resource limits), and
  gaining privileges through set-uid programs (``no_new_privs``).

File descriptors opened before the wall (the pipe the result goes back through) keep
working: Landlock checks a file when it is opened, and the seccomp filter lets ``read``,
``write`` and the like through.

Stdlib only, no Qt and no torch: the runner imports this before anything else. Every
mechanism is optional (:class:`Wall` says what was applied and why the rest was not);
:class:`WallError` means a mechanism the kernel has failed half-way, and then the caller
must not run the program.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import select
import stat
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib.util import find_spec
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: no resource limits at all
    resource = None  # type: ignore[assignment]


_NOT_LINUX = "no OS wall on {}: Landlock and seccomp are Linux features"


class WallError(RuntimeError):
    """A mechanism of the wall exists but could not be applied: do not run the program."""


@dataclass(frozen=True)
class Wall:
    """What :func:`apply_wall` put around a process, or :func:`probe` says it would.

    Attributes
    ----------
    landlock_abi : int
        The kernel's Landlock ABI version; 0 when it has no (enabled) Landlock.
    files : bool
        Landlock restricts the filesystem: read-only beneath the readable paths, nothing
        elsewhere, nothing executed.
    network : bool
        Network access is refused: seccomp refuses every new socket, and Landlock ABI 4 also
        refuses TCP bind and connect.
    signals : bool
        The process cannot signal other processes: seccomp compares the target with the
        process's own pid, and Landlock ABI 6 scopes signals to the sandbox as well.
    seccomp : bool
        The seccomp filter is installed.
    memory_bytes : int or None
        Address space the process may still map on top of what it had mapped when the wall
        went up (``RLIMIT_AS``); None when no budget was asked for or none could be set.
    notes : tuple of str
        Plain-English reasons for whatever could not be applied; empty when the whole wall
        stands.
    """

    landlock_abi: int
    files: bool
    network: bool
    signals: bool
    seccomp: bool
    memory_bytes: int | None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------
# What a torch program needs to read
# --------------------------------------------------------------------------------------

# Shared libraries (and the loader's cache) for extension modules imported after the fork,
# the process's own /proc entries (Python and OpenMP read them), the CPU topology OpenMP
# reads when it starts threads, and the two devices libraries open.
_SYSTEM_READABLE = (
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
    "/proc/self",
    "/sys/devices/system/cpu",
    "/dev/null",
    "/dev/urandom",
)


def default_readable(extra: Iterable[str | Path] = ()) -> tuple[Path, ...]:
    """The paths a torch program needs to read after the fork, for :func:`apply_wall`.

    Python's installation (the prefixes, every ``site-packages``/``dist-packages`` on
    ``sys.path``, the standard library), the installed ``gradviz`` package itself (not the
    repository around it, not the working directory), torch's and numpy's packages (found
    without importing them), the shared libraries, ``/proc/self``,
    ``/sys/devices/system/cpu``, ``/dev/null`` and ``/dev/urandom``.

    Parameters
    ----------
    extra : iterable of str or Path
        More paths to make readable, e.g. a lesson's data directory.

    Returns
    -------
    tuple of Path
        Absolute paths that exist, each once, in that order. Symbolic links are not resolved
        here: ``/proc/self`` must be resolved by the child that applies the wall, to the
        child's own pid.
    """
    candidates: list[str | Path | None] = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    candidates += [entry for entry in sys.path if entry and Path(entry).name in ("site-packages", "dist-packages")]
    candidates.append(os.path.dirname(os.__file__))
    candidates += [_package_dir(name) for name in ("gradviz", "torch", "numpy")]
    candidates += _SYSTEM_READABLE
    candidates += list(extra)
    paths: list[Path] = []
    for candidate in candidates:
        if not candidate:
            continue
        path = Path(os.path.abspath(candidate))
        if path not in paths and path.exists():
            paths.append(path)
    return tuple(paths)


def _package_dir(name: str) -> Path | None:
    """Directory of an installed package, found without importing it (None if absent)."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin).parent if spec.origin else None


# --------------------------------------------------------------------------------------
# Applying the wall
# --------------------------------------------------------------------------------------


def apply_wall(
    readable: Sequence[str | Path],
    *,
    memory_bytes: int | None = None,
    file_size_bytes: int = 0,
) -> Wall:
    """Wall the current process in; meant for a freshly forked child, before untrusted code.

    In order: resource limits, ``no_new_privs``, Landlock, seccomp. None of it can be undone
    by the process, and all of it is inherited by the threads it starts.

    Parameters
    ----------
    readable : sequence of str or Path
        Files and directories that stay readable (directories with everything beneath
        them); see :func:`default_readable`. Paths that do not exist are skipped. Nothing is
        writable or executable.
    memory_bytes : int, optional
        Address space the process may map on top of what it has mapped now (a process forked
        from the warm runner already maps 1-2 GB). It counts reservations, not just memory
        in use: every new thread reserves its stack and glibc reserves 64 MB per malloc
        arena, so leave room for them. None: no memory limit.
    file_size_bytes : int, default 0
        Largest offset the process may write a regular file to (``RLIMIT_FSIZE``); 0: no
        file can grow, not even one opened before the wall. Pipes are not files here.

    Returns
    -------
    Wall
        What was applied, with notes on what could not be (no Landlock on this kernel, not
        Linux, an architecture the seccomp filter does not know...).

    Raises
    ------
    WallError
        When a mechanism the system has fails part-way, or when the process has more than
        one thread (Landlock and seccomp would then restrict only the calling thread). The
        program must not be run then.
    """
    if not sys.platform.startswith("linux"):
        headroom, notes = _limit_resources(memory_bytes, file_size_bytes)
        notes.insert(0, _NOT_LINUX.format(sys.platform))
        return Wall(0, False, False, False, False, headroom, tuple(notes))

    _require_single_thread()
    headroom, notes = _limit_resources(memory_bytes, file_size_bytes)
    _set_no_new_privs()

    abi, why_no_landlock = _landlock_abi()
    if abi:
        _apply_landlock(abi, readable)
    else:
        notes.append(f"no file or network restriction by Landlock: {why_no_landlock}")

    arch, why_no_seccomp = _seccomp_arch()
    seccomp = False
    if arch is not None:
        seccomp, why_no_seccomp = _apply_seccomp(arch)
    if not seccomp:
        notes.append(f"no seccomp filter: {why_no_seccomp}")

    notes += _landlock_gaps(abi, seccomp)
    return Wall(
        landlock_abi=abi,
        files=abi >= 1,
        network=seccomp or abi >= _ABI_NET,
        signals=seccomp or abi >= _ABI_SCOPE,
        seccomp=seccomp,
        memory_bytes=headroom,
        notes=tuple(notes),
    )


def _require_single_thread() -> None:
    """Refuse a multi-threaded process: Landlock and seccomp restrict only the calling thread."""
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: cannot tell, and a forked child has one thread anyway
        return
    if threads > 1:
        raise WallError(
            f"the process has {threads} threads; apply the wall in a freshly forked child, "
            "before it starts any, or the other threads stay outside it"
        )


def _landlock_gaps(abi: int, seccomp: bool) -> list[str]:
    """Notes on what an older Landlock leaves open that seccomp does not close either."""
    if not abi:
        return []
    gaps = []
    if abi < _ABI_TRUNCATE and not seccomp:
        gaps.append(f"Landlock ABI {abi} cannot stop truncate() on readable files (needs ABI 3, Linux 6.2)")
    if abi < _ABI_NET and not seccomp:
        gaps.append(f"Landlock ABI {abi} cannot refuse network connections (needs ABI 4, Linux 6.7)")
    if abi >= _ABI_NET and not seccomp:
        gaps.append("without seccomp only TCP bind/connect are refused; UDP and Unix sockets are not")
    if abi < _ABI_IOCTL_DEV:
        gaps.append(f"Landlock ABI {abi} cannot refuse ioctl() on device files (needs ABI 5, Linux 6.10)")
    if abi < _ABI_SCOPE and not seccomp:
        gaps.append(f"Landlock ABI {abi} cannot stop signals to other processes (needs ABI 6, Linux 6.12)")
    return gaps


# --------------------------------------------------------------------------------------
# Resource limits and no_new_privs
# --------------------------------------------------------------------------------------


def _limit_resources(memory_bytes: int | None, file_size_bytes: int) -> tuple[int | None, list[str]]:
    """Lower RLIMIT_CORE, RLIMIT_FSIZE and (when asked) RLIMIT_AS; returns the memory headroom and notes."""
    if resource is None:
        return None, ["no resource limits on this platform (no memory, file-size or core-dump limit)"]
    notes: list[str] = []
    try:
        # A crash must not write a core file (it would hold the program's data, and it is a write).
        _lower_limit(resource.RLIMIT_CORE, 0)
        # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG instead of killing.
        _lower_limit(resource.RLIMIT_FSIZE, file_size_bytes)
        if memory_bytes is None:
            return None, notes
        mapped = _mapped_bytes()
        if mapped is None:
            notes.append("no memory limit: the process's current address-space size cannot be read")
            return None, notes
        # Relative to what is mapped now: the forked runner already maps torch's 1-2 GB.
        limit = _lower_limit(resource.RLIMIT_AS, mapped + memory_bytes)
    except (OSError, ValueError) as exc:
        raise WallError(f"could not set resource limits: {exc}") from exc
    return max(0, limit - mapped), notes


def _lower_limit(which: int, value: int) -> int:
    """Set a limit's soft and hard values to ``value``, never raising either; returns the soft value."""
    soft, hard = resource.getrlimit(which)
    infinity = resource.RLIM_INFINITY
    new_hard = value if hard == infinity else min(hard, value)
    new_soft = new_hard if soft == infinity else min(soft, new_hard)
    resource.setrlimit(which, (new_soft, new_hard))
    return new_soft


def _mapped_bytes() -> int | None:
    """The process's virtual size (VmSize in /proc/self/status), in bytes."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22


def _set_no_new_privs() -> None:
    """No set-uid/file-capability gains from here on; seccomp filters require it of non-root."""
    try:
        _prctl(_PR_SET_NO_NEW_PRIVS, 1)
    except OSError as exc:
        raise WallError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {exc}") from exc


# --------------------------------------------------------------------------------------
# System calls through ctypes
# --------------------------------------------------------------------------------------

_libc_handle: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    global _libc_handle
    if _libc_handle is None:
        _libc_handle = ctypes.CDLL(None, use_errno=True)
        _libc_handle.syscall.restype = ctypes.c_long
        _libc_handle.prctl.restype = ctypes.c_int
    return _libc_handle


def _as_arg(value: object) -> object:
    # syscall() and prctl() are variadic: every integer must be passed as a full long.
    return ctypes.c_long(value) if isinstance(value, int) else value


def _syscall(number: int, *args: object) -> int:
    """``syscall(number, *args)``; raises OSError with the errno on failure."""
    result = _libc().syscall(ctypes.c_long(number), *(_as_arg(arg) for arg in args))
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def _prctl(option: int, arg2: int = 0, arg3: int = 0) -> int:
    """``prctl(option, arg2, arg3, 0, 0)``; raises OSError with the errno on failure."""
    result = _libc().prctl(ctypes.c_int(option), *(ctypes.c_ulong(arg) for arg in (arg2, arg3, 0, 0)))
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


# --------------------------------------------------------------------------------------
# Landlock (include/uapi/linux/landlock.h)
# --------------------------------------------------------------------------------------

# The same numbers on every architecture but alpha (syscalls added since 5.1 are unified).
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
# REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM
_FS_ABI1 = (1 << 13) - 1
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

_ABI_REFER, _ABI_TRUNCATE, _ABI_NET, _ABI_IOCTL_DEV, _ABI_SCOPE = 2, 3, 4, 5, 6


class _RulesetAttr(ctypes.Structure):
    """``struct landlock_ruleset_attr`` as of ABI 6; older kernels are given a prefix of it."""

    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    """``struct landlock_path_beneath_attr``: packed, 12 bytes."""

    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _landlock_abi() -> tuple[int, str]:
    """The kernel's Landlock ABI version, or 0 and why there is none."""
    try:
        return _syscall(_SYS_LANDLOCK_CREATE_RULESET, None, 0, _LANDLOCK_CREATE_RULESET_VERSION), ""
    except OSError as exc:
        if exc.errno == errno.ENOSYS:
            return 0, "this kernel has no Landlock (it needs Linux 5.13 built with CONFIG_SECURITY_LANDLOCK)"
        if exc.errno == errno.EOPNOTSUPP:
            return 0, "Landlock is built into this kernel but not enabled (add landlock to the lsm= boot parameter)"
        return 0, f"Landlock is unavailable here ({exc.strerror})"


def _handled_fs(abi: int) -> int:
    """Every filesystem right the running ABI knows: handled means denied unless a rule grants it."""
    rights = _FS_ABI1
    if abi >= _ABI_REFER:
        rights |= _FS_REFER
    if abi >= _ABI_TRUNCATE:
        rights |= _FS_TRUNCATE
    if abi >= _ABI_IOCTL_DEV:
        rights |= _FS_IOCTL_DEV
    return rights


def _ruleset_attr(abi: int) -> tuple[_RulesetAttr, int]:
    """The ruleset for this ABI, and the size of the struct prefix that ABI knows."""
    attr = _RulesetAttr(handled_access_fs=_handled_fs(abi))
    size = 8
    if abi >= _ABI_NET:
        # Handled with no rule: every TCP bind and connect is refused.
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= _ABI_SCOPE:
        # No signals to, and no abstract Unix sockets of, processes outside the sandbox:
        # the runner and the app.
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    return attr, size


def _apply_landlock(abi: int, readable: Sequence[str | Path]) -> None:
    """Create the ruleset, grant reading beneath each readable path, and restrict the process."""
    attr, size = _ruleset_attr(abi)
    try:
        ruleset_fd = _syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0)
    except OSError as exc:
        raise WallError(f"landlock_create_ruleset failed: {exc}") from exc
    try:
        for path in readable:
            _allow_reading(ruleset_fd, path, attr.handled_access_fs)
        _syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset_fd, 0)
    except OSError as exc:
        raise WallError(f"Landlock failed part-way: {exc}") from exc
    finally:
        os.close(ruleset_fd)


def _allow_reading(ruleset_fd: int, path: str | Path, handled: int) -> None:
    """Add a read-only rule for ``path`` (skipped when it does not exist)."""
    try:
        # O_PATH: the rule needs a handle on the inode, not the right to read it.
        parent_fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        is_dir = stat.S_ISDIR(os.fstat(parent_fd).st_mode)
        # The kernel refuses directory rights on a file rule; EXECUTE is granted nowhere.
        rights = (_FS_READ_FILE | _FS_READ_DIR) if is_dir else _FS_READ_FILE
        rule = _PathBeneathAttr(allowed_access=rights & handled, parent_fd=parent_fd)
        _syscall(_SYS_LANDLOCK_ADD_RULE, ruleset_fd, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(parent_fd)


# --------------------------------------------------------------------------------------
# seccomp: a classic-BPF filter (linux/seccomp.h, linux/filter.h)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arch:
    """An architecture the filter knows: its audit number and its system-call numbers."""

    name: str
    audit_arch: int
    numbers: dict[str, int]
    # x86_64 kernels also accept the x32 ABI's calls: the same numbers with this bit set.
    x32_bit: int | None = None


# fmt: off
# Added since Linux 5.1 with one number on every architecture (syscall_64.tbl and unistd.h agree).
_UNIFIED = {
    "pidfd_send_signal": 424, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "clone3": 435, "pidfd_getfd": 438, "process_madvise": 440, "mount_setattr": 442, "quotactl_fd": 443,
    "fchmodat2": 452, "setxattrat": 463, "removexattrat": 466, "open_tree_attr": 467, "file_setattr": 469,
}

# From arch/x86/entry/syscalls/syscall_64.tbl.
_X86_64 = _Arch(
    name="x86_64",
    audit_arch=0xC000003E,
    x32_bit=0x40000000,
    numbers={
        "ioctl": 16, "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "sendmsg": 46, "bind": 49,
        "listen": 50, "socketpair": 53, "clone": 56, "fork": 57, "vfork": 58, "execve": 59, "kill": 62,
        "truncate": 76, "chmod": 90, "fchmod": 91, "chown": 92, "fchown": 93, "lchown": 94, "ptrace": 101,
        "syslog": 103, "rt_sigqueueinfo": 129, "utime": 132, "uselib": 134, "vhangup": 153, "pivot_root": 155,
        "adjtimex": 159, "setrlimit": 160, "chroot": 161, "acct": 163, "settimeofday": 164, "mount": 165,
        "umount2": 166, "swapon": 167, "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171,
        "iopl": 172, "ioperm": 173, "init_module": 175, "delete_module": 176, "quotactl": 179, "setxattr": 188,
        "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198, "fremovexattr": 199,
        "tkill": 200, "clock_settime": 227, "tgkill": 234, "utimes": 235, "kexec_load": 246, "add_key": 248,
        "request_key": 249, "keyctl": 250, "fchownat": 260, "futimesat": 261, "fchmodat": 268, "unshare": 272,
        "utimensat": 280, "accept4": 288, "rt_tgsigqueueinfo": 297, "perf_event_open": 298,
        "fanotify_init": 300, "prlimit64": 302, "name_to_handle_at": 303, "open_by_handle_at": 304,
        "clock_adjtime": 305, "sendmmsg": 307, "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311,
        "kcmp": 312, "finit_module": 313, "kexec_file_load": 320, "bpf": 321, "execveat": 322,
        "userfaultfd": 323,
        **_UNIFIED,
    },
)

# From include/uapi/asm-generic/unistd.h (arm64 has no fork, vfork, chmod, chown, utime...).
_AARCH64 = _Arch(
    name="aarch64",
    audit_arch=0xC00000B7,
    numbers={
        "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15,
        "fremovexattr": 16, "ioctl": 29, "umount2": 39, "mount": 40, "pivot_root": 41, "truncate": 45,
        "chroot": 51, "fchmod": 52, "fchmodat": 53, "fchownat": 54, "fchown": 55, "vhangup": 58, "quotactl": 60,
        "utimensat": 88, "acct": 89, "unshare": 97, "kexec_load": 104, "init_module": 105, "delete_module": 106,
        "clock_settime": 112, "syslog": 116, "ptrace": 117, "kill": 129, "tkill": 130, "tgkill": 131,
        "rt_sigqueueinfo": 138, "reboot": 142, "sethostname": 161, "setdomainname": 162, "setrlimit": 164,
        "settimeofday": 170, "adjtimex": 171, "socket": 198, "socketpair": 199, "bind": 200, "listen": 201,
        "accept": 202, "connect": 203, "sendto": 206, "sendmsg": 211, "add_key": 217, "request_key": 218,
        "keyctl": 219, "clone": 220, "execve": 221, "swapon": 224, "swapoff": 225, "rt_tgsigqueueinfo": 240,
        "perf_event_open": 241, "accept4": 242, "prlimit64": 261, "fanotify_init": 262,
        "name_to_handle_at": 264, "open_by_handle_at": 265, "clock_adjtime": 266, "setns": 268, "sendmmsg": 269,
        "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "finit_module": 273, "bpf": 280,
        "execveat": 281, "userfaultfd": 282, "kexec_file_load": 294,
        **_UNIFIED,
    },
)


# Refused with EPERM whatever their arguments; names an architecture lacks are skipped.
_DENIED = (
    # other programs and processes (threads go through clone, checked below)
    "execve", "execveat", "fork", "vfork",
    # the network; sendto is checked below so that send() on an inherited socket still works
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendmsg", "sendmmsg",
    # other processes: tracing, their memory, their file descriptors
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp", "pidfd_getfd",
    # a pidfd names no pid the filter could compare with its own
    "pidfd_send_signal",
    # namespaces and mounts, old and new mount API
    "setns", "unshare", "mount", "umount2", "pivot_root", "chroot", "open_tree", "open_tree_attr",
    "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    # kernel attack surface; io_uring also performs operations seccomp never sees
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    # opening files by handle walks around Landlock's path checks
    "open_by_handle_at", "name_to_handle_at",
    # the machine itself: root's capabilities are not dropped by the fork
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "sethostname", "setdomainname", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "syslog", "acct", "quotactl", "quotactl_fd", "vhangup",
    "iopl", "ioperm", "uselib", "fanotify_init",
    # raising a resource limit back (prlimit64 is checked below)
    "setrlimit",
    # file metadata Landlock does not cover, and truncate() by path on ABIs before 3
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
    "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
    "setxattrat", "removexattrat", "file_setattr", "utime", "utimes", "futimesat", "utimensat", "truncate",
)
# fmt: on

_SECCOMP_MODE_FILTER = 2
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
_NR_OFFSET = 0
_ARCH_OFFSET = 4
_ARGS_OFFSET = 16

_BPF_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ = 0x05 | 0x10  # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE = 0x05 | 0x30  # BPF_JMP | BPF_JGE | BPF_K
_BPF_JSET = 0x05 | 0x40  # BPF_JMP | BPF_JSET | BPF_K
_BPF_RET = 0x06  # BPF_RET | BPF_K

_CLONE_THREAD = 0x00010000
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET (NEWTIME 0x80 is clone3/unshare only).
_CLONE_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
# Terminal ioctls that push input into, or paste into, a terminal the child inherited.
_TIOCSTI = 0x5412
_TIOCLINUX = 0x541C


def _arg_low(index: int) -> int:
    """Offset of the low 32 bits of system-call argument ``index`` (both arches are little-endian)."""
    return _ARGS_OFFSET + 8 * index


def _arg_high(index: int) -> int:
    return _ARGS_OFFSET + 8 * index + 4


class _Program:
    """A classic-BPF program written with named jump targets, resolved by :meth:`assemble`."""

    def __init__(self) -> None:
        self._code: list[tuple[int, int | str, int | str, int]] = []
        self._labels: dict[str, int] = {}

    def label(self, name: str) -> None:
        self._labels[name] = len(self._code)

    def load(self, offset: int) -> None:
        self._code.append((_BPF_LD_W_ABS, 0, 0, offset))

    def jump(self, op: int, k: int, if_true: int | str, if_false: int | str = 0) -> None:
        """Compare the accumulator with ``k``; an int target skips that many instructions."""
        self._code.append((op, if_true, if_false, k))

    def ret(self, action: int) -> None:
        self._code.append((_BPF_RET, 0, 0, action))

    def assemble(self) -> list[tuple[int, int, int, int]]:
        """``(code, jt, jf, k)`` instructions, jumps resolved to relative offsets."""
        return [
            (code, self._offset(index, jt), self._offset(index, jf), k)
            for index, (code, jt, jf, k) in enumerate(self._code)
        ]

    def _offset(self, index: int, target: int | str) -> int:
        offset = target if isinstance(target, int) else self._labels[target] - index - 1
        # Classic BPF jumps forward only, by at most 255 instructions.
        if not 0 <= offset <= 255:
            raise ValueError(f"BPF jump from {index} to {target!r} is out of range ({offset})")
        return offset


def _seccomp_program(arch: _Arch, own_pid: int) -> list[tuple[int, int, int, int]]:
    """The filter for ``arch``, for a process whose pid is ``own_pid``."""
    numbers = arch.numbers
    program = _Program()
    # A system call of another ABI (i386's int 0x80 on x86_64) would mean other numbers.
    program.load(_ARCH_OFFSET)
    program.jump(_BPF_JEQ, arch.audit_arch, 0, "kill")
    program.load(_NR_OFFSET)
    if arch.x32_bit is not None:
        program.jump(_BPF_JGE, arch.x32_bit, "kill")

    checked = {
        "clone": "clone",
        # glibc's pthread_create tries clone3 first and falls back to clone on ENOSYS;
        # clone3's flags are behind a pointer the filter cannot read.
        "clone3": "enosys",
        # The target pid (tgid for tgkill) is the first argument of each.
        "kill": "own_pid",
        "tkill": "own_pid",
        "tgkill": "own_pid",
        "rt_sigqueueinfo": "own_pid",
        "rt_tgsigqueueinfo": "own_pid",
        "prlimit64": "prlimit",
        "sendto": "sendto",
        "ioctl": "ioctl",
    }
    for name, target in checked.items():
        if name in numbers:
            program.jump(_BPF_JEQ, numbers[name], target)
    for name in _DENIED:
        if name in numbers:
            program.jump(_BPF_JEQ, numbers[name], "deny")
    program.ret(_RET_ALLOW)

    # Threads (torch's and Python's) yes; processes and new namespaces no.
    program.label("clone")
    program.load(_arg_low(0))
    program.jump(_BPF_JSET, _CLONE_NEW_NAMESPACES, "deny")
    program.jump(_BPF_JSET, _CLONE_THREAD, "allow", "deny")

    # Signals to itself (raise(), abort(), a thread's pthread_kill) yes; anyone else no.
    # pid_t is 32 bits: the kernel ignores the upper half, so the filter does too.
    program.label("own_pid")
    program.load(_arg_low(0))
    program.jump(_BPF_JEQ, own_pid, "allow", "deny")

    # Reading limits (glibc's getrlimit) yes; setting them (new_limit != NULL) no.
    program.label("prlimit")
    program.load(_arg_low(2))
    program.jump(_BPF_JEQ, 0, 0, "deny")
    program.load(_arg_high(2))
    program.jump(_BPF_JEQ, 0, "allow", "deny")

    # send() on a connected socket yes; sending to an address (dest_addr != NULL) no.
    program.label("sendto")
    program.load(_arg_low(4))
    program.jump(_BPF_JEQ, 0, 0, "deny")
    program.load(_arg_high(4))
    program.jump(_BPF_JEQ, 0, "allow", "deny")

    # The command is an unsigned int: its low 32 bits.
    program.label("ioctl")
    program.load(_arg_low(1))
    program.jump(_BPF_JEQ, _TIOCSTI, "deny")
    program.jump(_BPF_JEQ, _TIOCLINUX, "deny", "allow")

    program.label("allow")
    program.ret(_RET_ALLOW)
    program.label("deny")
    program.ret(_RET_ERRNO | errno.EPERM)
    program.label("enosys")
    program.ret(_RET_ERRNO | errno.ENOSYS)
    program.label("kill")
    program.ret(_RET_KILL_PROCESS)
    return program.assemble()


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _seccomp_arch() -> tuple[_Arch | None, str]:
    """The architecture the filter is written for here, or None and why there is none."""
    machine = platform.machine().lower()
    if ctypes.sizeof(ctypes.c_void_p) != 8 or sys.byteorder != "little":
        return None, f"the filter is written for 64-bit little-endian processes, not this one on {machine}"
    arch = {"x86_64": _X86_64, "amd64": _X86_64, "aarch64": _AARCH64, "arm64": _AARCH64}.get(machine)
    if arch is None:
        return None, f"the filter knows the system calls of x86_64 and aarch64, not of {machine}"
    return arch, ""


def _seccomp_fields() -> set[str]:
    """The Seccomp* fields /proc/self/status has: they say what the kernel was built with."""
    try:
        with open("/proc/self/status", "rb") as status:
            return {line.split(b":")[0].decode() for line in status if line.startswith(b"Seccomp")}
    except OSError:
        return set()


def _apply_seccomp(arch: _Arch) -> tuple[bool, str]:
    """Install the filter; False and the reason when the kernel has no seccomp filters."""
    fields = _seccomp_fields()
    if "Seccomp" not in fields:
        return False, "this kernel was built without seccomp (CONFIG_SECCOMP)"
    program = _seccomp_program(arch, os.getpid())
    instructions = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    fprog = _SockFprog(len(program), instructions)
    try:
        _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog))
    except OSError as exc:
        # Kernels since 5.9 show Seccomp_filters when they have CONFIG_SECCOMP_FILTER; an
        # EINVAL without it means filters are missing, not that this one is wrong.
        if exc.errno == errno.EINVAL and "Seccomp_filters" not in fields:
            return False, "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)"
        raise WallError(f"installing the seccomp filter failed: {exc}") from exc
    return True, ""


# --------------------------------------------------------------------------------------
# Probing
# --------------------------------------------------------------------------------------

_PROBE_TIMEOUT_S = 10.0


def probe() -> Wall:
    """What :func:`apply_wall` achieves on this machine, without walling the caller in.

    A child is forked, applies the wall with :func:`default_readable` and reports back
    through a pipe; the caller is untouched. Where there is no ``fork`` the answer is worked
    out from the kernel's Landlock ABI and the architecture instead.

    Returns
    -------
    Wall
        ``notes`` explains anything missing, for the app to show ("no OS wall here: ...").
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return _probe_without_fork()
    readable = default_readable()
    # Load libc here: in a child forked while another thread of the app held the dynamic
    # loader's lock, dlopen would wait forever.
    _libc()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wall itself in, report, and leave without any cleanup
        try:
            os.close(read_end)
            try:
                report = asdict(apply_wall(readable))
            except BaseException as exc:  # noqa: BLE001 - whatever happens must reach the parent
                report = {"error": f"{type(exc).__name__}: {exc}"}
            _write_all(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    finished = False
    try:
        data, finished = _read_all(read_end, _PROBE_TIMEOUT_S)
    finally:
        os.close(read_end)
        status = _reap(pid, finished)
    return _wall_from_report(data, status)


def _probe_without_fork() -> Wall:
    """A best guess from the kernel's Landlock ABI and the architecture, for systems without fork."""
    if not sys.platform.startswith("linux"):
        return Wall(0, False, False, False, False, None, (_NOT_LINUX.format(sys.platform),))
    abi, why_no_landlock = _landlock_abi()
    arch, why_no_seccomp = _seccomp_arch()
    seccomp = arch is not None and "Seccomp" in _seccomp_fields()
    notes = [] if abi else [f"no file or network restriction by Landlock: {why_no_landlock}"]
    if not seccomp:
        notes.append(f"no seccomp filter: {why_no_seccomp or 'this kernel was built without seccomp'}")
    notes += _landlock_gaps(abi, seccomp)
    return Wall(abi, abi >= 1, seccomp or abi >= _ABI_NET, seccomp or abi >= _ABI_SCOPE, seccomp, None, tuple(notes))


def _wall_from_report(data: bytes, status: int | None) -> Wall:
    """The probe child's report, or a wall of nothing with the reason it did not come."""
    try:
        report = json.loads(data.decode()) if data else None
    except ValueError:
        report = None
    if isinstance(report, dict) and "landlock_abi" in report:
        report["notes"] = tuple(report["notes"])
        return Wall(**report)
    if isinstance(report, dict) and "error" in report:
        why = f"applying the wall failed in a test child: {report['error']}"
    elif status is None:
        why = f"the test child did not answer within {_PROBE_TIMEOUT_S:.0f} s"
    elif os.WIFSIGNALED(status):
        why = f"the test child was killed by signal {os.WTERMSIG(status)} while applying the wall"
    else:
        why = "the test child did not report"
    return Wall(0, False, False, False, False, None, (why,))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int, timeout_s: float) -> tuple[bytes, bool]:
    """What is written to a pipe within the timeout, and whether its writer closed it."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
    return b"".join(chunks), False


def _reap(pid: int, finished: bool) -> int | None:
    """Wait for the probe child, killing it first if it never closed its pipe (status None then)."""
    if finished:
        return os.waitpid(pid, 0)[1]
    os.kill(pid, 9)  # SIGKILL; the signal module does not define it on every platform
    os.waitpid(pid, 0)
    return None

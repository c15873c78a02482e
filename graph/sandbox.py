"""Keeping processes in bounds: die with the parent, a memory cap, no outbound connections, a time limit.

Used for the Oxigraph server behind ``alliances serve`` (all three) and for
the extraction workers of ``--jobs N`` (die with the parent).  Linux only;
elsewhere the functions do nothing and say so by returning ``False``.

The network bound is a seccomp filter that makes ``connect(2)`` fail with
``EPERM``: the process can still accept and answer connections on the socket
it listens on, but cannot open one, so a SPARQL ``SERVICE`` clause sent to it
(through our proxy or straight to its port) cannot reach any host, and every
attempt fails the same way at once, whatever is listening there.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import re
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator

__all__ = ["die_with_parent", "child_setup", "parse_size", "physical_memory", "mentions_service", "time_limit"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
# audit architecture and connect(2) syscall number
_ARCH = {"x86_64": (0xC000003E, 42), "aarch64": (0xC00000B7, 203)}


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent (thread) dies."""
    libc = _libc()
    return libc is not None and libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def _no_connect_filter() -> tuple[_Prog, ctypes.Array[_Insn]] | None:
    """A seccomp BPF program: ``connect`` → EPERM, everything else allowed (None: unknown CPU)."""
    arch = _ARCH.get(platform.machine())
    if arch is None:
        return None
    audit_arch, nr_connect = arch
    ld_abs, jeq, and_k, ret = 0x20, 0x15, 0x54, 0x06
    insns = [
        _Insn(ld_abs, 0, 0, 4),                   # A = seccomp_data.arch
        _Insn(jeq, 0, 4, audit_arch),             # another ABI: allow
        _Insn(ld_abs, 0, 0, 0),                   # A = seccomp_data.nr
        _Insn(and_k, 0, 0, 0xBFFFFFFF),           # the x32 bit off
        _Insn(jeq, 0, 1, nr_connect),
        _Insn(ret, 0, 0, 0x00050000 | 1),         # SECCOMP_RET_ERRNO | EPERM
        _Insn(ret, 0, 0, 0x7FFF0000),             # SECCOMP_RET_ALLOW
    ]
    array = (_Insn * len(insns))(*insns)
    return _Prog(len(insns), array), array


def child_setup(*, max_memory: int | None = None, deny_network: bool = False) -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``subprocess.Popen``: die with the parent, cap memory, forbid ``connect``.

    Everything that allocates (the filter program, the C library handle) is
    prepared here, in the parent; the returned function only makes system
    calls.  A child that cannot install a bound it was asked for exits 121
    rather than run unbounded.
    """
    libc = _libc()
    if libc is None:
        return None
    prog = _no_connect_filter() if deny_network else None
    if deny_network and prog is None:
        raise OSError(f"cannot forbid outbound connections on a {platform.machine()} CPU")
    prctl = libc.prctl
    prog_ref = ctypes.byref(prog[0]) if prog else None

    def setup() -> None:  # pragma: no cover - runs in the child between fork and exec
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        try:
            if max_memory:
                resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
            if prog_ref is not None:
                if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER,
                                                                           prog_ref, 0, 0) != 0:
                    os._exit(121)
        except OSError:
            os._exit(121)

    setup.keep = prog  # type: ignore[attr-defined]  # the program must outlive the fork
    return setup


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in ``512M``, ``2G``, ``1.5GiB`` or ``1000000``.

    >>> parse_size("512M"), parse_size("2g"), parse_size("1.5GiB"), parse_size("4096")
    (536870912, 2147483648, 1610612736, 4096)
    >>> parse_size("lots")
    Traceback (most recent call last):
    ...
    ValueError: 'lots' is not a size (e.g. 512M, 2G)
    """
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a size (e.g. 512M, 2G)")
    return int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2).lower() or " "))


def physical_memory() -> int:
    """Bytes of RAM of this machine (0 when unknown)."""
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return 0


# SPARQL tokens that can hide the word SERVICE: strings (long ones first), IRIs, comments; then words.
_TOKENS = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"'''
                     r"""|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*|[?$:\w][\w:.\-]*""", re.DOTALL)


def mentions_service(query: str) -> bool:
    """Whether the keyword SERVICE occurs in ``query`` outside strings, IRIs and comments.

    In a query the SPARQL parser accepts, the keyword can only be a
    ``SERVICE`` (or ``SERVICE SILENT``) clause; in one it refuses, a false
    alarm only changes which error the client gets.

    >>> mentions_service("SELECT * { service silent <http://x/> { ?s ?p ?o } }")
    True
    >>> mentions_service('SELECT ?service { ?service ex:SERVICE "SERVICE" } # SERVICE')
    False
    """
    return any(m.group(0).upper() == "SERVICE" for m in _TOKENS.finditer(query))


@contextlib.contextmanager
def time_limit(seconds: float | None, on_expiry: Callable[[], None]) -> Iterator[None]:
    """Call ``on_expiry`` from another thread when the block runs longer than ``seconds`` (``None``: no limit).

    For work that cannot be interrupted from Python (a query running inside
    Oxigraph holds no point where a signal handler could run): ``on_expiry``
    is expected to end the process, e.g. after saying why.

    >>> import time
    >>> fired = []
    >>> with time_limit(0.05, lambda: fired.append(True)):
    ...     time.sleep(0.2)
    >>> with time_limit(5, lambda: fired.append(False)):
    ...     pass
    >>> fired
    [True]
    """
    if not seconds:
        yield
        return
    timer = threading.Timer(seconds, on_expiry)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()

"""Confining this process, and every program it then executes, to reading a few paths (Linux
Landlock: an unprivileged process drops its own rights to the file system; Linux 5.13 or
later, with Landlock enabled in the kernel).

After ``confine``, opening a file or listing a folder outside the rules fails (EACCES), and
nothing can be written, made, renamed or removed anywhere. Landlock does not control what
needs no opening: ``stat`` (whether a path exists, its size, owner and times), ``realpath``,
``readlink`` and ``chdir`` still reach any path the account can reach.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

# The system calls have the same numbers on every architecture (they came after 5.1's common table).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
#: The rights that apply to a file (not a folder): a rule on a file may grant only these.
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | _TRUNCATE | _IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def abi_version() -> int:
    """The kernel's Landlock version (0 where there is none: another system, an older kernel,
    Landlock disabled at boot, or the call filtered out)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        version = _libc().syscall(ctypes.c_long(_CREATE_RULESET), None, ctypes.c_size_t(0),
                                  ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _handled(abi: int) -> int:
    """Every right this version of Landlock knows of: all of them are denied but where a rule grants them."""
    rights = (1 << 13) - 1  # version 1: EXECUTE ... MAKE_SYM
    for since, right in ((2, _REFER), (3, _TRUNCATE), (5, _IOCTL_DEV)):
        if abi >= since:
            rights |= right
    return rights


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def confine(rules: Iterable[tuple[Path, int]]) -> None:
    """Allow from now on only the rights given for each path (a folder's rights hold for all
    beneath it; a path that does not exist is left out) and deny everything else Landlock
    controls, for this process and what it executes. OSError where Landlock is not available."""
    abi = abi_version()
    if abi < 1:
        raise OSError(0, "Landlock が使えません（Linux 5.13 以降で、カーネルの Landlock が有効であること）")
    handled = _handled(abi)
    libc = _libc()
    attr = _RulesetAttr(handled)
    ruleset = _check(libc.syscall(ctypes.c_long(_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                                  ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                folder = stat.S_ISDIR(os.fstat(fd).st_mode)
                allowed = rights & handled & (~0 if folder else _FILE_RIGHTS)
                rule = _PathBeneathAttr(allowed, fd)
                _check(libc.syscall(ctypes.c_long(_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                                    ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule {path}")
            finally:
                os.close(fd)
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
        _check(libc.syscall(ctypes.c_long(_RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)

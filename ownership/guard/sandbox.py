"""An OS write boundary for the current process: Landlock for the lane, a mount namespace for pins.

`restrict(grants, pins)` makes every file system write outside `grants` fail
with EACCES ("Permission denied") for this process and everything it starts;
`ownership sandbox` (cli/sandbox.py) then replaces itself with the agent's
command. Reading and executing stay free everywhere.

Landlock (kernel 5.13+, unprivileged; Documentation/userspace-api/landlock.rst
and include/uapi/linux/landlock.h give the calls and structures used here): a
ruleset *handles* a set of access rights; any handled right that no rule grants
beneath a path is denied there. The ruleset handles every file system right the
running kernel's ABI knows (`handled_rights`), so a right added by a later ABI
version and not known here is the only one left unhandled, and is granted:
- ABI 1: execute, write, read, read dir, remove dir/file, make char/dir/reg/sock/fifo/block/sym;
- ABI 2: REFER (link or rename into another folder): handled and never granted, so
  every cross-folder rename or hard link fails with EXDEV (`mv` then copies and deletes);
- ABI 3: TRUNCATE; ABI 5: IOCTL_DEV (granted on /dev only).
Rules hold on inodes: a folder rule covers what lies beneath it whatever the path
used to reach it, and a file rule covers every hard link of that file (lane.py
never grants a file with more than one link).

A Landlock rule cannot take a path back out of a folder it grants. git needs
.git writable as a whole (index.lock, HEAD.lock, objects, refs, logs are created
beside files that must stay fixed), so the few paths of .git that would let an
agent run code outside its sandbox later (`config`, `hooks/`, `info/`) are
*pinned*: bind-mounted read-only over themselves in a private mount namespace
(unshare(2) with a user namespace, mount(2)), before Landlock is applied (a
landlocked process may no longer mount). Writing a pinned path fails with EROFS,
renaming over it with EBUSY. Without user namespaces, `pins_work()` is False and
lane.py grants no part of .git.

Measured on this kernel (6.18, ABI 7; 2 cores), median of 30: `bash -c true`
2.1 ms; `python3 -c pass` 14 ms; Landlock's syscalls in-process 0.6 ms; the mount
namespace with three pins 0.7 ms; bubblewrap (`bwrap --ro-bind / / --bind ...
bash -c true`) 5.5 ms, i.e. 3.4 ms and one more process over the floor. Both need
the contract read first (the cost of `ownership`'s start); Landlock adds no
process, needs no package and no user namespace for the lane itself, so it was
chosen; bench/guard_sandbox.py measures the whole `ownership sandbox` call.
"""

from __future__ import annotations

import ctypes
import os
import stat
from dataclasses import dataclass
from functools import cache

from ..errors import OwnershipError

# include/uapi/asm-generic/unistd.h (the same numbers on every architecture since 5.13)
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# include/uapi/linux/landlock.h: LANDLOCK_ACCESS_FS_*
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_BY_ABI = {1: (1 << 13) - 1, 2: REFER, 3: TRUNCATE, 5: IOCTL_DEV}  # the rights each ABI version added

READ = EXECUTE | READ_FILE | READ_DIR
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # all a rule on a file may hold
# A writable folder: everything but REFER (a rename or link into another folder) and device ioctls.
FOLDER_WRITE = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO | MAKE_SYM
FOLDER_WRITE |= TRUNCATE
FILE_WRITE = READ | WRITE_FILE | TRUNCATE  # an existing file: rewrite it, never create a sibling


class SandboxError(OwnershipError):
    """The boundary cannot be applied: the command must not run."""


@dataclass(frozen=True)
class Grant:
    path: str  # absolute
    rights: int


def handled_rights(abi: int) -> int:
    """Every file system right the ABI knows."""
    return sum(bits for version, bits in _BY_ABI.items() if version <= abi)


@cache
def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


@cache
def landlock_abi() -> tuple[int, str]:
    """(ABI version, '') when Landlock works here; (0, why not) otherwise. One syscall, cached."""
    if not hasattr(os, "O_PATH"):
        return 0, "Landlock is Linux only"
    try:
        libc = _libc()
    except OSError as exc:
        return 0, f"the C library cannot be loaded ({exc})"
    version = libc.syscall(_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION)
    if version >= 1:
        return int(version), ""
    errno = ctypes.get_errno()
    why = {38: "the kernel has no Landlock (before 5.13)", 95: "Landlock is off (boot with lsm=...,landlock)"}
    return 0, why.get(errno, f"landlock_create_ruleset failed: {os.strerror(errno)}")


@cache
def pins_work() -> bool:
    """Whether this process may make a private mount namespace (user namespaces allowed), tried in a child."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's exit code is the answer
        try:
            _private_mounts()
        except SandboxError:
            os._exit(1)
        os._exit(0)
    return os.waitpid(pid, 0)[1] == 0


class _Ruleset(ctypes.Structure):  # struct landlock_ruleset_attr, its first field (the size says so)
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):  # struct landlock_path_beneath_attr, packed
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def restrict(grants: list[Grant], pins: list[str]) -> None:
    """Apply the boundary to this process for good; SandboxError (nothing applied, or fail closed) otherwise.

    `grants` may write; everything else is read-only. `pins` (inside grants) are made read-only first.
    """
    abi, why = landlock_abi()
    if not abi:
        raise SandboxError(f"no OS sandbox on this machine: {why}")
    if pins:
        _private_mounts()
        for path in pins:
            _pin(path)
    handled = handled_rights(abi)
    libc = _libc()
    attr = _Ruleset(handled)
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        raise SandboxError(f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}")
    try:
        _add(libc, ruleset, "/", READ)
        for grant in grants:
            _add(libc, ruleset, grant.path, grant.rights & handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise SandboxError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
        if libc.syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            raise SandboxError(f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)


def _add(libc, ruleset: int, path: str, rights: int) -> None:
    try:  # O_NOFOLLOW: a symlink is never granted in place of what it names
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return  # gone since the lane was drawn (another process's temp file): nothing to grant
    except OSError as exc:
        raise SandboxError(f"{path}: cannot be opened to grant it ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISLNK(mode):
            raise SandboxError(f"{path}: a symlink is never granted; grant what it names")
        if not stat.S_ISDIR(mode):
            rights &= FILE_RIGHTS
        rule = _PathBeneath(rights, fd)
        if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise SandboxError(f"{path}: landlock_add_rule failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)


# mount(2) flags (include/uapi/linux/mount.h) and unshare(2)'s (include/uapi/linux/sched.h)
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_MS_NOATIME, _MS_NODIRATIME, _MS_RELATIME = 1024, 2048, 1 << 21
_CLONE_NEWNS, _CLONE_NEWUSER = 0x00020000, 0x10000000
_KEPT = (  # flags of the original mount a bind remount in a user namespace must repeat (they are locked)
    (os.ST_NOSUID, _MS_NOSUID), (os.ST_NODEV, _MS_NODEV), (os.ST_NOEXEC, _MS_NOEXEC),
    (os.ST_NOATIME, _MS_NOATIME), (os.ST_NODIRATIME, _MS_NODIRATIME), (os.ST_RELATIME, _MS_RELATIME),
)  # fmt: skip


def _private_mounts() -> None:
    """A user and mount namespace of our own, ids mapped to themselves: the same files, the same owners.

    Root maps every id, so it keeps its access; its capabilities then hold only in the new namespaces,
    so it cannot join the original mount namespace again to undo a pin (setns needs them there).
    The maps are written by a child left in the original namespace: only a process there may map
    more than its own id (user_namespaces(7), "Defining user and group ID mappings").
    """
    libc = _libc()
    uid, gid = os.geteuid(), os.getegid()
    if uid == 0:
        texts = ("allow", "0 0 4294967295", "0 0 4294967295")
    else:
        texts = ("deny", f"{uid} {uid} 1", f"{gid} {gid} 1")
    parent = os.getpid()
    ready, go = os.pipe()
    helper = os.fork()
    if helper == 0:  # pragma: no cover - runs in the child; its exit code is the answer
        os.close(go)
        code = 1
        try:
            if os.read(ready, 1) == b"u":
                for name, text in zip(("setgroups", "uid_map", "gid_map"), texts):
                    with open(f"/proc/{parent}/{name}", "w", encoding="ascii") as handle:
                        handle.write(text)
                code = 0
        except OSError:
            pass
        os._exit(code)
    os.close(ready)
    shared = libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS)
    errno = ctypes.get_errno()
    os.write(go, b"u" if shared == 0 else b"x")
    os.close(go)
    mapped = os.waitpid(helper, 0)[1] == 0
    if shared != 0:
        raise SandboxError(f"no private mount namespace: unshare failed: {os.strerror(errno)}")
    if not mapped:
        raise SandboxError("no private mount namespace: the user namespace's id maps could not be written")
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise SandboxError(f"no private mount namespace: {os.strerror(ctypes.get_errno())}")


def _pin(path: str) -> None:
    libc = _libc()
    where = os.fsencode(path)
    if libc.mount(where, where, None, _MS_BIND, None) != 0:
        raise SandboxError(f"{path}: cannot be made read-only (bind: {os.strerror(ctypes.get_errno())})")
    kept = sum(flag for stat_flag, flag in _KEPT if os.statvfs(path).f_flag & stat_flag)
    if libc.mount(None, where, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | kept, None) != 0:
        raise SandboxError(f"{path}: cannot be made read-only (remount: {os.strerror(ctypes.get_errno())})")


def sandbox_off() -> bool:
    """Whether the person switched the OS sandbox off for the hooks (`OWNERSHIP_SANDBOX=off` in their environment)."""
    return os.environ.get("OWNERSHIP_SANDBOX", "").strip().lower() in ("off", "0", "false", "no")


def sandbox_lines() -> list[str]:
    """What `ownership doctor` says about the OS sandbox here."""
    abi, why = landlock_abi()
    if sandbox_off():
        abi, why = 0, "OWNERSHIP_SANDBOX=off is set"
    if not abi:
        return [
            f"OS SANDBOX UNAVAILABLE: {why}.",
            "  The guard falls back to reading commands: a write whose target it cannot place is denied, and a",
            "  write it cannot see at all (`python -c`, a script) goes through; the audit after the call reports",
            "  it, and `ownership check` (at commit, in CI) finds it.",
        ]
    lines = [f"OS sandbox: Landlock ABI {abi}: agents' Bash and PowerShell commands run in `ownership sandbox`,"]
    lines.append("  writing only their lane, the temp folders and the folders git ignores")
    if pins_work():
        lines.append("  git works inside it; .git/config, .git/hooks and .git/info are read-only (mount namespace)")
    else:
        lines.append(
            "  WARNING: no user namespaces here, so .git is read-only inside it: `git add`/`git commit` fail there"
        )
    return lines

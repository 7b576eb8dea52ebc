"""An agent's lane as the OS can hold it: the folders and files Landlock lets it write (guard/sandbox.py).

Landlock grants by inode, beneath a folder or on one existing file, so the lane
is drawn from the contract (the engine, core/engine.py and core/bulk.py) and
the files that exist now (`git ls-files --cached --others --exclude-standard`):

- a folder is granted whole only when every path beneath it is writable for the
  agent: every existing file (the engine's decision), and any new one (a name no
  pattern spells out, as a file, a folder and a file in a new folder), and no
  rule anchored at the top (`bob/secret/**`, `/ownership.yaml`) of the
  protected list, the agent's `cannot_touch`, a `!` in its `owns` (or, for an
  unlisted path, its `reads`) could reach beneath it. A rule that names a file
  at any depth (`*.lock`, `**/secrets/**`) stops the grant only where a file it
  matches exists: a new file of that name in a granted folder is left to the
  guard's reading and to `check`.
- an owned existing file outside such folders is granted alone: it can be
  rewritten and truncated, never deleted or renamed, and no sibling can be made
  beside it. So a new file in a folder the agent owns only in part is refused:
  stricter than the globs (`alice/*.py` owned: `alice/new.py` cannot be made).
  A file with another hard link is not granted (the grant would hold for the link).
- never granted, whatever the contract says: the contract's files, every host's
  hook settings (adapters/base.py HOOK_FILES), `.pre-commit-config.yaml` and the
  work tree's `.git`; folders holding one are not granted whole.
- scratch, each a choice of the contract (`scratch: {temp, ignored}`, both on by
  default): the system temp folders (when the project lies inside one, as in
  tests, its other entries and a private $TMPDIR instead), and the folders git
  ignores that exist now (`node_modules/`, `.venv/`, `build/`) unless a rule
  anchored at the top reaches inside them.
- git: the repository's git folder, whole, with `config`, `hooks/` and `info/`
  pinned read-only by a mount namespace (sandbox.py); no part of it when pins do
  not work here. What stays writable there: refs (every branch), objects, logs,
  the index.
- devices: /dev/null, /dev/zero, /dev/full, /dev/tty, /dev/ptmx, /dev/pts (and
  /dev/stdout, /dev/stderr, which lead to what the command already holds open).
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass

from .. import git
from ..core.bulk import decisions_for
from ..core.engine import Engine
from ..core.globs import GlobError, translate
from ..core.model import Contract
from ..git.door import nul_paths
from .adapters.base import HOOK_FILES
from .sandbox import FILE_WRITE, FOLDER_WRITE, IOCTL_DEV, READ, TRUNCATE, WRITE_FILE, Grant

PROBE = "ownership-sandbox-probe"  # a name no pattern spells out: what a new path is judged as
FIXED = (".pre-commit-config.yaml",)  # besides the contract's files and the hook settings
GIT_PINS = ("config", "config.worktree", "hooks", "info")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/ptmx")
DEVICE_FOLDERS = ("/dev/pts",)
TEMP_ROOTS = ("/tmp", "/var/tmp", "/dev/shm")


@dataclass(frozen=True)
class Lane:
    """What one agent may write under the sandbox: absolute paths, each with why."""

    agent: str
    top: str
    folders: tuple[str, ...] = ()  # the lane's folders, granted whole
    files: tuple[str, ...] = ()  # the lane's existing files, granted alone
    scratch: tuple[str, ...] = ()  # temp folders and git-ignored folders
    git: tuple[str, ...] = ()  # the git folders, pinned below
    pins: tuple[str, ...] = ()  # read-only inside the grants (mount namespace)
    tmpdir: str | None = None  # $TMPDIR for the command, when the temp folder is not granted whole

    def grants(self) -> list[Grant]:
        found = [Grant(p, FOLDER_WRITE) for p in (*self.folders, *self.scratch, *self.git)]
        found += [Grant(p, FILE_WRITE) for p in self.files]
        found += [Grant(p, READ | WRITE_FILE | TRUNCATE | IOCTL_DEV) for p in DEVICES if os.path.exists(p)]
        found += [Grant(p, READ | WRITE_FILE | IOCTL_DEV) for p in DEVICE_FOLDERS if os.path.isdir(p)]
        return found


def lane_of(
    top: str, contract: Contract, engine: Engine, agent: str, *,
    scratch_temp: bool = True, scratch_ignored: bool = True, git_writable: bool = True,
) -> Lane:  # fmt: skip
    """The agent's lane in the work tree at `top` (its real path), under `contract`."""
    top = os.path.realpath(top)
    listed = _listed(top, ["--cached", "--others", "--exclude-standard"])
    existing = list(dict.fromkeys(p.rstrip("/") for p in listed))  # 'sub/': an untracked repository
    decisions = decisions_for(engine, existing)
    writable = decisions.writable(agent)
    fixed = Fixed([*contract.files, *FIXED])
    kinds = {i: _kind(top, existing[i]) for i in writable}  # one lstat each: 'lone', 'linked' or 'other'
    blocked = {""}  # folders holding a file the agent may not write (or one linked elsewhere too)
    for index, path in enumerate(existing):
        if index not in writable or kinds[index] == "linked" or fixed(path):
            for folder in _ancestors(path):
                if folder in blocked:
                    break
                blocked.add(folder)
    candidates = {os.path.dirname(p) for p in existing} | set(_owned_prefixes(engine, agent))
    candidates |= {a for c in list(candidates) for a in _ancestors(c)}
    folders: list[str] = []
    granted: set[str] = set()
    for folder in sorted(candidates - blocked, key=lambda f: (f.count("/"), f)):
        if any(a in granted for a in _ancestors(folder)):
            continue
        if fixed(folder) or not _real_folder(top, folder) or not _new_paths_writable(engine, agent, folder):
            continue
        folders.append(folder)
        granted.add(folder)
    real = {}  # folder -> whether it lies where it is named (no symlink on the way)
    files = []
    for index in sorted(writable):
        path = existing[index]
        if kinds[index] != "lone" or fixed(path) or any(a in granted for a in _ancestors(path)):
            continue
        folder = os.path.dirname(path)
        if folder not in real:
            real[folder] = folder == "" or _real_folder(top, folder)
        if real[folder]:
            files.append(path)
    git_dirs, pins = _git_folders(top) if git_writable else ((), ())
    scratch: list[str] = []
    tmpdir = None
    if scratch_temp:
        temp, tmpdir = _temp_folders(top, git_dirs)
        scratch += temp
    if scratch_ignored:
        scratch += [os.path.join(top, f) for f in _ignored_folders(top, engine, fixed, folders)]
    return Lane(
        agent, top, tuple(os.path.join(top, f) for f in folders), tuple(os.path.join(top, f) for f in files),
        tuple(dict.fromkeys(scratch)), git_dirs, pins, tmpdir,
    )  # fmt: skip


def _listed(top: str, options: list[str]) -> list[str]:
    return nul_paths(git.run(["ls-files", "-z", *options], top))


def _ancestors(path: str):
    """The folders above a repository-relative path, innermost first, ending with '' (the top)."""
    at = path.rfind("/")
    while at > 0:
        yield path[:at]
        at = path.rfind("/", 0, at)
    if path:
        yield ""


class Fixed:
    """Paths no agent's command may write: `fixed(path)` when a repository-relative path is, holds or lies in one.

    The contract's files and FIXED given; every host's hook settings and `.git` always.
    """

    def __init__(self, files: list[str]) -> None:
        self.exact = {*files, *(f.rstrip("/") for f in HOOK_FILES), ".git"}
        self.folders = {".git", *(f.rstrip("/") for f in HOOK_FILES if f.endswith("/"))}
        self.above = {a for f in self.exact for a in _ancestors(f)}
        self.heads = {f.partition("/")[0] for f in self.folders}

    def __call__(self, path: str) -> bool:
        if path in self.exact or path in self.above:
            return True
        return path.partition("/")[0] in self.heads and any(a in self.folders for a in _ancestors(path))


def _kind(top: str, path: str) -> str:
    """'lone' for a regular file with one link, 'linked' for one with more (writing it writes the others)."""
    try:
        info = os.lstat(os.path.join(top, path))
    except OSError:
        return "other"
    if not stat.S_ISREG(info.st_mode):
        return "other"
    return "lone" if info.st_nlink == 1 else "linked"


def _real_folder(top: str, folder: str) -> bool:
    """A folder that exists where it is named: no symlink on the way (a grant would follow it out)."""
    full = os.path.join(top, folder)
    return os.path.isdir(full) and os.path.realpath(full) == full


def _owned_prefixes(engine: Engine, agent: str) -> list[str]:
    """The literal folders of the agent's anchored owns patterns: owned folders that may hold no file yet."""
    found = []
    root = engine.contract.root
    for glob in engine.sections[agent]["owns"].globs:
        if glob.negated or not glob.anchored:
            continue
        literal = []
        for segment in glob.pattern.strip("/").split("/"):
            if any(c in segment for c in "*?[\\"):
                break
            literal.append(segment)
        else:
            literal = literal if glob.dir_only else literal[:-1]
        if literal:
            found.append("/".join([root, *literal] if root else literal))
    return found


def _new_paths_writable(engine: Engine, agent: str, folder: str) -> bool:
    """Whether every path that could be made beneath `folder` is the agent's to write."""
    root = engine.contract.root
    if root and (root == folder or root.startswith(folder + "/")):
        return False  # the folder holds the governed part
    probe = f"{folder}/{PROBE}"
    decisions = [engine.decide(p, agent) for p in (probe, probe + "/", f"{probe}/{PROBE}")]
    if not all(d.can_write for d in decisions):
        return False
    relative = engine.governed(folder)
    if _reaches(engine.protected.globs, folder, engine.ignorecase):
        return False
    if relative is None:
        return True
    sections = engine.sections[agent]
    reaching = [*sections["cannot_touch"].globs, *(g for g in sections["owns"].globs if g.negated)]
    if decisions[0].access != "owns":
        reaching += sections["reads"].globs
    return not _reaches(reaching, relative, engine.ignorecase)


def _reaches(globs, folder: str, ignorecase: bool) -> bool:
    """Whether a pattern anchored at the top could match `folder`, a folder above it or a path beneath it.

    Patterns matching a name at any depth (no slash, or a leading `**/`) are passed over: they reach everywhere.
    """
    parts = folder.split("/")
    for glob in globs:
        if not glob.anchored or glob.never:
            continue
        text = glob.pattern[1:] if glob.negated else glob.pattern
        segments = text.strip("/").split("/")
        if segments[0] == "**":
            continue
        if "\\" in text or _segments_reach(segments, parts, ignorecase):
            return True
    return False


def _segments_reach(segments: list[str], parts: list[str], ignorecase: bool) -> bool:
    for segment, part in zip(segments, parts):
        if "**" in segment:
            return True
        try:
            if not translate(segment, ignorecase).matches(part, is_dir=True):
                return False
        except GlobError:
            return True
    return True  # one ran out: the pattern names the folder, one above it, or goes on beneath it


def _git_folders(top: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The git folders (this work tree's and the common one) and what in them is pinned read-only."""
    out = git.run(["rev-parse", "--absolute-git-dir", "--git-common-dir"], top)
    git_dir, common = (os.fsdecode(line) for line in out.split(b"\n")[:2])
    folders = tuple(dict.fromkeys(os.path.realpath(os.path.join(top, f)) for f in (git_dir, common)))
    pins = []
    for folder in folders:
        for name in GIT_PINS:
            path = os.path.join(folder, name)
            if name in ("hooks", "info") and folder == folders[-1]:
                os.makedirs(path, exist_ok=True)  # an absent one could be made by the agent
            if os.path.lexists(path):
                pins.append(path)
    return folders, tuple(pins)


def _temp_folders(top: str, git_dirs: tuple[str, ...]) -> tuple[list[str], str | None]:
    """The system temp folders; one holding the project is granted entry by entry beside it, with a private $TMPDIR."""
    roots = dict.fromkeys(os.path.realpath(r) for r in (tempfile.gettempdir(), *TEMP_ROOTS) if os.path.isdir(r))
    found, tmpdir = [], None
    inside = [top, *git_dirs]
    for root in roots:
        holding = [p for p in inside if p.startswith(root + "/")]
        if not holding:
            found.append(root)
            continue
        if tmpdir is None:
            tmpdir = _private_temp(root)
        found += _beside(root, holding)
    return found, tmpdir


def _private_temp(root: str) -> str:
    path = os.path.join(root, f"ownership-sandbox-{os.geteuid()}")
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        from .sandbox import SandboxError

        raise SandboxError(f"{path}: not a folder of ours; remove it and run again")
    return path


def _beside(root: str, holding: list[str]) -> list[str]:
    """Every entry of the folders from `root` down to the paths in `holding`, except those leading to them."""
    keep = set()
    for path in holding:
        while path != root:
            keep.add(path)
            path = os.path.dirname(path)
    found = []
    for folder in sorted(keep | {root}):
        if folder in holding:
            continue
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.path not in keep and not entry.is_symlink():
                    found.append(entry.path)
    return found


def _ignored_folders(top: str, engine: Engine, fixed: Fixed, granted: list[str]) -> list[str]:
    """The folders git ignores (existing now) that no rule anchored at the top reaches into."""
    found = []
    every = []
    for sections in engine.sections.values():
        for section in sections.values():
            every += section.globs
    for entry in _listed(top, ["--others", "--ignored", "--exclude-standard", "--directory"]):
        if not entry.endswith("/"):
            continue
        folder = entry.rstrip("/")
        if any(folder.startswith(g + "/") for g in granted) or fixed(folder) or not _real_folder(top, folder):
            continue
        relative = engine.governed(folder)
        if _reaches(engine.protected.globs, folder, engine.ignorecase):
            continue
        if relative is not None and _reaches(every, relative, engine.ignorecase):
            continue
        found.append(folder)
    return found


def agent_lane(ws, agent: str) -> Lane:
    """The lane of `agent` under the contract in force in the workspace (HEAD's, as the guard judges)."""
    from ..errors import UsageError
    from .decide import governed
    from .sandbox import pins_work

    if not ws.in_git:
        raise UsageError(f"{ws.cwd} is not in a git work tree; the sandbox draws the lane from a repository's contract")
    main = governed(ws)
    contract = main.contract
    if contract.agent(agent) is None:
        raise UsageError(f"unknown agent '{agent}'; the contract's agents are: {', '.join(contract.names)}")
    return lane_of(
        main.top, contract, main.engine, agent,
        scratch_temp=getattr(contract, "scratch_temp", True), scratch_ignored=getattr(contract, "scratch_ignored", True),
        git_writable=pins_work(),
    )  # fmt: skip


def describe(lane: Lane) -> list[str]:
    """One line a writable path: what it is, then the path (`ownership sandbox --list`)."""
    kinds = (
        ("folder", lane.folders), ("file", lane.files), ("scratch", lane.scratch), ("git", lane.git),
        ("read-only", lane.pins),
    )  # fmt: skip
    lines = [f"{kind}\t{path}" for kind, paths in kinds for path in paths]
    return lines + ([f"tmpdir\t{lane.tmpdir}"] if lane.tmpdir else [])

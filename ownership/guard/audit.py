"""The audit after each shell call: the work tree before and after, every out-of-lane change reported.

Reading a command can miss a write (`python -c`, a script made a moment before);
the audit does not read, it looks. At PreToolUse of a shell call the guard has
allowed (Bash, PowerShell, Monitor, another host's shell tool), `before` records
the work tree's dirty paths (`git status --porcelain=v2 -z --untracked-files=all`:
tracked and untracked changes, never ignored files) with each one's stat, and,
when the contract sets `restore: true`, its content as a git blob. At PostToolUse
`after` compares: a path dirty now and clean before, dirty before and changed
since, or gone is a change, judged for the acting agent by the guard's own
decision (Guard.check_one, the same sentence as a deny). Out-of-lane changes go
back to the agent as blocking feedback; with `restore: true` they are put back.

Not blamed on a call: a path another call was allowed to write while it ran.
Every allowed call leaves lines in a journal (`journal.jsonl`, always on,
bounded): its time, its agent's lane and the paths it was allowed to write at
PreToolUse, then at PostToolUse the in-lane paths it changed. A shell call still
running may write anything in its agent's lane, so its lane counts until it ends
(or for OPEN_LIMIT, Claude Code's longest Bash timeout).

Everything lives under the git folder, `.git/ownership/`: `calls/` (one snapshot
a call, pruned by count and age) and the journal.
"""

from __future__ import annotations

import json
import os
import stat as st
import time
from dataclasses import dataclass

from .. import git
from ..errors import OwnershipError
from ..report.common import reason, sentence
from .protocol import SHELL_TOOLS, Check, HookInput, Verdict

STORE = "ownership"
MAX_CALLS = 200  # snapshots kept; older ones are removed first
MAX_AGE_NS = 24 * 3600 * 10**9
OPEN_LIMIT_NS = 600 * 10**9  # Claude Code's Bash tool times out after at most 10 minutes
JOURNAL_BYTES = 512 * 1024  # past this the journal keeps only the lines of the last KEEP_NS
KEEP_NS = 3600 * 10**9
EXCLUDE_FILE = "info/exclude"  # decides what git ignores: a change to it is itself reported


@dataclass(frozen=True)
class Entry:
    """One dirty path at PreToolUse: its stat, its content (restore) and its index entry."""

    stat: tuple[int, ...] | None  # (size, mtime_ns, ctime_ns, inode, mode); None: missing
    blob: str | None = None  # the content, stored with `git hash-object -w` (restore: true)
    link: str | None = None  # a symlink's target
    index: tuple[str, str] | None = None  # (mode, object id); None: not in the index


@dataclass(frozen=True)
class Snapshot:
    key: str
    time: int  # ns since the epoch
    head: str | None
    entries: dict[str, Entry]
    exclude: tuple[int, ...] | None  # .git/info/exclude's stat
    flagged: frozenset[str] = frozenset()  # assume-unchanged or skip-worktree paths (git does not look at them)
    ignored: frozenset[str] = frozenset()
    config: tuple[int, ...] | None = None  # .git/config's stat (core.excludesFile lives there)


@dataclass(frozen=True)
class Changed:
    path: str  # repository-relative; a nested repository's folder ends with '/'
    kind: str  # created | modified | deleted


def is_shell(hook: HookInput) -> bool:
    return hook.command is not None or hook.tool in SHELL_TOOLS


def call_key(hook: HookInput) -> str:
    """The call's key: its tool_use_id, else the session and the command's hash."""
    if hook.tool_use_id:
        return "id:" + hook.tool_use_id
    from hashlib import sha256  # here: hashlib costs ~6 ms to import, and a file tool's call needs none

    digest = sha256(hook.shell_text.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"cmd:{hook.session_id or '-'}:{digest}"


def _store(git_dir: str, *parts: str) -> str:
    return os.path.join(git_dir, STORE, *parts)


def _snapshot_path(git_dir: str, key: str) -> str:
    from hashlib import sha256

    return _store(git_dir, "calls", sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".json")


# --- the work tree's state --------------------------------------------------------


def _lstat(path: str) -> tuple[int, ...] | None:
    try:
        s = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_mode)


def status(top: str) -> tuple[str | None, dict[str, tuple[str, str] | None | str], frozenset[str]]:
    """(HEAD or None, {dirty path: index entry (mode, oid), None when not in the index, 'unmerged'}, ignored
    entries: files, or a folder ending with '/' that an ignore pattern matches as a whole)."""
    out = git.run(
        ["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--ignored=matching",
         "--ignore-submodules=none", "--no-renames"], top,
    )  # fmt: skip
    head, dirty, ignored = None, {}, set()
    for field in out.split(b"\0"):
        if not field:
            continue
        kind = field[:1]
        if kind == b"#":
            if field.startswith(b"# branch.oid ") and field[13:] != b"(initial)":
                head = field[13:].decode("ascii")
        elif kind == b"1":
            parts = field.split(b" ", 8)
            mode, oid = parts[4].decode("ascii"), parts[7].decode("ascii")
            dirty[os.fsdecode(parts[8])] = None if mode == "000000" else (mode, oid)
        elif kind == b"u":
            dirty[os.fsdecode(field.split(b" ", 10)[10])] = "unmerged"
        elif kind == b"?":
            dirty[os.fsdecode(field[2:])] = None
        elif kind == b"!":
            ignored.add(os.fsdecode(field[2:]))
    return head, dirty, frozenset(ignored)


def _flagged(top: str) -> frozenset[str]:
    """Paths git does not compare with the work tree (assume-unchanged: lower-case tag; skip-worktree: S)."""
    out = git.run(["ls-files", "-v", "-z"], top)
    return frozenset(os.fsdecode(r[2:]) for r in out.split(b"\0") if r and (r[:1].islower() or r[:1] == b"S"))


def _hash(top: str, paths: list[str]) -> dict[str, str]:
    """{path: blob} for regular files, stored in the object database exactly as they are on disk."""
    blobs: dict[str, str] = {}
    for i in range(0, len(paths), 500):
        chunk = paths[i : i + 500]
        out = git.run(["hash-object", "-w", "--no-filters", "--", *chunk], top)
        blobs.update(zip(chunk, out.decode("ascii").split(), strict=True))
    return blobs


def take(top: str, git_dir: str, key: str, keep_content: bool) -> Snapshot:
    """The work tree's dirty paths now, with their stats (and contents when `keep_content`)."""
    now = time.time_ns()
    head, dirty, ignored = status(top)
    entries, regular = {}, []
    for path, index in dirty.items():
        full = os.path.join(top, path)
        stat = _lstat(full)
        link = os.readlink(full) if stat and st.S_ISLNK(stat[4]) else None
        entries[path] = Entry(stat, None, link, index if isinstance(index, tuple) else None)
        if keep_content and stat and st.S_ISREG(stat[4]):
            regular.append(path)
    if regular:
        for path, blob in _hash(top, regular).items():
            entries[path] = Entry(entries[path].stat, blob, None, entries[path].index)
    flagged = _flagged(top) if _uses_flags(git_dir) else frozenset()
    exclude, config = _lstat(os.path.join(git_dir, EXCLUDE_FILE)), _lstat(os.path.join(git_dir, "config"))
    return Snapshot(key, now, head, entries, exclude, flagged, ignored, config)


def _uses_flags(git_dir: str) -> bool:
    """Whether the index may hold assume-unchanged or skip-worktree entries (index format 3 or 4 marks them)."""
    try:
        with open(os.path.join(git_dir, "index"), "rb") as handle:
            header = handle.read(8)
    except OSError:
        return False
    return len(header) == 8 and int.from_bytes(header[4:8], "big") >= 3


def changes(top: str, git_dir: str, before: Snapshot) -> list[Changed]:
    """What changed in the work tree since `before`: new dirty paths, changed stats, gone paths."""
    _, dirty, ignored = status(top)
    found: list[Changed] = []
    for path in sorted(set(dirty) | set(before.entries)):
        now = _lstat(os.path.join(top, path))
        old = before.entries.get(path)
        if old is None:  # clean before: now it differs from the index
            found.append(Changed(path, "deleted" if now is None else "created" if dirty[path] is None else "modified"))
        elif old.stat != now and not (old.stat and now and _dir_same(old.stat, now)):
            found.append(Changed(path, "deleted" if now is None else "created" if old.stat is None else "modified"))
    flagged = _flagged(top) if before.flagged or _uses_flags(git_dir) else frozenset()
    for path in sorted(flagged - set(dirty) - set(before.entries)):
        now = _lstat(os.path.join(top, path))
        if path not in before.flagged or (now is not None and now[2] >= before.time):
            found.append(Changed(path, "modified" if now else "deleted"))  # hidden from git status during the call
    rules = _lstat(os.path.join(git_dir, "config")) != before.config
    if _lstat(os.path.join(git_dir, EXCLUDE_FILE)) != before.exclude:
        found.append(Changed(os.path.join(git_dir, EXCLUDE_FILE), "modified"))
        rules = True
    new = sorted(ignored - before.ignored)
    if rules or any(os.path.basename(p.rstrip("/")) == ".gitignore" for p in [*new, *(c.path for c in found)]):
        # An ignore rule changed during the call: what it newly hides was written during the call, or is old.
        for path in new:
            now = _lstat(os.path.join(top, path))
            if now is not None and now[2] >= before.time:
                found.append(Changed(path, "created"))
    return found


def _dir_same(old: tuple[int, ...], now: tuple[int, ...]) -> bool:
    """A nested repository's folder is compared by what it is, not by its changing times."""
    return st.S_ISDIR(old[4]) and st.S_ISDIR(now[4])


# --- storing snapshots --------------------------------------------------------------


def save(git_dir: str, snapshot: Snapshot) -> None:
    path = _snapshot_path(git_dir, snapshot.key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = {
        "key": snapshot.key, "time": snapshot.time, "head": snapshot.head,
        "exclude": snapshot.exclude, "flagged": sorted(snapshot.flagged), "ignored": sorted(snapshot.ignored),
        "config": snapshot.config,
        "entries": {p: [e.stat, e.blob, e.link, e.index] for p, e in snapshot.entries.items()},
    }  # fmt: skip
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, path)
    _prune(os.path.dirname(path), snapshot.time)


def load(git_dir: str, key: str) -> Snapshot | None:
    """The snapshot of the call, removed from the store (a call is audited once); None when there is none."""
    path = _snapshot_path(git_dir, key)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        os.unlink(path)
    except (OSError, ValueError):
        return None

    def stat(value) -> tuple[int, ...] | None:
        return tuple(value) if value else None

    entries = {
        p: Entry(stat(s), blob, link, tuple(index) if index else None)
        for p, (s, blob, link, index) in data["entries"].items()
    }
    return Snapshot(data["key"], data["time"], data["head"], entries, stat(data["exclude"]), frozenset(data["flagged"]))


def _prune(folder: str, now: int) -> None:
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".json")]
        aged = sorted(((os.stat(os.path.join(folder, n)).st_mtime_ns, n) for n in names), reverse=True)
    except OSError:
        return
    for i, (mtime, name) in enumerate(aged):
        if i >= MAX_CALLS or now - mtime > MAX_AGE_NS:
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


# --- the journal of allowed writes -----------------------------------------------------


def journal(git_dir: str, record: dict) -> None:
    """Append one line; past JOURNAL_BYTES keep only the last KEEP_NS of lines (under a lock where there is flock)."""
    path = _store(git_dir, "journal.jsonl")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    line = json.dumps(record) + "\n"
    with open(path, "a+", encoding="utf-8") as handle:
        _lock(handle)
        handle.write(line)
        handle.flush()
        if handle.tell() > JOURNAL_BYTES:
            handle.seek(0)
            cutoff = record["t"] - KEEP_NS
            kept = [ln for ln in handle if _time(ln) >= cutoff]
            handle.seek(0)
            handle.truncate()
            handle.write("".join(kept))


def _lock(handle) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: appends of one line stay whole; a compaction may lose a line written meanwhile
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _time(line: str) -> int:
    try:
        return int(json.loads(line)["t"])
    except (ValueError, KeyError, TypeError):
        return 0


def _read_journal(git_dir: str) -> list[dict]:
    try:
        with open(_store(git_dir, "journal.jsonl"), encoding="utf-8") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("t"), int):
            records.append(record)
    return records


@dataclass(frozen=True)
class Other:
    """Another call whose time overlapped this one: what it was allowed to write."""

    paths: frozenset[str]
    lane: str | None  # while a shell call runs: its agent's lane ('*': every path); None: only `paths`


def concurrent(git_dir: str, key: str, start: int, end: int) -> list[Other]:
    """The other calls that ran (or may have run) between `start` and `end`, with what they were allowed."""
    calls: dict[str, dict] = {}
    for record in _read_journal(git_dir):
        entry = calls.setdefault(record.get("call"), {"paths": set()})
        entry["paths"].update(p for p in record.get("paths") or () if isinstance(p, str))
        if record.get("event") == "pre":
            entry.update(start=record["t"], lane=record.get("lane"), shell=record.get("shell"))
        else:
            entry["end"] = record["t"]
    found = []
    for call, entry in calls.items():
        if call == key or "start" not in entry or entry["start"] > end:
            continue
        finished = entry.get("end")
        if finished is not None and finished < start:
            continue
        running = finished is None and end - entry["start"] <= OPEN_LIMIT_NS
        if finished is None and not running:
            continue
        found.append(Other(frozenset(entry["paths"]), entry.get("lane") if running and entry.get("shell") else None))
    return found


# --- the hook's two moments -------------------------------------------------------------


def lane_of(judge, contract, hook: HookInput) -> str | None:
    """What the acting agent may write, for the journal: '*' (free hands), its name, or None (nothing)."""
    kind, name, _ = judge.actor(contract, hook)
    if kind == "allow" or (kind == "unknown" and contract.unknown_agent == "allow"):
        return "*"
    return name if kind == "agent" else None


def before(judge, hook: HookInput, verdict: Verdict) -> None:
    """PreToolUse, the call allowed: the journal line, and for a shell call the snapshot.

    A store that cannot be written refuses the call (OwnershipError, one line): unaudited it would be unguarded.
    """
    try:
        _before(judge, hook, verdict)
    except OSError as exc:
        raise OwnershipError(
            f"cannot record the work tree before this call in {exc.filename or '.git/ownership'}: {exc.strerror}; "
            "the call is refused (the audit after it would see nothing)"
        ) from None


def _before(judge, hook: HookInput, verdict: Verdict) -> None:
    ws = judge.ws
    if not ws.in_git or ws.info is None:
        return
    main = judge.main()
    git_dir, key = ws.info.git_dir, call_key(hook)
    lane = lane_of(judge, main.contract, hook)
    shell = is_shell(hook)
    paths = sorted({c.path for c in verdict.checks if c.allowed})
    journal(git_dir, {"t": time.time_ns(), "call": key, "event": "pre", "agent": hook.agent, "lane": lane,
                      "shell": shell, "paths": paths})  # fmt: skip
    if shell and lane != "*":
        save(git_dir, take(main.top, git_dir, key, main.contract.restore))


def after(judge, hook: HookInput) -> Verdict:
    """PostToolUse (or its failure): what the call changed out of its lane, reported and, with restore, put back."""
    ws = judge.ws
    if not ws.in_git or ws.info is None:
        return Verdict(hook.event)
    git_dir, key = ws.info.git_dir, call_key(hook)
    end = time.time_ns()
    if not is_shell(hook):  # a file tool: its write was judged before; its line closes its time in the journal
        journal(git_dir, {"t": end, "call": key, "event": "post", "paths": []})
        return Verdict(hook.event)
    main = judge.main()
    lane = lane_of(judge, main.contract, hook)
    snapshot = load(git_dir, key)
    if snapshot is None:
        if lane == "*":
            return Verdict(hook.event)
        journal(git_dir, {"t": end, "call": key, "event": "post", "paths": []})
        said = (
            f"ownership: no snapshot of the work tree was taken before this {hook.tool} call (its PreToolUse hook "
            "did not run here, or ran for another project), so the audit cannot tell what it changed; "
            "run `git status` and hand any change outside your lane to its owner"
        )
        return Verdict(hook.event, (Check(".", False, "audit", None, said),), said)
    found = changes(main.top, git_dir, snapshot)
    others = concurrent(git_dir, key, snapshot.time, end)
    checks, mine = [], []
    for change in found:
        if _excused(judge, main, change.path, others):
            continue
        check = _judge(judge, main, hook, change)
        if check.allowed:
            mine.append(change.path)
        else:
            checks.append((change, check))
    journal(git_dir, {"t": end, "call": key, "event": "post", "paths": mine})
    if not checks:
        return Verdict(hook.event)
    restored = restore(main.top, git_dir, snapshot, [c for c, _ in checks]) if main.contract.restore else None
    who = judge.actor(main.contract, hook)[2]
    return Verdict(hook.event, tuple(c for _, c in checks), report(hook, who, checks, restored))


def _excused(judge, main, path: str, others: list[Other]) -> bool:
    for other in others:
        if path in other.paths or any(p.endswith("/") and path.startswith(p) for p in other.paths):
            return True
        if other.lane == "*":
            return True
        if other.lane and not os.path.isabs(path) and main.engine.decide(path, other.lane).can_write:
            return True
    return False


def _judge(judge, main, hook: HookInput, change: Changed) -> Check:
    if os.path.isabs(change.path):  # the git folder's exclude file: what git ignores, so what the audit sees
        kind, _, who = judge.actor(main.contract, hook)
        if kind == "allow":
            return Check(change.path, True, "coordinator")
        said = (
            f"ownership: {who} may not write {EXCLUDE_FILE} in the git folder: it decides which files git and this "
            "audit ignore; owners: no agent (a person must change it)"
        )
        return Check(".git/" + EXCLUDE_FILE, False, "protected", None, said)
    folder = change.path.endswith("/")
    full = os.path.join(main.top, change.path.rstrip("/"))
    kind, name, who = judge.actor(main.contract, hook)
    if not folder or kind != "agent":
        return judge.check_one(full, folder, hook, main, None)
    # A nested repository's folder: its files judged under this contract (the guard would see another work tree).
    for file, decision in judge._decisions(main.engine, name, full, change.path.rstrip("/"), True, main.contract):
        if not decision.can_write:
            why = reason(decision.access, False, decision.rule)
            said = sentence(who, f"{file} (in {change.path})", False, why, main.engine.owners(file))
            return Check(file, False, decision.access, decision.rule, "ownership: " + said)
    return Check(change.path, True, "owns")


def report(hook: HookInput, who: str, checks: list[tuple[Changed, Check]], restored: list[str] | None) -> str:
    """The feedback the agent gets: each change, the guard's sentence for it, what was put back."""
    lines = [
        f"ownership: this {hook.tool or 'shell'} call changed {len(checks)} path(s) outside the lane of {who} "
        "(seen by the audit after the call):"
    ]
    for change, check in checks:
        lines.append(f"  {change.kind}: {check.reason.removeprefix('ownership: ')}")
    if restored is None:
        lines.append("Undo these changes (or hand them to their owners); `ownership explain PATH` names the owners.")
    elif restored:
        lines.append("restored (restore: true): " + ", ".join(restored))
    return "\n".join(lines)


# --- restore -------------------------------------------------------------------------------


def restore(top: str, git_dir: str, snapshot: Snapshot, changed: list[Changed]) -> list[str]:
    """Put back each changed path as the snapshot saw it: a dirty file's saved content, a clean file's content
    at the snapshot's HEAD (index entry included), nothing where there was nothing. Returns the paths put back."""
    paths = [c.path.rstrip("/") for c in changed if not os.path.isabs(c.path)]
    clean = [p for p in paths if p not in snapshot.entries]
    tree = _tree(top, snapshot.head, clean)
    wanted = {p: tree[p][1] for p in clean if p in tree and tree[p][0] != "160000"}
    wanted.update({p: e.blob for p in paths if (e := snapshot.entries.get(p)) and e.blob})
    contents = git.read_objects(top, sorted(set(wanted.values())))
    index_lines, done = [], []
    for path in paths:
        full = os.path.join(top, path)
        entry = snapshot.entries.get(path)
        if entry is None:
            if path in tree:
                mode, oid = tree[path]
                _put(full, mode, contents.get(oid))
                index_lines.append(f"{mode} {oid}\t{path}")
            else:
                _remove(full)
                index_lines.append(f"0 {'0' * 40}\t{path}")
        elif entry.stat is None:
            _remove(full)
        elif entry.link is not None:
            _put(full, "120000", os.fsencode(entry.link))
        elif entry.blob is not None:
            _put(full, "100755" if entry.stat[4] & 0o111 else "100644", contents.get(entry.blob))
        else:
            continue  # a folder (nested repository) that was there before: left as it is
        if entry is not None:
            mode_oid = entry.index
            index_lines.append(f"{mode_oid[0]} {mode_oid[1]}\t{path}" if mode_oid else f"0 {'0' * 40}\t{path}")
        done.append(path)
    if index_lines:
        data = b"".join(os.fsencode(line) + b"\0" for line in index_lines)
        git.call(["update-index", "-z", "--index-info"], top, input=data, ok=(0, 128))
    return done


def _tree(top: str, head: str | None, paths: list[str]) -> dict[str, tuple[str, str]]:
    if not head or not paths:
        return {}
    out = git.run(["ls-tree", "-z", "--full-tree", "--end-of-options", head, *paths], top)
    entries = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, _, oid = meta.decode("ascii").split()
            entries[os.fsdecode(path)] = (mode, oid)
    return entries


def _remove(full: str) -> None:
    import shutil

    if os.path.isdir(full) and not os.path.islink(full):
        shutil.rmtree(full, ignore_errors=True)
    elif os.path.lexists(full):
        os.unlink(full)


def _put(full: str, mode: str, content: bytes | None) -> None:
    if content is None:
        return
    _remove(full)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if mode == "120000":
        os.symlink(os.fsdecode(content), full)
        return
    with open(full, "wb") as handle:
        handle.write(content)
    os.chmod(full, 0o755 if mode == "100755" else 0o644)

"""CODEOWNERS → a contract.

Each line goes to its owners' OWNS, later lines as '!' rules of the earlier
owners. Since a '!' cannot reach into a folder taken whole, an owner that
needs one gets its patterns as the files they reach and a last `!*/` (see
owns_entries), and every tracked file is checked.
"""

from __future__ import annotations

import re

from ..core.engine import Engine
from ..core.globs import GlobError, translate
from ..core.model import Contract
from ..errors import ContractError, ContractErrors, UsageError, excerpt
from .common import Line, Matcher, ownership_of, parse_codeowners

# --- CODEOWNERS → contract ----------------------------------------------------------


def agent_name(handle: str, taken: set[str]) -> str:
    """A safe agent name for a handle: @org/backend-team → backend-team, jo@example.com → jo."""
    if handle.startswith("@"):
        org, _, team = handle[1:].partition("/")
        choices = [team, f"{org}-{team}"] if team else [org]
    else:
        local, _, domain = handle.partition("@")
        choices = [local, f"{local}-{domain}"]
    for choice in choices:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", choice).strip("-._") or "owner"
        if name not in taken:
            return name
    base, n = name, 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _literal_segments(pattern: str) -> list[str] | None:
    """The literal leading folders of an anchored pattern; None for an unanchored one (it may be anywhere)."""
    text = pattern.lstrip("!")
    if "/" not in text.rstrip("/"):
        return None
    out = []
    for segment in text.strip("/").split("/"):
        if re.search(r"[*?\[\\]", segment):
            break
        out.append(segment)
    return out


def _may_overlap(a: str, b: str) -> bool:
    left, right = _literal_segments(a), _literal_segments(b)
    if left is None or right is None:
        return True
    return all(x == y for x, y in zip(left, right, strict=False))


def _shallow(pattern: str) -> bool:
    """CODEOWNERS `dir/*`: the files directly in dir only (gitignore's `dir/*` takes its subfolders too)."""
    return pattern.endswith("/*") and not pattern.endswith("/**/*")


class TrackedFolders:
    """The folders above a list of files, and whether a pattern names one of them."""

    def __init__(self, files: list[str]) -> None:
        found: set[str] = set()
        for path in files:
            at = path.find("/")
            while at > 0:
                found.add(path[:at])
                at = path.find("/", at + 1)
        self.folders = sorted(found)
        self._named: dict[str, bool] = {}

    def named(self, pattern: str) -> bool:
        if pattern not in self._named:
            try:
                glob = translate(pattern)
            except GlobError:  # loading the contract reports the pattern
                glob = None
            self._named[pattern] = glob is not None and any(glob.matches(d, is_dir=True) for d in self.folders)
        return self._named[pattern]


def file_forms(pattern: str, folders: TrackedFolders) -> list[str]:
    """gitignore patterns that match, as files, the tracked files a CODEOWNERS pattern reaches.

    A CODEOWNERS line reaches what its pattern names and everything under it; a gitignore pattern
    names nodes, and reaches below a folder only while the folder is taken whole. So `dir/` becomes
    `dir/**`; `dir/*` (the files directly in dir) and a pattern ending in `/**` already are what
    CODEOWNERS reaches; a name `n` stays `n`, with `n/**` after it when a tracked folder is named `n`
    (rare, so the rule is written only then: lint would call it a rule that matches nothing).
    """
    if pattern.endswith("/"):
        body = pattern[:-1]
        if body.rsplit("/", 1)[-1] == "**":
            return [body + "/*/**"]  # `a/**/` reaches a/x/y, not a/x: `a/**/**` would take a/x
        return [(body if "/" in body else "**/" + body) + "/**"]
    if _shallow(pattern) or pattern in ("*", "**") or pattern.endswith("/**"):
        return [pattern]
    below = (pattern if "/" in pattern else "**/" + pattern) + "/**"
    return [pattern, below] if folders.named(pattern) else [pattern]


UNTAKE = "!*/"  # no folder is taken whole: each file goes by the last rule that names it itself


def owns_entries(lines: list[Line], handle: str, source: str, folders: TrackedFolders) -> list[tuple[str, str]]:
    """One owner's OWNS rules (gitignore, in order) from CODEOWNERS lines, with the line each comes from.

    A line of the owner adds its pattern; a later line of others that may reach the same paths takes
    them away with '!' rules. Under git's parent-folder rule a '!' cannot take anything out of a folder
    an earlier rule took whole, and gitignore's `dir/*` takes dir's subfolders whole where CODEOWNERS
    `dir/*` names only the files directly in dir. An owner with a '!' rule or a `dir/*` line therefore
    gets each pattern as the files it reaches (`file_forms`) and a last rule `!*/`, so that no folder
    is taken whole and each file goes by the last rule naming it, as in CODEOWNERS. An owner without
    either keeps its patterns as written: a list without '!' takes a path where a pattern reaches it.
    """
    chosen: list[tuple[str, bool, str]] = []
    for line in lines:
        mine = handle in line.owners
        pattern = line.pattern[:-2] if line.pattern.endswith("/**/*") else line.pattern
        note = f"{source}:{line.number}"
        if not mine:
            if not any(m and _may_overlap(p, pattern) for p, m, _ in chosen):
                continue
            note += f" ({' '.join(line.owners) or 'no owner'})"
        chosen.append((pattern, mine, note))
    if all(mine and not _shallow(p) for p, mine, _ in chosen):
        return [(p, note) for p, _, note in chosen]
    rules = [(("" if mine else "!") + form, note) for p, mine, note in chosen for form in file_forms(p, folders)]
    return rules + [(UNTAKE, "no folder taken whole: each file goes by its own last rule, as in CODEOWNERS")]


def contract_yaml(lines: list[Line], source: str, files: list[str]) -> tuple[str, dict[str, str]]:
    """The ownership.yaml text for CODEOWNERS lines, and agent name → handle; exact on `files` (see file_forms)."""
    import json

    handles = list(dict.fromkeys(o for line in lines for o in line.owners))
    folders = TrackedFolders(files)
    names: dict[str, str] = {}
    for handle in handles:
        names[handle] = agent_name(handle, set(names.values()))
    out = [
        f"# Imported by `ownership import codeowners` from {source}: one agent per owner.",
        "# Each rule names its CODEOWNERS line. A later line takes its paths from the owners",
        "# of earlier ones, as GitHub's last match does: those are the '!' rules. A list with",
        "# '!' rules ends with '!*/': git keeps a folder taken whole whatever a later '!' says,",
        "# so no folder is taken whole and each file goes by the last rule that names it.",
        "version: 1",
        "root: .",
        "unlisted: deny",
        "agents:",
    ]
    for handle in handles:
        rules = owns_entries(lines, handle, source, folders)
        out.append(f"  {names[handle]}:")
        out.append(f"    codeowner: {json.dumps(handle)}")
        out.append("    owns:")
        width = max(len(json.dumps(p)) for p, _ in rules)
        out += [f"      - {json.dumps(p):<{width}}  # {note}" for p, note in rules]
    return "\n".join(out) + "\n", {names[h]: h for h in handles}


class _OverlayReader:
    """The working tree, with one file replaced: to load a contract before writing it."""

    def __init__(self, base, path: str, data: bytes) -> None:
        self.base, self.path, self.data = base, path, data

    def read(self, path: str) -> bytes | None:
        return self.data if path == self.path else self.base.read(path)

    def files_under(self, folder: str) -> list[str]:
        return self.base.files_under(folder)


def import_codeowners(ws, text: str, source: str, output: str) -> tuple[str, Contract, list[str]]:
    """CODEOWNERS text → (ownership.yaml text, its contract, the owned files it protects), checked on every
    tracked file: the contract gives each the owners GitHub's last matching line gives it."""
    from ..sources import load

    lines = parse_codeowners(text, source)
    if not any(line.owners for line in lines):
        raise UsageError(f"{source}: no line names an owner; nothing to import")
    yaml_text, handle_of = contract_yaml(lines, source, ws.tracked_files)
    contract = load(_OverlayReader(ws.reader, output, yaml_text.encode()), output)
    engine = Engine(contract, ws.ignorecase)
    matcher = Matcher(lines)
    errors: dict[int, ContractError] = {}
    protected = []
    for path in ws.tracked_files:
        state = ownership_of(engine, path)
        line = matcher.line_for(path)
        wanted = set(line.owners if line else ())
        if state.status == "protected":
            protected += [path] if wanted else []
            continue
        got = {handle_of[a] for a in state.agents}
        if got == wanted:
            continue
        # The rules reach what the lines reach (file_forms); core.ignorecase can still tell them apart.
        number = line.number if line else None
        why = (
            "GitHub matches case-sensitively and core.ignorecase is true here"
            if ws.ignorecase
            else "the rules cannot say this; please report it"
        )
        problem = (
            f"{excerpt(path)}: the imported rules give it {' '.join(sorted(got)) or 'no owner'} where CODEOWNERS "
            f"gives it {' '.join(sorted(wanted)) or 'no owner'} ({why})"
        )
        errors.setdefault(number or 0, ContractError(source, number, problem))
    if errors:
        raise ContractErrors(list(errors.values()))
    return yaml_text, contract, protected
